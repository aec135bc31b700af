/* The records between the pre-authentication process and the root server
 * process (privsep/ps_proto.h), as a compromised pre-authentication
 * process could send them to the root side, or the root side to it. The
 * first byte picks the side; the rest is the record as received, copied to
 * exactly its size so that ASan sees any read past it. Checks that what a
 * parser accepts lies inside the record and is what the format allows. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "privsep/ps_proto.h"
#include "transport/err.h"
#include "transport/msg.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

static void root_side(const uint8_t *q, size_t n)
{
	struct ps_msg m;
	struct buf b;
	if (ps_parse_msg(q, n, &m) != SSH_OK)
		return;
	CHECK(m.len > 0 && m.payload >= q && m.payload + m.len == q + n);
	CHECK(m.payload[0] == SSH_MSG_SERVICE_REQUEST || m.payload[0] == SSH_MSG_USERAUTH_REQUEST ||
	      m.payload[0] == SSH_MSG_USERAUTH_INFO_RESPONSE);
	/* what parses builds back to the same bytes */
	buf_init(&b, PS_MAX_REC);
	CHECK(ps_build_msg(&b, m.seq, m.hostcert, m.payload, m.len) == SSH_OK);
	CHECK(b.len == n && !memcmp(b.d, q, n));
	buf_free(&b);
}

static void preauth_side(const uint8_t *q, size_t n)
{
	const uint8_t *p = NULL;
	size_t len = 0;
	uint32_t outcome = 0;
	uint8_t op;
	int code = 0;
	if (ps_parse_reply(q, n, &op, &p, &len, &outcome, &code) != SSH_OK)
		return;
	if (op == PS_REPLY) {
		CHECK(len > 0 && p > q && p + len == q + n);
		return;
	}
	CHECK(op == PS_END && outcome <= PS_FAIL);
	CHECK(outcome != PS_FAIL || code < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *q;
	if (size < 1)
		return 0;
	if (!(q = malloc(size - 1 ? size - 1 : 1)))
		return 0;
	memcpy(q, data + 1, size - 1);
	if (data[0] & 1)
		preauth_side(q, size - 1);
	else
		root_side(q, size - 1);
	free(q);
	return 0;
}
