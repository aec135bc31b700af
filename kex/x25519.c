/* The Montgomery ladder of RFC 7748 5: a fixed 255 steps, with the two
 * working points exchanged by masked swaps, so neither the branch pattern
 * nor the memory accessed depends on the scalar. */
#include <string.h>

#include "kex/x25519.h"
#include "kex/fe25519.h"
#include "transport/buf.h"
#include "transport/err.h"

/* (A - 2) / 4 for curve25519's A = 486662 */
#define A24 121665

int x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32])
{
	uint8_t k[32];
	fe25519 x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d;
	uint64_t swap = 0, bit;
	unsigned acc = 0;

	memcpy(k, scalar, 32);
	k[0] &= 248;
	k[31] &= 127;
	k[31] |= 64;

	fe25519_frombytes(&x1, point);
	fe25519_1(&x2);
	fe25519_0(&z2);
	x3 = x1;
	fe25519_1(&z3);

	for (int t = 254; t >= 0; t--) {
		bit = (k[t >> 3] >> (t & 7)) & 1;
		swap ^= bit;
		fe25519_cswap(&x2, &x3, swap);
		fe25519_cswap(&z2, &z3, swap);
		swap = bit;

		fe25519_add(&a, &x2, &z2);
		fe25519_sq(&aa, &a);
		fe25519_sub(&b, &x2, &z2);
		fe25519_sq(&bb, &b);
		fe25519_sub(&e, &aa, &bb);
		fe25519_add(&c, &x3, &z3);
		fe25519_sub(&d, &x3, &z3);
		fe25519_mul(&d, &d, &a);        /* DA */
		fe25519_mul(&c, &c, &b);        /* CB */
		fe25519_add(&x3, &d, &c);
		fe25519_sq(&x3, &x3);
		fe25519_sub(&z3, &d, &c);
		fe25519_sq(&z3, &z3);
		fe25519_mul(&z3, &z3, &x1);
		fe25519_mul(&x2, &aa, &bb);
		fe25519_mul_small(&z2, &e, A24);
		fe25519_add(&z2, &z2, &aa);
		fe25519_mul(&z2, &z2, &e);
	}
	fe25519_cswap(&x2, &x3, swap);
	fe25519_cswap(&z2, &z3, swap);

	fe25519_invert(&z2, &z2);
	fe25519_mul(&x2, &x2, &z2);
	fe25519_tobytes(out, &x2);

	/* all-zero test without a data-dependent branch before the end */
	for (int i = 0; i < 32; i++)
		acc |= out[i];

	wipe(k, sizeof k);
	wipe(&x2, sizeof x2); wipe(&z2, sizeof z2);
	wipe(&x3, sizeof x3); wipe(&z3, sizeof z3);
	wipe(&a, sizeof a); wipe(&aa, sizeof aa);
	wipe(&b, sizeof b); wipe(&bb, sizeof bb);
	wipe(&c, sizeof c); wipe(&d, sizeof d); wipe(&e, sizeof e);
	wipe(&swap, sizeof swap); wipe(&bit, sizeof bit);
	return ((acc - 1) >> 8) & 1 ? SSH_ERR_KEY : SSH_OK;
}

int x25519_base(uint8_t pub[32], const uint8_t scalar[32])
{
	static const uint8_t nine[32] = {9};
	return x25519(pub, scalar, nine);
}
