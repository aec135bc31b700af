/* sntrup761 internals shared by its three files and the unit test:
 * parameters, arithmetic in R/3 and R/q with R = Z[x]/(x^p - x - 1), the
 * sorting network, and the byte encodings. Not for other callers. */
#ifndef SSHL_SNTRUP761_INTERNAL_H
#define SSHL_SNTRUP761_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define SNTRUP_P 761
#define SNTRUP_Q 4591
#define SNTRUP_W 286
#define SNTRUP_Q12 ((SNTRUP_Q - 1) / 2)

#define SNTRUP_SMALL_BYTES ((SNTRUP_P + 3) / 4)  /* 191 */
#define SNTRUP_RQ_BYTES 1158
#define SNTRUP_ROUNDED_BYTES 1007
#define SNTRUP_HASH_BYTES 32

/* Coefficients: small ones (R/3, and f, g, r) are -1, 0 or 1 in an int8_t;
 * elements of Z/q are int16_t in [-(q-1)/2, (q-1)/2]. */

/* x mod q, centred; any |x| < 2^30 */
int16_t sntrup_fq_freeze(int32_t x);
/* x mod 3, centred; any |x| < 2^30 */
int8_t sntrup_f3_freeze(int32_t x);
/* all ones when x != 0, else 0; any |x| < 2^31 */
int32_t sntrup_nonzero_mask(int32_t x);

/* h = f * g in R/q: f in R/q, g small */
void sntrup_rq_mult_small(int16_t h[SNTRUP_P], const int16_t f[SNTRUP_P], const int8_t g[SNTRUP_P]);
/* h = f * g in R/3 */
void sntrup_r3_mult(int8_t h[SNTRUP_P], const int8_t f[SNTRUP_P], const int8_t g[SNTRUP_P]);
/* out = 1/in in R/3; 0 on success, -1 when in is not invertible (out is
 * then meaningless) */
int sntrup_r3_recip(int8_t out[SNTRUP_P], const int8_t in[SNTRUP_P]);
/* out = 1/(3 in) in R/q; 0 on success, -1 when not invertible */
int sntrup_rq_recip3(int16_t out[SNTRUP_P], const int8_t in[SNTRUP_P]);

/* ascending, by a sorting network whose comparisons depend on n only */
void sntrup_sort_u32(uint32_t *x, size_t n);

/* Byte encodings (the spec's Encode/Decode with the moduli q for R/q and
 * (q+2)/3 for rounded elements; four small coefficients per byte). Decoding
 * accepts any bytes and always yields in-range coefficients. */
void sntrup_small_encode(uint8_t out[SNTRUP_SMALL_BYTES], const int8_t f[SNTRUP_P]);
void sntrup_small_decode(int8_t f[SNTRUP_P], const uint8_t in[SNTRUP_SMALL_BYTES]);
void sntrup_rq_encode(uint8_t out[SNTRUP_RQ_BYTES], const int16_t f[SNTRUP_P]);
void sntrup_rq_decode(int16_t f[SNTRUP_P], const uint8_t in[SNTRUP_RQ_BYTES]);
/* f's coefficients must be multiples of 3 */
void sntrup_rounded_encode(uint8_t out[SNTRUP_ROUNDED_BYTES], const int16_t f[SNTRUP_P]);
void sntrup_rounded_decode(int16_t f[SNTRUP_P], const uint8_t in[SNTRUP_ROUNDED_BYTES]);

#endif
