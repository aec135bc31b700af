/* Protocol version exchange (RFC 4253 4.2). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "transport/conn.h"
#include "transport/version.h"

int version_send(struct conn *c)
{
	struct buf *o = &c->out;
	int e = buf_put(o, c->server_version, strlen(c->server_version));
	if (e == SSH_OK)
		e = buf_put(o, "\r\n", 2);
	return e;
}

int version_check(const char *v)
{
	if (strncmp(v, "SSH-2.0-", 8) && strncmp(v, "SSH-1.99-", 9))
		return SSH_ERR_VERSION;
	return SSH_OK;
}

static int grace_left_ms(const struct conn *c)
{
	if (!c->cfg->login_grace_time)
		return -1;
	int64_t left = c->start_ms + (int64_t)c->cfg->login_grace_time * 1000 - conn_now_ms();
	return left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

int version_recv(struct conn *c)
{
	for (;;) {
		uint8_t *s = c->in.d ? c->in.d + c->in_off : NULL;
		size_t avail = c->in.len - c->in_off, n;
		uint8_t *nl = s ? memchr(s, '\n', avail) : NULL;
		if (nl) {
			n = (size_t)(nl - s);
			if (n + 1 > 255)
				return SSH_ERR_VERSION;
			if (n > 0 && s[n - 1] == '\r')
				n--;
			memcpy(c->client_version, s, n);
			c->client_version[n] = 0;
			c->in_off += (size_t)(nl - s) + 1;
			if (memchr(c->client_version, 0, n))
				return SSH_ERR_VERSION;
			return version_check(c->client_version);
		}
		if (avail >= 255)
			return SSH_ERR_VERSION;
		int ms = grace_left_ms(c);
		if (ms == 0)
			return SSH_ERR_TIMEOUT;
		/* p[2]: main's signalfd (see struct conn), polled when set */
		struct pollfd p[3] = {{c->rfd, POLLIN, 0}, {c->wfd, io_pending(c) ? POLLOUT : 0, 0}, {c->sigfd, POLLIN, 0}};
		int r = poll(p, c->sigfd > 0 ? 3 : 2, ms);
		if (r < 0 && errno != EINTR)
			return SSH_ERR_IO;
		if (r == 0)
			return SSH_ERR_TIMEOUT;
		if (p[2].revents & POLLIN)
			return SSH_ERR_EOF;
		if (p[1].revents & POLLOUT) {
			int e = io_flush(c);
			if (e != SSH_OK)
				return e;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			/* read only what can be the version line: the rest of the
			 * buffer must stay for the packet layer */
			int e = io_fill(c);
			if (e != SSH_OK)
				return e;
		}
	}
}
