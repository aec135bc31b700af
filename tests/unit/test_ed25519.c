/* Ed25519: RFC 8032 7.1 known answers, signing and verification against
 * Wycheproof, the CCTV edge cases under the policy documented in
 * kex/ed25519.c, random round trips; prints the time per call. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kex/ed25519.h"
#include "transport/crypto.h"
#include "transport/err.h"
#include "t.h"
#include "vec.h"

static size_t unhex(uint8_t *out, const char *s)
{
	size_t i;
	for (i = 0; s[2 * i]; i++) {
		unsigned x;
		sscanf(s + 2 * i, "%2x", &x);
		out[i] = (uint8_t)x;
	}
	return i;
}

static void rfc8032(void)
{
	static const struct {
		const char *seed, *pk, *msg, *sig;
	} t[] = {
		{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
		 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
		{"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		 "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
		 "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
		{"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
		 "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
		 "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
	};
	for (int i = 0; i < 3; i++) {
		uint8_t seed[32], pk[32], want_pk[32], msg[8], want[64], sig[64];
		size_t mlen;
		unhex(seed, t[i].seed);
		unhex(want_pk, t[i].pk);
		mlen = unhex(msg, t[i].msg);
		unhex(want, t[i].sig);
		ed25519_pubkey(pk, seed);
		CHECK(!memcmp(pk, want_pk, 32), "RFC 8032 7.1 test %d public key", i + 1);
		ed25519_sign(sig, msg, mlen, seed, pk);
		CHECK(!memcmp(sig, want, 64), "RFC 8032 7.1 test %d signature", i + 1);
		CHECK(ed25519_verify(want, msg, mlen, pk) == SSH_OK, "RFC 8032 7.1 test %d verifies", i + 1);
		want[10] ^= 1;
		CHECK(ed25519_verify(want, msg, mlen, pk) == SSH_ERR_SIG, "RFC 8032 7.1 test %d altered R rejected", i + 1);
	}
}

/* a signature of the wrong length never reaches ed25519_verify: the SSH
 * layer rejects it while parsing */
static int verifies(const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t len, const uint8_t *pk, size_t pklen)
{
	return siglen == 64 && pklen == 32 && ed25519_verify(sig, msg, len, pk) == SSH_OK;
}

static void wycheproof(void)
{
	struct vec *v = vec_open("wycheproof/ed25519_test.json");
	int total = 0, bad = 0;
	CHECK(v != NULL, "open wycheproof/ed25519_test.json");
	if (!v)
		return;
	while (vec_next(v)) {
		size_t pklen, mlen, slen;
		const uint8_t *pk = vec_hex(v, "publicKey.pk", &pklen);
		const uint8_t *msg = vec_hex(v, "msg", &mlen);
		const uint8_t *sig = vec_hex(v, "sig", &slen);
		const char *result = vec_str(v, "result");
		int ok;
		total++;
		if (!pk || !msg || !sig || !result)
			ok = 0;
		else
			ok = verifies(sig, slen, msg, mlen, pk, pklen) == !strcmp(result, "valid");
		if (!ok && ++bad <= 5)
			printf("# ed25519_test.json tcId %s (%s) failed\n", vec_str(v, "tcId"), result ? result : "?");
	}
	vec_close(v);
	BATCH("wycheproof ed25519_test.json verify", bad, total);
}

static void wycheproof_v0(void)
{
	struct vec *v = vec_open("wycheproof/v0/eddsa_test.json");
	int total = 0, bad = 0, signed_ok = 0, valid = 0;
	CHECK(v != NULL, "open wycheproof/v0/eddsa_test.json");
	if (!v)
		return;
	while (vec_next(v)) {
		size_t sklen, pklen, mlen, slen;
		const uint8_t *sk = vec_hex(v, "key.sk", &sklen);
		const uint8_t *pk = vec_hex(v, "key.pk", &pklen);
		const uint8_t *msg = vec_hex(v, "msg", &mlen);
		const uint8_t *sig = vec_hex(v, "sig", &slen);
		const char *result = vec_str(v, "result");
		int ok;
		total++;
		if (!sk || !pk || !msg || !sig || !result || sklen != 32 || pklen != 32) {
			ok = 0;
		} else if (!strcmp(result, "valid")) {
			uint8_t pub[32], mine[64];
			valid++;
			ed25519_pubkey(pub, sk);
			ed25519_sign(mine, msg, mlen, sk, pk);
			ok = !memcmp(pub, pk, 32) && slen == 64 && !memcmp(mine, sig, 64);
			signed_ok += ok;
			ok &= verifies(sig, slen, msg, mlen, pk, pklen);
		} else {
			ok = !verifies(sig, slen, msg, mlen, pk, pklen);
		}
		if (!ok && ++bad <= 5)
			printf("# v0/eddsa_test.json tcId %s (%s) failed\n", vec_str(v, "tcId"), result ? result : "?");
	}
	vec_close(v);
	BATCH("wycheproof v0/eddsa_test.json sign, verify, reject", bad, total);
	CHECK(valid == 84 && signed_ok == valid, "v0 signatures reproduced exactly (%d of %d)", signed_ok, valid);
}

static void cctv(void)
{
	struct vec *v = vec_open("ed25519/cctv-ed25519vectors.json");
	int total = 0, bad = 0, accepted = 0, strict_a = 0;
	CHECK(v != NULL, "open ed25519/cctv-ed25519vectors.json");
	if (!v)
		return;
	while (vec_next(v)) {
		size_t pklen, slen;
		const uint8_t *pk = vec_hex(v, "key", &pklen);
		const uint8_t *sig = vec_hex(v, "sig", &slen);
		const char *msg = vec_str(v, "msg");
		int ref10_rejects = vec_has(v, "flags", "non_canonical_R") || vec_has(v, "flags", "low_order_residue");
		int want_reject = ref10_rejects || vec_has(v, "flags", "non_canonical_A");
		int ok, acc;
		total++;
		if (!pk || !sig || !msg) {
			ok = 0;
		} else {
			acc = verifies(sig, slen, (const uint8_t *)msg, strlen(msg), pk, pklen);
			ok = acc == !want_reject;
			accepted += acc;
			strict_a += !ref10_rejects && want_reject;
		}
		if (!ok && ++bad <= 5)
			printf("# cctv number %s (flags %s) failed\n", vec_str(v, "number"), vec_str(v, "flags"));
	}
	vec_close(v);
	printf("# cctv: %d accepted; %d non_canonical_A vectors rejected that ref10 accepts\n", accepted, strict_a);
	BATCH("cctv ed25519 edge cases (ref10 rule plus strict A decoding)", bad, total);
}

static void round_trips(void)
{
	int bad = 0;
	for (int i = 0; i < 100; i++) {
		uint8_t seed[32], pk[32], sig[64], msg[100];
		size_t len = (size_t)i;
		rand_bytes(seed, 32);
		rand_bytes(msg, sizeof msg);
		ed25519_pubkey(pk, seed);
		ed25519_sign(sig, msg, len, seed, pk);
		bad += ed25519_verify(sig, msg, len, pk) != SSH_OK;
		if (len) {
			msg[i % len] ^= 0x40;
			bad += ed25519_verify(sig, msg, len, pk) != SSH_ERR_SIG;
			msg[i % len] ^= 0x40;
		}
		sig[32 + i % 32] ^= 1;
		bad += ed25519_verify(sig, msg, len, pk) != SSH_ERR_SIG;
		sig[32 + i % 32] ^= 1;
		pk[i % 32] ^= 4;
		bad += ed25519_verify(sig, msg, len, pk) != SSH_ERR_SIG;
	}
	BATCH("random sign/verify round trips and tampering", bad, 100);
}

static void malleability(void)
{
	/* S + L verifies under the plain group equation; it must be refused */
	static const uint8_t order[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
	uint8_t seed[32] = {1}, pk[32], sig[64];
	unsigned c = 0;
	ed25519_pubkey(pk, seed);
	ed25519_sign(sig, (const uint8_t *)"m", 1, seed, pk);
	for (int i = 0; i < 32; i++) {
		c += sig[32 + i] + order[i];
		sig[32 + i] = (uint8_t)c;
		c >>= 8;
	}
	CHECK(ed25519_verify(sig, (const uint8_t *)"m", 1, pk) == SSH_ERR_SIG, "S + L rejected");
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void timing(void)
{
	uint8_t seed[32], pk[32], sig[64], msg[64] = {0};
	const int n = 1000;
	double t0, tp, ts, tv;
	rand_bytes(seed, 32);
	t0 = now_us();
	for (int i = 0; i < n; i++)
		ed25519_pubkey(pk, seed);
	tp = (now_us() - t0) / n;
	t0 = now_us();
	for (int i = 0; i < n; i++)
		ed25519_sign(sig, msg, sizeof msg, seed, pk);
	ts = (now_us() - t0) / n;
	t0 = now_us();
	for (int i = 0; i < n; i++)
		ed25519_verify(sig, msg, sizeof msg, pk);
	tv = (now_us() - t0) / n;
	printf("# ed25519: pubkey %.1f us, sign %.1f us, verify %.1f us per call\n", tp, ts, tv);
}

int main(void)
{
	CHECK(crypto_init() == SSH_OK, "crypto_init");
	rfc8032();
	wycheproof();
	wycheproof_v0();
	cctv();
	round_trips();
	malleability();
	timing();
	return t_done();
}
