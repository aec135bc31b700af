/* internal-sftp on a session channel: the channel's data feeds the engine
 * (sftp.h) inside this process, and its replies go out within the peer's
 * window. The session's type is swapped for this one, which keeps the
 * session's requests and release.
 *
 * Flow control: the peer's bytes are acknowledged (channel_consumed) only
 * while fewer than SFTP_IN_HIGH wait in the engine, and the engine handles
 * requests only while fewer than SFTP_OUT_HIGH bytes of replies wait for
 * the peer's window or the transport: a client that does not read stops
 * the engine, which stops acknowledging, which stops the client.
 *
 * The peer's window is a bound, not a goal: replies go out only while the
 * peer holds less than SFTP_PEER_AHEAD of them received and not consumed
 * (channel_peer_holds; what is still in the network does not count). A
 * download that filled OpenSSH's 2 MiB window had its ssh keep up to 2 MiB
 * in its own buffers, moving them about on every read: it spent twice the
 * CPU and got half the throughput of the same client fed by sftp-server,
 * whose slower pace never let it fall behind. */
#include <stdlib.h>
#include <string.h>

#include "services/auth.h"
#include "services/channel.h"
#include "services/session.h"
#include "services/sftp.h"
#include "transport/conn.h"

/* replies handed to the transport per call, so the channel's share of its
 * buffer stays near CHAN_TX_HIGH */
#define SEND_CHUNK (64u * 1024)

struct sftp_chan {
	struct session *session; /* the session's state, released by its hook */
	struct sftp *engine;
	size_t unacked;          /* delivered, not yet given back to the window */
	int peer_eof;
	int failed;              /* the engine ended the session */
};

/* 1 when replies may go to the peer now */
static int may_send(struct conn *c, struct channel *ch)
{
	return ch->rwin && channel_may_send(c) && !ch->eof_sent && !ch->close_sent &&
	       !channel_peer_holds(c, ch, SFTP_PEER_AHEAD);
}

static int flush(struct conn *c, struct channel *ch, struct sftp_chan *x)
{
	while (sftp_outlen(x->engine) && may_send(c, ch)) {
		size_t n = sftp_outlen(x->engine);
		long k = channel_send_data(c, ch, 0, sftp_out(x->engine), n < SEND_CHUNK ? n : SEND_CHUNK);
		if (k < 0)
			return (int)k;
		if (!k)
			break;
		sftp_sent(x->engine, (size_t)k);
	}
	return SSH_OK;
}

/* handles what waits, sends what it can, re-opens the window */
static int work(struct conn *c, struct channel *ch, struct sftp_chan *x)
{
	int e;
	for (;;) {
		if ((e = flush(c, ch, x)) != SSH_OK)
			return e;
		if (x->failed || !sftp_ready(x->engine) || sftp_outlen(x->engine) >= SFTP_OUT_HIGH)
			break;
		if (sftp_run(x->engine) != SSH_OK) {
			logit(c->log, LOG_INFO, "internal-sftp: session %u ends on a bad request stream", ch->id);
			x->failed = 1;
		}
		/* a copy-data step done: the connection's other channels and
		 * the transport come first, x_timeout brings us back */
		if (sftp_busy(x->engine)) {
			if ((e = flush(c, ch, x)) != SSH_OK)
				return e;
			break;
		}
	}
	if (x->unacked && sftp_inlen(x->engine) < SFTP_IN_HIGH) {
		size_t n = x->unacked;
		x->unacked = 0;
		return channel_consumed(c, ch, n);
	}
	return SSH_OK;
}

static int x_data(struct conn *c, struct channel *ch, uint32_t code, const uint8_t *p, size_t n)
{
	struct sftp_chan *x = ch->priv;
	int e;
	/* stderr-typed data means nothing to sftp */
	if (code || x->failed)
		return channel_consumed(c, ch, n);
	if ((e = sftp_input(x->engine, p, n)) != SSH_OK)
		return e;
	x->unacked += n;
	return work(c, ch, x);
}

static int x_eof(struct conn *c, struct channel *ch)
{
	struct sftp_chan *x = ch->priv;
	(void)c;
	x->peer_eof = 1;
	return SSH_OK;
}

static int x_events(struct conn *c, struct channel *ch, struct pollfd *fds, int n)
{
	(void)fds, (void)n;
	if (ch->close_sent || ch->close_rcvd)
		return SSH_OK;
	return work(c, ch, ch->priv);
}

static int x_timeout(struct conn *c, struct channel *ch)
{
	struct sftp_chan *x = ch->priv;
	if (sftp_outlen(x->engine) && may_send(c, ch))
		return 0;
	if (!x->failed && sftp_ready(x->engine) && sftp_outlen(x->engine) < SFTP_OUT_HIGH)
		return 0;
	return -1;
}

/* the session ends when the client's EOF came and every reply went, or
 * when the engine gave up: exit-status as OpenSSH's internal-sftp */
static int x_done(struct conn *c, struct channel *ch)
{
	struct sftp_chan *x = ch->priv;
	struct buf *b;
	int e;
	if (sftp_outlen(x->engine) || (!x->failed && (!x->peer_eof || sftp_ready(x->engine))))
		return CHAN_WAIT;
	if ((e = channel_request_begin(c, ch, "exit-status", 0, &b)) != SSH_OK)
		return e;
	buf_u32(b, x->failed ? 1 : 0);
	if ((e = pkt_send(c)) != SSH_OK)
		return e;
	return CHAN_EOF_CLOSE;
}

static void x_close(struct conn *c, struct channel *ch)
{
	struct sftp_chan *x = ch->priv;
	sftp_free(x->engine);
	ch->priv = x->session;
	free(x);
	session_type.close(c, ch);
}

static int x_request(struct conn *c, struct channel *ch, const char *name, size_t nlen, int want_reply,
		     struct rd *r)
{
	struct sftp_chan *x = ch->priv;
	int ok;
	/* the session's requests see the session's state */
	ch->priv = x->session;
	ok = session_request(c, ch, name, nlen, want_reply, r);
	ch->priv = x;
	return ok;
}

static const struct chan_type sftp_type = {
	.name = "session",
	.data = x_data,
	.eof = x_eof,
	.close = x_close,
	.request = x_request,
	.done = x_done,
	.events = x_events,
	.timeout = x_timeout,
};

const char *sftp_internal_args(const char *cmd)
{
	static const char name[] = "internal-sftp";
	if (!cmd || strncmp(cmd, name, sizeof name - 1) || (cmd[sizeof name - 1] && cmd[sizeof name - 1] != ' ' &&
							     cmd[sizeof name - 1] != '\t'))
		return NULL;
	return cmd + sizeof name - 1;
}

int sftp_start(struct conn *c, struct channel *ch, const char *args)
{
	const struct auth_result *a = c->auth;
	struct session *s = ch->priv;
	struct sftp_chan *x;
	if (s->started || !a || !(x = calloc(1, sizeof *x)))
		return 0;
	if (!(x->engine = sftp_new(c->log, args, a->user, a->home, c->addr))) {
		free(x);
		return 0;
	}
	if (channel_grow_window(c, ch, SFTP_WINDOW) != SSH_OK) {
		sftp_free(x->engine);
		free(x);
		return 0;
	}
	/* no terminal for a file transfer: the pty would only stay open */
	if (s->have_pty) {
		pty_close(&s->pty);
		s->have_pty = 0;
	}
	s->started = 1;
	x->session = s;
	ch->priv = x;
	ch->type = &sftp_type;
	logit(c->log, LOG_INFO, "Starting session: internal-sftp for %s from %s port %d id %u", a->user, c->addr,
	      c->port, ch->id);
	return 1;
}
