/* ChaCha20 (the original 64-bit nonce and counter, as OpenSSH's
 * chacha20-poly1305 uses it) several blocks at a time in vector registers,
 * and Poly1305 with 64-bit limbs. Each of the 16 state words sits in one
 * register holding that word for 4 (SSE2) or 8 (AVX2) consecutive blocks,
 * so a round is the scalar round on vectors; the blocks are transposed back
 * to byte order only when XORed into the data. No table, no branch on a
 * secret. Built for any x86-64 (SSE2 is part of it); the AVX2 functions
 * carry a target attribute and run only when cpuid says so. Elsewhere
 * only the scalar code is built and the rows keep to libtomcrypt. */
#include <string.h>

#include "accel.h"
#include "buf.h"

/* the round and load helpers must inline: out of line, the vectors of
 * state would go through memory at every call */
#define INLINE static inline __attribute__((always_inline))

INLINE uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
INLINE uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static void state_init(uint32_t s[16], const uint8_t key[32], const uint8_t nonce[8], uint64_t ctr)
{
	s[0] = 0x61707865, s[1] = 0x3320646e, s[2] = 0x79622d32, s[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		s[4 + i] = le32(key + 4 * i);
	s[12] = (uint32_t)ctr, s[13] = (uint32_t)(ctr >> 32);
	s[14] = le32(nonce), s[15] = le32(nonce + 4);
}

INLINE uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

INLINE void qr(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 16), x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 8), x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 7);
}

void chacha_simd_block(const uint8_t key[32], const uint8_t nonce[8], uint64_t ctr, uint8_t out[64])
{
	uint32_t s[16], x[16];
	state_init(s, key, nonce, ctr);
	memcpy(x, s, sizeof x);
	for (int i = 0; i < 10; i++) {
		qr(x, 0, 4, 8, 12), qr(x, 1, 5, 9, 13), qr(x, 2, 6, 10, 14), qr(x, 3, 7, 11, 15);
		qr(x, 0, 5, 10, 15), qr(x, 1, 6, 11, 12), qr(x, 2, 7, 8, 13), qr(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + s[i];
		out[4 * i] = (uint8_t)v, out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16), out[4 * i + 3] = (uint8_t)(v >> 24);
	}
	wipe(x, sizeof x);
	wipe(s, sizeof s);
}

#if defined(__x86_64__)
#include <immintrin.h>

/* 4 blocks (256 bytes) with SSE2: the scalar rounds on vectors of words */
#define ADD _mm_add_epi32
#define XOR _mm_xor_si128
#define ROT(v, n) _mm_or_si128(_mm_slli_epi32((v), (n)), _mm_srli_epi32((v), 32 - (n)))
INLINE void qr4(__m128i *x, int a, int b, int c, int d)
{
	x[a] = ADD(x[a], x[b]), x[d] = ROT(XOR(x[d], x[a]), 16), x[c] = ADD(x[c], x[d]), x[b] = ROT(XOR(x[b], x[c]), 12);
	x[a] = ADD(x[a], x[b]), x[d] = ROT(XOR(x[d], x[a]), 8), x[c] = ADD(x[c], x[d]), x[b] = ROT(XOR(x[b], x[c]), 7);
}

static void xor4(const uint32_t s[16], uint8_t *p)
{
	__m128i x[16], in[16];
	for (int i = 0; i < 16; i++)
		in[i] = x[i] = _mm_set1_epi32((int)s[i]);
	/* the counter is below 2^32 blocks for any packet: no carry into s[13] */
	in[12] = x[12] = _mm_add_epi32(x[12], _mm_set_epi32(3, 2, 1, 0));
	for (int i = 0; i < 10; i++) {
		qr4(x, 0, 4, 8, 12), qr4(x, 1, 5, 9, 13), qr4(x, 2, 6, 10, 14), qr4(x, 3, 7, 11, 15);
		qr4(x, 0, 5, 10, 15), qr4(x, 1, 6, 11, 12), qr4(x, 2, 7, 8, 13), qr4(x, 3, 4, 9, 14);
	}
	for (int g = 0; g < 4; g++) {
		__m128i a = ADD(x[4 * g], in[4 * g]), b = ADD(x[4 * g + 1], in[4 * g + 1]);
		__m128i c = ADD(x[4 * g + 2], in[4 * g + 2]), d = ADD(x[4 * g + 3], in[4 * g + 3]);
		__m128i t0 = _mm_unpacklo_epi32(a, b), t1 = _mm_unpacklo_epi32(c, d);
		__m128i t2 = _mm_unpackhi_epi32(a, b), t3 = _mm_unpackhi_epi32(c, d);
		__m128i o[4] = {_mm_unpacklo_epi64(t0, t1), _mm_unpackhi_epi64(t0, t1),
				_mm_unpacklo_epi64(t2, t3), _mm_unpackhi_epi64(t2, t3)};
		for (int j = 0; j < 4; j++) {
			__m128i *q = (__m128i *)(p + 64 * j + 16 * g);
			_mm_storeu_si128(q, XOR(_mm_loadu_si128(q), o[j]));
		}
	}
}
#undef ROT
#undef ADD
#undef XOR

/* 8 blocks (512 bytes) with AVX2: the 128-bit halves hold blocks 0-3 and
 * 4-7; rotations by 16 and 8 are byte shuffles */
#define AVX2 __attribute__((target("avx2")))
#define ADD _mm256_add_epi32
#define XOR _mm256_xor_si256
#define ROT(v, n) _mm256_or_si256(_mm256_slli_epi32((v), (n)), _mm256_srli_epi32((v), 32 - (n)))
AVX2 INLINE void qr8(__m256i *x, int a, int b, int c, int d)
{
	const __m256i r16 = _mm256_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2,
					    13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2);
	const __m256i r8 = _mm256_set_epi8(14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3,
					   14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3);
	x[a] = ADD(x[a], x[b]), x[d] = _mm256_shuffle_epi8(XOR(x[d], x[a]), r16);
	x[c] = ADD(x[c], x[d]), x[b] = ROT(XOR(x[b], x[c]), 12);
	x[a] = ADD(x[a], x[b]), x[d] = _mm256_shuffle_epi8(XOR(x[d], x[a]), r8);
	x[c] = ADD(x[c], x[d]), x[b] = ROT(XOR(x[b], x[c]), 7);
}

/* XORs block j (h = 0) or j + 4 (h = 1) into q */
AVX2 INLINE void out8(const __m256i *x, int j, int h, uint8_t *q)
{
	__m256i lo = h ? _mm256_permute2x128_si256(x[j], x[4 + j], 0x31) : _mm256_permute2x128_si256(x[j], x[4 + j], 0x20);
	__m256i hi = h ? _mm256_permute2x128_si256(x[8 + j], x[12 + j], 0x31)
		       : _mm256_permute2x128_si256(x[8 + j], x[12 + j], 0x20);
	_mm256_storeu_si256((__m256i *)q, XOR(_mm256_loadu_si256((const __m256i *)q), lo));
	_mm256_storeu_si256((__m256i *)q + 1, XOR(_mm256_loadu_si256((const __m256i *)q + 1), hi));
}

AVX2 static void xor8(const uint32_t s[16], uint8_t *p)
{
	__m256i x[16], in[16];
	for (int i = 0; i < 16; i++)
		in[i] = x[i] = _mm256_set1_epi32((int)s[i]);
	in[12] = x[12] = _mm256_add_epi32(x[12], _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
	for (int i = 0; i < 10; i++) {
		qr8(x, 0, 4, 8, 12), qr8(x, 1, 5, 9, 13), qr8(x, 2, 6, 10, 14), qr8(x, 3, 7, 11, 15);
		qr8(x, 0, 5, 10, 15), qr8(x, 1, 6, 11, 12), qr8(x, 2, 7, 8, 13), qr8(x, 3, 4, 9, 14);
	}
	for (int g = 0; g < 4; g++) {
		__m256i a = ADD(x[4 * g], in[4 * g]), b = ADD(x[4 * g + 1], in[4 * g + 1]);
		__m256i c = ADD(x[4 * g + 2], in[4 * g + 2]), d = ADD(x[4 * g + 3], in[4 * g + 3]);
		__m256i t0 = _mm256_unpacklo_epi32(a, b), t1 = _mm256_unpacklo_epi32(c, d);
		__m256i t2 = _mm256_unpackhi_epi32(a, b), t3 = _mm256_unpackhi_epi32(c, d);
		x[4 * g] = _mm256_unpacklo_epi64(t0, t1), x[4 * g + 1] = _mm256_unpackhi_epi64(t0, t1);
		x[4 * g + 2] = _mm256_unpacklo_epi64(t2, t3), x[4 * g + 3] = _mm256_unpackhi_epi64(t2, t3);
	}
	/* x[4g + j] now holds words 4g..4g+3 of block j (low half) and of
	 * block j + 4 (high half) */
	for (int j = 0; j < 4; j++)
		for (int h = 0; h < 2; h++)
			out8(x, j, h, p + 64 * (j + 4 * h));
	_mm256_zeroupper();
}
#undef ROT
#undef ADD
#undef XOR
#endif

void chacha_simd_xor(const uint8_t key[32], const uint8_t nonce[8], uint64_t ctr, uint8_t *p, size_t n)
{
	uint32_t s[16];
	uint8_t ks[64];
	state_init(s, key, nonce, ctr);
#if defined(__x86_64__)
	for (int avx2 = (accel_flags() & ACCEL_AVX2) != 0; avx2 && n >= 512; p += 512, n -= 512, s[12] += 8)
		xor8(s, p);
	for (; n >= 256; p += 256, n -= 256, s[12] += 4)
		xor4(s, p);
#endif
	for (; n > 0; s[12]++) {
		size_t k = n < 64 ? n : 64;
		chacha_simd_block(key, nonce, s[12] | (uint64_t)s[13] << 32, ks);
		for (size_t i = 0; i < k; i++)
			p[i] ^= ks[i];
		p += k, n -= k;
	}
	wipe(s, sizeof s);
	wipe(ks, sizeof ks);
}

/* Poly1305 in three 44/44/42-bit limbs, products in 128 bits (as
 * poly1305-donna-64): 9 multiplications per 16 bytes where libtomcrypt's
 * 26-bit limbs need 25. The final reduction selects by mask. */
__extension__ typedef unsigned __int128 u128;
#define M44 ((UINT64_C(1) << 44) - 1)
#define M42 ((UINT64_C(1) << 42) - 1)

struct poly { uint64_t r[3], s[2], h[3]; };

static void poly_blocks(struct poly *st, const uint8_t *m, size_t n, uint64_t hibit)
{
	uint64_t r0 = st->r[0], r1 = st->r[1], r2 = st->r[2], s1 = st->s[0], s2 = st->s[1];
	uint64_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2], c;
	for (; n >= 16; m += 16, n -= 16) {
		uint64_t t0 = le64(m), t1 = le64(m + 8);
		u128 d0, d1, d2;
		h0 += t0 & M44;
		h1 += ((t0 >> 44) | (t1 << 20)) & M44;
		h2 += ((t1 >> 24) & M42) | hibit;
		d0 = (u128)h0 * r0 + (u128)h1 * s2 + (u128)h2 * s1;
		d1 = (u128)h0 * r1 + (u128)h1 * r0 + (u128)h2 * s2;
		d2 = (u128)h0 * r2 + (u128)h1 * r1 + (u128)h2 * r0;
		c = (uint64_t)(d0 >> 44), h0 = (uint64_t)d0 & M44;
		d1 += c, c = (uint64_t)(d1 >> 44), h1 = (uint64_t)d1 & M44;
		d2 += c, c = (uint64_t)(d2 >> 42), h2 = (uint64_t)d2 & M42;
		h0 += c * 5, c = h0 >> 44, h0 &= M44;
		h1 += c;
	}
	st->h[0] = h0, st->h[1] = h1, st->h[2] = h2;
}

static void poly_finish(struct poly *st, const uint8_t key[32], uint8_t tag[16])
{
	uint64_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2], g0, g1, g2, c, t0, t1;
	c = h1 >> 44, h1 &= M44, h2 += c, c = h2 >> 42, h2 &= M42;
	h0 += c * 5, c = h0 >> 44, h0 &= M44, h1 += c, c = h1 >> 44, h1 &= M44;
	h2 += c, c = h2 >> 42, h2 &= M42, h0 += c * 5, c = h0 >> 44, h0 &= M44, h1 += c;
	/* h - p = h + 5 - 2^130: keep it where it does not go negative */
	g0 = h0 + 5, c = g0 >> 44, g0 &= M44;
	g1 = h1 + c, c = g1 >> 44, g1 &= M44;
	g2 = h2 + c - (UINT64_C(1) << 42);
	c = (g2 >> 63) - 1;
	h0 = (h0 & ~c) | (g0 & c), h1 = (h1 & ~c) | (g1 & c), h2 = (h2 & ~c) | (g2 & c);
	t0 = le64(key + 16), t1 = le64(key + 24);
	h0 += t0 & M44, c = h0 >> 44, h0 &= M44;
	h1 += (((t0 >> 44) | (t1 << 20)) & M44) + c, c = h1 >> 44, h1 &= M44;
	h2 += ((t1 >> 24) & M42) + c, h2 &= M42;
	h0 |= h1 << 44, h1 = (h1 >> 20) | (h2 << 24);
	for (int i = 0; i < 8; i++)
		tag[i] = (uint8_t)(h0 >> 8 * i), tag[8 + i] = (uint8_t)(h1 >> 8 * i);
}

void poly1305_64(const uint8_t key[32], const uint8_t *m, size_t n, uint8_t tag[16])
{
	struct poly st;
	uint64_t t0 = le64(key), t1 = le64(key + 8);
	uint8_t last[16];
	st.r[0] = t0 & 0xffc0fffffffULL;
	st.r[1] = ((t0 >> 44) | (t1 << 20)) & 0xfffffc0ffffULL;
	st.r[2] = (t1 >> 24) & 0x00ffffffc0fULL;
	st.s[0] = st.r[1] * (5 << 2), st.s[1] = st.r[2] * (5 << 2);
	st.h[0] = st.h[1] = st.h[2] = 0;
	poly_blocks(&st, m, n & ~(size_t)15, UINT64_C(1) << 40);
	if (n & 15) {
		/* the last partial block ends in a 1 byte and no 2^128 bit */
		memset(last, 0, sizeof last);
		memcpy(last, m + (n & ~(size_t)15), n & 15);
		last[n & 15] = 1;
		poly_blocks(&st, last, 16, 0);
		wipe(last, sizeof last);
	}
	poly_finish(&st, key, tag);
	wipe(&st, sizeof st);
}
