/* Arithmetic in GF(2^255-19), shared by X25519 and Ed25519. Every function
 * runs in time independent of the values it handles, so secret operands are
 * safe. Elements are five 51-bit limbs; results are always carried so each
 * limb stays below 2^52, which keeps every input of every function within
 * the bounds the multiplication needs (no caller has to track limb growth).
 * Outputs may alias inputs. */
#ifndef SSHL_FE25519_H
#define SSHL_FE25519_H

#include <stdint.h>

typedef struct {
	uint64_t v[5];
} fe25519;

/* bit 255 is ignored; values in [p, 2^255) are accepted and reduced */
void fe25519_frombytes(fe25519 *h, const uint8_t s[32]);
/* the canonical (fully reduced) little-endian encoding */
void fe25519_tobytes(uint8_t s[32], const fe25519 *f);

void fe25519_0(fe25519 *h);
void fe25519_1(fe25519 *h);
void fe25519_add(fe25519 *h, const fe25519 *f, const fe25519 *g);
void fe25519_sub(fe25519 *h, const fe25519 *f, const fe25519 *g);
void fe25519_neg(fe25519 *h, const fe25519 *f);
void fe25519_mul(fe25519 *h, const fe25519 *f, const fe25519 *g);
void fe25519_sq(fe25519 *h, const fe25519 *f);
/* h = f * n for a small constant n < 2^32 */
void fe25519_mul_small(fe25519 *h, const fe25519 *f, uint32_t n);
/* h = f^(p-2) = 1/f (0 for f = 0) */
void fe25519_invert(fe25519 *h, const fe25519 *f);
/* h = f^((p-5)/8), the core of the square root in point decoding */
void fe25519_pow22523(fe25519 *h, const fe25519 *f);

/* swaps f and g when b is 1, leaves them when b is 0 (b must be 0 or 1) */
void fe25519_cswap(fe25519 *f, fe25519 *g, uint64_t b);
/* f = g when b is 1 (b must be 0 or 1) */
void fe25519_cmov(fe25519 *f, const fe25519 *g, uint64_t b);

/* 1 when f = 0 mod p */
int fe25519_iszero(const fe25519 *f);
/* 1 when f = g mod p */
int fe25519_eq(const fe25519 *f, const fe25519 *g);
/* the low bit of the canonical encoding ("negative" in RFC 8032) */
int fe25519_isneg(const fe25519 *f);

#endif
