/* X25519: RFC 7748 known answers, the iterated test, Wycheproof, and a
 * random Diffie-Hellman agreement; prints the time per call. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kex/x25519.h"
#include "transport/crypto.h"
#include "transport/err.h"
#include "t.h"
#include "vec.h"

static void unhex(uint8_t *out, const char *s)
{
	for (size_t i = 0; s[2 * i]; i++) {
		unsigned x;
		sscanf(s + 2 * i, "%2x", &x);
		out[i] = (uint8_t)x;
	}
}

static int kat(const char *k, const char *u, const char *want)
{
	uint8_t kb[32], ub[32], wb[32], out[32];
	unhex(kb, k);
	unhex(ub, u);
	unhex(wb, want);
	return x25519(out, kb, ub) == SSH_OK && memcmp(out, wb, 32) == 0;
}

static void rfc7748(void)
{
	/* 5.2; the second u has bit 255 set, which must be ignored */
	CHECK(kat("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
	      "RFC 7748 5.2 vector 1");
	CHECK(kat("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"),
	      "RFC 7748 5.2 vector 2 (u with bit 255 set)");

	/* 6.1 */
	uint8_t a[32], b[32], apub[32], bpub[32], want[32];
	unhex(a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	unhex(b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
	unhex(want, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	CHECK(x25519_base(apub, a) == SSH_OK && !memcmp(apub, want, 32), "RFC 7748 6.1 Alice's public key");
	unhex(want, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
	CHECK(x25519_base(bpub, b) == SSH_OK && !memcmp(bpub, want, 32), "RFC 7748 6.1 Bob's public key");
	CHECK(kat("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
		  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
		  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742") &&
	      kat("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
		  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
		  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"),
	      "RFC 7748 6.1 shared secret, both sides");
}

static void iterated(void)
{
	/* 5.2: k = u = 9, then repeatedly (k, u) = (X25519(k, u), k) */
	uint8_t k[32] = {9}, u[32] = {9}, r[32], w1[32], w1000[32];
	int ok = 1;
	unhex(w1, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
	unhex(w1000, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
	for (int i = 1; i <= 1000; i++) {
		ok &= x25519(r, k, u) == SSH_OK;
		memcpy(u, k, 32);
		memcpy(k, r, 32);
		if (i == 1)
			CHECK(ok && !memcmp(k, w1, 32), "RFC 7748 5.2 iterated, 1 iteration");
	}
	CHECK(ok && !memcmp(k, w1000, 32), "RFC 7748 5.2 iterated, 1000 iterations");
}

static void wycheproof(void)
{
	struct vec *v = vec_open("wycheproof/x25519_test.json");
	int total = 0, bad = 0, zero = 0, zero_bad = 0;
	CHECK(v != NULL, "open wycheproof/x25519_test.json");
	if (!v)
		return;
	while (vec_next(v)) {
		size_t plen, klen, slen;
		const uint8_t *pub = vec_hex(v, "public", &plen);
		const uint8_t *priv = vec_hex(v, "private", &klen);
		const uint8_t *shared = vec_hex(v, "shared", &slen);
		const char *result = vec_str(v, "result");
		int is_zero = vec_has(v, "flags", "ZeroSharedSecret"), ok;
		uint8_t out[32];
		total++;
		if (!pub || !priv || !shared || !result || plen != 32 || klen != 32 || slen != 32) {
			ok = 0;
		} else {
			int rc = x25519(out, priv, pub);
			if (!strcmp(result, "invalid"))
				ok = rc != SSH_OK;
			else if (is_zero)
				ok = rc == SSH_ERR_KEY;
			else
				ok = rc == SSH_OK && !memcmp(out, shared, 32);
		}
		if (is_zero) {
			zero++;
			zero_bad += !ok;
		}
		if (!ok && ++bad <= 5)
			printf("# x25519_test.json tcId %s (%s) failed\n", vec_str(v, "tcId"), result ? result : "?");
	}
	vec_close(v);
	BATCH("wycheproof x25519_test.json", bad, total);
	CHECK(zero == 31 && zero_bad == 0, "ZeroSharedSecret vectors return SSH_ERR_KEY (%d of %d)", zero - zero_bad, zero);
}

static void agreement(void)
{
	int bad = 0;
	for (int i = 0; i < 200; i++) {
		uint8_t a[32], b[32], apub[32], bpub[32], s1[32], s2[32], viaf[32];
		uint8_t nine[32] = {9};
		rand_bytes(a, 32);
		rand_bytes(b, 32);
		x25519_base(apub, a);
		x25519_base(bpub, b);
		x25519(viaf, a, nine);
		bad += x25519(s1, a, bpub) != SSH_OK || x25519(s2, b, apub) != SSH_OK ||
		       memcmp(s1, s2, 32) != 0 || memcmp(viaf, apub, 32) != 0;
	}
	BATCH("random key pairs agree; x25519_base equals x25519 with u = 9", bad, 200);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void timing(void)
{
	uint8_t k[32], u[32], out[32];
	const int n = 2000;
	double t0;
	rand_bytes(k, 32);
	x25519_base(u, k);
	t0 = now_us();
	for (int i = 0; i < n; i++)
		x25519(out, k, u);
	printf("# x25519: %.1f us per call\n", (now_us() - t0) / n);
}

int main(void)
{
	CHECK(crypto_init() == SSH_OK, "crypto_init");
	rfc7748();
	iterated();
	wycheproof();
	agreement();
	timing();
	return t_done();
}
