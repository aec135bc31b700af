/* AES-CTR with VAES on 256-bit vectors (two blocks per instruction) and
 * GHASH with VPCLMULQDQ, for CPUs that have them (transport/accel.c sets
 * ACCEL_VAES); the same contracts as transport/aes_ni.c, which calls in
 * here when the key was expanded with its `wide` flag set. Like that file,
 * every function carries a target attribute so it builds for any x86-64.
 * 16 blocks are in flight (8 vectors): AESENC's latency times its
 * throughput on current cores. No table, no secret-dependent branch. */
#include <string.h>

#include "accel.h"
#include "buf.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "gf128_ni.h"

#define T __attribute__((target("vaes,vpclmulqdq,avx2,aes,pclmul,ssse3,sse4.1")))
#define TI T static inline __attribute__((always_inline))

/* reverses the bytes of each 128-bit lane: little-endian counter words to
 * a big-endian block and back */
#define BSWAP2 _mm256_broadcastsi128_si256(_mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))

/* 8 vectors (16 blocks) through all rounds side by side */
TI void enc16(const struct aesni_key *k, __m256i b[8])
{
	__m256i r = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)k->rk[0]));
	for (int j = 0; j < 8; j++)
		b[j] = _mm256_xor_si256(b[j], r);
	for (int i = 1; i < k->rounds; i++) {
		r = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)k->rk[i]));
		for (int j = 0; j < 8; j++)
			b[j] = _mm256_aesenc_epi128(b[j], r);
	}
	r = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)k->rk[k->rounds]));
	for (int j = 0; j < 8; j++)
		b[j] = _mm256_aesenclast_epi128(b[j], r);
}

/* XORs 256 bytes of keystream into p */
TI void xor256(uint8_t *p, const __m256i b[8])
{
	for (int j = 0; j < 8; j++) {
		__m256i *q = (__m256i *)(p + 32 * j);
		_mm256_storeu_si256(q, _mm256_xor_si256(_mm256_loadu_si256(q), b[j]));
	}
}

/* the 16 counter blocks from (hi, lo), lo + 15 not wrapping: little-endian
 * 64-bit lanes {lo, hi} per block, byte-reversed into big-endian blocks */
TI void counters(__m256i b[8], uint64_t hi, uint64_t lo)
{
	__m256i c = _mm256_set_epi64x((long long)hi, (long long)(lo + 1), (long long)hi, (long long)lo);
	const __m256i two = _mm256_set_epi64x(0, 2, 0, 2), bs = BSWAP2;
	for (int j = 0; j < 8; j++) {
		b[j] = _mm256_shuffle_epi8(c, bs);
		c = _mm256_add_epi64(c, two);
	}
}

/* big-endian 128-bit counter; n a multiple of 16. Whole 256-byte chunks
 * here, the rest (and a chunk whose low word would wrap) by AES-NI */
T void vaes_ctr(const struct aesni_key *k, uint8_t ctr[16], uint8_t *p, size_t n)
{
	uint64_t hi = get_u64(ctr), lo = get_u64(ctr + 8);
	__m256i b[8];
	while (n >= 256 && lo + 15 > lo) {
		counters(b, hi, lo);
		enc16(k, b);
		xor256(p, b);
		lo += 16;
		hi += lo == 0; /* the chunk ended exactly at the carry */
		p += 256, n -= 256;
	}
	wipe(b, sizeof b);
	put_u64(ctr, hi);
	put_u64(ctr + 8, lo);
	if (n > 0)
		aesni_ctr_narrow(k, ctr, p, n);
}

/* GCM's counter blocks IV || be32(c), c .. c+15 (a packet is far below
 * 2^32 blocks, so the 32-bit counter never wraps here) */
TI void gcm_counters(__m256i b[8], const uint8_t iv[12], uint32_t c)
{
	__m128i v = _mm_loadu_si128((const __m128i *)iv); /* reads 4 bytes past iv: see vaes_gcm_ctr */
	__m256i base = _mm256_broadcastsi128_si256(_mm_insert_epi32(v, 0, 3));
	const __m256i bs = _mm256_broadcastsi128_si256(
		_mm_set_epi8(12, 13, 14, 15, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
	__m256i cnt = _mm256_set_epi32((int)(c + 1), 0, 0, 0, (int)c, 0, 0, 0);
	const __m256i two = _mm256_set_epi32(2, 0, 0, 0, 2, 0, 0, 0);
	for (int j = 0; j < 8; j++) {
		/* the counter word is byte-swapped into place, the IV words are kept */
		b[j] = _mm256_or_si256(base, _mm256_shuffle_epi8(cnt, bs));
		cnt = _mm256_add_epi32(cnt, two);
	}
}

/* GCM's keystream from counter 2 over whole 256-byte chunks of p; returns
 * how many bytes it did (the caller finishes with AES-NI). iv16 is the
 * 12-byte IV in a 16-byte buffer. */
T size_t vaes_gcm_ctr(const struct aesni_key *k, const uint8_t iv16[16], uint8_t *p, size_t n)
{
	__m256i b[8];
	size_t done = 0;
	for (uint32_t c = 2; n - done >= 256; c += 16, done += 256) {
		gcm_counters(b, iv16, c);
		enc16(k, b);
		xor256(p + done, b);
	}
	wipe(b, sizeof b);
	return done;
}

/* lo:hi += a*b in each 128-bit lane (the same schoolbook as clmul_acc) */
TI void clmul_acc2(__m256i a, __m256i b, __m256i *lo, __m256i *hi)
{
	__m256i t0 = _mm256_clmulepi64_epi128(a, b, 0x00), t3 = _mm256_clmulepi64_epi128(a, b, 0x11);
	__m256i t1 = _mm256_xor_si256(_mm256_clmulepi64_epi128(a, b, 0x10), _mm256_clmulepi64_epi128(a, b, 0x01));
	*lo = _mm256_xor_si256(*lo, _mm256_xor_si256(t0, _mm256_bslli_epi128(t1, 8)));
	*hi = _mm256_xor_si256(*hi, _mm256_xor_si256(t3, _mm256_bsrli_epi128(t1, 8)));
}

/* the two lanes' halves added, so one reduction serves 8 blocks */
TI __m128i fold(__m256i v)
{
	return _mm_xor_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

/* GHASH over the whole 128-byte chunks of p, 8 blocks a reduction with
 * hw = H^8..H^1 (aesni_gcm_init); x is the byte-reflected state in and
 * out; returns the bytes absorbed */
T size_t vaes_ghash(const struct aesni_gcm *g, uint8_t x[16], const uint8_t *p, size_t n)
{
	const __m256i bs = BSWAP2;
	__m128i acc = _mm_loadu_si128((const __m128i *)x);
	size_t done = 0;
	for (; n - done >= 128; done += 128) {
		__m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
		for (int j = 0; j < 4; j++) {
			__m256i d = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(p + done + 32 * j)), bs);
			if (j == 0)
				d = _mm256_xor_si256(d, _mm256_zextsi128_si256(acc));
			clmul_acc2(d, _mm256_loadu_si256((const __m256i *)g->hw[2 * j]), &lo, &hi);
		}
		acc = reduce(fold(lo), fold(hi));
	}
	_mm_storeu_si128((__m128i *)x, acc);
	return done;
}

#else
size_t vaes_ghash(const struct aesni_gcm *g, uint8_t x[16], const uint8_t *p, size_t n)
{
	(void)g, (void)x, (void)p, (void)n;
	return 0;
}
void vaes_ctr(const struct aesni_key *k, uint8_t ctr[16], uint8_t *p, size_t n) { (void)k, (void)ctr, (void)p, (void)n; }
size_t vaes_gcm_ctr(const struct aesni_key *k, const uint8_t iv16[16], uint8_t *p, size_t n)
{
	(void)k, (void)iv16, (void)p, (void)n;
	return 0;
}
#endif
