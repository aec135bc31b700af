#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "transport/conn.h"

/* The client closing its end is its leaving, whatever was in flight: a
 * reset (it closed with our data unread) or a broken pipe (we wrote after
 * it closed) is the same end as a plain EOF, not an I/O error. Which of the
 * three a client that just closes gets is a matter of timing (a paramiko
 * client closing right after its CHANNEL_CLOSE, before our answering CLOSE
 * went out, made the server exit 1 with "I/O error"). */
static int peer_gone(int err)
{
	return err == ECONNRESET || err == EPIPE;
}

int io_fill(struct conn *c)
{
	ssize_t r;
	int e;
	if (c->in_off == c->in.len) {
		c->in.len = c->in_off = 0;
	} else if (c->in.cap - c->in.len < READ_BLOCK && c->in_off > 0) {
		/* keep the buffer small: move the partial packet to the front */
		memmove(c->in.d, c->in.d + c->in_off, c->in.len - c->in_off);
		c->in.len -= c->in_off;
		c->in_off = 0;
	}
	if ((e = buf_grow(&c->in, READ_BLOCK)) != SSH_OK)
		return e;
	do
		r = read(c->rfd, c->in.d + c->in.len, c->in.cap - c->in.len);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return SSH_OK;
		return peer_gone(errno) ? SSH_ERR_EOF : SSH_ERR_IO;
	}
	if (r == 0)
		return SSH_ERR_EOF;
	c->in.len += (size_t)r;
	if (c->in.len > c->in_used)
		c->in_used = c->in.len;
	return SSH_OK;
}

int io_pending(const struct conn *c) { return c->out.len > c->out_off; }

int io_unsent(const struct conn *c, size_t *n)
{
	int k = 0;
	/* TCP: sent but not acknowledged, or not sent yet; a Unix socket:
	 * not read by the other end yet (counted with the kernel's overhead,
	 * so a little high); a pipe has no such count */
	if (ioctl(c->wfd, SIOCOUTQ, &k) < 0 || k < 0)
		return SSH_ERR_IO;
	*n = (c->out.len - c->out_off) + (size_t)k;
	return SSH_OK;
}

/* Packets are appended behind what the socket has not taken yet, and the
 * buffer starts over only once it is empty: against a slow reader it would
 * keep growing (to 8 MiB in a bulk download). Once more has been written
 * than is left, the rest moves to the front: each byte moves at most about
 * once, and the buffer stays near the backlog the channels allow. */
#define OUT_COMPACT (64u * 1024)

static void out_compact(struct conn *c)
{
	size_t left = c->out.len - c->out_off;
	if (c->out_off < OUT_COMPACT || c->out_off < left)
		return;
	memmove(c->out.d, c->out.d + c->out_off, left);
	if (c->tx_start >= c->out_off)
		c->tx_start -= c->out_off;
	c->out.len = left;
	c->out_off = 0;
}

int io_flush(struct conn *c)
{
	while (io_pending(c)) {
		ssize_t w = write(c->wfd, c->out.d + c->out_off, c->out.len - c->out_off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				out_compact(c);
				return SSH_OK;
			}
			return peer_gone(errno) ? SSH_ERR_EOF : SSH_ERR_IO;
		}
		c->out_off += (size_t)w;
	}
	c->out.len = c->out_off = 0;
	return SSH_OK;
}

int io_drain(struct conn *c, int ms)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (io_pending(c)) {
		struct pollfd p = {c->wfd, POLLOUT, 0};
		int left;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = ms - (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return SSH_ERR_TIMEOUT;
		if (poll(&p, 1, left) < 0 && errno != EINTR)
			return SSH_ERR_IO;
		if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
			return SSH_ERR_IO;
		if (io_flush(c) != SSH_OK)
			return SSH_ERR_IO;
	}
	return SSH_OK;
}
