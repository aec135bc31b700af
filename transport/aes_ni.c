/* AES with AES-NI and GHASH with PCLMULQDQ, for the CTR and GCM rows.
 * Every function carries a target attribute, so the file builds for any
 * x86-64 and the code runs only after cpuid said yes (transport/accel.c).
 * AES-NI and carry-less multiplication take constant time; the key
 * schedule uses AESKEYGENASSIST for SubWord, so there is no S-box table
 * here. CTR keeps 8 blocks in flight to cover the AESENC latency; GHASH
 * folds 4 blocks per reduction with H^1..H^4. */
#include <string.h>

#include "accel.h"
#include "buf.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define T __attribute__((target("aes,pclmul,ssse3,sse4.1")))
/* the block helpers must inline, or the 8 blocks in flight go through memory */
#define TI T static inline __attribute__((always_inline))

/* SubWord(RotWord(w)) from AESKEYGENASSIST, which works on dword 1 */
T static uint32_t subrot(uint32_t w)
{
	__m128i v = _mm_aeskeygenassist_si128(_mm_set_epi32(0, 0, (int)w, 0), 0);
	return (uint32_t)_mm_extract_epi32(v, 1);
}

T static uint32_t sub(uint32_t w)
{
	__m128i v = _mm_aeskeygenassist_si128(_mm_set_epi32(0, 0, (int)w, 0), 0);
	return (uint32_t)_mm_cvtsi128_si32(v);
}

/* FIPS-197 5.2 on little-endian words, for all three key sizes */
T void aesni_expand(struct aesni_key *k, const uint8_t *key, int keylen)
{
	static const uint8_t rcon[10] = {1, 2, 4, 8, 16, 32, 64, 128, 27, 54};
	uint32_t w[60];
	int nk = keylen / 4, total;
	k->rounds = nk + 6;
	total = 4 * (k->rounds + 1);
	memcpy(w, key, (size_t)keylen);
	for (int i = nk; i < total; i++) {
		uint32_t t = w[i - 1];
		if (i % nk == 0)
			t = subrot(t) ^ rcon[i / nk - 1];
		else if (nk > 6 && i % nk == 4)
			t = sub(t);
		w[i] = w[i - nk] ^ t;
	}
	memcpy(k->rk, w, (size_t)total * 4);
	wipe(w, sizeof w);
	k->wide = (accel_flags() & ACCEL_VAES) != 0;
}

#define RK(i) _mm_load_si128((const __m128i *)k->rk[i])

/* 8 blocks through all rounds side by side */
TI void enc8(const struct aesni_key *k, __m128i b[8])
{
	__m128i r = RK(0);
	for (int j = 0; j < 8; j++)
		b[j] = _mm_xor_si128(b[j], r);
	for (int i = 1; i < k->rounds; i++) {
		r = RK(i);
		for (int j = 0; j < 8; j++)
			b[j] = _mm_aesenc_si128(b[j], r);
	}
	r = RK(k->rounds);
	for (int j = 0; j < 8; j++)
		b[j] = _mm_aesenclast_si128(b[j], r);
}

TI __m128i enc1(const struct aesni_key *k, __m128i b)
{
	b = _mm_xor_si128(b, RK(0));
	for (int i = 1; i < k->rounds; i++)
		b = _mm_aesenc_si128(b, RK(i));
	return _mm_aesenclast_si128(b, RK(k->rounds));
}

/* XORs the keystream blocks b[0..) into p, n <= 128 bytes */
TI void xor_out(uint8_t *p, const __m128i b[8], size_t n)
{
	size_t j = 0;
	for (; j + 16 <= n; j += 16) {
		__m128i *q = (__m128i *)(p + j);
		_mm_storeu_si128(q, _mm_xor_si128(_mm_loadu_si128(q), b[j / 16]));
	}
	if (j < n) {
		uint8_t ks[16];
		_mm_storeu_si128((__m128i *)ks, b[j / 16]);
		for (size_t i = 0; j + i < n; i++)
			p[j + i] ^= ks[i];
		wipe(ks, sizeof ks);
	}
}

T void aesni_ctr_narrow(const struct aesni_key *k, uint8_t ctr[16], uint8_t *p, size_t n)
{
	uint64_t hi = get_u64(ctr), lo = get_u64(ctr + 8);
	__m128i b[8];
	while (n > 0) {
		size_t m = n < 128 ? n : 128, nb = (m + 15) / 16;
		for (uint64_t j = 0; j < 8; j++) {
			uint64_t l = lo + j, h = hi + (l < lo); /* 128-bit big-endian counter */
			b[j] = _mm_set_epi64x((long long)__builtin_bswap64(l), (long long)__builtin_bswap64(h));
		}
		enc8(k, b);
		xor_out(p, b, m);
		hi += lo + nb < lo;
		lo += nb;
		p += m, n -= m;
	}
	put_u64(ctr, hi);
	put_u64(ctr + 8, lo);
	wipe(b, sizeof b);
}

T void aesni_ctr(const struct aesni_key *k, uint8_t ctr[16], uint8_t *p, size_t n)
{
	if (k->wide)
		vaes_ctr(k, ctr, p, n);
	else
		aesni_ctr_narrow(k, ctr, p, n);
}

#include "gf128_ni.h"

TI __m128i gfmul(__m128i a, __m128i b)
{
	__m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
	clmul_acc(a, b, &lo, &hi);
	return reduce(lo, hi);
}

#define HP(i) _mm_load_si128((const __m128i *)g->h[i])
#define LOADR(q) _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(q)), BSWAP)

/* X after absorbing p[0..n), the last partial block zero-padded */
T static __m128i ghash(const struct aesni_gcm *g, __m128i x, const uint8_t *p, size_t n)
{
	if (g->k.wide && n >= 128) {
		uint8_t xs[16];
		size_t done;
		_mm_storeu_si128((__m128i *)xs, x);
		done = vaes_ghash(g, xs, p, n);
		x = _mm_loadu_si128((const __m128i *)xs);
		p += done, n -= done;
	}
	for (; n >= 64; p += 64, n -= 64) {
		__m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
		clmul_acc(_mm_xor_si128(x, LOADR(p)), HP(3), &lo, &hi);
		clmul_acc(LOADR(p + 16), HP(2), &lo, &hi);
		clmul_acc(LOADR(p + 32), HP(1), &lo, &hi);
		clmul_acc(LOADR(p + 48), HP(0), &lo, &hi);
		x = reduce(lo, hi);
	}
	for (; n >= 16; p += 16, n -= 16)
		x = gfmul(_mm_xor_si128(x, LOADR(p)), HP(0));
	if (n > 0) {
		uint8_t last[16] = {0};
		memcpy(last, p, n);
		x = gfmul(_mm_xor_si128(x, LOADR(last)), HP(0));
	}
	return x;
}

T void aesni_gcm_init(struct aesni_gcm *g, const uint8_t *key, int keylen)
{
	__m128i h, hp;
	aesni_expand(&g->k, key, keylen);
	h = _mm_shuffle_epi8(enc1(&g->k, _mm_setzero_si128()), BSWAP);
	hp = h;
	for (int i = 0; i < 8; i++) {
		if (i < 4)
			_mm_store_si128((__m128i *)g->h[i], hp);
		_mm_store_si128((__m128i *)g->hw[7 - i], hp);
		hp = gfmul(hp, h);
	}
	h = hp = _mm_setzero_si128();
}

/* counter block IV || be32(c) */
TI __m128i ctr_block(const uint32_t w[3], uint32_t c)
{
	return _mm_set_epi32((int)__builtin_bswap32(c), (int)w[2], (int)w[1], (int)w[0]);
}

/* the text with counters 2, 3, ... (a packet is far below 2^32 blocks) */
T static void gcm_ctr(const struct aesni_gcm *g, const uint32_t w[3], uint8_t *p, size_t n)
{
	__m128i b[8];
	uint32_t c = 2;
	if (g->k.wide) {
		uint32_t iv16[4] = {w[0], w[1], w[2], 0};
		size_t done = vaes_gcm_ctr(&g->k, (const uint8_t *)iv16, p, n);
		c += (uint32_t)(done / 16);
		p += done, n -= done;
	}
	for (; n > 0; c += 8) {
		size_t m = n < 128 ? n : 128;
		for (uint32_t j = 0; j < 8; j++)
			b[j] = ctr_block(w, c + j);
		enc8(&g->k, b);
		xor_out(p, b, m);
		p += m, n -= m;
	}
	wipe(b, sizeof b);
}

T static void gcm_tag(const struct aesni_gcm *g, const uint32_t w[3], const uint8_t *aad, size_t alen,
		      const uint8_t *ct, size_t n, uint8_t tag[16])
{
	uint8_t lens[16];
	__m128i x = _mm_setzero_si128();
	put_u64(lens, (uint64_t)alen * 8);
	put_u64(lens + 8, (uint64_t)n * 8);
	x = ghash(g, x, aad, alen);
	x = ghash(g, x, ct, n);
	x = ghash(g, x, lens, 16);
	x = _mm_xor_si128(_mm_shuffle_epi8(x, BSWAP), enc1(&g->k, ctr_block(w, 1)));
	_mm_storeu_si128((__m128i *)tag, x);
}

T void aesni_gcm_seal(const struct aesni_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t alen,
		      uint8_t *p, size_t n, uint8_t tag[16])
{
	uint32_t w[3];
	memcpy(w, iv, 12);
	gcm_ctr(g, w, p, n);
	gcm_tag(g, w, aad, alen, p, n, tag);
}

T int aesni_gcm_open(const struct aesni_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t alen,
		     uint8_t *p, size_t n, const uint8_t want[16])
{
	uint32_t w[3];
	uint8_t tag[16];
	int ok;
	memcpy(w, iv, 12);
	gcm_tag(g, w, aad, alen, p, n, tag);
	ok = ct_eq(tag, want, 16);
	if (ok)
		gcm_ctr(g, w, p, n);
	return ok ? 0 : -1;
}

#else
/* not x86-64: accel_flags() never offers AES, and these are never called */
void aesni_expand(struct aesni_key *k, const uint8_t *key, int keylen) { (void)k, (void)key, (void)keylen; }
void aesni_ctr(const struct aesni_key *k, uint8_t ctr[16], uint8_t *p, size_t n) { (void)k, (void)ctr, (void)p, (void)n; }
void aesni_ctr_narrow(const struct aesni_key *k, uint8_t ctr[16], uint8_t *p, size_t n)
{
	(void)k, (void)ctr, (void)p, (void)n;
}
void aesni_gcm_init(struct aesni_gcm *g, const uint8_t *key, int keylen) { (void)g, (void)key, (void)keylen; }
void aesni_gcm_seal(const struct aesni_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t alen,
		    uint8_t *p, size_t n, uint8_t tag[16])
{
	(void)g, (void)iv, (void)aad, (void)alen, (void)p, (void)n, (void)tag;
}
int aesni_gcm_open(const struct aesni_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t alen,
		   uint8_t *p, size_t n, const uint8_t want[16])
{
	(void)g, (void)iv, (void)aad, (void)alen, (void)p, (void)n, (void)want;
	return -1;
}
#endif
