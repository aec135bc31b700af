/* Remote forwarding (RFC 4254 7.1, 7.2): tcpip-forward makes listening
 * sockets whose connections become forwarded-tcpip channels toward the
 * client; cancel-tcpip-forward closes them. Also the watch list that puts
 * every forwarding fd that is not yet a channel's into the poll loop. */
#include <errno.h>
#include <fnmatch.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "services/auth.h"
#include "services/channel.h"
#include "services/forward.h"
#include "transport/conn.h"

/* how soon watches left out of a full poll set get their turn */
#define ROTATE_MS 20
/* connections taken from one listener per poll round */
#define ACCEPT_BURST 8
#define LISTEN_BACKLOG 32
/* sockets of one tcpip-forward (a name's addresses), and of all of them */
#define LISTEN_ADDRS 8
#define LISTEN_MAX 64
/* the longest bind address a client may ask for */
#define ADDR_MAX 255

/* ---- the watch list ---- */

void fwd_watch_add(struct conn *c, struct fwd_watch *w)
{
	struct connection *s = c->connection;
	w->pf = -1;
	w->revents = 0;
	w->next = s->fwd;
	s->fwd = w;
}

void fwd_watch_del(struct conn *c, struct fwd_watch *w)
{
	struct connection *s = c->connection;
	for (struct fwd_watch **p = &s->fwd; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			w->next = NULL;
			return;
		}
	}
}

int fwd_pollfds(struct conn *c, struct pollfd *fds, int n, int max)
{
	struct connection *s = c->connection;
	struct fwd_watch *w, *last = NULL, *first_out = NULL;
	int lim;
	if (max > CHAN_POLL_MAX)
		max = CHAN_POLL_MAX;
	lim = n + (max - n) / 2;
	for (w = s->fwd; w; w = w->next) {
		w->pf = -1;
		if (n < lim) {
			fds[n] = (struct pollfd){w->fd, w->events, 0};
			s->ref[n].kind = PF_OTHER;
			w->pf = n++;
			last = w;
		} else if (!first_out) {
			first_out = w;
		}
	}
	/* some did not fit: those that did go to the back of the list, so
	 * every watch gets its turn */
	if (first_out && last) {
		struct fwd_watch *tail = first_out;
		while (tail->next)
			tail = tail->next;
		tail->next = s->fwd;
		s->fwd = first_out;
		last->next = NULL;
	}
	return n;
}

int fwd_events(struct conn *c, struct pollfd *fds, int n)
{
	struct connection *s = c->connection;
	struct fwd_watch *w;
	int e;
	for (w = s->fwd; w; w = w->next) {
		w->revents = 0;
		if (w->pf >= 0 && w->pf < n && fds[w->pf].fd == w->fd)
			w->revents = fds[w->pf].revents;
		w->pf = -1;
	}
	/* a callback may remove watches, its own or others: look for the
	 * next one to run from the start each time */
	for (;;) {
		for (w = s->fwd; w && !w->revents; w = w->next)
			;
		if (!w)
			return SSH_OK;
		short ev = w->revents;
		w->revents = 0;
		if ((e = w->ready(c, w, ev)) != SSH_OK)
			return e;
	}
}

int fwd_timeout(struct conn *c)
{
	struct connection *s = c->connection;
	for (struct fwd_watch *w = s->fwd; w; w = w->next)
		if (w->pf < 0)
			return ROTATE_MS;
	return -1;
}

void fwd_cleanup(struct conn *c)
{
	struct connection *s = c->connection;
	while (s->fwd) {
		struct fwd_watch *w = s->fwd;
		s->fwd = w->next;
		w->next = NULL;
		if (w->release)
			w->release(c, w);
	}
}

/* ---- unix-socket listeners (agent forwarding, streamlocal) ---- */

int fwd_accept_unix(struct conn *c, struct fwd_watch *w, const struct chan_type *t,
		    void (*opening)(struct conn *c, struct fwd_watch *w, struct channel *ch, struct buf *b))
{
	for (int i = 0; i < ACCEPT_BURST; i++) {
		struct channel *ch;
		struct buf *b;
		int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), e;
		if (fd < 0)
			return SSH_OK; /* EAGAIN, or a connection that went away */
		if (!(ch = channel_new(c, t))) {
			opening(c, w, NULL, NULL);
			close(fd);
			continue;
		}
		channel_set_fds(ch, fd, fd, -1);
		if ((e = channel_open_begin(c, ch, &b)) != SSH_OK)
			return e;
		opening(c, w, ch, b);
		if ((e = pkt_send(c)) != SSH_OK)
			return e;
	}
	return SSH_OK;
}

/* ---- tcpip-forward listeners ---- */

struct listener {
	struct fwd_watch w; /* first: the watch is the listener */
	char addr[ADDR_MAX + 1]; /* as the client asked, for its channels and cancel */
	uint16_t port;           /* bound */
};

/* the owning listener of a watch; w is its first member */
static struct listener *of(struct fwd_watch *w) { return (struct listener *)(void *)w; }

static void l_release(struct conn *c, struct fwd_watch *w)
{
	(void)c;
	close(w->fd);
	free(of(w));
}

static void addr_text(const struct sockaddr_storage *ss, char *host, size_t hlen, uint32_t *port)
{
	if (getnameinfo((const struct sockaddr *)ss, sizeof *ss, host, (socklen_t)hlen, NULL, 0, NI_NUMERICHOST))
		snprintf(host, hlen, "UNKNOWN");
	*port = ss->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)ss)->sin6_port)
					  : ss->ss_family == AF_INET ? ntohs(((const struct sockaddr_in *)ss)->sin_port)
								     : 0;
}

int fwd_opened(struct conn *c, struct channel *ch, int ok)
{
	logit(c->log, LOG_DEBUG, "%s channel %u %s by the client", ch->type->name, ch->id, ok ? "accepted" : "refused");
	return SSH_OK;
}

/* RFC 4254 7.2: only we open these; the socket is the channel's from the
 * start and the core's defaults carry the data */
static const struct chan_type forwarded_tcpip_type = {
	.name = "forwarded-tcpip",
	.opened = fwd_opened,
};

static int open_forwarded(struct conn *c, struct listener *l, int fd, const struct sockaddr_storage *peer)
{
	char host[NI_MAXHOST];
	uint32_t port;
	struct channel *ch;
	struct buf *b;
	int e;
	if (!(ch = channel_new(c, &forwarded_tcpip_type))) {
		logit(c->log, LOG_INFO, "remote forward: no channel for a connection to port %u", l->port);
		close(fd);
		return SSH_OK;
	}
	channel_set_fds(ch, fd, fd, -1);
	addr_text(peer, host, sizeof host, &port);
	logit(c->log, LOG_DEBUG, "remote forward: connection from %s port %u to %s port %u, channel %u", host, port,
	      l->addr, l->port, ch->id);
	if ((e = channel_open_begin(c, ch, &b)) != SSH_OK)
		return e;
	/* address that was connected, port that was connected, originator
	 * IP address, originator port */
	buf_cstring(b, l->addr);
	buf_u32(b, l->port);
	buf_cstring(b, host);
	buf_u32(b, port);
	return pkt_send(c);
}

static int l_ready(struct conn *c, struct fwd_watch *w, short revents)
{
	(void)revents;
	for (int i = 0; i < ACCEPT_BURST; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd, e;
		memset(&ss, 0, sizeof ss);
		fd = accept4(w->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return SSH_OK; /* EAGAIN, or a connection that went away */
		if ((e = open_forwarded(c, of(w), fd, &ss)) != SSH_OK)
			return e;
	}
	return SSH_OK;
}

/* permitlisten="[host:]port" and PermitListen: a bare port allows any
 * address; the host is a pattern, matched without regard to case; "none"
 * matches nothing */
static int listen_listed(char *const *v, int n, const char *addr, uint32_t port)
{
	char host[ADDR_MAX + 1];
	const char *pp;
	for (int i = 0; i < n; i++) {
		if (v[i][0] != '[' && !strchr(v[i], ':')) {
			if (fwd_port_matches(v[i], port))
				return 1;
		} else if (fwd_split_hostport(v[i], host, sizeof host, &pp) && fwd_port_matches(pp, port) &&
			   fnmatch(host, addr, FNM_CASEFOLD) == 0) {
			return 1;
		}
	}
	return 0;
}

/* both the key's list and the administrator's must allow it */
static int listen_permitted(struct conn *c, const char *addr, uint32_t port)
{
	const struct auth_result *a = c->auth;
	const struct strlist *adm = &c->cfg->permit_listen;
	if (a && a->npermitlisten && !listen_listed(a->permitlisten, a->npermitlisten, addr, port)) {
		logit(c->log, LOG_INFO, "remote forward to %s port %u refused: not in permitlisten", addr, port);
		return 0;
	}
	if (adm->n && !listen_listed(adm->v, adm->n, addr, port)) {
		logit(c->log, LOG_INFO, "remote forward to %s port %u refused: not in PermitListen", addr, port);
		return 0;
	}
	return 1;
}

/* What to bind for the address the client asked for: with GatewayPorts no
 * always loopback (the literal asked for, else both families); with yes as
 * asked, "" and "*" meaning every address. host NULL + AI_PASSIVE is the
 * wildcard, host NULL alone loopback. */
static void bind_target(const struct conn *c, const char *addr, const char **host, int *flags)
{
	*flags = AI_NUMERICSERV;
	*host = NULL;
	if (!c->cfg->gateway_ports) {
		if (!strcmp(addr, "127.0.0.1") || !strcmp(addr, "::1")) {
			*host = addr;
			*flags |= AI_NUMERICHOST;
		}
	} else if (!*addr || !strcmp(addr, "*")) {
		*flags |= AI_PASSIVE;
	} else if (strcmp(addr, "localhost")) {
		*host = addr;
		*flags |= AI_PASSIVE;
	}
}

static int listen_one(const struct addrinfo *ai, uint16_t port, uint16_t *bound)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	int fd, one = 1;
	if (ai->ai_addrlen > sizeof ss)
		return -1;
	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	else if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	else
		return -1;
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	/* so the IPv4 wildcard can be bound on the same port too */
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, ai->ai_addrlen) < 0 || listen(fd, LISTEN_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		close(fd);
		return -1;
	}
	*bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						: ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static void add_listener(struct conn *c, struct listener *l, const char *addr, uint16_t port, int fd)
{
	l->w.fd = fd;
	l->w.events = POLLIN;
	l->w.ready = l_ready;
	l->w.release = l_release;
	snprintf(l->addr, sizeof l->addr, "%s", addr);
	l->port = port;
	fwd_watch_add(c, &l->w);
}

/* Listens on the addresses of res, all on one port; fds receives at most
 * max sockets. With port 0 the first allocates the port; should another
 * family already have that port in use, all are closed and the caller
 * tries again, so a forward never half-exists on an allocated port. */
static int listen_addrs(struct conn *c, const char *addr, const struct addrinfo *res, uint16_t port, int *fds,
			int max, uint16_t *bound, int *retry)
{
	int n = 0;
	*retry = 0;
	for (const struct addrinfo *ai = res; ai && n < max; ai = ai->ai_next) {
		int fd = listen_one(ai, n ? *bound : port, bound);
		if (fd >= 0) {
			fds[n++] = fd;
			continue;
		}
		logit(c->log, LOG_DEBUG, "remote forward: cannot listen on %s port %u: %s", addr, n ? *bound : port,
		      strerror(errno));
		if (n && !port && errno == EADDRINUSE) {
			while (n)
				close(fds[--n]);
			*retry = 1;
			break;
		}
	}
	return n;
}

/* binds every address of the target on one port; the number of sockets,
 * *bound their port */
static int bind_all(struct conn *c, const char *addr, uint32_t req_port, uint16_t *bound)
{
	struct addrinfo hints, *res = NULL;
	const char *host;
	char service[8];
	struct listener *ls[LISTEN_ADDRS];
	int fds[LISTEN_ADDRS], n = 0, k, r, retry = 1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	bind_target(c, addr, &host, &hints.ai_flags);
	snprintf(service, sizeof service, "%u", req_port);
	/* a name may take a resolver round trip: acceptable in a process that
	 * serves this one connection */
	if ((r = getaddrinfo(host, service, &hints, &res)) != 0) {
		logit(c->log, LOG_INFO, "remote forward: cannot resolve %s: %s", addr, gai_strerror(r));
		return 0;
	}
	for (int tries = 0; retry && tries < 8; tries++)
		n = listen_addrs(c, addr, res, (uint16_t)req_port, fds, LISTEN_ADDRS, bound, &retry);
	freeaddrinfo(res);
	/* all or nothing */
	for (k = 0; k < n && (ls[k] = calloc(1, sizeof *ls[k])); k++)
		;
	if (k < n) {
		while (k)
			free(ls[--k]);
		while (n)
			close(fds[--n]);
		return 0;
	}
	for (int i = 0; i < n; i++)
		add_listener(c, ls[i], addr, *bound, fds[i]);
	return n;
}

static int find_listener(struct conn *c, const char *addr, uint32_t port, struct listener **out)
{
	struct connection *s = c->connection;
	for (struct fwd_watch *w = s->fwd; w; w = w->next) {
		struct listener *l = of(w);
		if (w->ready != l_ready || strcmp(l->addr, addr))
			continue;
		/* a forward asked for with port 0 is known by the port it got */
		if (l->port == port) {
			*out = l;
			return 1;
		}
	}
	return 0;
}

static int count_listeners(struct conn *c)
{
	struct connection *s = c->connection;
	int n = 0;
	for (struct fwd_watch *w = s->fwd; w; w = w->next)
		n += w->ready == l_ready;
	return n;
}

/* bind address and port, as a C string and a number */
static int read_addr_port(struct rd *r, char *addr, uint32_t *port)
{
	const uint8_t *p;
	size_t n;
	int e;
	if ((e = rd_text(r, &p, &n)) != SSH_OK || (e = rd_u32(r, port)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (n > ADDR_MAX)
		return SSH_ERR_TOOBIG;
	memcpy(addr, p, n);
	addr[n] = 0;
	return SSH_OK;
}

int fwd_tcpip_forward(struct conn *c, struct rd *r, struct buf *reply)
{
	char addr[ADDR_MAX + 1];
	uint32_t port;
	uint16_t bound = 0;
	struct listener *l;
	int e;
	/* address to bind, port number to bind */
	if ((e = read_addr_port(r, addr, &port)) != SSH_OK)
		return e == SSH_ERR_TOOBIG ? 0 : e;
	if (!fwd_tcp_allowed(c, "remote forward"))
		return 0;
	if (port > 65535) {
		logit(c->log, LOG_INFO, "remote forward: bad port %u", port);
		return 0;
	}
	if (!listen_permitted(c, addr, port))
		return 0;
	if (port && find_listener(c, addr, port, &l)) {
		logit(c->log, LOG_INFO, "remote forward: %s port %u is forwarded already", addr, port);
		return 0;
	}
	if (count_listeners(c) >= LISTEN_MAX) {
		logit(c->log, LOG_INFO, "remote forward to %s port %u refused: %d listening sockets already", addr,
		      port, LISTEN_MAX);
		return 0;
	}
	if (!bind_all(c, addr, port, &bound)) {
		logit(c->log, LOG_INFO, "remote forward: cannot listen on %s port %u", addr, port);
		return 0;
	}
	logit(c->log, LOG_DEBUG, "remote forward: listening on %s port %u%s", addr, bound,
	      c->cfg->gateway_ports ? "" : " (loopback)");
	/* RFC 4254 7.1: the port allocated for a request of port 0 */
	if (port == 0)
		buf_u32(reply, bound);
	return 1;
}

int fwd_cancel_tcpip_forward(struct conn *c, struct rd *r, struct buf *reply)
{
	char addr[ADDR_MAX + 1];
	uint32_t port;
	struct listener *l;
	int e, n = 0;
	(void)reply;
	/* address to bind, port number to bind */
	if ((e = read_addr_port(r, addr, &port)) != SSH_OK)
		return e == SSH_ERR_TOOBIG ? 0 : e;
	/* one request may have bound several sockets (IPv4 and IPv6) */
	while (find_listener(c, addr, port, &l)) {
		fwd_watch_del(c, &l->w);
		l_release(c, &l->w);
		n++;
	}
	logit(c->log, LOG_DEBUG, "remote forward on %s port %u %s", addr, port, n ? "cancelled" : "not found to cancel");
	return n > 0;
}
