/* SFTP requests on directories: OPENDIR, READDIR, and the name changes
 * REMOVE, MKDIR, RMDIR. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/sftp.h"

/* entries per READDIR reply, as sftp-server */
#define READDIR_MAX 100

int sftp_opendir(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX];
	DIR *d;
	int idx;
	/* path */
	if (sftp_path(s, &q->r, path, sizeof path) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	sftp_log(s, LOG_INFO, "opendir \"%s\"", path);
	if (s->nh >= SFTP_MAX_HANDLES)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	if (!(d = opendir(path)))
		return sftp_status(s, q->id, (uint32_t)sftp_errno(errno));
	if ((idx = sftp_handle_new(s, H_DIR, -1, d, 0, path)) < 0) {
		closedir(d);
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	}
	return sftp_put_handle(s, q->id, idx);
}

int sftp_readdir(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h;
	struct dirent *de;
	size_t mark, at;
	uint32_t count = 0;
	struct buf *b;
	int e;
	/* handle */
	h = sftp_handle(s, &q->r, H_DIR);
	if ((e = rd_end(&q->r)) != SSH_OK)
		return e;
	if (!h)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	b = sftp_reply(s, SSH_FXP_NAME, q->id, &mark);
	at = b->len;
	buf_u32(b, 0); /* count, filled in below */
	while (count < READDIR_MAX && (de = readdir(h->dir))) {
		char lname[PATH_MAX + 128];
		struct sftp_attr a;
		struct stat st;
		/* gone since it was listed: skipped, as sftp-server */
		if (fstatat(dirfd(h->dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		sftp_stat_attr(&st, &a);
		sftp_longname(lname, sizeof lname, de->d_name, &st);
		buf_cstring(b, de->d_name);
		buf_cstring(b, lname);
		sftp_put_attr(b, &a);
		count++;
	}
	if (!count) {
		b->len = mark;
		return sftp_status(s, q->id, SSH_FX_EOF);
	}
	if (!b->err)
		put_u32(b->d + at, count);
	return sftp_reply_end(s, mark);
}

int sftp_remove(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX];
	/* filename */
	if (sftp_path(s, &q->r, path, sizeof path) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	sftp_log(s, LOG_INFO, "remove name \"%s\"", path);
	return sftp_status(s, q->id, unlink(path) < 0 ? (uint32_t)sftp_errno(errno) : SSH_FX_OK);
}

int sftp_mkdir(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX];
	struct sftp_attr a;
	mode_t mode;
	int old = -1, r, e;
	/* path, attrs */
	if (sftp_path(s, &q->r, path, sizeof path) || sftp_rd_attr(&q->r, &a) != SSH_OK ||
	    rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	mode = (a.flags & SSH_FILEXFER_ATTR_PERMISSIONS) ? (mode_t)(a.perm & 07777) : 0777;
	sftp_log(s, LOG_INFO, "mkdir name \"%s\" mode 0%o", path, (unsigned)mode);
	if (s->umask >= 0)
		old = (int)umask((mode_t)s->umask);
	r = mkdir(path, mode);
	e = errno;
	if (old >= 0)
		umask((mode_t)old);
	return sftp_status(s, q->id, r < 0 ? (uint32_t)sftp_errno(e) : SSH_FX_OK);
}

int sftp_rmdir(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX];
	/* path */
	if (sftp_path(s, &q->r, path, sizeof path) || rd_end(&q->r) != SSH_OK)
		return SSH_ERR_FORMAT;
	sftp_log(s, LOG_INFO, "rmdir name \"%s\"", path);
	return sftp_status(s, q->id, rmdir(path) < 0 ? (uint32_t)sftp_errno(errno) : SSH_FX_OK);
}
