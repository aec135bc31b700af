/* Forwarding over ssh-connection: direct-tcpip channels the client opens
 * (ssh -L, -W, ProxyJump), remote listeners it asks for with tcpip-forward
 * (ssh -R) whose connections come back as forwarded-tcpip channels
 * (RFC 4254 7), and agent forwarding (auth-agent-req@openssh.com, OpenSSH's
 * PROTOCOL), whose unix socket's connections come back as
 * auth-agent@openssh.com channels.
 *
 * Listening sockets and connects in progress are not channels the core can
 * poll (an unconfirmed channel has no fds in the poll set), so they are
 * "watches": an fd and a callback on a list at c->connection->fwd, polled
 * through the connection layer's hooks. Each watch is embedded in its
 * owner's state, so the list itself allocates nothing. */
#ifndef SSHL_FORWARD_H
#define SSHL_FORWARD_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

struct conn;
struct channel;
struct session;
struct rd;
struct buf;
struct chan_type;

struct fwd_watch {
	int fd;
	short events;
	/* called with the fd's revents; may remove any watch */
	int (*ready)(struct conn *c, struct fwd_watch *w, short revents);
	/* the connection ends: close and free what the watch belongs to
	 * (NULL when a channel owns it and its close hook does that) */
	void (*release)(struct conn *c, struct fwd_watch *w);
	struct fwd_watch *next;
	int pf;        /* its index in the current poll set, or -1 */
	short revents; /* seen by the last poll, not yet handled */
};

/* fwd_listen.c: the watch list and the connection layer's calls into it */
void fwd_watch_add(struct conn *c, struct fwd_watch *w);
void fwd_watch_del(struct conn *c, struct fwd_watch *w);
/* appends the watches' pollfds from index n, using at most about half of
 * what is left below max so channels are not starved; returns the new n */
int fwd_pollfds(struct conn *c, struct pollfd *fds, int n, int max);
int fwd_events(struct conn *c, struct pollfd *fds, int n);
/* -1, or a short wait when some watches did not fit into the poll set:
 * nothing would wake poll for them, so the set must rotate */
int fwd_timeout(struct conn *c);
/* the opened hook of the types we open: the client's answer, logged */
int fwd_opened(struct conn *c, struct channel *ch, int ok);
/* the poll callback's work for a listening unix socket (agent forwarding,
 * streamlocal): up to a burst of connections per poll round, each a new
 * channel of type t carrying the connection, its CHANNEL_OPEN sent.
 * opening logs the connection and writes the type's own fields to b after
 * the common ones; with ch and b NULL it logs that no channel was left
 * (the connection is closed) */
int fwd_accept_unix(struct conn *c, struct fwd_watch *w, const struct chan_type *t,
		    void (*opening)(struct conn *c, struct fwd_watch *w, struct channel *ch, struct buf *b));
/* releases every watch still listed (after the channels are freed) */
void fwd_cleanup(struct conn *c);

/* global request rows (tcpip-forward, cancel-tcpip-forward): 1, 0 or an
 * error; reply receives what follows REQUEST_SUCCESS (the bound port) */
int fwd_tcpip_forward(struct conn *c, struct rd *r, struct buf *reply);
int fwd_cancel_tcpip_forward(struct conn *c, struct rd *r, struct buf *reply);

/* fwd_direct.c: the direct-tcpip row of chan_types */
extern const struct chan_type direct_tcpip_type;
/* 1 when TCP forwarding is allowed for this login; logs the refusal */
int fwd_tcp_allowed(struct conn *c, const char *what);
/* "host:port" or "[host]:port" split into host (brackets removed) and
 * port text; 0 when malformed or the host does not fit */
int fwd_split_hostport(const char *s, char *host, size_t hlen, const char **port);
/* "*" or the decimal number equal to port */
int fwd_port_matches(const char *pat, uint32_t port);

/* fwd_unix.c: Unix-socket forwarding (streamlocal): the channel row and
 * the global request rows, as the tcpip ones above */
extern const struct chan_type direct_streamlocal_type;
int fwd_streamlocal_forward(struct conn *c, struct rd *r, struct buf *reply);
int fwd_cancel_streamlocal_forward(struct conn *c, struct rd *r, struct buf *reply);

/* fwd_agent.c: the session request and the session's end */
int fwd_agent_request(struct conn *c, struct channel *ch, struct session *s, struct rd *r);
/* SSH_AUTH_SOCK for the session's children, or NULL */
const char *fwd_agent_path(const struct session *s);
/* removes the session's socket and its directory */
void fwd_agent_end(struct conn *c, struct session *s);

#endif
