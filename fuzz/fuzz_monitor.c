/* The monitor's request parser and state machine (monitor/mon_request.c)
 * driven with arbitrary request streams, as a compromised server could
 * send them: records of u16 big-endian length and payload, each handed to
 * mon_request until it refuses one (the monitor then ends the
 * connection). Checks that an answer is well-formed for its request and
 * that the count bounds hold. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "monitor/mon_proto.h"
#include "transport/err.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

/* an answer is one of the three a request may get: MON_SIGN's signature,
 * MON_SESSION's session identifier (the one the monitor signed first) and
 * key index, MON_MODULI's group (or nothing, when none fits) */
static void check_answer(const struct mon_state *m, const struct buf *reply)
{
	struct rd r;
	uint8_t op;
	const uint8_t *p, *g;
	size_t pl, gl;
	uint32_t idx;
	rd_init(&r, reply->d, reply->len);
	CHECK(rd_u8(&r, &op) == SSH_OK);
	switch (op) {
	case MON_SIGN:
		CHECK(rd_string(&r, &p, &pl) == SSH_OK && rd_end(&r) == SSH_OK);
		CHECK(m->session_id_len > 0);
		break;
	case MON_SESSION:
		CHECK(rd_string(&r, &p, &pl) == SSH_OK && rd_u32(&r, &idx) == SSH_OK && rd_end(&r) == SSH_OK);
		CHECK(pl == m->session_id_len && !memcmp(p, m->session_id, pl) && idx < (uint32_t)m->nkeys);
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
	size_t off = 0;

	memset(&m, 0, sizeof m);
	m.log = fuzz_logger();
	m.keys = fuzz_hostkey();
	m.nkeys = 1;
	buf_init(&reply, MON_MAX_MSG);
	while (size - off >= 2) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];
		uint8_t *copy;
		off += 2;
		if (n > size - off)
			n = size - off;
		/* a copy of exactly n bytes, so ASan sees any read past it */
		copy = malloc(n ? n : 1);
		CHECK(copy);
		memcpy(copy, data + off, n);
		off += n;
		reply.len = 0;
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
	return 0;
}
