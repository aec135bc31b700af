/* Global requests (RFC 4254 4) from the client, and our client-alive
 * probes, which are global requests too. */
#include <string.h>

#include "services/channel.h"
#include "services/forward.h"
#include "services/hostkey_rotate.h"
#include "transport/conn.h"
#include "transport/msg.h"
#include "transport/namelist.h"

/* A global request row: returns 1 (success), 0 (failure) or an error. The
 * reply is sent by global_request when the client wants one, with what
 * the row wrote to reply after the message number when it succeeded. */
struct global_req {
	const char *name;
	int (*handle)(struct conn *c, struct rd *r, struct buf *reply);
};

static int no_more_sessions(struct conn *c, struct rd *r, struct buf *reply)
{
	struct connection *s = c->connection;
	(void)r, (void)reply;
	s->no_more_sessions = 1;
	return 1;
}

static const struct global_req global_reqs[] = {
	{"no-more-sessions@openssh.com", no_more_sessions},
	{"tcpip-forward", fwd_tcpip_forward},
	{"cancel-tcpip-forward", fwd_cancel_tcpip_forward},
	{"hostkeys-prove-00@openssh.com", hostkeys_prove},
	{"streamlocal-forward@openssh.com", fwd_streamlocal_forward},
	{"cancel-streamlocal-forward@openssh.com", fwd_cancel_streamlocal_forward},
	/* keepalive@openssh.com is answered with failure like any unknown
	 * request: that is what OpenSSH clients expect */
	{NULL, NULL},
};

int global_request(struct conn *c, uint8_t type, struct rd *r)
{
	const uint8_t *name;
	size_t n;
	int want, ok = 0, e;
	struct buf *b, reply;
	(void)type;
	/* request name, want reply; the rest is the request's */
	if ((e = rd_text(r, &name, &n)) != SSH_OK || (e = rd_bool(r, &want)) != SSH_OK)
		return e;
	/* room for hostkeys-prove: a signature per host key */
	buf_init(&reply, 32768);
	for (const struct global_req *g = global_reqs; g->name; g++) {
		if (name_eq(g->name, name, n)) {
			ok = g->handle(c, r, &reply);
			break;
		}
	}
	if (ok < 0 || !want) {
		buf_free(&reply);
		return ok < 0 ? ok : SSH_OK;
	}
	if ((e = pkt_begin(c, ok ? SSH_MSG_REQUEST_SUCCESS : SSH_MSG_REQUEST_FAILURE, &b)) == SSH_OK && ok &&
	    reply.len)
		buf_put(b, reply.d, reply.len);
	buf_free(&reply);
	return e != SSH_OK ? e : pkt_send(c);
}

/* the client answered a probe; that it answered at all is what counts,
 * and alive_check sees the packet */
int global_reply(struct conn *c, uint8_t type, struct rd *r)
{
	(void)c, (void)type, (void)r;
	return SSH_OK;
}

/* milliseconds until the next probe is due (<= 0: now) */
static int64_t alive_due(struct conn *c, int64_t now)
{
	struct connection *s = c->connection;
	int64_t iv = (int64_t)c->cfg->client_alive_interval * 1000;
	/* any packet from the client shows it is alive */
	if (c->rx.packets != s->alive_seen) {
		s->alive_seen = c->rx.packets;
		s->alive_last_ms = now;
		s->alive_missed = 0;
	}
	return s->alive_last_ms + iv * (s->alive_missed + 1) - now;
}

int alive_check(struct conn *c)
{
	struct connection *s = c->connection;
	struct buf *b;
	int e;
	if (c->cfg->client_alive_interval <= 0 || alive_due(c, chan_now_ms()) > 0)
		return SSH_OK;
	/* ClientAliveCountMax 0 probes without ever giving up, as in OpenSSH */
	if (c->cfg->client_alive_count_max > 0 && s->alive_missed >= c->cfg->client_alive_count_max) {
		logit(c->log, LOG_INFO, "Timeout, client not responding from %s port %d", c->addr, c->port);
		return SSH_ERR_TIMEOUT;
	}
	s->alive_missed++;
	if ((e = pkt_begin(c, SSH_MSG_GLOBAL_REQUEST, &b)) != SSH_OK)
		return e;
	buf_cstring(b, "keepalive@openssh.com");
	buf_bool(b, 1);
	return pkt_send(c);
}

int alive_timeout(struct conn *c)
{
	int64_t ms;
	if (c->cfg->client_alive_interval <= 0)
		return -1;
	ms = alive_due(c, chan_now_ms());
	return ms < 0 ? 0 : ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}
