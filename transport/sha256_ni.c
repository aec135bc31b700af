/* SHA-256 compression with the x86 SHA extensions, for the HMAC rows
 * (transport/mac.c): the keyed midstates come from libtomcrypt as before,
 * the per-packet blocks run here. Target attributes as in aes_ni.c; only
 * called when cpuid reported SHA (ACCEL_SHA). */
#include <string.h>

#include "accel.h"
#include "buf.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define T __attribute__((target("sha,sse4.1,ssse3")))

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* nblocks 64-byte blocks into st[8] (A..H) */
T void sha256_ni_blocks(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)st), 0xB1);       /* CDAB */
	__m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(st + 4)), 0x1B); /* EFGH */
	__m128i s0 = _mm_alignr_epi8(t, s1, 8);                                           /* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xF0);                                                /* CDGH */
	for (; nblocks > 0; nblocks--, p += 64) {
		__m128i a0 = s0, a1 = s1, m[4], k;
		for (int g = 0; g < 16; g++) {
			if (g < 4)
				m[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), mask);
			else
				m[g % 4] = _mm_sha256msg2_epu32(
					_mm_add_epi32(_mm_sha256msg1_epu32(m[g % 4], m[(g + 1) % 4]),
						      _mm_alignr_epi8(m[(g + 3) % 4], m[(g + 2) % 4], 4)),
					m[(g + 3) % 4]);
			k = _mm_add_epi32(m[g % 4], _mm_loadu_si128((const __m128i *)(K + 4 * g)));
			s1 = _mm_sha256rnds2_epu32(s1, s0, k);
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(k, 0x0E));
		}
		s0 = _mm_add_epi32(s0, a0);
		s1 = _mm_add_epi32(s1, a1);
	}
	t = _mm_shuffle_epi32(s0, 0x1B);         /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);        /* DCHG */
	s0 = _mm_blend_epi16(t, s1, 0xF0);       /* DCBA */
	s1 = _mm_alignr_epi8(s1, t, 8);          /* HGFE */
	_mm_storeu_si128((__m128i *)st, s0);
	_mm_storeu_si128((__m128i *)(st + 4), s1);
}
#else
void sha256_ni_blocks(uint32_t st[8], const uint8_t *p, size_t nblocks) { (void)st, (void)p, (void)nblocks; }
#endif

/* st after `done` bytes (a multiple of 64) absorbs pre || p and pads:
 * the digest into out */
void sha256_ni_finish(const uint32_t st0[8], uint64_t done, const uint8_t *pre, size_t prelen,
		      const uint8_t *p, size_t n, uint8_t out[32])
{
	uint32_t st[8];
	uint8_t blk[128];
	size_t k = prelen, total = prelen + n, full, tail;
	memcpy(st, st0, sizeof st);
	if (prelen) /* under 64 */
		memcpy(blk, pre, prelen);
	if (k + n >= 64) {
		memcpy(blk + k, p, 64 - k);
		sha256_ni_blocks(st, blk, 1);
		p += 64 - k, n -= 64 - k, k = 0;
		full = n / 64;
		sha256_ni_blocks(st, p, full);
		p += 64 * full, n -= 64 * full;
	}
	memcpy(blk + k, p, n);
	tail = k + n;
	memset(blk + tail, 0, sizeof blk - tail);
	blk[tail] = 0x80;
	tail = tail < 56 ? 64 : 128;
	put_u64(blk + tail - 8, (done + total) * 8);
	sha256_ni_blocks(st, blk, tail / 64);
	for (int i = 0; i < 8; i++)
		put_u32(out + 4 * i, st[i]);
	wipe(st, sizeof st);
	wipe(blk, sizeof blk);
}
