/* The accelerated primitives (transport/accel.h) against libtomcrypt, the
 * portable path: every cipher row sealed and opened both ways on random
 * keys, sequence numbers, lengths and buffer alignments; ChaCha20,
 * Poly1305, AES-CTR (across the 64-bit counter carry) and AES-GCM with
 * random AAD on their own; the VAES paths against AES-NI alone and
 * libtomcrypt; HMAC-SHA-256 on the SHA extensions; forged
 * tags refused; and the switch that forces
 * the portable path, by call and by SSHD_LITE_PORTABLE_CRYPTO. On a CPU
 * without the features the comparisons are skipped and say so. */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "transport/buf.h"
#include "transport/cipher.h"
#include "transport/crypto.h"
#include "transport/mac.h"

#define MAXN 40000

static size_t rnd(size_t n) /* uniform enough for lengths, 0..n-1 */
{
	uint32_t v;
	rand_bytes(&v, sizeof v);
	return n ? v % n : 0;
}

/* random length: mostly small and around the vector widths, some large */
static size_t rlen(size_t unit)
{
	size_t n = rnd(4) == 0 ? rnd(MAXN - 64) : rnd(1100);
	return n / unit * unit;
}

/* sending and receiving contexts of each kind: GCM's IV counts packets
 * per context */
struct pair {
	struct cipher_ctx *port, *fast, *port_rx, *fast_rx;
};

static int pair_init(struct pair *p, const struct cipher *ci, const uint8_t *key, const uint8_t *iv)
{
	int e;
	accel_force_portable(1);
	e = ci->init(p->port, key, iv) | ci->init(p->port_rx, key, iv);
	accel_force_portable(0);
	if (e == SSH_OK)
		e = ci->init(p->fast, key, iv) | ci->init(p->fast_rx, key, iv);
	return e == SSH_OK && !p->port->accel && !p->port_rx->accel ? SSH_OK : SSH_ERR_INTERNAL;
}

/* one packet through an AEAD row: both seal alike, each opens the other's */
static int aead_round(const struct cipher *ci, struct pair *p, uint8_t *a, uint8_t *b)
{
	uint32_t seq, len;
	size_t n = 4 + rlen(1);
	uint8_t *pt = malloc(n + 16);
	int bad = 0;
	if (!pt)
		return 1;
	rand_bytes(&seq, sizeof seq);
	rand_bytes(pt, n);
	memcpy(a, pt, n);
	memcpy(b, pt, n);
	bad |= ci->seal(p->port, seq, a, n) != SSH_OK || ci->seal(p->fast, seq, b, n) != SSH_OK;
	bad |= memcmp(a, b, n + 16) != 0;
	bad |= ci->getlen(p->fast_rx, seq, a, &len) != SSH_OK || len != get_u32(pt);
	bad |= ci->open(p->fast_rx, seq, a, n) != SSH_OK || ci->open(p->port_rx, seq, b, n) != SSH_OK;
	bad |= memcmp(a, pt, n) != 0 || memcmp(b, pt, n) != 0;
	free(pt);
	return bad;
}

static int ctr_round(const struct cipher *ci, struct pair *p, uint8_t *a, uint8_t *b)
{
	size_t n = rlen(16);
	rand_bytes(a, n);
	memcpy(b, a, n);
	return ci->crypt(p->port, a, n) != SSH_OK || ci->crypt(p->fast, b, n) != SSH_OK || memcmp(a, b, n) != 0;
}

/* a forged tag: sealed by the portable context, whose IV the accelerated
 * one shares at this point, and refused by the accelerated open */
static int forged(const struct cipher *ci, struct pair *p, uint8_t *a)
{
	size_t n = 4 + rlen(1);
	rand_bytes(a, n + 16);
	if (ci->seal(p->port, 5, a, n) != SSH_OK)
		return 1;
	a[n + rnd(16)] ^= (uint8_t)(1u << rnd(8));
	return ci->open(p->fast_rx, 5, a, n) != SSH_ERR_MAC;
}

static void rows(void)
{
	struct pair p = {malloc(sizeof *p.port), malloc(sizeof *p.fast), malloc(sizeof *p.port_rx), malloc(sizeof *p.fast_rx)};
	uint8_t *a = malloc(MAXN + 64), *b = malloc(MAXN + 64), key[64], iv[16];
	for (int i = 0; ciphers[i]; i++) {
		const struct cipher *ci = ciphers[i];
		int bad = 0, rounds = 0, accel = 0;
		for (int k = 0; k < 8 && p.port && p.fast && p.port_rx && p.fast_rx && a && b; k++) {
			rand_bytes(key, sizeof key);
			rand_bytes(iv, sizeof iv);
			if (k == 1)
				memset(iv + 8, 0xff, 8); /* CTR: the low half carries; GCM: the counter wraps */
			if (pair_init(&p, ci, key, iv) != SSH_OK) {
				bad++;
				continue;
			}
			accel |= p.fast->accel;
			for (int j = 0; j < 25; j++, rounds++) {
				/* unaligned buffers, as packets sit anywhere in conn->in */
				size_t off = rnd(16);
				bad += ci->taglen ? aead_round(ci, &p, a + off, b + off) : ctr_round(ci, &p, a + off, b + off);
			}
			if (ci->taglen)
				bad += forged(ci, &p, a + rnd(16));
		}
		if (accel)
			CHECK(bad == 0, "%s: accelerated and portable agree on %d random packets", ci->name, rounds);
		else
			CHECK(bad == 0, "%s: no accelerated path on this CPU (portable only, %d packets)", ci->name, rounds);
	}
	free(p.port);
	free(p.fast);
	free(p.port_rx);
	free(p.fast_rx);
	free(a);
	free(b);
}

/* ChaCha20 with OpenSSH's nonce form against libtomcrypt's ivctr64 */
static void chacha(void)
{
	uint8_t key[32], nonce[8], *a = malloc(MAXN), *b = malloc(MAXN);
	chacha_state st;
	int bad = 0;
	for (int k = 0; k < 300 && a && b; k++) {
		size_t n = rlen(1), off = rnd(16);
		uint64_t ctr = rnd(1u << 20);
		rand_bytes(key, sizeof key);
		rand_bytes(nonce, sizeof nonce);
		rand_bytes(a, n + off);
		memcpy(b, a, n + off);
		chacha_simd_xor(key, nonce, ctr, a + off, n);
		if (chacha_setup(&st, key, 32, 20) != CRYPT_OK || chacha_ivctr64(&st, nonce, 8, ctr) != CRYPT_OK ||
		    chacha_crypt(&st, b + off, (unsigned long)n, b + off) != CRYPT_OK || memcmp(a, b, n + off))
			bad++;
	}
	CHECK(bad == 0, "chacha_simd_xor (%s) equals libtomcrypt on 300 random keys, nonces, counters, lengths",
	      accel_flags() & ACCEL_AVX2 ? "AVX2 and SSE2" : "SSE2");
	free(a);
	free(b);
}

static void poly(void)
{
	uint8_t key[32], t1[16], t2[16], *m = malloc(MAXN);
	unsigned long tl = 16;
	int bad = 0;
	for (int k = 0; k < 300 && m; k++) {
		size_t n = rlen(1);
		rand_bytes(key, sizeof key);
		/* now and then all ones: the largest limbs and the final subtraction */
		memset(m, 0xff, n);
		if (k % 3)
			rand_bytes(m, n);
		if (k % 7 == 0)
			memset(key, 0xff, sizeof key);
		poly1305_64(key, m, n, t1);
		if (poly1305_memory(key, 32, m, (unsigned long)n, t2, &tl) != CRYPT_OK || memcmp(t1, t2, 16))
			bad++;
	}
	CHECK(bad == 0, "poly1305_64 equals libtomcrypt on 300 random keys and lengths");
	free(m);
}

/* AES-GCM with random AAD, keys and lengths against gcm_memory */
static void gcm(void)
{
	struct aesni_gcm *g = malloc(sizeof *g);
	uint8_t key[32], iv[12], aad[100], t1[16], t2[16], *a = malloc(MAXN), *b = malloc(MAXN);
	int bad = 0;
	for (int k = 0; k < 200 && g && a && b; k++) {
		size_t n = rlen(1), al = rnd(sizeof aad);
		unsigned long tl = 16;
		int kl = k % 2 ? 32 : 16;
		rand_bytes(key, sizeof key), rand_bytes(iv, sizeof iv), rand_bytes(aad, sizeof aad);
		rand_bytes(a, n);
		memcpy(b, a, n);
		aesni_gcm_init(g, key, kl);
		aesni_gcm_seal(g, iv, aad, al, a, n, t1);
		if (gcm_memory(idx_aes(), key, (unsigned long)kl, iv, 12, aad, (unsigned long)al, b, (unsigned long)n, b,
			       t2, &tl, GCM_ENCRYPT) != CRYPT_OK || memcmp(a, b, n) || memcmp(t1, t2, 16))
			bad++;
		if (aesni_gcm_open(g, iv, aad, al, a, n, t1) != 0)
			bad++;
	}
	CHECK(bad == 0, "aesni_gcm equals libtomcrypt's gcm_memory on 200 random keys, AAD and lengths");
	free(g);
	free(a);
	free(b);
}

/* a CTR counter, now and then with the low 64 bits a few blocks short of
 * wrapping, so the carry falls inside or just after a 16-block VAES chunk */
static void ctr_iv(uint8_t iv[16])
{
	rand_bytes(iv, 16);
	if (rnd(3) == 0)
		put_u64(iv + 8, (uint64_t)0 - 1 - rnd(40));
}

/* VAES AES-CTR (k->wide) against AES-NI alone and libtomcrypt's CTR */
static int wide_ctr_round(struct aesni_key *k, uint8_t *a, uint8_t *b, uint8_t *c)
{
	uint8_t key[32], iv[16], c1[16], c2[16];
	size_t n = rlen(16), off = rnd(32);
	int kl = 16 + 8 * (int)rnd(3), bad = 0;
	symmetric_CTR lt;
	rand_bytes(key, sizeof key), ctr_iv(iv), rand_bytes(a, n + off);
	memcpy(b, a, n + off), memcpy(c, a, n + off), memcpy(c1, iv, 16), memcpy(c2, iv, 16);
	aesni_expand(k, key, kl);
	bad |= !k->wide;
	aesni_ctr(k, c1, a + off, n);
	k->wide = 0;
	aesni_ctr(k, c2, b + off, n);
	bad |= memcmp(a, b, n + off) != 0 || memcmp(c1, c2, 16) != 0;
	bad |= ctr_start(idx_aes(), iv, key, kl, 0, CTR_COUNTER_BIG_ENDIAN, &lt) != CRYPT_OK ||
	       ctr_encrypt(c + off, c + off, (unsigned long)n, &lt) != CRYPT_OK || memcmp(a, c, n + off) != 0;
	ctr_done(&lt);
	return bad;
}

/* VAES/VPCLMULQDQ AES-GCM against AES-NI alone and gcm_memory, AAD past
 * the 128-byte wide GHASH chunk; each opens the other's */
static int wide_gcm_round(struct aesni_gcm *g, uint8_t *a, uint8_t *b, uint8_t *c)
{
	uint8_t key[32], iv[12], aad[300], t1[16], t2[16], t3[16];
	size_t n = rlen(1), al = rnd(sizeof aad), off = rnd(32);
	unsigned long tl = 16;
	int kl = 16 + 16 * (int)rnd(2), bad = 0;
	rand_bytes(key, sizeof key), rand_bytes(iv, sizeof iv), rand_bytes(aad, sizeof aad), rand_bytes(a, n + off);
	memcpy(b, a, n + off), memcpy(c, a, n + off);
	aesni_gcm_init(g, key, kl);
	bad |= !g->k.wide;
	aesni_gcm_seal(g, iv, aad, al, a + off, n, t1);
	g->k.wide = 0;
	aesni_gcm_seal(g, iv, aad, al, b + off, n, t2);
	bad |= memcmp(a, b, n + off) != 0 || memcmp(t1, t2, 16) != 0;
	bad |= gcm_memory(idx_aes(), key, (unsigned long)kl, iv, 12, aad, (unsigned long)al, c + off, (unsigned long)n,
			  c + off, t3, &tl, GCM_ENCRYPT) != CRYPT_OK || memcmp(a, c, n + off) || memcmp(t1, t3, 16);
	bad |= aesni_gcm_open(g, iv, aad, al, a + off, n, t1) != 0; /* narrow opens wide's */
	g->k.wide = 1;
	bad |= aesni_gcm_open(g, iv, aad, al, b + off, n, t2) != 0 || memcmp(a, b, n + off) != 0;
	t1[rnd(16)] ^= 1;
	bad |= aesni_gcm_open(g, iv, aad, al, c + off, n, t1) != -1;
	return bad;
}

static void wide(void)
{
	struct aesni_gcm *g = malloc(sizeof *g);
	uint8_t *a = malloc(MAXN + 32), *b = malloc(MAXN + 32), *c = malloc(MAXN + 32);
	int bad = 0;
	for (int k = 0; k < 300 && g && a && b && c; k++)
		bad += wide_ctr_round(&g->k, a, b, c) + wide_gcm_round(g, a, b, c);
	CHECK(bad == 0, "VAES CTR and VAES/VPCLMULQDQ GCM equal AES-NI alone and libtomcrypt on 300 random keys, "
	      "counters (some carrying), lengths, offsets and AAD each");
	free(g);
	free(a);
	free(b);
	free(c);
}

/* HMAC-SHA-256 on the SHA extensions against libtomcrypt, every length
 * around the block boundaries and some large ones */
static void hmac(void)
{
	const struct mac *m = mac_find("hmac-sha2-256", 13);
	struct mac_ctx *port = malloc(sizeof *port), *fast = malloc(sizeof *fast);
	uint8_t key[32], t1[32], t2[32], *a = malloc(MAXN);
	int bad = 0, ni = 0;
	for (int k = 0; k < 400 && m && port && fast && a; k++) {
		size_t n = k < 200 ? (size_t)k : rlen(1);
		uint32_t seq;
		rand_bytes(key, sizeof key), rand_bytes(&seq, sizeof seq), rand_bytes(a, n);
		accel_force_portable(1);
		bad += mac_init(port, m, key) != SSH_OK;
		accel_force_portable(0);
		bad += mac_init(fast, m, key) != SSH_OK;
		ni |= fast->ni;
		bad += mac_compute(port, seq, a, n, t1) != SSH_OK || mac_compute(fast, seq, a, n, t2) != SSH_OK ||
		       memcmp(t1, t2, 32) != 0 || port->ni;
	}
	CHECK(bad == 0 && ni, "hmac-sha2-256 on the SHA extensions equals libtomcrypt on 400 lengths");
	free(port);
	free(fast);
	free(a);
}

/* the switch: by call (CI runs every test both ways through it) and by
 * the environment, read when the flags are (re)computed */
static void switch_(void)
{
	struct cipher_ctx *c = malloc(sizeof *c);
	uint8_t key[64] = {1};
	int portable;
	accel_force_portable(1);
	portable = accel_flags() == 0 && c && cipher_chachapoly.init(c, key, NULL) == SSH_OK && !c->accel;
	setenv("SSHD_LITE_PORTABLE_CRYPTO", "1", 1);
	accel_force_portable(0);
	portable = portable && accel_flags() == 0;
	unsetenv("SSHD_LITE_PORTABLE_CRYPTO");
	accel_force_portable(0);
	CHECK(portable, "accel_force_portable and SSHD_LITE_PORTABLE_CRYPTO=1 select libtomcrypt (flags now %#x)",
	      accel_flags());
	free(c);
}

int main(void)
{
	unsigned f;
	if (crypto_init() < 0)
		return 1;
	switch_();
	f = accel_flags();
	rows();
	if (f & ACCEL_SSE2) {
		chacha();
		poly();
	}
	if ((f & (ACCEL_AES | ACCEL_CLMUL)) == (ACCEL_AES | ACCEL_CLMUL))
		gcm();
	if (f & ACCEL_VAES)
		wide();
	else
		CHECK(1, "skipped: no VAES/VPCLMULQDQ on this CPU, AES-NI alone is compared (flags %#x)", f);
	if (f & ACCEL_SHA)
		hmac();
	if (!(f & ACCEL_SSE2) || !(f & ACCEL_AES))
		CHECK(1, "skipped: this CPU lacks some of the accelerated paths (flags %#x)", f);
	return t_done();
}
