/* direct-tcpip channels (RFC 4254 7.2): the client asks us to connect
 * somewhere (ssh -L, ssh -W, ProxyJump). The connect is non-blocking; the
 * channel is confirmed when it completes and refused when every address of
 * the name failed. AllowTcpForwarding, no-port-forwarding and permitopen=
 * are honoured. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "services/auth.h"
#include "services/channel.h"
#include "services/forward.h"
#include "transport/conn.h"

#define HOST_MAX 255

struct dconn {
	struct fwd_watch w;     /* first: the watch of the connect in progress */
	struct channel *ch;
	struct addrinfo *res;   /* the name's addresses ... */
	struct addrinfo *next;  /* ... and those not tried yet */
	int watching;
	int err;                /* errno of the last failed attempt */
	char host[HOST_MAX + 1];
	uint32_t port;
};

int fwd_tcp_allowed(struct conn *c, const char *what)
{
	if (c->cfg->disable_forwarding) {
		logit(c->log, LOG_INFO, "%s refused: DisableForwarding yes", what);
		return 0;
	}
	if (!c->cfg->allow_tcp_forwarding) {
		logit(c->log, LOG_INFO, "%s refused: AllowTcpForwarding no", what);
		return 0;
	}
	if (!c->auth || c->auth->no_port_forwarding) {
		logit(c->log, LOG_INFO, "%s refused: %s", what, auth_why(c->auth, "no-port-forwarding in authorized_keys"));
		return 0;
	}
	return 1;
}

int fwd_split_hostport(const char *s, char *host, size_t hlen, const char **port)
{
	const char *h = s, *colon;
	size_t n;
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return 0;
		h = s + 1;
		n = (size_t)(close - h);
		colon = close + 1;
	} else {
		if (!(colon = strchr(s, ':')))
			return 0;
		n = (size_t)(colon - s);
	}
	if (n == 0 || n >= hlen)
		return 0;
	memcpy(host, h, n);
	host[n] = 0;
	*port = colon + 1;
	return 1;
}

int fwd_port_matches(const char *pat, uint32_t port)
{
	uint32_t v = 0;
	if (!strcmp(pat, "*"))
		return 1;
	if (!*pat)
		return 0;
	for (const char *p = pat; *p; p++) {
		if (*p < '0' || *p > '9' || v > 65535)
			return 0;
		v = v * 10 + (uint32_t)(*p - '0');
	}
	return v == port;
}

/* permitopen="host:port" and PermitOpen: the host as the client names it
 * (case aside) or "*", the port or "*"; "none" matches nothing */
static int open_listed(char *const *v, int n, const char *host, uint32_t port)
{
	char h[HOST_MAX + 1];
	const char *pp;
	for (int i = 0; i < n; i++)
		if (fwd_split_hostport(v[i], h, sizeof h, &pp) && fwd_port_matches(pp, port) &&
		    (!strcmp(h, "*") || !strcasecmp(h, host)))
			return 1;
	return 0;
}

/* both lists must allow it (OpenSSH: the user's and the administrator's);
 * an empty list allows anything. The refusal is logged with its list. */
static int open_permitted(struct conn *c, const char *host, uint32_t port)
{
	const struct auth_result *a = c->auth;
	const struct strlist *adm = &c->cfg->permit_open;
	if (a && a->npermitopen && !open_listed(a->permitopen, a->npermitopen, host, port)) {
		logit(c->log, LOG_INFO, "direct-tcpip to %s port %u refused: not in permitopen", host, port);
		return 0;
	}
	if (adm->n && !open_listed(adm->v, adm->n, host, port)) {
		logit(c->log, LOG_INFO, "direct-tcpip to %s port %u refused: not in PermitOpen", host, port);
		return 0;
	}
	return 1;
}

static struct dconn *of(struct fwd_watch *w) { return (struct dconn *)(void *)w; }

static void unwatch(struct conn *c, struct dconn *d)
{
	if (d->watching)
		fwd_watch_del(c, &d->w);
	d->watching = 0;
}

/* starts connects to the remaining addresses: 1 when one connected at
 * once, 0 when one is in progress (d->w.fd), -1 when none is left */
static int start_connect(struct dconn *d)
{
	while (d->next) {
		const struct addrinfo *ai = d->next;
		int fd;
		d->next = ai->ai_next;
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol)) < 0) {
			d->err = errno;
			continue;
		}
		d->w.fd = fd;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			return 1;
		if (errno == EINPROGRESS)
			return 0;
		d->err = errno;
		close(fd);
		d->w.fd = -1;
	}
	return -1;
}

static int connected(struct conn *c, struct dconn *d)
{
	int fd = d->w.fd;
	unwatch(c, d);
	d->w.fd = -1;
	freeaddrinfo(d->res);
	d->res = d->next = NULL;
	/* the channel owns the socket from here on */
	channel_set_fds(d->ch, fd, fd, -1);
	logit(c->log, LOG_DEBUG, "direct-tcpip channel %u: connected to %s port %u", d->ch->id, d->host, d->port);
	return channel_open_confirm(c, d->ch);
}

/* what the open and every failed attempt share: the channel is confirmed,
 * still connecting, or refused (and freed) with the last error's text */
static int progress(struct conn *c, struct dconn *d)
{
	int r = start_connect(d);
	if (r > 0)
		return connected(c, d);
	if (r == 0) {
		if (!d->watching)
			fwd_watch_add(c, &d->w);
		d->watching = 1;
		return SSH_OK;
	}
	logit(c->log, LOG_DEBUG, "direct-tcpip channel %u: connect to %s port %u failed: %s", d->ch->id, d->host,
	      d->port, strerror(d->err));
	return channel_open_fail(c, d->ch, OPEN_CONNECT_FAILED, strerror(d->err));
}

static int d_ready(struct conn *c, struct fwd_watch *w, short revents)
{
	struct dconn *d = of(w);
	int err = 0;
	socklen_t len = sizeof err;
	(void)revents;
	if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (!err)
		return connected(c, d);
	if (err == EINPROGRESS || err == EINTR)
		return SSH_OK;
	d->err = err;
	close(w->fd);
	w->fd = -1;
	return progress(c, d);
}

static int d_open(struct conn *c, struct channel *ch, struct rd *extra)
{
	const uint8_t *host, *orig;
	size_t hlen, olen;
	uint32_t port, oport;
	struct addrinfo hints, *res = NULL;
	struct dconn *d;
	char service[12];
	int e;
	/* host to connect, port to connect, originator IP address, originator port */
	if ((e = rd_text(extra, &host, &hlen)) != SSH_OK || (e = rd_u32(extra, &port)) != SSH_OK ||
	    (e = rd_text(extra, &orig, &olen)) != SSH_OK || (e = rd_u32(extra, &oport)) != SSH_OK ||
	    (e = rd_end(extra)) != SSH_OK)
		return e;
	if (!fwd_tcp_allowed(c, "direct-tcpip"))
		return OPEN_ADMINISTRATIVELY_PROHIBITED;
	if (hlen == 0 || hlen > HOST_MAX || port == 0 || port > 65535)
		return OPEN_CONNECT_FAILED;
	if (!(d = calloc(1, sizeof *d)))
		return OPEN_RESOURCE_SHORTAGE;
	memcpy(d->host, host, hlen);
	d->port = port;
	d->ch = ch;
	d->w.fd = -1;
	d->w.events = POLLOUT;
	d->w.ready = d_ready;
	ch->priv = d;
	logit(c->log, LOG_DEBUG, "direct-tcpip channel %u: to %s port %u from %.*s port %u", ch->id, d->host, port,
	      (int)(olen > 64 ? 64 : olen), orig, oport);
	if (!open_permitted(c, d->host, port))
		return OPEN_ADMINISTRATIVELY_PROHIBITED;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(service, sizeof service, "%u", port);
	/* may wait for a resolver: acceptable in a process that serves this
	 * one connection */
	if ((e = getaddrinfo(d->host, service, &hints, &res)) != 0) {
		logit(c->log, LOG_DEBUG, "direct-tcpip channel %u: cannot resolve %s: %s", ch->id, d->host,
		      gai_strerror(e));
		return channel_open_fail(c, ch, OPEN_CONNECT_FAILED, gai_strerror(e));
	}
	d->res = d->next = res;
	d->err = ENETUNREACH;
	return progress(c, d);
}

static void d_close(struct conn *c, struct channel *ch)
{
	struct dconn *d = ch->priv;
	if (!d)
		return;
	unwatch(c, d);
	if (d->w.fd >= 0)
		close(d->w.fd);
	if (d->res)
		freeaddrinfo(d->res);
	free(d);
	ch->priv = NULL;
}

/* everything else is the core's socket default: data both ways, EOF as
 * shutdown(SHUT_WR), CLOSE after EOF both ways */
const struct chan_type direct_tcpip_type = {
	.name = "direct-tcpip",
	.open = d_open,
	.close = d_close,
};
