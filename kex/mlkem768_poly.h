/* Polynomials of ML-KEM (FIPS 203 section 4): arithmetic in Z_q[X]/(X^256+1)
 * with q = 3329, the NTT, encodings, compression and sampling. Internal to
 * kex/mlkem768.c.
 *
 * Coefficients are int16_t, not always reduced: each function states the
 * range it takes and gives. Products go through Montgomery reduction
 * (R = 2^16), so the zeta tables hold zeta * R mod q and a base-case
 * product comes out multiplied by R^-1; poly_invntt and poly_tomont take
 * that factor back out. */
#ifndef SSHL_MLKEM768_POLY_H
#define SSHL_MLKEM768_POLY_H

#include <stdint.h>

#define MLKEM_N 256
#define MLKEM_Q 3329
#define MLKEM_K 3
#define MLKEM_POLY12_LEN 384   /* ByteEncode12 of one polynomial */
#define MLKEM_POLY10_LEN 320   /* ByteEncode10(Compress10) */
#define MLKEM_POLY4_LEN 128    /* ByteEncode4(Compress4) */

struct poly {
	int16_t c[MLKEM_N];
};

/* NTT (Algorithm 9): |in| < q gives |out| <= q/2 */
void poly_ntt(struct poly *p);
/* inverse NTT (Algorithm 10) of a sum of base-case products, also
 * removing their R^-1: |in| < q (poly_reduce first) gives |out| < q */
void poly_invntt(struct poly *p);
/* r += a x b in the NTT domain (Algorithms 11, 12), times R^-1. With
 * |a|, |b| < q each call adds less than 2q to a coefficient's magnitude,
 * so a row of the matrix (3 calls) fits in int16_t before poly_reduce */
void poly_basemul_acc(struct poly *r, const struct poly *a,
		      const struct poly *b);
/* undoes the R^-1 of poly_basemul_acc outside poly_invntt: |out| < q */
void poly_tomont(struct poly *p);
/* Barrett reduction of every coefficient: |out| <= q/2 */
void poly_reduce(struct poly *p);
void poly_add(struct poly *r, const struct poly *a);
void poly_sub(struct poly *r, const struct poly *a);

/* ByteEncode12 of a polynomial with |coefficients| < 2^15 (reduced here) */
void poly_to_bytes12(uint8_t out[MLKEM_POLY12_LEN], const struct poly *p);
/* ByteDecode12, with values >= q taken mod q: out in [0, q) */
void poly_from_bytes12(struct poly *p, const uint8_t in[MLKEM_POLY12_LEN]);
/* 1 when every 12-bit value of n bytes (n a multiple of 3) is below q */
int bytes12_canonical(const uint8_t *in, unsigned n);
/* ByteEncode_d(Compress_d(p)) for d = 10 and 4, |coefficients| < 2^15 */
void poly_compress10(uint8_t out[MLKEM_POLY10_LEN], const struct poly *p);
void poly_compress4(uint8_t out[MLKEM_POLY4_LEN], const struct poly *p);
/* Decompress_d(ByteDecode_d(in)): out in [0, q) */
void poly_decompress10(struct poly *p, const uint8_t in[MLKEM_POLY10_LEN]);
void poly_decompress4(struct poly *p, const uint8_t in[MLKEM_POLY4_LEN]);
/* Decompress1(ByteDecode1(m)) and ByteEncode1(Compress1(p)) */
void poly_from_msg(struct poly *p, const uint8_t m[32]);
void poly_to_msg(uint8_t m[32], const struct poly *p);

/* SampleNTT(rho || b0 || b1) (Algorithm 7): out in [0, q), NTT domain */
void poly_sample_ntt(struct poly *p, const uint8_t rho[32], uint8_t b0,
		     uint8_t b1);
/* SamplePolyCBD_2(PRF_2(seed, nonce)) (Algorithm 8): out in [-2, 2] */
void poly_sample_cbd2(struct poly *p, const uint8_t seed[32], uint8_t nonce);

#endif
