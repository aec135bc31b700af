/* ssh-connection (RFC 4254): the channel messages, parsed here and handed
 * to the channel core or the channel's type, and the hooks that put the
 * channels' fds into the transport's poll loop. */
#include <stdlib.h>
#include <string.h>

#include "services/channel.h"
#include "services/forward.h"
#include "services/hostkey_rotate.h"
#include "services/service.h"
#include "transport/conn.h"
#include "transport/msg.h"
#include "transport/namelist.h"

const struct chan_type *const chan_types[] = {
	&session_type,
	&direct_tcpip_type,
	&direct_streamlocal_type,
	NULL,
};

static const char *const open_reasons[] = {
	"", "administratively prohibited", "connect failed", "unknown channel type", "resource shortage",
};

static int send_open_failure(struct conn *c, uint32_t peer, uint32_t reason)
{
	struct buf *b;
	int e = pkt_begin(c, SSH_MSG_CHANNEL_OPEN_FAILURE, &b);
	if (e != SSH_OK)
		return e;
	buf_u32(b, peer);
	buf_u32(b, reason);
	buf_cstring(b, open_reasons[reason <= 4 ? reason : 0]);
	buf_cstring(b, "");
	return pkt_send(c);
}

static const struct chan_type *type_find(const uint8_t *name, size_t n)
{
	for (int i = 0; chan_types[i]; i++)
		if (name_eq(chan_types[i]->name, name, n))
			return chan_types[i];
	return NULL;
}

static int h_open(struct conn *c, uint8_t type, struct rd *r)
{
	const uint8_t *name;
	size_t nlen;
	uint32_t peer, win, maxpkt;
	const struct chan_type *t;
	struct channel *ch;
	int e;
	(void)type;
	/* channel type, sender channel, initial window size, maximum packet size */
	if ((e = rd_text(r, &name, &nlen)) != SSH_OK || (e = rd_u32(r, &peer)) != SSH_OK ||
	    (e = rd_u32(r, &win)) != SSH_OK || (e = rd_u32(r, &maxpkt)) != SSH_OK)
		return e;
	if (!(t = type_find(name, nlen))) {
		logit(c->log, LOG_DEBUG, "refused channel of unknown type %.*s", (int)(nlen > 64 ? 64 : nlen), name);
		return send_open_failure(c, peer, OPEN_UNKNOWN_CHANNEL_TYPE);
	}
	/* no data could ever be sent on it */
	if (maxpkt == 0)
		return send_open_failure(c, peer, OPEN_RESOURCE_SHORTAGE);
	if (!(ch = channel_new(c, t)))
		return send_open_failure(c, peer, OPEN_RESOURCE_SHORTAGE);
	ch->peer_id = peer;
	ch->rwin = ch->rwin_max = win;
	ch->rmaxpkt = maxpkt;
	/* the rest is the type's to parse */
	e = t->open(c, ch, r);
	if (e > 0)
		return channel_open_fail(c, ch, (uint32_t)e, open_reasons[e <= 4 ? e : 0]);
	if (e < 0)
		channel_free(c, ch);
	return e;
}

/* the channel a message names, which must be open both ways */
static int lookup(struct conn *c, struct rd *r, struct channel **ch)
{
	uint32_t id;
	/* recipient channel */
	int e = rd_u32(r, &id);
	if (e != SSH_OK)
		return e;
	*ch = channel_get(c, id);
	if (!*ch || !(*ch)->confirmed) {
		logit(c->log, LOG_INFO, "channel message for channel %u, which does not exist", id);
		return SSH_ERR_PROTO;
	}
	return SSH_OK;
}

static int h_open_reply(struct conn *c, uint8_t type, struct rd *r)
{
	uint32_t id, peer, win, maxpkt;
	struct channel *ch;
	int e;
	/* recipient channel */
	if ((e = rd_u32(r, &id)) != SSH_OK)
		return e;
	ch = channel_get(c, id);
	if (!ch || !ch->ours || ch->confirmed)
		return SSH_ERR_PROTO;
	if (type == SSH_MSG_CHANNEL_OPEN_FAILURE) {
		/* reason code, description and language are only logged */
		uint32_t reason = 0;
		rd_u32(r, &reason);
		logit(c->log, LOG_DEBUG, "our %s channel was refused: reason %u", ch->type->name, reason);
		e = ch->type->opened ? ch->type->opened(c, ch, 0) : SSH_OK;
		channel_free(c, ch);
		return e;
	}
	/* sender channel, initial window size, maximum packet size */
	if ((e = rd_u32(r, &peer)) != SSH_OK || (e = rd_u32(r, &win)) != SSH_OK ||
	    (e = rd_u32(r, &maxpkt)) != SSH_OK)
		return e;
	ch->peer_id = peer;
	ch->rwin = ch->rwin_max = win;
	ch->rmaxpkt = maxpkt ? maxpkt : 1;
	ch->confirmed = 1;
	if (ch->type->opened && (e = ch->type->opened(c, ch, 1)) != SSH_OK)
		return e;
	return channel_pump(c, ch);
}

static int h_window_adjust(struct conn *c, uint8_t type, struct rd *r)
{
	struct channel *ch;
	uint32_t add;
	int e;
	(void)type;
	/* recipient channel, bytes to add */
	if ((e = lookup(c, r, &ch)) != SSH_OK || (e = rd_u32(r, &add)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	/* RFC 4254 5.2: a window may grow to 2^32 - 1, never past it */
	if ((uint64_t)ch->rwin + add > 0xffffffffu) {
		logit(c->log, LOG_INFO, "channel %u: window adjust overflows the window", ch->id);
		return SSH_ERR_PROTO;
	}
	ch->rwin += add;
	ch->radj = add;
	if (ch->rwin > ch->rwin_max)
		ch->rwin_max = ch->rwin;
	return channel_pump(c, ch);
}

static int h_data(struct conn *c, uint8_t type, struct rd *r)
{
	struct channel *ch;
	uint32_t code = 0;
	const uint8_t *p;
	size_t n;
	int e;
	/* recipient channel, [data type code,] data */
	if ((e = lookup(c, r, &ch)) != SSH_OK)
		return e;
	if (type == SSH_MSG_CHANNEL_EXTENDED_DATA && (e = rd_u32(r, &code)) != SSH_OK)
		return e;
	if ((e = rd_string(r, &p, &n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (type == SSH_MSG_CHANNEL_EXTENDED_DATA && code == 0)
		code = 0xffffffffu; /* keep it apart from plain data */
	if ((e = channel_deliver(c, ch, code, p, n)) != SSH_OK)
		return e;
	return channel_pump(c, ch);
}

static int h_eof(struct conn *c, uint8_t type, struct rd *r)
{
	struct channel *ch;
	int e;
	(void)type;
	/* recipient channel */
	if ((e = lookup(c, r, &ch)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	ch->eof_rcvd = 1;
	return channel_pump(c, ch);
}

static int h_close(struct conn *c, uint8_t type, struct rd *r)
{
	struct channel *ch;
	int e;
	(void)type;
	/* recipient channel */
	if ((e = lookup(c, r, &ch)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (ch->close_rcvd)
		return SSH_ERR_PROTO;
	ch->close_rcvd = 1;
	/* answering CLOSE frees the channel; queued output is dropped */
	return channel_close(c, ch);
}

static int h_request(struct conn *c, uint8_t type, struct rd *r)
{
	struct channel *ch;
	const uint8_t *name;
	size_t n;
	int want, ok, e;
	struct buf *b;
	(void)type;
	/* recipient channel, request type, want reply; the rest is the type's */
	if ((e = lookup(c, r, &ch)) != SSH_OK || (e = rd_text(r, &name, &n)) != SSH_OK ||
	    (e = rd_bool(r, &want)) != SSH_OK)
		return e;
	/* after CLOSE neither side answers: the channel is going away */
	if (ch->close_sent || ch->close_rcvd)
		return SSH_OK;
	ok = ch->type->request ? ch->type->request(c, ch, (const char *)name, n, want, r) : 0;
	if (ok < 0)
		return ok;
	if (want) {
		/* answered now, so replies keep the order of the requests */
		if ((e = pkt_begin(c, ok ? SSH_MSG_CHANNEL_SUCCESS : SSH_MSG_CHANNEL_FAILURE, &b)) != SSH_OK)
			return e;
		buf_u32(b, ch->peer_id);
		if ((e = pkt_send(c)) != SSH_OK)
			return e;
	}
	return channel_pump(c, ch);
}

/* answers to channel requests of ours: we ask for none, so they are only
 * checked for naming a channel */
static int h_request_reply(struct conn *c, uint8_t type, struct rd *r)
{
	struct channel *ch;
	(void)type;
	return lookup(c, r, &ch);
}

static int hook_pollfds(struct conn *c, struct pollfd *fds, int max)
{
	struct connection *s = c->connection;
	if (max < 1)
		return 0;
	if (max > CHAN_POLL_MAX)
		max = CHAN_POLL_MAX;
	/* the first entry is a placeholder poll(2) skips: it makes the
	 * transport call our events after every poll, timeouts included */
	fds[0] = (struct pollfd){-1, 0, 0};
	s->ref[0].kind = PF_OTHER;
	return channel_pollfds(c, fds, fwd_pollfds(c, fds, 1, max), max);
}

static int hook_events(struct conn *c, struct pollfd *fds, int n)
{
	int e;
	if ((e = fwd_events(c, fds, n)) != SSH_OK || (e = channel_events(c, fds, n)) != SSH_OK)
		return e;
	child_reap_orphans(c);
	if ((e = idle_check(c)) != SSH_OK)
		return e;
	return alive_check(c);
}

static int hook_timeout(struct conn *c)
{
	int a = channel_timeout(c), b = alive_timeout(c), o = child_orphans_timeout(c), f = fwd_timeout(c);
	int i = idle_timeout(c);
	if (b >= 0 && (a < 0 || b < a))
		a = b;
	if (i >= 0 && (a < 0 || i < a))
		a = i;
	if (o >= 0 && (a < 0 || o < a))
		a = o;
	if (f >= 0 && (a < 0 || f < a))
		a = f;
	return a;
}

static void hook_cleanup(struct conn *c)
{
	struct connection *s = c->connection;
	if (!s)
		return;
	/* frees the sessions, which hang up their children */
	channel_free_all(c);
	fwd_cleanup(c);
	child_linger(c);
	free(s);
	c->connection = NULL;
	c->hooks = NULL;
}

static const struct loop_hooks connection_hooks = {
	hook_pollfds, hook_events, hook_timeout, hook_cleanup,
};

int connection_install(struct conn *c)
{
	struct connection *s;
	if (c->connection)
		return SSH_ERR_PROTO;
	if (!(s = calloc(1, sizeof *s)))
		return SSH_ERR_ALLOC;
	c->connection = s;
	s->alive_last_ms = s->unused_since_ms = chan_now_ms();
	s->alive_seen = c->rx.packets;
	c->dispatch[SSH_MSG_GLOBAL_REQUEST] = global_request;
	c->dispatch[SSH_MSG_REQUEST_SUCCESS] = global_reply;
	c->dispatch[SSH_MSG_REQUEST_FAILURE] = global_reply;
	c->dispatch[SSH_MSG_CHANNEL_OPEN] = h_open;
	c->dispatch[SSH_MSG_CHANNEL_OPEN_CONFIRMATION] = h_open_reply;
	c->dispatch[SSH_MSG_CHANNEL_OPEN_FAILURE] = h_open_reply;
	c->dispatch[SSH_MSG_CHANNEL_WINDOW_ADJUST] = h_window_adjust;
	c->dispatch[SSH_MSG_CHANNEL_DATA] = h_data;
	c->dispatch[SSH_MSG_CHANNEL_EXTENDED_DATA] = h_data;
	c->dispatch[SSH_MSG_CHANNEL_EOF] = h_eof;
	c->dispatch[SSH_MSG_CHANNEL_CLOSE] = h_close;
	c->dispatch[SSH_MSG_CHANNEL_REQUEST] = h_request;
	c->dispatch[SSH_MSG_CHANNEL_SUCCESS] = h_request_reply;
	c->dispatch[SSH_MSG_CHANNEL_FAILURE] = h_request_reply;
	c->hooks = &connection_hooks;
	/* OpenSSH's notify_hostkeys: once, as the connection service starts */
	return hostkeys_notify(c);
}
