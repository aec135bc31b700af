/* The client's KEXINIT (kex/kexinit.c): the input is the payload after the
 * message number, as recorded from real clients. It is parsed and
 * negotiated twice, as the first exchange and as a re-key, against a server
 * that offers every algorithm and holds one ed25519 host key. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "kex/kex.h"
#include "kex/kexinit.h"
#include "transport/crypto.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static struct config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	crypto_init();
	fuzz_config(&cfg);
	fuzz_hostkey();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int rekey = 0; rekey < 2; rekey++) {
		struct conn c;
		struct kex k;
		struct kexinit_client ci;
		struct rd r;
		int e;
		memset(&k, 0, sizeof k);
		memset(&ci, 0, sizeof ci);
		fuzz_conn(&c, -1, -1, &cfg);
		c.kex_count = rekey;
		rd_init(&r, data, size);
		e = kexinit_parse(&c, &k, &r, &ci);
		if (e == SSH_OK) {
			/* everything negotiated is something the server offered */
			CHECK(k.algs.kex && k.algs.hostkey && k.algs.dir[0].cipher && k.algs.dir[1].cipher);
			CHECK(k.algs.hostkey->type == KEY_ED25519);
			for (int d = 0; d < 2; d++)
				CHECK(k.algs.dir[d].cipher->taglen || k.algs.dir[d].mac);
		} else {
			CHECK(e == SSH_ERR_SHORT || e == SSH_ERR_FORMAT || e == SSH_ERR_NOALG ||
			      e == SSH_ERR_TOOBIG || e == SSH_ERR_LIMIT);
		}
		conn_free(&c);
	}
	return 0;
}
