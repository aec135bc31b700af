/* GF(2^255-19) with radix 2^51 limbs and 128-bit products. No branch or
 * memory index depends on an operand's value. */
#include "fe25519.h"

#include "transport/buf.h"

__extension__ typedef unsigned __int128 u128;

#define MASK51 ((UINT64_C(1) << 51) - 1)

static uint64_t load64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void store64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Brings limbs below 2^51 (limb 0 below 2^51 + 2^8): the carry out of
 * limb 4 is worth 2^255 = 19 mod p. */
static void carry(fe25519 *h)
{
	uint64_t *v = h->v, c;
	c = v[0] >> 51; v[0] &= MASK51; v[1] += c;
	c = v[1] >> 51; v[1] &= MASK51; v[2] += c;
	c = v[2] >> 51; v[2] &= MASK51; v[3] += c;
	c = v[3] >> 51; v[3] &= MASK51; v[4] += c;
	c = v[4] >> 51; v[4] &= MASK51; v[0] += 19 * c;
}

/* Carries five column sums (each below 2^115) into limbs; the final carry
 * can exceed 64 bits once multiplied by 19, so it stays 128-bit. */
static void reduce128(fe25519 *h, u128 t0, u128 t1, u128 t2, u128 t3, u128 t4)
{
	uint64_t r0, r1, r2, r3, r4;
	u128 c;
	t1 += t0 >> 51; r0 = (uint64_t)t0 & MASK51;
	t2 += t1 >> 51; r1 = (uint64_t)t1 & MASK51;
	t3 += t2 >> 51; r2 = (uint64_t)t2 & MASK51;
	t4 += t3 >> 51; r3 = (uint64_t)t3 & MASK51;
	r4 = (uint64_t)t4 & MASK51;
	c = (t4 >> 51) * 19 + r0;
	r0 = (uint64_t)c & MASK51;
	r1 += (uint64_t)(c >> 51);
	h->v[0] = r0; h->v[1] = r1; h->v[2] = r2; h->v[3] = r3; h->v[4] = r4;
}

void fe25519_frombytes(fe25519 *h, const uint8_t s[32])
{
	h->v[0] = load64(s) & MASK51;
	h->v[1] = (load64(s + 6) >> 3) & MASK51;
	h->v[2] = (load64(s + 12) >> 6) & MASK51;
	h->v[3] = (load64(s + 19) >> 1) & MASK51;
	h->v[4] = (load64(s + 24) >> 12) & MASK51;
}

void fe25519_tobytes(uint8_t s[32], const fe25519 *f)
{
	fe25519 t = *f;
	uint64_t *v = t.v, q;
	carry(&t);
	/* now t < 2p, so q = floor((t + 19) / 2^255) is 1 exactly when t >= p;
	 * adding 19q and dropping bit 255 subtracts q*p */
	q = (v[0] + 19) >> 51;
	q = (v[1] + q) >> 51;
	q = (v[2] + q) >> 51;
	q = (v[3] + q) >> 51;
	q = (v[4] + q) >> 51;
	v[0] += 19 * q;
	v[1] += v[0] >> 51; v[0] &= MASK51;
	v[2] += v[1] >> 51; v[1] &= MASK51;
	v[3] += v[2] >> 51; v[2] &= MASK51;
	v[4] += v[3] >> 51; v[3] &= MASK51;
	v[4] &= MASK51;
	store64(s, v[0] | v[1] << 51);
	store64(s + 8, v[1] >> 13 | v[2] << 38);
	store64(s + 16, v[2] >> 26 | v[3] << 25);
	store64(s + 24, v[3] >> 39 | v[4] << 12);
	wipe(&t, sizeof t);
}

void fe25519_0(fe25519 *h)
{
	for (int i = 0; i < 5; i++)
		h->v[i] = 0;
}

void fe25519_1(fe25519 *h)
{
	fe25519_0(h);
	h->v[0] = 1;
}

void fe25519_add(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
	for (int i = 0; i < 5; i++)
		h->v[i] = f->v[i] + g->v[i];
	carry(h);
}

void fe25519_sub(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
	/* adding 4p keeps every limb non-negative for any g limb below 2^52 */
	h->v[0] = f->v[0] + ((UINT64_C(1) << 53) - 76) - g->v[0];
	for (int i = 1; i < 5; i++)
		h->v[i] = f->v[i] + ((UINT64_C(1) << 53) - 4) - g->v[i];
	carry(h);
}

void fe25519_neg(fe25519 *h, const fe25519 *f)
{
	fe25519 z;
	fe25519_0(&z);
	fe25519_sub(h, &z, f);
}

void fe25519_mul(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
	const uint64_t *a = f->v, *b = g->v;
	/* a limb product that overflows 2^255 comes back multiplied by 19 */
	uint64_t b1 = 19 * b[1], b2 = 19 * b[2], b3 = 19 * b[3], b4 = 19 * b[4];
	u128 t0, t1, t2, t3, t4;
	t0 = (u128)a[0] * b[0] + (u128)a[1] * b4 + (u128)a[2] * b3 + (u128)a[3] * b2 + (u128)a[4] * b1;
	t1 = (u128)a[0] * b[1] + (u128)a[1] * b[0] + (u128)a[2] * b4 + (u128)a[3] * b3 + (u128)a[4] * b2;
	t2 = (u128)a[0] * b[2] + (u128)a[1] * b[1] + (u128)a[2] * b[0] + (u128)a[3] * b4 + (u128)a[4] * b3;
	t3 = (u128)a[0] * b[3] + (u128)a[1] * b[2] + (u128)a[2] * b[1] + (u128)a[3] * b[0] + (u128)a[4] * b4;
	t4 = (u128)a[0] * b[4] + (u128)a[1] * b[3] + (u128)a[2] * b[2] + (u128)a[3] * b[1] + (u128)a[4] * b[0];
	reduce128(h, t0, t1, t2, t3, t4);
}

void fe25519_sq(fe25519 *h, const fe25519 *f)
{
	const uint64_t *a = f->v;
	uint64_t d0 = 2 * a[0], d1 = 2 * a[1], d2 = 2 * a[2], d3 = 2 * a[3];
	uint64_t a3 = 19 * a[3], a4 = 19 * a[4];
	u128 t0, t1, t2, t3, t4;
	t0 = (u128)a[0] * a[0] + (u128)d1 * a4 + (u128)d2 * a3;
	t1 = (u128)d0 * a[1] + (u128)d2 * a4 + (u128)a[3] * a3;
	t2 = (u128)d0 * a[2] + (u128)a[1] * a[1] + (u128)d3 * a4;
	t3 = (u128)d0 * a[3] + (u128)d1 * a[2] + (u128)a[4] * a4;
	t4 = (u128)d0 * a[4] + (u128)d1 * a[3] + (u128)a[2] * a[2];
	reduce128(h, t0, t1, t2, t3, t4);
}

void fe25519_mul_small(fe25519 *h, const fe25519 *f, uint32_t n)
{
	reduce128(h, (u128)f->v[0] * n, (u128)f->v[1] * n, (u128)f->v[2] * n,
		  (u128)f->v[3] * n, (u128)f->v[4] * n);
}

static void sqn(fe25519 *h, const fe25519 *f, int n)
{
	fe25519_sq(h, f);
	while (--n > 0)
		fe25519_sq(h, h);
}

/* f^(2^250 - 1), and f^11 on the side, which both exponents below need */
static void pow250(fe25519 *out, fe25519 *f11, const fe25519 *f)
{
	fe25519 f2, t, e5, e10, e20, e50, e100;
	fe25519_sq(&f2, f);
	sqn(&t, &f2, 2);
	fe25519_mul(&t, &t, f);          /* f^9 */
	fe25519_mul(f11, &t, &f2);       /* f^11 */
	fe25519_sq(&e5, f11);
	fe25519_mul(&e5, &e5, &t);       /* f^31 = f^(2^5 - 1) */
	sqn(&t, &e5, 5);
	fe25519_mul(&e10, &t, &e5);      /* 2^10 - 1 */
	sqn(&t, &e10, 10);
	fe25519_mul(&e20, &t, &e10);     /* 2^20 - 1 */
	sqn(&t, &e20, 20);
	fe25519_mul(&t, &t, &e20);       /* 2^40 - 1 */
	sqn(&t, &t, 10);
	fe25519_mul(&e50, &t, &e10);     /* 2^50 - 1 */
	sqn(&t, &e50, 50);
	fe25519_mul(&e100, &t, &e50);    /* 2^100 - 1 */
	sqn(&t, &e100, 100);
	fe25519_mul(&t, &t, &e100);      /* 2^200 - 1 */
	sqn(&t, &t, 50);
	fe25519_mul(out, &t, &e50);      /* 2^250 - 1 */
	wipe(&f2, sizeof f2); wipe(&t, sizeof t); wipe(&e5, sizeof e5);
	wipe(&e10, sizeof e10); wipe(&e20, sizeof e20);
	wipe(&e50, sizeof e50); wipe(&e100, sizeof e100);
}

void fe25519_invert(fe25519 *h, const fe25519 *f)
{
	fe25519 t, f11;
	/* p - 2 = (2^250 - 1) * 2^5 + 11 */
	pow250(&t, &f11, f);
	sqn(&t, &t, 5);
	fe25519_mul(h, &t, &f11);
	wipe(&t, sizeof t);
	wipe(&f11, sizeof f11);
}

void fe25519_pow22523(fe25519 *h, const fe25519 *f)
{
	fe25519 t, f11;
	/* (p - 5) / 8 = 2^252 - 3 = (2^250 - 1) * 4 + 1 */
	pow250(&t, &f11, f);
	sqn(&t, &t, 2);
	fe25519_mul(h, &t, f);
	wipe(&t, sizeof t);
	wipe(&f11, sizeof f11);
}

void fe25519_cswap(fe25519 *f, fe25519 *g, uint64_t b)
{
	uint64_t m = 0 - b, x;
	for (int i = 0; i < 5; i++) {
		x = (f->v[i] ^ g->v[i]) & m;
		f->v[i] ^= x;
		g->v[i] ^= x;
	}
}

void fe25519_cmov(fe25519 *f, const fe25519 *g, uint64_t b)
{
	uint64_t m = 0 - b;
	for (int i = 0; i < 5; i++)
		f->v[i] ^= (f->v[i] ^ g->v[i]) & m;
}

int fe25519_iszero(const fe25519 *f)
{
	uint8_t s[32];
	unsigned acc = 0;
	fe25519_tobytes(s, f);
	for (int i = 0; i < 32; i++)
		acc |= s[i];
	wipe(s, sizeof s);
	return (int)((acc - 1) >> 8) & 1;
}

int fe25519_eq(const fe25519 *f, const fe25519 *g)
{
	fe25519 d;
	fe25519_sub(&d, f, g);
	return fe25519_iszero(&d);
}

int fe25519_isneg(const fe25519 *f)
{
	uint8_t s[32];
	int neg;
	fe25519_tobytes(s, f);
	neg = s[0] & 1;
	wipe(s, sizeof s);
	return neg;
}
