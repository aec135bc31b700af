/* The monitor's request parser and state machine (monitor/mon_proto.h):
 * a sign request is answered with a signature that verifies under the
 * key's public blob, the first exchange hash becomes the session id, and
 * every malformed or out-of-bounds request is refused. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "monitor/mon_proto.h"
#include "t.h"
#include "transport/crypto.h"
#include "transport/err.h"

/* byte op, uint32 index, string alg, string hash, extra bytes */
static void sign_req(struct buf *q, uint32_t idx, const char *alg, const uint8_t *h, size_t hl, size_t extra)
{
	buf_reset(q);
	buf_u8(q, MON_SIGN);
	buf_u32(q, idx);
	buf_cstring(q, alg);
	buf_string(q, h, hl);
	for (size_t i = 0; i < extra; i++)
		buf_u8(q, 0);
}

static int ask(struct mon_state *m, const struct buf *q, struct buf *reply)
{
	buf_reset(reply);
	return mon_request(m, q->d, q->len, reply);
}

static void good_sign(struct mon_state *m, const struct hostkey *k)
{
	struct buf q, reply, blob;
	struct rd r;
	uint8_t h[32], op = 0;
	const uint8_t *sig;
	size_t sl;

	memset(h, 0x5a, sizeof h);
	buf_init(&q, 0);
	buf_init(&reply, 0);
	buf_init(&blob, 0);
	hostkey_public_blob(k, &blob);
	sign_req(&q, 0, "ssh-ed25519", h, sizeof h, 0);
	CHECK(ask(m, &q, &reply) == SSH_OK, "a sign request is answered");
	rd_init(&r, reply.d, reply.len);
	CHECK(rd_u8(&r, &op) == SSH_OK && op == MON_SIGN && rd_string(&r, &sig, &sl) == SSH_OK &&
	      rd_end(&r) == SSH_OK, "the answer is byte MON_SIGN, string signature");
	CHECK(key_verify(sigalg_find((const uint8_t *)"ssh-ed25519", 11), blob.d, blob.len, h, sizeof h, sig, sl) ==
		      SSH_OK, "the signature verifies under the public blob");
	CHECK(m->session_id_len == 32 && !memcmp(m->session_id, h, 32), "the first hash is the session id");
	h[0] ^= 1;
	sign_req(&q, 0, "ssh-ed25519", h, sizeof h, 0);
	CHECK(ask(m, &q, &reply) == SSH_OK && m->session_id[0] == 0x5a, "a re-key's hash leaves the session id");
	buf_free(&q);
	buf_free(&reply);
	buf_free(&blob);
}

/* MON_SESSION: the monitor's own session identifier, never before it
 * signed one */
static void session(struct mon_state *m, int signed_yet)
{
	struct buf reply;
	struct rd r;
	uint8_t q[2] = {MON_SESSION, 0}, op = 0;
	const uint8_t *sid;
	size_t sl;
	uint32_t idx = 9;

	buf_init(&reply, 0);
	if (!signed_yet) {
		CHECK(mon_request(m, q, 1, &reply) != SSH_OK && reply.len == 0,
		      "the session identifier is refused before the first signature");
		buf_free(&reply);
		return;
	}
	CHECK(mon_request(m, q, 2, &reply) != SSH_OK, "a session request with a byte too many is refused");
	m->preauth = 1;
	CHECK(mon_request(m, q, 1, &reply) != SSH_OK && reply.len == 0,
	      "the pre-authentication process may not ask for the session identifier");
	m->preauth = 0;
	buf_reset(&reply);
	CHECK(mon_request(m, q, 1, &reply) == SSH_OK, "the session identifier is answered after a signature");
	rd_init(&r, reply.d, reply.len);
	CHECK(rd_u8(&r, &op) == SSH_OK && op == MON_SESSION && rd_string(&r, &sid, &sl) == SSH_OK &&
	      rd_u32(&r, &idx) == SSH_OK && rd_end(&r) == SSH_OK, "the answer is byte, string, uint32");
	CHECK(sl == m->session_id_len && !memcmp(sid, m->session_id, sl) && sid[0] == 0x5a && idx == 0,
	      "it is the first exchange hash signed, and the key that signed it");
	buf_free(&reply);
}

/* MON_MODULI: a group exchange's group, chosen by the monitor */
static void moduli(struct mon_state *m)
{
	struct buf q, reply;
	struct rd r;
	uint8_t op = 0;
	const uint8_t *p, *g;
	size_t pl, gl;

	buf_init(&q, 0);
	buf_init(&reply, 0);
	buf_u8(&q, MON_MODULI);
	buf_u32(&q, 2048);
	buf_u32(&q, 3072);
	buf_u32(&q, 8192);
	CHECK(ask(m, &q, &reply) == SSH_OK, "a moduli request is answered");
	rd_init(&r, reply.d, reply.len);
	CHECK(rd_u8(&r, &op) == SSH_OK && op == MON_MODULI && rd_string(&r, &p, &pl) == SSH_OK &&
	      rd_string(&r, &g, &gl) == SSH_OK && rd_end(&r) == SSH_OK && pl >= 256 && pl <= 1025 && gl >= 1,
	      "with a group of a size in range (the built-in ones without a moduli file)");
	buf_reset(&q);
	buf_u8(&q, MON_MODULI);
	buf_u32(&q, 4096);
	buf_u32(&q, 3072);
	buf_u32(&q, 8192);
	CHECK(ask(m, &q, &reply) != SSH_OK, "min above want is refused");
	buf_reset(&q);
	buf_u8(&q, MON_MODULI);
	buf_u32(&q, 2048);
	buf_u32(&q, 3072);
	buf_u32(&q, 16384);
	CHECK(ask(m, &q, &reply) != SSH_OK, "a maximum above 8192 bits is refused");
	CHECK(mon_request(m, q.d, q.len - 1, &reply) != SSH_OK, "a truncated moduli request is refused");
	buf_free(&q);
	buf_free(&reply);
}

static void refusals(struct mon_state *m)
{
	struct buf q, reply;
	uint8_t h[64] = {0}, unknown = 0x7f;

	buf_init(&q, 0);
	buf_init(&reply, 0);
	CHECK(mon_request(m, h, 0, &reply) != SSH_OK, "an empty request is refused");
	CHECK(mon_request(m, &unknown, 1, &reply) != SSH_OK, "an unknown op is refused");
	sign_req(&q, 1, "ssh-ed25519", h, 32, 0);
	CHECK(ask(m, &q, &reply) != SSH_OK, "a key that is not loaded is refused");
	sign_req(&q, 0, "rsa-sha2-256", h, 32, 0);
	CHECK(ask(m, &q, &reply) != SSH_OK, "an algorithm of another key type is refused");
	sign_req(&q, 0, "no-such-alg", h, 32, 0);
	CHECK(ask(m, &q, &reply) != SSH_OK, "an unknown algorithm is refused");
	sign_req(&q, 0, "ssh-ed25519", h, 33, 0);
	CHECK(ask(m, &q, &reply) != SSH_OK, "data that is no exchange hash is refused");
	sign_req(&q, 0, "ssh-ed25519", h, 32, 1);
	CHECK(ask(m, &q, &reply) != SSH_OK, "a byte after the last field is refused");
	sign_req(&q, 0, "ssh-ed25519", h, 32, 0);
	CHECK(mon_request(m, q.d, q.len - 1, &reply) != SSH_OK, "a truncated request is refused");
	CHECK(mon_request(m, q.d, MON_MAX_MSG + 1, &reply) != SSH_OK, "an over-long request is refused");
	CHECK(reply.len == 0, "a refusal answers nothing");
	m->nsigns = MON_MAX_SIGNS;
	CHECK(ask(m, &q, &reply) != SSH_OK, "sign requests beyond the bound are refused");
	buf_free(&q);
	buf_free(&reply);
}

int main(void)
{
	struct hostkey k;
	struct logger log = {LOG_DEBUG, 0, -1, LOG_AUTH};
	struct mon_state m;

	crypto_init();
	log.fd = open("/dev/null", O_WRONLY);
	memset(&k, 0, sizeof k);
	CHECK(hostkey_generate(&k, KEY_ED25519, 0) == SSH_OK, "an ed25519 key");
	memset(&m, 0, sizeof m);
	m.log = &log;
	m.keys = &k;
	m.nkeys = 1;
	session(&m, 0);
	good_sign(&m, &k);
	session(&m, 1);
	moduli(&m);
	refusals(&m);
	hostkey_free(&k);
	return t_done();
}
