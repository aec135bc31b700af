/* X11 forwarding (RFC 4254 6.3): a session's x11-req gets a TCP display
 * socket (port 6000 + N, from X11DisplayOffset on, on loopback unless
 * X11UseLocalhost is off), named to its children by DISPLAY; each
 * connection to it becomes an "x11" channel toward the client, which
 * checks the fake cookie and joins it to the real display. The cookie
 * goes into the user's ~/.Xauthority through xauth, run as the user
 * before the shell (x11_child_setup). The sockets go with the session, or
 * after the first connection when the client asked for one only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "services/auth.h"
#include "services/channel.h"
#include "services/forward.h"
#include "services/session.h"
#include "services/x11.h"
#include "transport/conn.h"

/* OpenSSH's MAX_DISPLAYS: display numbers tried from the offset */
#define X11_MAX_DISPLAYS 1000
#define X11_BASE_PORT 6000
#define ACCEPT_BURST 8

/* only we open these; the core carries the data */
static const struct chan_type x11_type = {
	.name = "x11",
	.opened = fwd_opened,
};

static void close_sockets(struct conn *c, struct x11_fwd *x)
{
	for (int i = 0; i < 2; i++) {
		if (x->sock[i].w.fd < 0)
			continue;
		if (x->sock[i].watched)
			fwd_watch_del(c, &x->sock[i].w);
		close(x->sock[i].w.fd);
		x->sock[i].w.fd = -1;
		x->sock[i].watched = 0;
	}
}

static int open_x11(struct conn *c, int fd, const struct sockaddr_storage *peer)
{
	char host[INET6_ADDRSTRLEN] = "127.0.0.1";
	uint32_t port = 0;
	struct channel *ch;
	struct buf *b;
	int e;
	if (peer->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)peer;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
		port = ntohs(s4->sin_port);
	} else if (peer->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)peer;
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
		port = ntohs(s6->sin6_port);
	}
	if (!(ch = channel_new(c, &x11_type))) {
		logit(c->log, LOG_INFO, "X11 forwarding: no channel for a connection");
		close(fd);
		return SSH_OK;
	}
	ch->xtype = "x11-connection"; /* OpenSSH's name for ChannelTimeout */
	channel_set_fds(ch, fd, fd, -1);
	logit(c->log, LOG_DEBUG, "X11 connection from %s port %u, channel %u", host, port, ch->id);
	if ((e = channel_open_begin(c, ch, &b)) != SSH_OK)
		return e;
	/* originator address, originator port */
	buf_cstring(b, host);
	buf_u32(b, port);
	return pkt_send(c);
}

static int x11_ready(struct conn *c, struct fwd_watch *w, short revents)
{
	struct x11_fwd *x = ((struct x11_sock *)w)->owner;
	(void)revents;
	for (int i = 0; i < ACCEPT_BURST; i++) {
		struct sockaddr_storage peer = {0};
		socklen_t pl = sizeof peer;
		int fd = accept4(w->fd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC), e;
		if (fd < 0)
			return SSH_OK;
		if ((e = open_x11(c, fd, &peer)) != SSH_OK)
			return e;
		/* single-connection: the display is gone after its first client */
		if (x->single) {
			logit(c->log, LOG_DEBUG, "X11 forwarding: single connection, display closed");
			close_sockets(c, x);
			return SSH_OK;
		}
	}
	return SSH_OK;
}

/* binds and listens on port for one address family; 0, or -1 with errno */
static int listen_on(struct x11_sock *s, int family, int loopback, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (void *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		s4->sin_addr.s_addr = htonl(loopback ? INADDR_LOOPBACK : INADDR_ANY);
		len = sizeof *s4;
	} else {
		struct sockaddr_in6 *s6 = (void *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = loopback ? in6addr_loopback : in6addr_any;
		len = sizeof *s6;
	}
	if ((s->w.fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(s->w.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (family == AF_INET6)
		setsockopt(s->w.fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(s->w.fd, (struct sockaddr *)&ss, len) < 0 || listen(s->w.fd, 16) < 0) {
		int keep = errno;
		close(s->w.fd);
		s->w.fd = -1;
		errno = keep;
		return -1;
	}
	return 0;
}

/* OpenSSH's x11_create_display_inet: the first display number whose port
 * is free on every address family we have; its number, or -1 */
static int create_display(const struct config *cfg, struct x11_fwd *x)
{
	for (int n = cfg->x11_display_offset; n < cfg->x11_display_offset + X11_MAX_DISPLAYS; n++) {
		uint16_t port = (uint16_t)(X11_BASE_PORT + n);
		if (X11_BASE_PORT + n > 65535)
			break;
		if (listen_on(&x->sock[0], AF_INET, cfg->x11_use_localhost, port) < 0)
			continue;
		/* IPv6 where the machine has it; a port taken there is taken */
		if (listen_on(&x->sock[1], AF_INET6, cfg->x11_use_localhost, port) < 0 && errno == EADDRINUSE) {
			close(x->sock[0].w.fd);
			x->sock[0].w.fd = -1;
			continue;
		}
		return n;
	}
	return -1;
}

/* OpenSSH's xauth_valid_string: what may go on xauth's command line */
static int xauth_valid(const uint8_t *p, size_t n, size_t max)
{
	if (n == 0 || n >= max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      strchr("-.:/_", p[i])))
			return 0;
	return 1;
}

/* the configuration and the key's options allow it, and xauth is there */
static int x11_allowed(struct conn *c)
{
	if (!c->cfg->x11_forwarding) {
		logit(c->log, LOG_DEBUG, "X11 forwarding disabled in server configuration file.");
		return 0;
	}
	if (!c->auth || c->auth->no_x11_forwarding) {
		logit(c->log, LOG_DEBUG, "X11 forwarding disabled by key options.");
		return 0;
	}
	if (!c->cfg->xauth_location || access(c->cfg->xauth_location, X_OK) != 0) {
		logit(c->log, LOG_DEBUG, "No xauth program; cannot forward X11.");
		return 0;
	}
	return 1;
}

static void names(const struct config *cfg, struct x11_fwd *x)
{
	char host[256] = "localhost";
	if (cfg->x11_use_localhost) {
		snprintf(x->env_display, sizeof x->env_display, "localhost:%d.%u", x->display, x->screen);
		snprintf(x->auth_display, sizeof x->auth_display, "unix:%d.%u", x->display, x->screen);
		return;
	}
	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = 0;
	snprintf(x->env_display, sizeof x->env_display, "%s:%d.%u", host, x->display, x->screen);
	snprintf(x->auth_display, sizeof x->auth_display, "%s/unix:%d.%u", host, x->display, x->screen);
}

int fwd_x11_request(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	const uint8_t *proto, *cookie;
	size_t pl, cl;
	int single, e;
	uint32_t screen;
	struct x11_fwd *x;
	/* single connection, auth protocol, auth cookie, screen number */
	if ((e = rd_bool(r, &single)) != SSH_OK || (e = rd_text(r, &proto, &pl)) != SSH_OK ||
	    (e = rd_text(r, &cookie, &cl)) != SSH_OK || (e = rd_u32(r, &screen)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (s->x11) {
		logit(c->log, LOG_ERR, "session_x11_req: session %u: x11 forwarding already active", ch->id);
		return 0;
	}
	/* the environment of a running child cannot change any more */
	if (s->started || !x11_allowed(c))
		return 0;
	if (!xauth_valid(proto, pl, sizeof x->proto) || !xauth_valid(cookie, cl, sizeof x->cookie) ||
	    screen > 0xffff) {
		logit(c->log, LOG_ERR, "Invalid X11 forwarding data");
		return 0;
	}
	if (!(x = calloc(1, sizeof *x)))
		return 0;
	x->sock[0].w.fd = x->sock[1].w.fd = -1;
	if ((x->display = create_display(c->cfg, x)) < 0) {
		logit(c->log, LOG_ERR, "Failed to allocate internet-domain X11 display socket.");
		free(x);
		return 0;
	}
	x->single = single;
	memcpy(x->proto, proto, pl);
	memcpy(x->cookie, cookie, cl);
	x->screen = screen;
	names(c->cfg, x);
	for (int i = 0; i < 2; i++) {
		if (x->sock[i].w.fd < 0)
			continue;
		x->sock[i].owner = x;
		x->sock[i].w.events = POLLIN;
		x->sock[i].w.ready = x11_ready;
		/* the session owns them: fwd_x11_end releases them */
		x->sock[i].w.release = NULL;
		x->sock[i].watched = 1;
		fwd_watch_add(c, &x->sock[i].w);
	}
	s->x11 = x;
	logit(c->log, LOG_DEBUG, "session %u: X11 forwarding on display %s", ch->id, x->env_display);
	return 1;
}

const char *fwd_x11_display(const struct session *s)
{
	return s->x11 ? s->x11->env_display : NULL;
}

void fwd_x11_end(struct conn *c, struct session *s)
{
	if (!s->x11)
		return;
	close_sockets(c, s->x11);
	wipe(s->x11->cookie, sizeof s->x11->cookie);
	free(s->x11);
	s->x11 = NULL;
}
