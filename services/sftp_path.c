/* SFTP requests on names: STAT, LSTAT, SETSTAT, REALPATH, RENAME, READLINK
 * and SYMLINK (with OpenSSH's argument order). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/sftp.h"

static int do_stat(struct sftp *s, struct sftp_req *q, int follow)
{
	char path[PATH_MAX];
	struct sftp_attr a;
	struct stat st;
	size_t mark;
	/* path */
	if (sftp_path(s, &q->r, path, sizeof path) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	if ((follow ? stat(path, &st) : lstat(path, &st)) < 0)
		return sftp_status(s, q->id, (uint32_t)sftp_errno(errno));
	sftp_stat_attr(&st, &a);
	sftp_put_attr(sftp_reply(s, SSH_FXP_ATTRS, q->id, &mark), &a);
	return sftp_reply_end(s, mark);
}

int sftp_stat(struct sftp *s, struct sftp_req *q) { return do_stat(s, q, 1); }
int sftp_lstat(struct sftp *s, struct sftp_req *q) { return do_stat(s, q, 0); }

int sftp_setstat(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX];
	struct sftp_attr a;
	/* path, attrs */
	if (sftp_path(s, &q->r, path, sizeof path) || sftp_rd_attr(&q->r, &a) != SSH_OK ||
	    rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	return sftp_status(s, q->id, (uint32_t)sftp_apply(s, path, -1, 0, &a));
}

/* one name with its long name and no attributes: REALPATH, READLINK */
int sftp_one_name(struct sftp *s, uint32_t id, const char *name)
{
	size_t mark;
	struct buf *b = sftp_reply(s, SSH_FXP_NAME, id, &mark);
	buf_u32(b, 1);
	buf_cstring(b, name);
	buf_cstring(b, name);
	buf_u32(b, 0);
	return sftp_reply_end(s, mark);
}

/* realpath(3), except that the last component may not exist yet (as
 * sftp-server's sftp_realpath) */
int sftp_resolve(const char *path, char *out)
{
	char dir[PATH_MAX], base[PATH_MAX], real[PATH_MAX];
	if (realpath(path, out))
		return 0;
	if (errno != ENOENT)
		return -1;
	snprintf(dir, sizeof dir, "%s", path);
	snprintf(base, sizeof base, "%s", path);
	if (!realpath(dirname(dir), real))
		return -1;
	const char *b = basename(base);
	if (!strcmp(b, ".") || !strcmp(b, "..") || !*b) {
		errno = ENOENT;
		return -1;
	}
	if (snprintf(out, PATH_MAX, "%s%s%s", real, strcmp(real, "/") ? "/" : "", b) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int sftp_realpath(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX], real[PATH_MAX];
	/* path; an empty one is the start directory */
	if (sftp_path(s, &q->r, path, sizeof path) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (sftp_resolve(path, real) < 0)
		return sftp_status(s, q->id, (uint32_t)sftp_errno(errno));
	return sftp_one_name(s, q->id, real);
}

int sftp_rename(struct sftp *s, struct sftp_req *q)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct stat st;
	int r;
	/* oldpath, newpath */
	if (sftp_path(s, &q->r, from, sizeof from) || sftp_path(s, &q->r, to, sizeof to) ||
	    rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	sftp_log(s, LOG_INFO, "rename old \"%s\" new \"%s\"", from, to);
	/* filexfer-02: never over an existing name (posix-rename does that) */
	r = renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
	if (r < 0 && (errno == EINVAL || errno == ENOSYS)) {
		if (lstat(to, &st) == 0)
			return sftp_status(s, q->id, SSH_FX_FAILURE);
		r = rename(from, to);
	}
	return sftp_status(s, q->id, r < 0 ? (uint32_t)sftp_errno(errno) : SSH_FX_OK);
}

int sftp_readlink(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	/* path */
	if (sftp_path(s, &q->r, path, sizeof path) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	if ((n = readlink(path, target, sizeof target - 1)) < 0)
		return sftp_status(s, q->id, (uint32_t)sftp_errno(errno));
	target[n] = 0;
	return sftp_one_name(s, q->id, target);
}

int sftp_symlink(struct sftp *s, struct sftp_req *q)
{
	char target[PATH_MAX], link[PATH_MAX];
	/* OpenSSH's order, the reverse of filexfer-02: the target (stored as
	 * given), then the new link's path */
	if (sftp_cstr(&q->r, target, sizeof target) || sftp_path(s, &q->r, link, sizeof link) ||
	    rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	sftp_log(s, LOG_INFO, "symlink old \"%s\" new \"%s\"", target, link);
#ifdef SSHL_FUZZ
	/* a link could lead the fuzzer out of its scratch directory */
	return sftp_status(s, q->id, SSH_FX_OP_UNSUPPORTED);
#endif
	return sftp_status(s, q->id, symlink(target, link) < 0 ? (uint32_t)sftp_errno(errno) : SSH_FX_OK);
}
