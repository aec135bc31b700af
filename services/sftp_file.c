/* SFTP requests on files: OPEN, CLOSE, READ, WRITE, FSTAT, FSETSTAT. READ
 * reads straight into the reply and WRITE writes straight from the request:
 * file data is not copied on the way. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/sftp.h"

static int open_flags(uint32_t pf)
{
	int f = (pf & SSH_FXF_READ) && (pf & SSH_FXF_WRITE) ? O_RDWR : (pf & SSH_FXF_WRITE) ? O_WRONLY : O_RDONLY;
	if (pf & SSH_FXF_APPEND)
		f |= O_APPEND;
	if (pf & SSH_FXF_CREAT)
		f |= O_CREAT;
	if (pf & SSH_FXF_TRUNC)
		f |= O_TRUNC;
	if (pf & SSH_FXF_EXCL)
		f |= O_EXCL;
	return f;
}

/* sftp-server's string_from_portable, for the log */
static void flags_text(uint32_t pf, char *out, size_t n)
{
	static const struct { uint32_t bit; const char *name; } fl[] = {
		{SSH_FXF_READ, "READ"}, {SSH_FXF_WRITE, "WRITE"}, {SSH_FXF_APPEND, "APPEND"},
		{SSH_FXF_CREAT, "CREATE"}, {SSH_FXF_TRUNC, "TRUNCATE"}, {SSH_FXF_EXCL, "EXCL"},
	};
	size_t k = 0;
	out[0] = 0;
	for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
		if ((pf & fl[i].bit) && k < n)
			k += (size_t)snprintf(out + k, n - k, "%s%s", k ? "," : "", fl[i].name);
}

int sftp_open(struct sftp *s, struct sftp_req *q)
{
	char path[PATH_MAX], ftxt[64];
	struct sftp_attr a;
	uint32_t pf;
	int e, fd, idx, flags, mode, old = -1;
	/* filename, pflags, attrs */
	if (sftp_path(s, &q->r, path, sizeof path) || (e = rd_u32(&q->r, &pf)) != SSH_OK ||
	    (e = sftp_rd_attr(&q->r, &a)) != SSH_OK || (e = rd_end(&q->r)) != SSH_OK)
		return SSH_ERR_FORMAT;
	flags = open_flags(pf);
	mode = (a.flags & SSH_FILEXFER_ATTR_PERMISSIONS) ? (int)(a.perm & 07777) : 0666;
	flags_text(pf, ftxt, sizeof ftxt);
	sftp_log(s, LOG_INFO, "open \"%s\" flags %s mode 0%o", path, ftxt, mode);
	if (s->readonly && ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))) {
		sftp_log(s, LOG_INFO, "Refusing open request in read-only mode");
		return sftp_status(s, q->id, SSH_FX_PERMISSION_DENIED);
	}
	if (s->nh >= SFTP_MAX_HANDLES)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	/* -u replaces the umask for what this session creates */
	if (s->umask >= 0)
		old = (int)umask((mode_t)s->umask);
	fd = open(path, flags | O_CLOEXEC | O_NOCTTY, (mode_t)mode);
	e = errno;
	if (old >= 0)
		umask((mode_t)old);
	if (fd < 0)
		return sftp_status(s, q->id, (uint32_t)sftp_errno(e));
	/* clients read a file front to back: a larger read-ahead keeps a
	 * download from a cold cache ahead of the READs (advice only) */
	if ((flags & O_ACCMODE) != O_WRONLY)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((idx = sftp_handle_new(s, H_FILE, fd, NULL, flags, path)) < 0) {
		close(fd);
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	}
	return sftp_put_handle(s, q->id, idx);
}

int sftp_close(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h;
	int e;
	/* handle */
	h = sftp_handle(s, &q->r, 0);
	if ((e = rd_end(&q->r)) != SSH_OK)
		return e;
	if (!h)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	sftp_handle_close(s, h);
	return sftp_status(s, q->id, SSH_FX_OK);
}

int sftp_read(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h;
	uint64_t off;
	uint32_t len;
	size_t mark, dmark, start = s->out.len;
	uint8_t *p;
	ssize_t n;
	int e;
	/* handle, offset, length */
	h = sftp_handle(s, &q->r, H_FILE);
	if ((e = rd_u64(&q->r, &off)) != SSH_OK || (e = rd_u32(&q->r, &len)) != SSH_OK ||
	    (e = rd_end(&q->r)) != SSH_OK)
		return e;
	if (!h)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	if (len > SFTP_MAX_READ)
		len = SFTP_MAX_READ;
	if (off > INT64_MAX)
		return sftp_status(s, q->id, SSH_FX_BAD_MESSAGE);
	/* the data goes from the file into the reply's place */
	sftp_reply(s, SSH_FXP_DATA, q->id, &mark);
	buf_string_begin(&s->out, &dmark);
	if ((e = buf_reserve(&s->out, len, &p)) != SSH_OK)
		return e;
	do
		n = pread(h->fd, p, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		e = errno;
		s->out.len = start;
		return sftp_status(s, q->id, n == 0 ? SSH_FX_EOF : (uint32_t)sftp_errno(e));
	}
	s->out.len -= len - (size_t)n;
	h->rbytes += (uint64_t)n;
	buf_string_end(&s->out, dmark);
	return sftp_reply_end(s, mark);
}

static int write_all(struct sftp_handle *h, const uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t w = (h->oflags & O_APPEND) ? write(h->fd, p, n) : pwrite(h->fd, p, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
		h->wbytes += (uint64_t)w;
	}
	return 0;
}

int sftp_write(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h;
	const uint8_t *data;
	uint64_t off;
	size_t n;
	int e;
	/* handle, offset, data */
	h = sftp_handle(s, &q->r, H_FILE);
	if ((e = rd_u64(&q->r, &off)) != SSH_OK || (e = rd_string(&q->r, &data, &n)) != SSH_OK ||
	    (e = rd_end(&q->r)) != SSH_OK)
		return e;
	if (!h)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	if (off > INT64_MAX)
		return sftp_status(s, q->id, SSH_FX_BAD_MESSAGE);
#ifdef SSHL_FUZZ
	/* no sparse files of exabytes in the fuzzer's scratch directory */
	if (off > (1u << 20))
		return sftp_status(s, q->id, SSH_FX_FAILURE);
#endif
	e = write_all(h, data, n, off);
	if (e)
		sftp_log(s, LOG_ERR, "write \"%s\": %s", h->path, strerror(e));
	return sftp_status(s, q->id, (uint32_t)sftp_errno(e));
}

int sftp_fstat(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h;
	struct sftp_attr a;
	struct stat st;
	size_t mark;
	int e;
	/* handle */
	h = sftp_handle(s, &q->r, H_FILE);
	if ((e = rd_end(&q->r)) != SSH_OK)
		return e;
	if (!h)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	if (fstat(h->fd, &st) < 0)
		return sftp_status(s, q->id, (uint32_t)sftp_errno(errno));
	sftp_stat_attr(&st, &a);
	sftp_put_attr(sftp_reply(s, SSH_FXP_ATTRS, q->id, &mark), &a);
	return sftp_reply_end(s, mark);
}

int sftp_fsetstat(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h;
	struct sftp_attr a;
	int e;
	/* handle, attrs */
	h = sftp_handle(s, &q->r, H_FILE);
	if ((e = sftp_rd_attr(&q->r, &a)) != SSH_OK || (e = rd_end(&q->r)) != SSH_OK)
		return e;
	if (!h)
		return sftp_status(s, q->id, SSH_FX_FAILURE);
	return sftp_status(s, q->id, (uint32_t)sftp_apply(s, h->path, h->fd, 0, &a));
}
