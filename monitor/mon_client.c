/* The server's requests to the monitor. The monitor is trusted (it is
 * root), but its answers are still read through the cursor. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kex/agree.h"
#include "monitor/mon_client.h"
#include "monitor/mon_proto.h"
#include "monitor/monitor.h"
#include "transport/conn.h"
#include "transport/err.h"

/* one record (at most MON_MAX_MSG bytes) appended to b; its length, or
 * -1. Its size is asked first, so that b only grows as far as the record:
 * buf_free wipes b's whole capacity, and wiping 64 KiB that a short answer
 * never touched faulted in sixteen pages per question. */
static ssize_t recv_msg(int fd, struct buf *b)
{
	uint8_t *p;
	ssize_t n, want;
	do
		want = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (want < 0 && errno == EINTR);
	if (want <= 0 || want > MON_MAX_MSG || buf_reserve(b, (size_t)want, &p) != SSH_OK)
		return -1;
	do
		n = recv(fd, p, (size_t)want, MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	return n == want ? n : -1;
}

static int keys_parse(struct rd *r, struct hostkey *keys, int max, int *nkeys)
{
	uint32_t n;
	const uint8_t *blob;
	size_t bl;
	int e;

	/* uint32 n, n x string public key blob */
	if ((e = rd_u32(r, &n)) != SSH_OK)
		return e;
	if (n == 0 || n > (uint32_t)max)
		return SSH_ERR_FORMAT;
	for (*nkeys = 0; *nkeys < (int)n; (*nkeys)++)
		if ((e = rd_string(r, &blob, &bl)) != SSH_OK ||
		    (e = hostkey_public_only(&keys[*nkeys], blob, bl)) != SSH_OK)
			return e;
	return rd_end(r);
}

int mon_client_keys(int fd, struct hostkey *keys, int max, int *nkeys, char *err, size_t errlen)
{
	struct buf b;
	struct rd r;
	uint8_t op = 0;
	const uint8_t *msg;
	size_t ml;
	ssize_t n;
	int e = SSH_ERR_INTERNAL;

	buf_init(&b, 0);
	*nkeys = 0;
	snprintf(err, errlen, "monitor: no host keys from the monitor");
	if ((n = recv_msg(fd, &b)) > 0) {
		rd_init(&r, b.d, (size_t)n);
		if (rd_u8(&r, &op) == SSH_OK && op == MON_KEYS)
			e = keys_parse(&r, keys, max, nkeys);
		else if (op == MON_KEYS_FAIL && rd_string(&r, &msg, &ml) == SSH_OK)
			snprintf(err, errlen, "%.*s", (int)ml, (const char *)msg);
	}
	if (e != SSH_OK) {
		for (int i = 0; i < *nkeys; i++)
			hostkey_free(&keys[i]);
		*nkeys = 0;
	}
	buf_free(&b);
	return e;
}

int monitor_sign(struct conn *c, const struct hostkey *k, const struct sigalg *alg, const uint8_t *data,
		 size_t len, struct buf *out)
{
	struct buf q;
	struct rd r;
	uint8_t op;
	const uint8_t *sig;
	size_t sl;
	ssize_t n;
	int e = SSH_ERR_INTERNAL;

	if (c->monfd <= 0 || k < c->keys || k >= c->keys + c->nkeys)
		return SSH_ERR_INTERNAL;
	buf_init(&q, MON_MAX_MSG);
	buf_u8(&q, MON_SIGN);
	buf_u32(&q, (uint32_t)(k - c->keys));
	buf_cstring(&q, alg->name);
	buf_string(&q, data, len);
	if (!q.err && send(c->monfd, q.d, q.len, MSG_NOSIGNAL) == (ssize_t)q.len) {
		q.len = 0;
		if ((n = recv_msg(c->monfd, &q)) > 0) {
			rd_init(&r, q.d, (size_t)n);
			/* byte MON_SIGN, string signature blob */
			if (rd_u8(&r, &op) == SSH_OK && op == MON_SIGN && rd_string(&r, &sig, &sl) == SSH_OK &&
			    rd_end(&r) == SSH_OK)
				e = buf_put(out, sig, sl);
		}
	}
	if (e != SSH_OK)
		logit(c->log, LOG_ERR, "monitor: no signature from the monitor");
	buf_free(&q);
	return e;
}

/* one record of an authentication answer: a packet sent, or the end */
static int auth_record(struct conn *c, const uint8_t *q, size_t n, uint32_t *outcome, int *done)
{
	struct rd r;
	struct buf *b;
	const uint8_t *p;
	size_t pl;
	uint32_t code;
	uint8_t op;
	int e;

	rd_init(&r, q, n);
	if (rd_u8(&r, &op) != SSH_OK)
		return SSH_ERR_PROTO;
	if (op == MON_AUTH_PACKET) {
		/* string payload */
		if (rd_string(&r, &p, &pl) != SSH_OK || rd_end(&r) != SSH_OK || !pl)
			return SSH_ERR_PROTO;
		if ((e = pkt_begin(c, p[0], &b)) != SSH_OK || (e = buf_put(b, p + 1, pl - 1)) != SSH_OK)
			return e;
		return pkt_send(c);
	}
	/* uint32 outcome, uint32 code */
	if (op != MON_AUTH_END || rd_u32(&r, outcome) != SSH_OK || rd_u32(&r, &code) != SSH_OK ||
	    rd_end(&r) != SSH_OK || *outcome > MON_FAIL)
		return SSH_ERR_PROTO;
	*done = 1;
	if (*outcome != MON_FAIL)
		return SSH_OK;
	return code && code < 1000 ? -(int)code : SSH_ERR_INTERNAL;
}

int monitor_auth(struct conn *c, uint8_t op, const uint8_t *fields, size_t n, uint32_t *outcome)
{
	struct buf q;
	ssize_t len;
	int e = SSH_ERR_INTERNAL, done = 0;

	*outcome = MON_FAIL;
	if (n + 2 > MON_MAX_MSG)
		return SSH_ERR_TOOBIG;
	buf_init(&q, MON_MAX_MSG);
	buf_u8(&q, op);
	buf_bool(&q, c->initial_hostcert);
	buf_put(&q, fields, n);
	if (!q.err && send(c->monfd, q.d, q.len, MSG_NOSIGNAL) == (ssize_t)q.len)
		e = SSH_OK;
	/* a password, maybe */
	wipe(q.d, q.len);
	while (e == SSH_OK && !done) {
		q.len = 0;
		if ((len = recv_msg(c->monfd, &q)) <= 0) {
			e = SSH_ERR_INTERNAL;
			break;
		}
		e = auth_record(c, q.d, (size_t)len, outcome, &done);
		if (e == SSH_ERR_PROTO)
			e = SSH_ERR_INTERNAL;
	}
	if (!done)
		logit(c->log, LOG_ERR, "privsep: no answer from the monitor [preauth]");
	/* recv_msg grows q only as far as each record: wiping its
	 * capacity wipes what the answers held */
	buf_free(&q);
	return e;
}

int monitor_group(struct conn *c, uint32_t min, uint32_t want, uint32_t max, struct dh_group *out)
{
	struct buf q;
	struct rd r;
	uint8_t op;
	const uint8_t *p, *g;
	size_t pl, gl;
	ssize_t n;
	uint8_t *mem;
	int e = SSH_ERR_INTERNAL;

	memset(out, 0, sizeof *out);
	buf_init(&q, MON_MAX_MSG);
	buf_u8(&q, MON_MODULI);
	buf_u32(&q, min);
	buf_u32(&q, want);
	buf_u32(&q, max);
	if (c->monfd <= 0 || q.err || send(c->monfd, q.d, q.len, MSG_NOSIGNAL) != (ssize_t)q.len) {
		buf_free(&q);
		return SSH_ERR_INTERNAL;
	}
	q.len = 0;
	if ((n = recv_msg(c->monfd, &q)) > 0) {
		rd_init(&r, q.d, (size_t)n);
		if (rd_u8(&r, &op) != SSH_OK || op != MON_MODULI)
			e = SSH_ERR_INTERNAL;
		else if (rd_end(&r) == SSH_OK)
			e = SSH_ERR_NOALG; /* no group in range */
		else if (rd_string(&r, &p, &pl) == SSH_OK && rd_string(&r, &g, &gl) == SSH_OK && rd_end(&r) == SSH_OK &&
			 pl > 0 && gl > 0 && pl <= DH_MAX_BITS / 8 && gl <= pl && (mem = malloc(pl + gl))) {
			/* one block, as dh_gex_choose allocates it */
			memcpy(mem, p, pl);
			memcpy(mem + pl, g, gl);
			*out = (struct dh_group){.p = mem, .plen = pl, .g = mem + pl, .glen = gl};
			e = SSH_OK;
		}
	}
	if (e == SSH_ERR_INTERNAL)
		logit(c->log, LOG_ERR, "monitor: no DH group from the monitor");
	buf_free(&q);
	return e;
}
