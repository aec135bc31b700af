/* GHASH's carry-less multiply and reduction with PCLMULQDQ on 128-bit
 * vectors, shared by transport/aes_ni.c and transport/aes_vaes.c (which
 * reduces its 256-bit products with them). Include after <immintrin.h>,
 * x86-64 only. */
#ifndef SSHL_GF128_NI_H
#define SSHL_GF128_NI_H

#define GF_T __attribute__((target("pclmul,ssse3,sse4.1"), always_inline)) static inline

/* GCM: blocks enter GHASH byte-reversed, the representation in which
 * Gueron and Kounavis's PCLMULQDQ method (Intel, 2014) multiplies */
#define BSWAP _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

/* the 256-bit carry-less product a*b, accumulated into lo:hi */
GF_T void clmul_acc(__m128i a, __m128i b, __m128i *lo, __m128i *hi)
{
	__m128i t0 = _mm_clmulepi64_si128(a, b, 0x00), t3 = _mm_clmulepi64_si128(a, b, 0x11);
	__m128i t1 = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x10), _mm_clmulepi64_si128(a, b, 0x01));
	*lo = _mm_xor_si128(*lo, _mm_xor_si128(t0, _mm_slli_si128(t1, 8)));
	*hi = _mm_xor_si128(*hi, _mm_xor_si128(t3, _mm_srli_si128(t1, 8)));
}

/* shift left by one (the reflected representation) and reduce modulo
 * x^128 + x^7 + x^2 + x + 1 */
GF_T __m128i reduce(__m128i lo, __m128i hi)
{
	__m128i a = _mm_srli_epi32(lo, 31), b = _mm_srli_epi32(hi, 31), c;
	lo = _mm_or_si128(_mm_slli_epi32(lo, 1), _mm_slli_si128(a, 4));
	hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi32(hi, 1), _mm_slli_si128(b, 4)), _mm_srli_si128(a, 12));
	a = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi32(lo, 31), _mm_slli_epi32(lo, 30)), _mm_slli_epi32(lo, 25));
	b = _mm_srli_si128(a, 4);
	lo = _mm_xor_si128(lo, _mm_slli_si128(a, 12));
	c = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi32(lo, 1), _mm_srli_epi32(lo, 2)), _mm_srli_epi32(lo, 7));
	c = _mm_xor_si128(c, b);
	return _mm_xor_si128(hi, _mm_xor_si128(lo, c));
}

#endif
