/* The monitor's request parser and state machine (monitor/mon_proto.h):
 * a sign request is answered with a signature that verifies under the
 * key's public blob, the first exchange hash becomes the session id,
 * userauth is answered only in its place, and every malformed or
 * out-of-bounds request is refused. */
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/mon_proto.h"
#include "monitor/mon_user.h"
#include "services/userauth.h"
#include "transport/msg.h"
#include "wiring.h"
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

/* byte op, bool hostcert, the fields of a USERAUTH_REQUEST */
static void auth_req(struct buf *q, const char *user, const char *method)
{
	buf_reset(q);
	buf_u8(q, MON_AUTH_REQUEST);
	buf_bool(q, 0);
	buf_cstring(q, user);
	buf_cstring(q, "ssh-connection");
	buf_cstring(q, method);
}

/* the records of an authentication answer: the first packet's type (0 for
 * none) and the outcome, or -1 when malformed */
static int auth_answer(const struct buf *reply, uint8_t *first, uint32_t *outcome)
{
	struct rd r, one;
	const uint8_t *rec, *p;
	size_t rl, pl;
	uint32_t code;
	uint8_t op = 0;
	*first = 0;
	rd_init(&r, reply->d, reply->len);
	while (rd_left(&r) && op != MON_AUTH_END) {
		if (rd_string(&r, &rec, &rl) != SSH_OK)
			return -1;
		rd_init(&one, rec, rl);
		if (rd_u8(&one, &op) != SSH_OK)
			return -1;
		if (op == MON_AUTH_PACKET && rd_string(&one, &p, &pl) == SSH_OK && pl && rd_end(&one) == SSH_OK) {
			if (!*first)
				*first = p[0];
		} else if (op != MON_AUTH_END || rd_u32(&one, outcome) != SSH_OK || rd_u32(&one, &code) != SSH_OK ||
			   rd_end(&one) != SSH_OK) {
			return -1;
		}
	}
	return op == MON_AUTH_END && !rd_left(&r) ? 0 : -1;
}

/* MON_AUTH_*: only from the pre-authentication process, only after the
 * key exchange the monitor signed, decided on the monitor's own
 * connection; the user stays the first request's */
static void authentication(struct mon_state *m, int signed_yet)
{
	const struct passwd *pw = getpwuid(getuid());
	struct buf q, reply;
	uint8_t first, info[2] = {MON_AUTH_INFO, 0};
	uint32_t outcome = 9;

	buf_init(&q, 0);
	buf_init(&reply, 0);
	auth_req(&q, pw ? pw->pw_name : "root", "none");
	m->preauth = 1;
	if (!signed_yet) {
		CHECK(ask(m, &q, &reply) != SSH_OK && reply.len == 0, "authentication is refused before the first signature");
		goto out;
	}
	m->preauth = 0;
	CHECK(ask(m, &q, &reply) != SSH_OK && reply.len == 0,
	      "authentication is refused from the user's process");
	m->preauth = 1;
	CHECK(mon_request(m, info, 2, &reply) != SSH_OK, "a keyboard-interactive response with no question is refused");
	m->multi = 0;
	CHECK(ask(m, &q, &reply) == SSH_OK && m->multi && auth_answer(&reply, &first, &outcome) == 0,
	      "the none method is answered: packet records, then the outcome");
	CHECK(first == SSH_MSG_USERAUTH_FAILURE && outcome == MON_GO_ON && !m->ac->authenticated,
	      "with FAILURE, and the attempt goes on");
	CHECK(m->ac->session_id_len == m->session_id_len && !memcmp(m->ac->session_id, m->session_id, m->session_id_len),
	      "the connection it decides on has the monitor's session identifier");
	auth_req(&q, "sshl-someone-else", "none");
	CHECK(ask(m, &q, &reply) == SSH_OK && auth_answer(&reply, &first, &outcome) == 0 && outcome == MON_FAIL,
	      "a second user name ends the connection");
	m->nauth = MON_MAX_AUTH;
	auth_req(&q, pw ? pw->pw_name : "root", "none");
	CHECK(ask(m, &q, &reply) != SSH_OK, "authentication requests beyond the bound are refused");
	m->nauth = 0;
	m->ac->authenticated = 1;
	CHECK(ask(m, &q, &reply) != SSH_OK && reply.len == 0, "authentication after success is refused");
	m->ac->authenticated = 0;
out:
	m->preauth = 0;
	buf_free(&q);
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
	static struct config cfg;
	struct peer peer = {.addr = "192.0.2.1", .port = 2222, .laddr = "192.0.2.2", .lport = 22, .network = 1};
	char err[256] = "";

	crypto_init();
	log.fd = open("/dev/null", O_WRONLY);
	memset(&k, 0, sizeof k);
	CHECK(hostkey_generate(&k, KEY_ED25519, 0) == SSH_OK, "an ed25519 key");
	memset(&m, 0, sizeof m);
	m.log = &log;
	m.keys = &k;
	m.nkeys = 1;
	config_defaults(&cfg);
	CHECK(config_finish(&cfg, algs_names, err, sizeof err) == 0, "a configuration: %s", err);
	m.ac = mon_auth_conn(&cfg, &log, &peer, &k, 1);
	CHECK(m.ac != NULL, "the monitor's authentication connection");
	authentication(&m, 0);
	good_sign(&m, &k);
	authentication(&m, 1);
	moduli(&m);
	refusals(&m);
	userauth_free(m.ac);
	conn_free(m.ac);
	free(m.ac);
	config_free(&cfg);
	hostkey_free(&k);
	return t_done();
}
