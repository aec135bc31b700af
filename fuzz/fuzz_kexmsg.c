/* Each key agreement's server side (kex/agree_*.c) on the client's value.
 * Byte 0 picks the method: X25519, ECDH on P-256/384/521, DH group 14, or
 * group exchange; for the last, three big-endian u32 (min, n, max) follow
 * and go through dh_gex_choose with a moduli file written at start-up, with
 * the server's bounds applied as kex_run.c applies them. The rest is the
 * message payload after the message number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "kex/agree.h"
#include "transport/crypto.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static char moduli[64];

/* a malformed line, then up to four real 2048- and 3072-bit groups from
 * /etc/ssh/moduli when it exists (else dh_gex_choose falls back to the
 * built-in groups) */
static void write_moduli(void)
{
	char line[4096];
	FILE *in = fopen("/etc/ssh/moduli", "r"), *out;
	int n = 0;
	snprintf(moduli, sizeof moduli, "/tmp/sshl-fuzz-moduli.%d", (int)getpid());
	out = fopen(moduli, "w");
	if (!out)
		abort();
	fputs("# fuzz moduli\n20240101000000 2 6 100 2047 2 BAD\n", out);
	while (in && n < 4 && fgets(line, sizeof line, in))
		if (line[0] != '#' && (strstr(line, " 2047 ") || strstr(line, " 3071 ")) && ++n)
			fputs(line, out);
	if (in)
		fclose(in);
	fclose(out);
}

static void cleanup(void) { unlink(moduli); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	crypto_init();
	write_moduli();
	atexit(cleanup);
	return 0;
}

static int run(const struct agree *a, const void *param, const uint8_t *p, size_t n)
{
	struct buf reply, hp, secret;
	struct rd r;
	int e;
	buf_init(&reply, 0);
	buf_init(&hp, 0);
	buf_init(&secret, 0);
	rd_init(&r, p, n);
	e = a->server(param, &r, &reply, &hp, &secret);
	if (e == SSH_OK)
		CHECK(reply.len > 0 && hp.len > 0 && secret.len > 4);
	else
		CHECK(e == SSH_ERR_KEY || e == SSH_ERR_FORMAT || e == SSH_ERR_SHORT || e == SSH_ERR_TOOBIG);
	buf_free(&reply);
	buf_free(&hp);
	buf_free(&secret);
	return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ecdh_curve *const curves[] = {&ecdh_p256, &ecdh_p384, &ecdh_p521};
	if (size < 1)
		return 0;
	rand_fuzz_seed(7);
	switch (data[0] % 6) {
	case 0: run(&agree_x25519, NULL, data + 1, size - 1); break;
	case 1: case 2: case 3: run(&agree_ecdh, curves[data[0] % 6 - 1], data + 1, size - 1); break;
	case 4: run(&agree_dh, &dh_group14, data + 1, size - 1); break;
	case 5: {
		struct dh_group g;
		uint32_t min, n, max;
		if (size < 13)
			return 0;
		/* kex_run.c's clamping of GEX_REQUEST to [2048, 8192] */
		min = get_u32(data + 1), n = get_u32(data + 5), max = get_u32(data + 9);
		if (min > n || n > max)
			return 0;
		min = min < 2048 ? 2048 : min;
		max = max > 8192 ? 8192 : max;
		n = n < min ? min : n > max ? max : n;
		if (min > max)
			return 0;
		if (dh_gex_choose(moduli, min, n, max, &g) != SSH_OK)
			return 0;
		CHECK(g.plen * 8 <= DH_MAX_BITS);
		/* the big groups cost seconds per exponentiation: check the group only */
		if (g.plen <= 384)
			run(&agree_dh, &g, data + 13, size - 13);
		dh_group_free(&g);
		break;
	}
	}
	return 0;
}
