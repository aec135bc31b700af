/* The monitor's request parser and state machine (mon_proto.h). It
 * trusts nothing in a request: the key must be one it loaded, the
 * algorithm one of that key's, the data an exchange hash's length, and
 * the count bounded. */
#include <string.h>

#include "kex/agree.h"
#include "monitor/mon_proto.h"
#include "transport/err.h"
#include "transport/msg.h"

/* the exchange hashes of the methods in kex/methods.c: SHA-1 (legacy
 * groups), SHA-256, -384, -512 */
static int hash_len_ok(size_t n) { return n == 20 || n == 32 || n == 48 || n == 64; }

static int refuse(const struct mon_state *m, const char *what)
{
	logit(m->log, LOG_ERR, "monitor: refused a request: %s", what);
	return SSH_ERR_PROTO;
}

/* hostkeys-prove-00@openssh.com's data (OpenSSH's PROTOCOL 2.5): the
 * monitor signs it only when it is exactly what the monitor itself would
 * build from its own session identifier and the signing key's blob */
static int is_prove(const struct mon_state *m, uint32_t idx, const uint8_t *d, size_t n)
{
	struct buf want, blob;
	int same = 0;

	if (!m->session_id_len)
		return 0;
	buf_init(&want, 0);
	buf_init(&blob, 0);
	if (hostkey_public_blob(&m->keys[idx], &blob) == SSH_OK) {
		buf_cstring(&want, "hostkeys-prove-00@openssh.com");
		buf_string(&want, m->session_id, m->session_id_len);
		buf_string(&want, blob.d, blob.len);
		same = !want.err && want.len == n && !memcmp(want.d, d, n);
	}
	buf_free(&want);
	buf_free(&blob);
	return same;
}

static int sign(struct mon_state *m, struct rd *r, struct buf *reply)
{
	uint32_t idx;
	const uint8_t *name, *h;
	size_t nl, hl;
	const struct sigalg *alg;
	struct buf sig;
	int e;

	/* uint32 key index, string algorithm, string exchange hash */
	if (rd_u32(r, &idx) != SSH_OK || rd_string(r, &name, &nl) != SSH_OK ||
	    rd_string(r, &h, &hl) != SSH_OK || rd_end(r) != SSH_OK)
		return refuse(m, "malformed sign request");
	if (idx >= (uint32_t)m->nkeys)
		return refuse(m, "sign request for a key that is not loaded");
	if (!(alg = sigalg_find(name, nl)) || alg->type != m->keys[idx].type)
		return refuse(m, "sign request with an algorithm the key does not have");
	if (!hash_len_ok(hl) && !is_prove(m, idx, h, hl))
		return refuse(m, "sign request for data that is not an exchange hash");
	if (m->nsigns >= MON_MAX_SIGNS)
		return refuse(m, "too many sign requests");
	buf_init(&sig, 0);
	e = hostkey_sign(&m->keys[idx], alg, h, hl, &sig);
	if (e == SSH_OK && !sig.err) {
		m->nsigns++;
		if (!m->session_id_len) {
			memcpy(m->session_id, h, hl);
			m->session_id_len = hl;
			m->session_key = idx;
		}
		buf_u8(reply, MON_SIGN);
		buf_string(reply, sig.d, sig.len);
	} else {
		logit(m->log, LOG_ERR, "monitor: signing failed: %s", ssh_err(e));
	}
	buf_free(&sig);
	return e == SSH_OK && !reply->err ? SSH_OK : SSH_ERR_INTERNAL;
}

static int moduli(struct mon_state *m, struct rd *r, struct buf *reply)
{
	uint32_t min, want, max;
	struct dh_group g;
	if (rd_u32(r, &min) != SSH_OK || rd_u32(r, &want) != SSH_OK || rd_u32(r, &max) != SSH_OK ||
	    rd_end(r) != SSH_OK)
		return refuse(m, "malformed moduli request");
	if (min > want || want > max || max > DH_MAX_BITS)
		return refuse(m, "moduli request out of range");
	if (m->nmoduli >= MON_MAX_SIGNS)
		return refuse(m, "too many moduli requests");
	m->nmoduli++;
	if (dh_gex_choose(m->moduli_file, min, want, max, &g) != SSH_OK) {
		/* none fits: an empty answer, and the exchange fails as it would
		 * unseparated */
		buf_u8(reply, MON_MODULI);
		return reply->err ? SSH_ERR_INTERNAL : SSH_OK;
	}
	buf_u8(reply, MON_MODULI);
	buf_string(reply, g.p, g.plen);
	buf_string(reply, g.g, g.glen);
	dh_group_free(&g);
	return reply->err ? SSH_ERR_INTERNAL : SSH_OK;
}

static int auth_refusal(const struct mon_state *m, uint8_t type)
{
	const struct conn *c = m->ac;
	if (!c)
		return refuse(m, "authentication request to a monitor that authenticates no one");
	if (!m->preauth)
		return refuse(m, "authentication request from outside the pre-authentication process");
	if (!m->session_id_len)
		return refuse(m, "authentication request before a key exchange");
	if (c->authenticated)
		return refuse(m, "authentication request after success");
	if (m->nauth >= MON_MAX_AUTH)
		return refuse(m, "too many authentication requests");
	if (!c->dispatch[type])
		return refuse(m, "keyboard-interactive response with no question asked");
	return SSH_OK;
}

/* The first request binds the connection to the monitor's session
 * identifier and the key that signed it, whatever the pre-authentication
 * process may think they are */
static void auth_bind(struct mon_state *m, int hostcert)
{
	struct conn *c = m->ac;
	if (c->session_id_len)
		return;
	memcpy(c->session_id, m->session_id, m->session_id_len);
	c->session_id_len = m->session_id_len;
	c->initial_hostkey = &m->keys[m->session_key];
	c->initial_hostcert = hostcert;
}

static int auth(struct mon_state *m, uint8_t op, struct rd *r, struct buf *reply)
{
	uint8_t type = op == MON_AUTH_REQUEST ? SSH_MSG_USERAUTH_REQUEST : SSH_MSG_USERAUTH_INFO_RESPONSE;
	struct conn *c = m->ac;
	struct buf cap;
	struct rd pk;
	const uint8_t *p;
	size_t pl, mark;
	int hostcert, e;
	uint32_t outcome;

	if ((e = auth_refusal(m, type)) != SSH_OK)
		return e;
	if (rd_bool(r, &hostcert) != SSH_OK)
		return refuse(m, "malformed authentication request");
	m->nauth++;
	auth_bind(m, hostcert);
	buf_init(&cap, MON_MAX_ANSWER);
	c->capture = &cap;
	e = c->dispatch[type](c, type, r);
	c->capture = NULL;
	outcome = e < 0 ? MON_FAIL : c->authenticated ? MON_HANDOVER : MON_GO_ON;
	m->multi = 1;
	rd_init(&pk, cap.d, cap.len);
	while (!cap.err && rd_left(&pk) && rd_string(&pk, &p, &pl) == SSH_OK) {
		buf_string_begin(reply, &mark);
		buf_u8(reply, MON_AUTH_PACKET);
		buf_string(reply, p, pl);
		buf_string_end(reply, mark);
	}
	buf_string_begin(reply, &mark);
	buf_u8(reply, MON_AUTH_END);
	buf_u32(reply, outcome);
	buf_u32(reply, e < 0 ? (uint32_t)-e : 0);
	buf_string_end(reply, mark);
	if (cap.err)
		reply->err = cap.err;
	buf_free(&cap);
	return reply->err ? SSH_ERR_INTERNAL : SSH_OK;
}

int mon_request(struct mon_state *m, const uint8_t *q, size_t n, struct buf *reply)
{
	struct rd r;
	uint8_t op;

	if (n > MON_MAX_MSG)
		return refuse(m, "request too long");
	rd_init(&r, q, n);
	if (rd_u8(&r, &op) != SSH_OK)
		return refuse(m, "empty request");
	switch (op) {
	case MON_SIGN:
		return sign(m, &r, reply);
	case MON_MODULI:
		return moduli(m, &r, reply);
	case MON_AUTH_REQUEST:
	case MON_AUTH_INFO:
		return auth(m, op, &r, reply);
	default:
		logit(m->log, LOG_ERR, "monitor: unpermitted request %u", op);
		return SSH_ERR_PROTO;
	}
}

int mon_keys_msg(const struct hostkey *keys, int nkeys, struct buf *out)
{
	struct buf blob;
	int e = SSH_OK;

	buf_u8(out, MON_KEYS);
	buf_u32(out, (uint32_t)nkeys);
	buf_init(&blob, 0);
	for (int i = 0; i < nkeys && e == SSH_OK; i++) {
		blob.len = 0;
		if ((e = hostkey_public_blob(&keys[i], &blob)) == SSH_OK)
			buf_string(out, blob.d, blob.len);
	}
	buf_free(&blob);
	if (e == SSH_OK && (out->err || out->len > MON_MAX_MSG))
		e = SSH_ERR_TOOBIG;
	return e;
}
