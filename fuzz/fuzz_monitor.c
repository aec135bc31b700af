/* The monitor's request parser and state machine (monitor/mon_request.c)
 * driven with arbitrary request streams, as a compromised
 * pre-authentication or user's process could send them: records of u16
 * big-endian length and payload, each handed to mon_request until it
 * refuses one (the monitor then ends the connection). The length's top
 * bit says the record came from the user's process, else from the
 * pre-authentication process. The monitor authenticates on its own
 * connection (password and keyboard-interactive on, no authorized_keys),
 * as it does for a real one. Checks that an answer is well-formed for its
 * request and that the count bounds hold. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "monitor/mon_proto.h"
#include "monitor/mon_user.h"
#include "services/userauth.h"
#include "transport/err.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static struct config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_config(&cfg);
	cfg.password_authentication = 1;
	cfg.kbd_interactive_authentication = 1;
	cfg.max_auth_tries = 6;
	for (int k = 0; k < cfg.authorized_keys_files.n; k++)
		free(cfg.authorized_keys_files.v[k]);
	cfg.authorized_keys_files.v[0] = strdup("none");
	cfg.authorized_keys_files.n = 1;
	return 0;
}

/* an authentication answer: records of uint32 length, each a packet to
 * send and last the outcome */
static void check_auth(const struct mon_state *m, const struct buf *reply)
{
	struct rd r, one;
	const uint8_t *rec, *p;
	size_t rl, pl;
	uint32_t outcome, code;
	uint8_t op = 0;
	rd_init(&r, reply->d, reply->len);
	while (rd_left(&r)) {
		CHECK(op != MON_AUTH_END);
		CHECK(rd_string(&r, &rec, &rl) == SSH_OK && rl <= MON_MAX_MSG);
		rd_init(&one, rec, rl);
		CHECK(rd_u8(&one, &op) == SSH_OK);
		if (op == MON_AUTH_PACKET) {
			CHECK(rd_string(&one, &p, &pl) == SSH_OK && pl > 0 && rd_end(&one) == SSH_OK);
			continue;
		}
		CHECK(op == MON_AUTH_END && rd_u32(&one, &outcome) == SSH_OK && rd_u32(&one, &code) == SSH_OK &&
		      rd_end(&one) == SSH_OK && outcome <= MON_FAIL);
		CHECK((outcome == MON_HANDOVER) == (m->ac->authenticated != 0));
	}
	CHECK(op == MON_AUTH_END);
}

/* an answer is one of those a request may get: MON_SIGN's signature,
 * MON_MODULI's group (or nothing, when none fits), an authentication's
 * records */
static void check_answer(const struct mon_state *m, const struct buf *reply)
{
	struct rd r;
	uint8_t op;
	const uint8_t *p, *g;
	size_t pl, gl;
	if (m->multi) {
		check_auth(m, reply);
		return;
	}
	rd_init(&r, reply->d, reply->len);
	CHECK(rd_u8(&r, &op) == SSH_OK);
	switch (op) {
	case MON_SIGN:
		CHECK(rd_string(&r, &p, &pl) == SSH_OK && rd_end(&r) == SSH_OK);
		CHECK(m->session_id_len > 0);
		break;
	case MON_MODULI:
		if (rd_end(&r) == SSH_OK)
			break;
		CHECK(rd_string(&r, &p, &pl) == SSH_OK && rd_string(&r, &g, &gl) == SSH_OK && rd_end(&r) == SSH_OK);
		CHECK(pl > 0 && pl <= 1025 && gl > 0);
		break;
	default:
		CHECK(0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mon_state m;
	struct buf reply;
	struct peer peer = {.addr = "192.0.2.1", .port = 2222, .laddr = "192.0.2.2", .lport = 22, .network = 1};
	size_t off = 0;

	memset(&m, 0, sizeof m);
	m.log = fuzz_logger();
	m.keys = fuzz_hostkey();
	m.nkeys = 1;
	m.ac = mon_auth_conn(&cfg, m.log, &peer, (struct hostkey *)m.keys, 1);
	CHECK(m.ac);
	buf_init(&reply, MON_MAX_ANSWER);
	while (size - off >= 2) {
		size_t n = (size_t)(data[off] & 0x7f) << 8 | data[off + 1];
		uint8_t *copy;
		m.preauth = !(data[off] & 0x80);
		off += 2;
		if (n > size - off)
			n = size - off;
		/* a copy of exactly n bytes, so ASan sees any read past it */
		copy = malloc(n ? n : 1);
		CHECK(copy);
		memcpy(copy, data + off, n);
		off += n;
		reply.len = 0;
		m.multi = 0;
		int e = mon_request(&m, copy, n, &reply);
		free(copy);
		if (e != SSH_OK) {
			CHECK(reply.len == 0); /* a refusal answers nothing */
			break;
		}
		check_answer(&m, &reply);
		CHECK(m.nsigns <= MON_MAX_SIGNS && m.nmoduli <= MON_MAX_SIGNS);
	}
	buf_free(&reply);
	userauth_free(m.ac);
	conn_free(m.ac);
	free(m.ac);
	return 0;
}
