/* SFTP extensions as OpenSSH's sftp-server offers them (its PROTOCOL file,
 * section 4): each a row {wire name, -P/-p name, writes, handler}. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "services/sftp.h"
#include "transport/namelist.h"

/* copy-data's piece per read: the reply buffer is not needed for it */
#define COPY_CHUNK (64u * 1024)
/* fuzz/fuzz_sftp.c's bound on offsets */
#define FUZZ_MAX_OFF (1u << 20)

static int two_paths(struct sftp *s, struct sftp_req *q, char *a, char *b)
{
	/* oldpath, newpath */
	if (sftp_path(s, &q->r, a, PATH_MAX) || sftp_path(s, &q->r, b, PATH_MAX) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	return SSH_OK;
}

static int x_posix_rename(struct sftp *s, struct sftp_req *q)
{
	char from[PATH_MAX], to[PATH_MAX];
	if (two_paths(s, q, from, to) != SSH_OK)
		return SSH_ERR_FORMAT;
	sftp_log(s, LOG_INFO, "posix-rename old \"%s\" new \"%s\"", from, to);
	return sftp_status(s, q->id, rename(from, to) < 0 ? (uint32_t)sftp_errno(errno) : SSH_FX_OK);
}

static int x_hardlink(struct sftp *s, struct sftp_req *q)
{
	char from[PATH_MAX], to[PATH_MAX];
	if (two_paths(s, q, from, to) != SSH_OK)
		return SSH_ERR_FORMAT;
	sftp_log(s, LOG_INFO, "hardlink old \"%s\" new \"%s\"", from, to);
	return sftp_status(s, q->id, link(from, to) < 0 ? (uint32_t)sftp_errno(errno) : SSH_FX_OK);
}

static int put_statvfs(struct sftp *s, uint32_t id, const struct statvfs *v)
{
	size_t mark;
	struct buf *b = sftp_reply(s, SSH_FXP_EXTENDED_REPLY, id, &mark);
	/* PROTOCOL 4.4: bsize frsize blocks bfree bavail files ffree favail
	 * fsid flag namemax, the flags as ST_RDONLY 1 and ST_NOSUID 2 */
	const uint64_t f[] = {v->f_bsize, v->f_frsize, v->f_blocks, v->f_bfree, v->f_bavail, v->f_files,
			      v->f_ffree, v->f_favail, v->f_fsid,
			      ((v->f_flag & ST_RDONLY) ? 1u : 0u) | ((v->f_flag & ST_NOSUID) ? 2u : 0u),
			      v->f_namemax};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		buf_u64(b, f[i]);
	return sftp_reply_end(s, mark);
}

static int x_statvfs(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX];
	struct statvfs v;
	/* path */
	if (sftp_path(s, &q->r, path, sizeof path) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (statvfs(path, &v) < 0)
		return sftp_status(s, q->id, (uint32_t)sftp_errno(errno));
	return put_statvfs(s, q->id, &v);
}

static int x_fstatvfs(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h = sftp_handle(s, &q->r, H_FILE);
	struct statvfs v;
	int e;
	/* handle */
	if ((e = rd_end(&q->r)) != SSH_OK)
		return e;
	if (!h)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	if (fstatvfs(h->fd, &v) < 0)
		return sftp_status(s, q->id, (uint32_t)sftp_errno(errno));
	return put_statvfs(s, q->id, &v);
}

static int x_fsync(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h = sftp_handle(s, &q->r, H_FILE);
	int e;
	/* handle */
	if ((e = rd_end(&q->r)) != SSH_OK)
		return e;
	if (!h)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	return sftp_status(s, q->id, fsync(h->fd) < 0 ? (uint32_t)sftp_errno(errno) : SSH_FX_OK);
}

static int x_lsetstat(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX];
	struct sftp_attr a;
	/* path, attrs */
	if (sftp_path(s, &q->r, path, sizeof path) || sftp_rd_attr(&q->r, &a) != SSH_OK ||
	    rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	return sftp_status(s, q->id, (uint32_t)sftp_apply(s, path, -1, 1, &a));
}

static int x_limits(struct sftp *s, struct sftp_req *q)
{
	struct rlimit rl;
	uint64_t handles = SFTP_MAX_HANDLES;
	size_t mark;
	struct buf *b;
	int e;
	if ((e = rd_end(&q->r)) != SSH_OK)
		return e;
	/* the server's other descriptors need some of the process's limit */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < handles + 32)
		handles = rl.rlim_cur > 64 ? rl.rlim_cur - 32 : 32;
	b = sftp_reply(s, SSH_FXP_EXTENDED_REPLY, q->id, &mark);
	/* max-packet-length, max-read-length, max-write-length, max-open-handles */
	buf_u64(b, SFTP_MAX_MSG);
	buf_u64(b, SFTP_MAX_READ);
	buf_u64(b, SFTP_MAX_WRITE);
	buf_u64(b, handles);
	return sftp_reply_end(s, mark);
}

/* expand-path: ~ and ~user at the start, then as REALPATH */
static int x_expand_path(struct sftp *s, struct sftp_req *q)
{
	char in[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	const char *home = s->home, *rest = in;
	/* path */
	if (sftp_cstr(&q->r, in, sizeof in) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
#ifdef SSHL_FUZZ
	/* only the scratch directory (fuzz/fuzz_sftp.c) */
	if (in[0] == '~' || strstr(in, "..") || in[0] == '/')
		return sftp_status(s, q->id, SSH_FX_PERMISSION_DENIED);
#endif
	if (in[0] == '~') {
		size_t ulen = strcspn(in + 1, "/");
		rest = in + 1 + ulen;
		if (ulen) {
			char user[256];
			struct passwd *pw;
			snprintf(user, sizeof user, "%.*s", (int)ulen, in + 1);
			if (!(pw = getpwnam(user)))
				return sftp_status(s, q->id, SSH_FX_NO_SUCH_FILE);
			home = pw->pw_dir;
		}
		while (*rest == '/')
			rest++;
		if (snprintf(path, sizeof path, "%s/%s", home, rest) >= (int)sizeof path)
			return sftp_status(s, q->id, SSH_FX_BAD_MESSAGE);
	} else if (snprintf(path, sizeof path, "%s%s%s", in[0] == '/' ? "" : s->start,
			    in[0] == '/' ? "" : "/", in[0] ? in : ".") >= (int)sizeof path) {
		return sftp_status(s, q->id, SSH_FX_BAD_MESSAGE);
	}
	if (sftp_resolve(path, real) < 0)
		return sftp_status(s, q->id, (uint32_t)sftp_errno(errno));
	return sftp_one_name(s, q->id, real);
}

static int x_home_directory(struct sftp *s, struct sftp_req *q)
{
	char user[256];
	struct passwd *pw;
	/* username */
	if (sftp_cstr(&q->r, user, sizeof user) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (!(pw = getpwnam(user)))
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	return sftp_one_name(s, q->id, pw->pw_dir);
}

/* a string holding a name per id of ids (empty when unknown);
 * SSH_ERR_TOOBIG once the buffer passes limit */
static int put_names(struct buf *b, struct rd *ids, int groups, size_t limit)
{
	size_t mark;
	uint32_t id;
	buf_string_begin(b, &mark);
	while (rd_left(ids)) {
		const char *name = "";
		if (rd_u32(ids, &id) != SSH_OK)
			return SSH_ERR_FORMAT;
		if (groups) {
			struct group *gr = getgrgid(id);
			name = gr ? gr->gr_name : "";
		} else {
			struct passwd *pw = getpwuid(id);
			name = pw ? pw->pw_name : "";
		}
		buf_cstring(b, name);
		if (b->len > limit)
			return SSH_ERR_TOOBIG;
	}
	buf_string_end(b, mark);
	return SSH_OK;
}

static int x_users_groups(struct sftp *s, struct sftp_req *q)
{
	struct rd uids, gids;
	size_t mark, start = s->out.len;
	struct buf *b;
	int e;
	/* uids and gids, each a string of uint32s */
	if ((e = rd_sub(&q->r, &uids)) != SSH_OK || (e = rd_sub(&q->r, &gids)) != SSH_OK ||
	    (e = rd_end(&q->r)) != SSH_OK)
		return e;
	/* each id at most once in a request of at most 256 KiB: 64 Ki names */
	if (rd_left(&uids) % 4 || rd_left(&gids) % 4)
		return SSH_ERR_FORMAT;
	/* The reply must fit the packet size every client takes (its length
	 * at most SFTP_MAX_MSG, as sftp-server's requests): a list whose
	 * names would not fit gets a FAILURE status and the session goes on,
	 * where a longer reply would make OpenSSH's sftp give up the session
	 * ("Received message too long") */
	b = sftp_reply(s, SSH_FXP_EXTENDED_REPLY, q->id, &mark);
	if ((e = put_names(b, &uids, 0, start + 4 + SFTP_MAX_MSG)) != SSH_OK ||
	    (e = put_names(b, &gids, 1, start + 4 + SFTP_MAX_MSG)) != SSH_OK) {
		s->out.len = start;
		if (e != SSH_ERR_TOOBIG)
			return e;
		sftp_log(s, LOG_INFO, "get-users-groups-by-id: the reply would exceed %u bytes", SFTP_MAX_MSG);
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	}
	return sftp_reply_end(s, mark);
}

/* up to SFTP_COPY_STEP bytes of the copy in progress: -1 when more
 * remains, else its status (OK, EOF before the length, or the error) */
static int copy_range(struct sftp_copy *k)
{
	uint8_t chunk[COPY_CHUNK];
	size_t budget = SFTP_COPY_STEP;
	while (budget) {
		size_t want = k->left && k->left < COPY_CHUNK ? (size_t)k->left : COPY_CHUNK;
		ssize_t n = pread(k->r->fd, chunk, want, (off_t)k->roff);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sftp_errno(errno);
		if (n == 0)
			return k->to_end ? SSH_FX_OK : SSH_FX_EOF;
		for (ssize_t j = 0; j < n;) {
			ssize_t m = pwrite(k->w->fd, chunk + j, (size_t)(n - j), (off_t)(k->woff + (uint64_t)j));
			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0)
				return m < 0 ? sftp_errno(errno) : SSH_FX_FAILURE;
			j += m;
		}
		k->r->rbytes += (uint64_t)n;
		k->w->wbytes += (uint64_t)n;
		k->roff += (uint64_t)n;
		k->woff += (uint64_t)n;
		budget -= (size_t)n < budget ? (size_t)n : budget;
		if (!k->to_end && !(k->left -= (uint64_t)n))
			return SSH_FX_OK;
	}
	return -1;
}

int sftp_copy_step(struct sftp *s)
{
	int st = copy_range(&s->copy);
	if (st < 0)
		return SSH_OK;
	s->copy.active = 0;
	return sftp_status(s, s->copy.id, (uint32_t)st);
}

static int x_copy_data(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *r, *w;
	uint64_t roff, len, woff;
	int e;
	/* read-from-handle, read-from-offset, read-data-length (0: to the
	 * end), write-to-handle, write-to-offset */
	r = sftp_handle(s, &q->r, H_FILE);
	if ((e = rd_u64(&q->r, &roff)) != SSH_OK || (e = rd_u64(&q->r, &len)) != SSH_OK)
		return e;
	w = sftp_handle(s, &q->r, H_FILE);
	if ((e = rd_u64(&q->r, &woff)) != SSH_OK || (e = rd_end(&q->r)) != SSH_OK)
		return e;
	if (!r || !w || (r->oflags & O_ACCMODE) == O_WRONLY || (w->oflags & O_ACCMODE) == O_RDONLY ||
	    roff > INT64_MAX || woff > INT64_MAX || len > INT64_MAX)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	/* the same file with ranges that overlap would read what it wrote */
#ifdef SSHL_FUZZ
	/* sparse files at huge offsets would make copies take minutes */
	if (roff > FUZZ_MAX_OFF || woff > FUZZ_MAX_OFF || !len || len > FUZZ_MAX_OFF)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
#endif
	if (r == w && (!len || (roff < woff + len && woff < roff + len)))
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	/* the first step now, the rest from sftp_run between other work */
	s->copy = (struct sftp_copy){1, q->id, r, w, roff, woff, len, !len};
	return sftp_copy_step(s);
}

static const struct {
	const char *wire, *name, *version;
	int writes;
	sftp_fn fn;
} exts[] = {
	{"posix-rename@openssh.com", "posix-rename", "1", 1, x_posix_rename},
	{"statvfs@openssh.com", "statvfs", "2", 0, x_statvfs},
	{"fstatvfs@openssh.com", "fstatvfs", "2", 0, x_fstatvfs},
	{"hardlink@openssh.com", "hardlink", "1", 1, x_hardlink},
	{"fsync@openssh.com", "fsync", "1", 1, x_fsync},
	{"lsetstat@openssh.com", "lsetstat", "1", 1, x_lsetstat},
	{"limits@openssh.com", "limits", "1", 0, x_limits},
	{"expand-path@openssh.com", "expand-path", "1", 0, x_expand_path},
	{"copy-data", "copy-data", "1", 1, x_copy_data},
	{"home-directory", "home-directory", "1", 0, x_home_directory},
	{"users-groups-by-id@openssh.com", "get-users-groups-by-id", "1", 0, x_users_groups},
};

const char *const sftp_ext_names[] = {
	"posix-rename", "statvfs", "fstatvfs", "hardlink", "fsync", "lsetstat", "limits",
	"expand-path", "copy-data", "home-directory", "get-users-groups-by-id", NULL,
};

void sftp_put_extensions(struct buf *b)
{
	/* extension name, version: as sftp-server's VERSION */
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		buf_cstring(b, exts[i].wire);
		buf_cstring(b, exts[i].version);
	}
}

int sftp_extended(struct sftp *s, struct sftp_req *q)
{
	const uint8_t *name;
	size_t n;
	int e;
	/* extended-request name; the rest is the extension's */
	if ((e = rd_string(&q->r, &name, &n)) != SSH_OK)
		return e;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		if (!name_eq(exts[i].wire, name, n))
			continue;
		if (!sftp_permitted(s, exts[i].name, exts[i].writes))
			return sftp_status(s, q->id, SSH_FX_PERMISSION_DENIED);
		return exts[i].fn(s, q);
	}
	sftp_log(s, LOG_ERR, "Unknown extended request \"%.*s\"", (int)(n > 100 ? 100 : n), name);
	return sftp_status(s, q->id, SSH_FX_OP_UNSUPPORTED);
}
