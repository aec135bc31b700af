/* The dispatch loop, after Twisted Conch's SSHServerTransport: each packet
 * passes one gate that decides whether its message is allowed now, then
 * goes to the handler installed for its number. Every error comes back
 * here as a return code and leaves through one disconnect path. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kex/kex.h"
#include "transport/conn.h"
#include "transport/msg.h"
#include "transport/namelist.h"
#include "transport/version.h"

#define MAX_POLL 1024 /* the socket, and every channel fd: 256 channels x 3, listeners */

int transport_may_send(const struct conn *c) { return !c->tx_hold; }

static int send_unimplemented(struct conn *c, uint32_t seq)
{
	struct buf *b;
	int e = pkt_begin(c, SSH_MSG_UNIMPLEMENTED, &b);
	if (e == SSH_OK)
		e = buf_u32(b, seq);
	return e == SSH_OK ? pkt_send(c) : e;
}

static int h_disconnect(struct conn *c, uint8_t type, struct rd *r)
{
	uint32_t reason = 0;
	const uint8_t *desc = (const uint8_t *)"";
	size_t dlen = 0;
	(void)type;
	/* reason code, description; a malformed one still ends the connection */
	if (rd_u32(r, &reason) == SSH_OK)
		rd_string(r, &desc, &dlen);
	logit(c->log, LOG_INFO, "Received disconnect from %s port %d:%u: %.*s", c->addr, c->port,
	      reason, (int)(dlen > 200 ? 200 : dlen), desc);
	return SSH_ERR_PEER_DISC;
}

static int h_ignore(struct conn *c, uint8_t type, struct rd *r)
{
	(void)c, (void)type, (void)r;
	return SSH_OK;
}

static int h_unimplemented(struct conn *c, uint8_t type, struct rd *r)
{
	uint32_t seq = 0;
	(void)type;
	rd_u32(r, &seq);
	logit(c->log, LOG_DEBUG, "peer could not handle our packet %u", seq);
	return SSH_OK;
}

static int h_debug(struct conn *c, uint8_t type, struct rd *r)
{
	const uint8_t *m;
	size_t n;
	int e;
	(void)type;
	/* always_display, message, language tag */
	if ((e = rd_bool(r, NULL)) != SSH_OK || (e = rd_string(r, &m, &n)) != SSH_OK ||
	    (e = rd_string(r, NULL, NULL)) != SSH_OK)
		return e;
	logit(c->log, LOG_DEBUG, "remote debug: %.*s", (int)(n > 200 ? 200 : n), m);
	return SSH_OK;
}

/* ping@openssh.com: the data back in a PONG, as OpenSSH 10 answers it:
 * never before authentication nor during a key exchange (where a queue of
 * replies was CVE-2025-26466), so a ping costs the sender a packet each */
static int h_ping(struct conn *c, uint8_t type, struct rd *r)
{
	const uint8_t *d;
	size_t n;
	struct buf *b;
	int e;
	(void)type;
	/* data */
	if ((e = rd_string(r, &d, &n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	logit(c->log, LOG_DEBUG, "Received SSH2_MSG_PING len %zu", n);
	if (!c->authenticated) {
		logit(c->log, LOG_DEBUG, "Won't reply to PING in preauth");
		return SSH_OK;
	}
	if (c->kex || !transport_may_send(c)) {
		logit(c->log, LOG_DEBUG, "Won't reply to PING during KEX");
		return SSH_OK;
	}
	if ((e = pkt_begin(c, SSH2_MSG_PONG, &b)) != SSH_OK || (e = buf_string(b, d, n)) != SSH_OK)
		return e;
	return pkt_send(c);
}

static int h_pong(struct conn *c, uint8_t type, struct rd *r)
{
	size_t n;
	int e;
	(void)type;
	/* data: we send no pings, so a PONG is only logged */
	if ((e = rd_string(r, NULL, &n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	logit(c->log, LOG_DEBUG, "Received SSH2_MSG_PONG len %zu", n);
	return SSH_OK;
}

static int h_service_request(struct conn *c, uint8_t type, struct rd *r)
{
	const uint8_t *name;
	size_t n;
	const struct service *s;
	struct buf *b;
	int e;
	(void)type;
	if ((e = rd_text(r, &name, &n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	s = service_find(c->services, (const char *)name, n);
	if (!s) {
		logit(c->log, LOG_INFO, "Client from %s port %d requested unknown service %.*s", c->addr,
		      c->port, (int)(n > 64 ? 64 : n), name);
		return SSH_ERR_SERVICE;
	}
	if ((e = pkt_begin(c, SSH_MSG_SERVICE_ACCEPT, &b)) != SSH_OK || (e = buf_cstring(b, s->name)) != SSH_OK ||
	    (e = pkt_send(c)) != SSH_OK)
		return e;
	/* one service request per connection, as OpenSSH allows */
	c->dispatch[SSH_MSG_SERVICE_REQUEST] = NULL;
	return s->install(c);
}

void transport_install(struct conn *c, const struct service *services)
{
	c->services = services;
	c->dispatch[SSH_MSG_DISCONNECT] = h_disconnect;
	c->dispatch[SSH_MSG_IGNORE] = h_ignore;
	c->dispatch[SSH_MSG_UNIMPLEMENTED] = h_unimplemented;
	c->dispatch[SSH_MSG_DEBUG] = h_debug;
	/* EXT_INFO from a client is allowed (RFC 8308) but we ask for nothing */
	c->dispatch[SSH_MSG_EXT_INFO] = h_ignore;
	c->dispatch[SSH2_MSG_PING] = h_ping;
	c->dispatch[SSH2_MSG_PONG] = h_pong;
	kex_install(c);
}

/* Called by the key exchange when an exchange is complete: the peer's
 * NEWKEYS is in and both directions run on the new keys. */
void transport_kex_done(struct conn *c)
{
	c->kex_count++;
	c->last_kex_ms = conn_now_ms();
	if (c->kex_count == 1 && !c->authenticated)
		c->dispatch[SSH_MSG_SERVICE_REQUEST] = h_service_request;
}

int transport_authenticated(struct conn *c)
{
	/* plain zlib (`Compression zlib`) inflated the login: its window keeps
	 * the last 32 KiB of the stream, a password among them, for as long as
	 * the stream lasts. A key exchange now ends it, and zlib's buffers are
	 * wiped when freed (comp.c). */
	int inflated = c->rx.z.active;
	int e;
	c->authenticated = 1;
	/* the root side of privilege separation: compression starts where
	 * the transport state goes, after the handover */
	if (c->capture)
		return SSH_OK;
	/* zlib@openssh.com starts with the packet after USERAUTH_SUCCESS */
	if ((e = pkt_start_compression(c, 1)) != SSH_OK || (e = pkt_start_compression(c, 0)) != SSH_OK)
		return e;
	if (!inflated)
		return SSH_OK;
	logit(c->log, LOG_DEBUG, "re-keying after authentication: the login passed through plain zlib");
	return kex_start(c);
}

/* Conch's _allowedKeyExchangeMessageType, OpenSSH's strict-KEX rules and
 * Dropbear's checks before dispatch, as three rules. Returns 1 to
 * dispatch, 0 when the packet is answered already, or an error. */
static int gate(struct conn *c, uint8_t type)
{
	/* strict KEX: nothing but the first exchange's own messages during it */
	if (c->strict_kex && !c->kex_count && (type < SSH_MSG_KEX_FIRST || type > SSH_MSG_KEX_LAST))
		return SSH_ERR_PROTO;
	/* what the key exchange's state lets arrive now */
	if (!kex_allows(c->kex, type))
		return SSH_ERR_PROTO;
	/* before authentication the connection protocol's numbers are unknown,
	 * whatever a service may have installed; a PING is the transport's
	 * and goes unanswered instead, as OpenSSH leaves it */
	if (type >= SSH_MSG_CONNECTION_FIRST && !c->authenticated && type != SSH2_MSG_PING &&
	    type != SSH2_MSG_PONG)
		return send_unimplemented(c, c->rx_cur_seq);
	return 1;
}

static int handle_packet(struct conn *c, const uint8_t *p, size_t n)
{
	struct rd r;
	uint8_t type = p[0];
	int g = gate(c, type);
	if (g <= 0)
		return g;
	rd_init(&r, p + 1, n - 1);
	if (!c->dispatch[type]) {
		if (type >= SSH_MSG_KEX_FIRST && type <= SSH_MSG_KEX_LAST)
			return SSH_ERR_PROTO;
		/* before authentication the service layers' numbers are unknown */
		return send_unimplemented(c, c->rx_cur_seq);
	}
	return c->dispatch[type](c, type, &r);
}

int transport_handle(struct conn *c, const uint8_t *p, size_t n) { return handle_packet(c, p, n); }

void transport_disconnect(struct conn *c, int reason, const char *desc)
{
	struct buf *b;
	/* plaintext DISCONNECT before the first NEWKEYS is what clients expect */
	if (pkt_begin(c, SSH_MSG_DISCONNECT, &b) == SSH_OK) {
		buf_u32(b, (uint32_t)reason);
		buf_cstring(b, desc);
		buf_cstring(b, "");
		if (pkt_send(c) == SSH_OK)
			io_drain(c, 2000);
	}
}

static int next_timeout(struct conn *c)
{
	int64_t ms = -1, t, now = conn_now_ms();
	if (!c->authenticated && c->cfg->login_grace_time) {
		t = c->start_ms + (int64_t)c->cfg->login_grace_time * 1000 - now;
		ms = t < 0 ? 0 : t;
	}
	if (c->rekey_seconds && c->kex_count && !c->kex) {
		t = c->last_kex_ms + (int64_t)c->rekey_seconds * 1000 - now;
		t = t < 0 ? 0 : t;
		if (ms < 0 || t < ms)
			ms = t;
	}
	if (c->hooks && c->hooks->timeout) {
		t = c->hooks->timeout(c);
		if (t >= 0 && (ms < 0 || t < ms))
			ms = t;
	}
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}


/* Before authentication a client has no business sending much: a real
 * login takes a few dozen packets and some kilobytes. Beyond these, IGNORE,
 * DEBUG or re-key floods only burn the server's time until LoginGraceTime. */
#define PREAUTH_MAX_PACKETS 2048
#define PREAUTH_MAX_BYTES (2u * 1024 * 1024)

static int preauth_limit(const struct conn *c)
{
	if (c->authenticated || (c->rx.packets <= PREAUTH_MAX_PACKETS && c->rx.total <= PREAUTH_MAX_BYTES))
		return SSH_OK;
	logit(c->log, LOG_INFO, "Too much traffic before authentication from %s port %d: %llu packets, %llu bytes",
	      c->addr, c->port, (unsigned long long)c->rx.packets, (unsigned long long)c->rx.total);
	return SSH_ERR_LIMIT;
}

/* Replies that are not channel data (channel and global request answers,
 * open failures, window adjusts) are bounded only by what the peer asks
 * for: past this much unread output the socket is not read and no buffered
 * packet is handled until the peer takes some. */
#define OUT_BACKLOG_MAX (1u << 20)

static int out_full(const struct conn *c) { return c->out.len - c->out_off > OUT_BACKLOG_MAX; }

static int loop(struct conn *c)
{
	struct pollfd fds[MAX_POLL];
	const uint8_t *p;
	size_t n;
	int e = SSH_ERR_SHORT, nf, nh;

	for (;;) {
		/* a packet at a time, so a service's backpressure and re-keying
		 * are looked at between packets; none while the peer leaves a
		 * backlog unread, since every request can add a reply to it */
		while (!out_full(c) && (e = pkt_read(c, &p, &n)) == SSH_OK) {
			if ((e = preauth_limit(c)) != SSH_OK || (e = handle_packet(c, p, n)) != SSH_OK)
				return e;
			if (c->want_close || (c->handover && !c->kex && !c->tx_hold))
				return SSH_OK;
			if (rekey_overdue(c)) {
				logit(c->log, LOG_INFO, "%s port %d did not re-key in time: %llu packets, %llu bytes "
				      "under one key", c->addr, c->port, (unsigned long long)c->rx.kpackets,
				      (unsigned long long)c->rx.bytes);
				return SSH_ERR_LIMIT;
			}
			if (rekey_due(c) && (e = kex_start(c)) != SSH_OK)
				return e;
		}
		if (!out_full(c) && e != SSH_ERR_SHORT)
			return e;
		if (rekey_due(c) && (e = kex_start(c)) != SSH_OK)
			return e;
		if (!c->authenticated && c->cfg->login_grace_time &&
		    conn_now_ms() - c->start_ms >= (int64_t)c->cfg->login_grace_time * 1000) {
			logit(c->log, LOG_INFO, "Timeout before authentication for %s port %d", c->addr, c->port);
			return SSH_ERR_TIMEOUT;
		}
		fds[0] = (struct pollfd){c->rfd, out_full(c) ? 0 : POLLIN, 0};
		fds[1] = (struct pollfd){c->wfd, io_pending(c) ? POLLOUT : 0, 0};
		nh = 0;
		if (c->hooks && c->hooks->pollfds)
			nh = c->hooks->pollfds(c, fds + 2, MAX_POLL - 3);
		/* main's signalfd goes last: a launcher's SIGTERM or SIGHUP ends
		 * the connection like the peer's EOF, and main logs the signal */
		if (c->sigfd > 0)
			fds[2 + nh] = (struct pollfd){c->sigfd, POLLIN, 0};
		nf = poll(fds, (nfds_t)(2 + nh + (c->sigfd > 0)), next_timeout(c));
		if (nf < 0) {
			if (errno == EINTR)
				continue;
			return SSH_ERR_IO;
		}
		if (c->sigfd > 0 && (fds[2 + nh].revents & POLLIN))
			return SSH_ERR_EOF;
		if (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
			if ((e = io_flush(c)) != SSH_OK)
				return e;
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((e = io_fill(c)) != SSH_OK)
				return e;
		}
		/* also with no fds of its own: its timers run from here */
		if (c->hooks && c->hooks->events && (e = c->hooks->events(c, fds + 2, nh)) != SSH_OK)
			return e;
		if (c->want_close)
			return SSH_OK;
		if (io_pending(c) && (e = io_flush(c)) != SSH_OK)
			return e;
	}
}

const struct service *service_find(const struct service *rows, const char *name, size_t len)
{
	for (; rows && rows->name; rows++)
		if (name_eq(rows->name, name, len))
			return rows;
	return NULL;
}

int transport_run(struct conn *c, const struct service *services)
{
	int e;
	transport_install(c, services);
	if ((e = version_send(c)) != SSH_OK)
		return e;
	e = version_recv(c);
	if (e == SSH_ERR_VERSION) {
		static const char msg[] = "Protocol mismatch.\n";
		if (write(c->wfd, msg, sizeof msg - 1) < 0) {
			/* the peer is gone already */
		}
		logit(c->log, LOG_INFO, "Bad protocol version identification from %s port %d", c->addr, c->port);
		return e;
	}
	if (e != SSH_OK) {
		if (e == SSH_ERR_TIMEOUT)
			logit(c->log, LOG_INFO, "Timeout before authentication for %s port %d", c->addr, c->port);
		else
			logit(c->log, LOG_INFO, "Connection closed by %s port %d before version exchange", c->addr, c->port);
		return e;
	}
	logit(c->log, LOG_DEBUG, "Client protocol version: %s", c->client_version);
	if ((e = kex_start(c)) != SSH_OK)
		return e;
	return transport_resume(c);
}

int transport_resume(struct conn *c)
{
	int e = loop(c);
	if (e == SSH_OK || e == SSH_ERR_PEER_DISC || e == SSH_ERR_EOF || e == SSH_ERR_DENIED)
		goto out;
	{
		char desc[128];
		snprintf(desc, sizeof desc, "%s", ssh_err(e));
		logit(c->log, LOG_INFO, "Disconnecting %s port %d: %s", c->addr, c->port, desc);
		if (e != SSH_ERR_IO)
			transport_disconnect(c, ssh_err_reason(e), desc);
	}
out:
	if (c->hooks && c->hooks->cleanup)
		c->hooks->cleanup(c);
	/* a refused account's last words (pam_nologin's text) still go out */
	if (e == SSH_OK || e == SSH_ERR_DENIED)
		io_drain(c, 5000);
	return e;
}
