/* The SFTP engine (internal-sftp): version 3 as OpenSSH's sftp-server
 * speaks it (draft-ietf-secsh-filexfer-02 and OpenSSH's PROTOCOL). It runs
 * inside the user's own post-authentication process, never execs, and
 * knows nothing of channels: bytes go in with sftp_input, sftp_run handles
 * every complete request while the output backlog is below SFTP_OUT_HIGH,
 * and the replies wait in the output until the caller takes them
 * (sftp_out, sftp_sent). A caller that stops taking output stops the
 * engine, and a caller that stops acknowledging input (sftp_inlen) stops
 * the peer: nothing grows without bound. */
#ifndef SSHL_SFTP_H
#define SSHL_SFTP_H

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "transport/buf.h"
#include "transport/log.h"

/* sftp-server's limits (SFTP_MAX_MSG_LENGTH and what limits@openssh.com
 * derives from it): a request is at most 256 KiB after its length */
#define SFTP_MAX_MSG (256u * 1024)
#define SFTP_MAX_READ (SFTP_MAX_MSG - 1024)
#define SFTP_MAX_WRITE (SFTP_MAX_MSG - 1024)
#define SFTP_MAX_HANDLES 256
/* output waiting for the peer above which no request is handled: a READ
 * reply is at most SFTP_MAX_READ + 13 bytes, so one more always fits */
#define SFTP_OUT_HIGH (512u * 1024)
/* replies waiting at or below which they may move to the front of the
 * output buffer to make room (sftp.c, out_room) */
#define SFTP_OUT_MOVE (64u * 1024)
/* input buffered beyond which the caller stops acknowledging it */
#define SFTP_IN_HIGH (512u * 1024)
/* the channel window internal-sftp offers: OpenSSH's sftp sends WRITEs of
 * SFTP_MAX_WRITE (what limits@openssh.com says), so the session's 256 KiB
 * window let one WRITE be in flight and a put waited a round trip per
 * request; two fit in this one. The input buffer holds at most
 * SFTP_IN_HIGH acknowledged + this window + what was handled but not yet
 * moved out (under 64 KiB), which its bound covers. */
#define SFTP_WINDOW (512u * 1024)
/* replies the peer may hold received and not yet consumed before more
 * wait (sftp_chan.c): enough to keep it busy, little enough that its own
 * buffers stay small */
#define SFTP_PEER_AHEAD (512u * 1024)
/* bytes copy-data copies between two looks at the rest of the connection */
#define SFTP_COPY_STEP (1024u * 1024)

/* packet types */
enum {
	SSH_FXP_INIT = 1, SSH_FXP_VERSION = 2, SSH_FXP_OPEN = 3, SSH_FXP_CLOSE = 4, SSH_FXP_READ = 5,
	SSH_FXP_WRITE = 6, SSH_FXP_LSTAT = 7, SSH_FXP_FSTAT = 8, SSH_FXP_SETSTAT = 9, SSH_FXP_FSETSTAT = 10,
	SSH_FXP_OPENDIR = 11, SSH_FXP_READDIR = 12, SSH_FXP_REMOVE = 13, SSH_FXP_MKDIR = 14,
	SSH_FXP_RMDIR = 15, SSH_FXP_REALPATH = 16, SSH_FXP_STAT = 17, SSH_FXP_RENAME = 18,
	SSH_FXP_READLINK = 19, SSH_FXP_SYMLINK = 20,
	SSH_FXP_STATUS = 101, SSH_FXP_HANDLE = 102, SSH_FXP_DATA = 103, SSH_FXP_NAME = 104,
	SSH_FXP_ATTRS = 105, SSH_FXP_EXTENDED = 200, SSH_FXP_EXTENDED_REPLY = 201,
};

/* status codes */
enum {
	SSH_FX_OK = 0, SSH_FX_EOF = 1, SSH_FX_NO_SUCH_FILE = 2, SSH_FX_PERMISSION_DENIED = 3,
	SSH_FX_FAILURE = 4, SSH_FX_BAD_MESSAGE = 5, SSH_FX_NO_CONNECTION = 6, SSH_FX_CONNECTION_LOST = 7,
	SSH_FX_OP_UNSUPPORTED = 8,
};

/* attribute flags */
enum {
	SSH_FILEXFER_ATTR_SIZE = 1, SSH_FILEXFER_ATTR_UIDGID = 2, SSH_FILEXFER_ATTR_PERMISSIONS = 4,
	SSH_FILEXFER_ATTR_ACMODTIME = 8, SSH_FILEXFER_ATTR_EXTENDED = 0x80000000u,
};

/* open flags */
enum {
	SSH_FXF_READ = 1, SSH_FXF_WRITE = 2, SSH_FXF_APPEND = 4, SSH_FXF_CREAT = 8, SSH_FXF_TRUNC = 0x10,
	SSH_FXF_EXCL = 0x20,
};

struct sftp_attr {
	uint32_t flags;
	uint64_t size;
	uint32_t uid, gid, perm, atime, mtime;
};

enum { H_FREE = 0, H_FILE, H_DIR };

struct sftp_handle {
	int kind;
	int fd;             /* H_FILE */
	DIR *dir;           /* H_DIR */
	int oflags;         /* open(2) flags, for O_APPEND and the access mode */
	char *path;         /* as opened, for the log and readdir */
	uint64_t rbytes, wbytes;
};

struct sftp {
	const struct logger *log;
	int level;            /* -l: the engine's own log threshold */
	int readonly;         /* -R */
	int umask;            /* -u, or -1 */
	char *deny, *allow;   /* -P, -p: comma-separated request names */
	char user[64], home[512], from[64];
	char start[PATH_MAX]; /* -d, or the home: where relative paths start */
	int inited;
	uint32_t tag;         /* in every handle: another session's do not match */
	struct sftp_handle h[SFTP_MAX_HANDLES];
	int nh;
	struct buf in, out;
	size_t in_off, out_off;
	int dead;             /* a fatal error: nothing more is handled */
	/* a copy-data in progress: done a step (SFTP_COPY_STEP bytes) per
	 * sftp_run, so a big copy does not hold up the connection's other
	 * channels; no request is handled until it has answered */
	struct sftp_copy {
		int active;
		uint32_t id;
		struct sftp_handle *r, *w;
		uint64_t roff, woff, left; /* left 0: to the end of the file */
		int to_end;
	} copy;
};

/* One request as the handlers see it: its id and its fields. */
struct sftp_req {
	uint32_t id;
	struct rd r;
};

/* sftp.c: the engine. args is what follows "internal-sftp" on the
 * Subsystem line (sftp-server's flags). NULL on bad flags (logged). */
struct sftp *sftp_new(const struct logger *log, const char *args, const char *user, const char *home,
		      const char *from);
void sftp_free(struct sftp *s);
int sftp_input(struct sftp *s, const uint8_t *p, size_t n);
/* handles what it can; SSH_OK, or an error after which the session ends.
 * While a copy-data runs, one step of it and nothing else: call again
 * after serving the rest of the connection (sftp_busy). */
int sftp_run(struct sftp *s);
/* 1 when a complete request waits or a copy has more to do, and the
 * output has room for its reply (below SFTP_OUT_HIGH, and space behind) */
int sftp_ready(const struct sftp *s);
/* 1 while a copy-data is in progress */
int sftp_busy(const struct sftp *s);
/* sftp_ext.c: the next step of the copy in progress; the status reply
 * when it ends */
int sftp_copy_step(struct sftp *s);
size_t sftp_inlen(const struct sftp *s);
size_t sftp_outlen(const struct sftp *s);
const uint8_t *sftp_out(const struct sftp *s);
void sftp_sent(struct sftp *s, size_t n);

/* helpers shared by the request files (sftp.c) */
void sftp_log(const struct sftp *s, int prio, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int sftp_errno(int e);
int sftp_status(struct sftp *s, uint32_t id, uint32_t code);
/* starts a reply of type for id; finish with sftp_reply_end */
struct buf *sftp_reply(struct sftp *s, uint8_t type, uint32_t id, size_t *mark);
int sftp_reply_end(struct sftp *s, size_t mark);
/* a NAME reply of one name, its long name the same, no attributes
 * (REALPATH, READLINK, expand-path, home-directory) */
int sftp_one_name(struct sftp *s, uint32_t id, const char *name);
/* a path field made absolute against s->start into out; 0, or -1 when it
 * is missing, holds a NUL or is too long (a bad message) */
int sftp_path(const struct sftp *s, struct rd *r, char *out, size_t outlen);
/* a string field without NUL as a C string into out; 0 or -1 */
int sftp_cstr(struct rd *r, char *out, size_t outlen);
/* a handle field: the handle of kind (0: any), or NULL */
struct sftp_handle *sftp_handle(struct sftp *s, struct rd *r, int kind);
int sftp_handle_new(struct sftp *s, int kind, int fd, DIR *dir, int oflags, const char *path);
int sftp_put_handle(struct sftp *s, uint32_t id, int idx);
void sftp_handle_close(struct sftp *s, struct sftp_handle *h);

/* sftp_attr.c */
int sftp_rd_attr(struct rd *r, struct sftp_attr *a);
void sftp_put_attr(struct buf *b, const struct sftp_attr *a);
void sftp_stat_attr(const struct stat *st, struct sftp_attr *a);
/* applies a SETSTAT's attributes to path (fd >= 0: that file; nofollow:
 * lsetstat); returns a status */
int sftp_apply(struct sftp *s, const char *path, int fd, int nofollow, const struct sftp_attr *a);
/* ls -l's line for readdir's long name */
void sftp_longname(char *out, size_t n, const char *name, const struct stat *st);

/* the request handlers: each parses its fields, ends with rd_end, and
 * sends exactly one reply; a parse error is returned (BAD_MESSAGE) */
typedef int (*sftp_fn)(struct sftp *s, struct sftp_req *q);
/* sftp_file.c */
int sftp_open(struct sftp *s, struct sftp_req *q);
int sftp_close(struct sftp *s, struct sftp_req *q);
int sftp_read(struct sftp *s, struct sftp_req *q);
int sftp_write(struct sftp *s, struct sftp_req *q);
int sftp_fstat(struct sftp *s, struct sftp_req *q);
int sftp_fsetstat(struct sftp *s, struct sftp_req *q);
/* sftp_dir.c */
int sftp_opendir(struct sftp *s, struct sftp_req *q);
int sftp_readdir(struct sftp *s, struct sftp_req *q);
int sftp_remove(struct sftp *s, struct sftp_req *q);
int sftp_mkdir(struct sftp *s, struct sftp_req *q);
int sftp_rmdir(struct sftp *s, struct sftp_req *q);
/* sftp_path.c */
int sftp_stat(struct sftp *s, struct sftp_req *q);
int sftp_lstat(struct sftp *s, struct sftp_req *q);
int sftp_setstat(struct sftp *s, struct sftp_req *q);
int sftp_realpath(struct sftp *s, struct sftp_req *q);
int sftp_rename(struct sftp *s, struct sftp_req *q);
int sftp_readlink(struct sftp *s, struct sftp_req *q);
int sftp_symlink(struct sftp *s, struct sftp_req *q);
/* realpath(3) letting the last component be missing (sftp_path.c) */
int sftp_resolve(const char *path, char *out);
/* sftp_ext.c: SSH_FXP_EXTENDED; the extension names for VERSION */
int sftp_extended(struct sftp *s, struct sftp_req *q);
void sftp_put_extensions(struct buf *b);
/* 1 when the request (by sftp-server's -P/-p/-Q name) may run */
int sftp_permitted(struct sftp *s, const char *name, int writes);
extern const char *const sftp_ext_names[];

#endif
