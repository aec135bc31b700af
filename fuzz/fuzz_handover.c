/* transport_import (transport/handover.c) on arbitrary bytes, as a
 * compromised pre-authentication process could send them to the user's
 * process. What it accepts must be safe to run: the harness exports it
 * again (the same length: the format has one encoding), then reads every
 * packet the unread input holds through the imported cipher and MAC and
 * sends one through the other direction, so a context that passed the
 * rows' checks but could send libtomcrypt or the accelerated code outside
 * its tables shows here under ASan. The seeds (fuzz/corpus/fuzz_handover)
 * are real exports from tests/unit/test_handover.c
 * (SSHL_HANDOVER_SEEDS=DIR build/tests/test_handover). */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "transport/crypto.h"
#include "transport/handover.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static struct config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	crypto_init();
	fuzz_config(&cfg);
	return 0;
}

/* what the imported state can do: export, read, send */
static void exercise(struct conn *c, size_t size)
{
	struct buf again, *b;
	const uint8_t *p;
	size_t n;
	buf_init(&again, 0);
	CHECK(transport_export(c, &again) == SSH_OK && again.len == size);
	buf_free(&again);
	while (pkt_read(c, &p, &n) == SSH_OK)
		CHECK(n >= 1 && n <= PAYLOAD_MAX);
	if (pkt_begin(c, 94, &b) == SSH_OK && buf_put(b, "fuzz", 4) == SSH_OK)
		CHECK(pkt_send(c) == SSH_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn c;
	/* the importer's host key list: the seeds name the second */
	struct hostkey keys[2];
	rand_fuzz_seed(1);
	memset(keys, 0, sizeof keys);
	fuzz_conn(&c, -1, -1, &cfg);
	c.keys = keys;
	c.nkeys = 2;
	if (transport_import(&c, data, size) == SSH_OK)
		exercise(&c, size);
	conn_free(&c);
	return 0;
}
