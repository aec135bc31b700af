/* sntrup761 arithmetic in constant time: reductions by multiplication
 * rather than division, products as full schoolbook sums reduced once, the
 * inverses by a fixed count of division steps (Bernstein-Yang, as the NTRU
 * Prime specification computes them), and a sorting network. */
#include <string.h>

#include "kex/sntrup761_internal.h"
#include "transport/buf.h"

#define P SNTRUP_P
#define Q SNTRUP_Q
#define Q12 SNTRUP_Q12

/* floor(2^32 / m) for ct_mod */
#define INV32(m) ((uint32_t)(((uint64_t)1 << 32) / (m)))
/* a multiple of m above 2^30, plus the offset that centres the result */
#define BIAS(m, half) ((((uint32_t)1 << 30) / (m) + 1) * (m) + (half))

/* u mod m for any u < 2^32 and 2 <= m < 2^31, inv = INV32(m). The estimated
 * quotient is floor(u/m) or one less, so one masked subtraction finishes.
 * No division instruction: its time can depend on its operands. */
static uint32_t ct_mod(uint32_t u, uint32_t m, uint32_t inv)
{
	uint32_t t = (uint32_t)(((uint64_t)u * inv) >> 32);
	uint32_t r = u - t * m;
	r -= m & (0u - ((m - 1 - r) >> 31));
	return r;
}

int16_t sntrup_fq_freeze(int32_t x)
{
	/* the bias keeps the sum in [0, 2^32) and is Q12 more than a
	 * multiple of q, which the subtraction below takes back */
	uint32_t r = ct_mod((uint32_t)x + BIAS(Q, Q12), Q, INV32(Q));
	return (int16_t)((int32_t)r - Q12);
}

int8_t sntrup_f3_freeze(int32_t x)
{
	uint32_t r = ct_mod((uint32_t)x + BIAS(3, 1), 3, INV32(3));
	return (int8_t)((int32_t)r - 1);
}

/* An external function, so that in decapsulation (another file) the
 * compiler cannot see that the result is 0 or -1 and turn the masking it
 * feeds back into a branch. */
int32_t sntrup_nonzero_mask(int32_t x)
{
	uint32_t u = (uint32_t)x;
	return -(int32_t)((u | (0u - u)) >> 31);
}

static int32_t negative_mask(int32_t x)
{
	return -(int32_t)((uint32_t)x >> 31);
}

/* x^p = x + 1: each term of degree k >= p moves to degrees k-p and k-p+1,
 * both below p, so one pass from either end suffices */
#define FOLD(acc)                                    \
	for (int k_ = P; k_ < 2 * P - 1; k_++) {     \
		(acc)[k_ - P] += (acc)[k_];          \
		(acc)[k_ - P + 1] += (acc)[k_];      \
	}

/* Products run over a copy of one factor padded with zeros to a multiple
 * of the vector width: with no loop remainder left, GCC's -O2 cost model
 * vectorises the inner loop (about four times faster here). */
#define PADDED 768

void sntrup_rq_mult_small(int16_t h[P], const int16_t f[P], const int8_t g[P])
{
	/* |f| <= 2295 and |g| <= 1: a coefficient sums at most 2p products
	 * once folded, 3.5 million at most, so int32 holds it unreduced */
	int32_t acc[P + PADDED];
	int16_t fp[PADDED];

	memset(acc, 0, sizeof acc);
	memcpy(fp, f, P * sizeof *fp);
	memset(fp + P, 0, (PADDED - P) * sizeof *fp);
	for (int i = 0; i < P; i++) {
		int16_t gi = (int16_t)g[i];
		int32_t *a = acc + i;

		for (int j = 0; j < PADDED; j++)
			a[j] += (int32_t)gi * fp[j];
	}
	FOLD(acc);
	for (int i = 0; i < P; i++)
		h[i] = sntrup_fq_freeze(acc[i]);
	wipe(acc, sizeof acc);
	wipe(fp, sizeof fp);
}

void sntrup_r3_mult(int8_t h[P], const int8_t f[P], const int8_t g[P])
{
	/* at most 2p unit products per coefficient: int16 suffices */
	int16_t acc[P + PADDED];
	int8_t gp[PADDED];

	memset(acc, 0, sizeof acc);
	memcpy(gp, g, P);
	memset(gp + P, 0, PADDED - P);
	for (int i = 0; i < P; i++) {
		int16_t fi = (int16_t)f[i];
		int16_t *a = acc + i;

		for (int j = 0; j < PADDED; j++)
			a[j] = (int16_t)(a[j] + fi * gp[j]);
	}
	FOLD(acc);
	for (int i = 0; i < P; i++)
		h[i] = sntrup_f3_freeze(acc[i]);
	wipe(acc, sizeof acc);
	wipe(gp, sizeof gp);
}

/* The division steps below keep f, g as reversed polynomials (constant
 * term first is the leading one), so dividing by x is a shift down and the
 * step's pivot is element 0. Both inverses start from f = x^p - x - 1
 * reversed, g = the input reversed, and run 2p-1 steps, enough for any
 * input; the input is invertible exactly when delta ends at 0. */
#define RECIP_STEPS (2 * P - 1)

static void cswap8(int8_t *a, int8_t *b, size_t n, int32_t mask)
{
	for (size_t i = 0; i < n; i++) {
		int8_t t = (int8_t)(mask & (a[i] ^ b[i]));
		a[i] ^= t;
		b[i] ^= t;
	}
}

static void cswap16(int16_t *a, int16_t *b, size_t n, int32_t mask)
{
	for (size_t i = 0; i < n; i++) {
		int16_t t = (int16_t)(mask & (a[i] ^ b[i]));
		a[i] ^= t;
		b[i] ^= t;
	}
}

/* swap when delta > 0 and g's pivot is not zero; delta becomes 1 - delta
 * on a swap and 1 + delta otherwise */
static int32_t divstep_swap(int *delta, int32_t g0)
{
	int32_t swap = negative_mask(-*delta) & sntrup_nonzero_mask(g0);
	*delta ^= swap & (*delta ^ -*delta);
	*delta += 1;
	return swap;
}

int sntrup_r3_recip(int8_t out[P], const int8_t in[P])
{
	int8_t f[P + 1], g[P + 1], v[P + 1], r[P + 1];
	int delta = 1, ok;

	memset(f, 0, sizeof f);
	memset(v, 0, sizeof v);
	memset(r, 0, sizeof r);
	r[0] = 1;
	f[0] = 1;
	f[P - 1] = f[P] = -1;
	for (int i = 0; i < P; i++)
		g[P - 1 - i] = in[i];
	g[P] = 0;
	for (int step = 0; step < RECIP_STEPS; step++) {
		/* f's pivot is +-1, its own inverse mod 3 */
		int32_t c = -g[0] * f[0];
		int32_t swap;

		memmove(v + 1, v, P);
		v[0] = 0;
		swap = divstep_swap(&delta, g[0]);
		cswap8(f, g, P + 1, swap);
		cswap8(v, r, P + 1, swap);
		for (int i = 0; i <= P; i++) {
			g[i] = sntrup_f3_freeze(g[i] + c * f[i]);
			r[i] = sntrup_f3_freeze(r[i] + c * v[i]);
		}
		memmove(g, g + 1, P);
		g[P] = 0;
	}
	for (int i = 0; i < P; i++)
		out[i] = (int8_t)(f[0] * v[P - 1 - i]);
	ok = (int)sntrup_nonzero_mask(delta);
	wipe(f, sizeof f);
	wipe(g, sizeof g);
	wipe(v, sizeof v);
	wipe(r, sizeof r);
	return ok;
}

/* a^(q-2) = 1/a mod q; the exponent is public, so its bits may steer */
static int16_t fq_recip(int16_t a)
{
	int32_t x = 1;

	for (int bit = 12; bit >= 0; bit--) {
		x = sntrup_fq_freeze(x * x);
		if (((Q - 2) >> bit) & 1)
			x = sntrup_fq_freeze(x * a);
	}
	return (int16_t)x;
}

int sntrup_rq_recip3(int16_t out[P], const int8_t in[P])
{
	int16_t f[P + 1], g[P + 1], v[P + 1], r[P + 1], scale;
	int delta = 1, ok;

	memset(f, 0, sizeof f);
	memset(v, 0, sizeof v);
	memset(r, 0, sizeof r);
	r[0] = fq_recip(3);
	f[0] = 1;
	f[P - 1] = f[P] = -1;
	for (int i = 0; i < P; i++)
		g[P - 1 - i] = (int16_t)in[i];
	g[P] = 0;
	for (int step = 0; step < RECIP_STEPS; step++) {
		int32_t f0, g0, swap;

		memmove(v + 1, v, P * sizeof *v);
		v[0] = 0;
		swap = divstep_swap(&delta, g[0]);
		cswap16(f, g, P + 1, swap);
		cswap16(v, r, P + 1, swap);
		/* g = f0 g - g0 f clears the pivot without dividing */
		f0 = f[0];
		g0 = g[0];
		for (int i = 0; i <= P; i++) {
			g[i] = sntrup_fq_freeze(f0 * g[i] - g0 * f[i]);
			r[i] = sntrup_fq_freeze(f0 * r[i] - g0 * v[i]);
		}
		memmove(g, g + 1, P * sizeof *g);
		g[P] = 0;
	}
	scale = fq_recip(f[0]);
	for (int i = 0; i < P; i++)
		out[i] = sntrup_fq_freeze(scale * (int32_t)v[P - 1 - i]);
	ok = (int)sntrup_nonzero_mask(delta);
	wipe(f, sizeof f);
	wipe(g, sizeof g);
	wipe(v, sizeof v);
	wipe(r, sizeof r);
	return ok;
}

static void minmax(uint32_t *a, uint32_t *b)
{
	uint32_t x = *a, y = *b;
	/* all ones exactly when y < x: the borrow out of y - x */
	uint32_t m = (uint32_t)(((uint64_t)y - x) >> 32);
	uint32_t t = (x ^ y) & m;

	*a = x ^ t;
	*b = y ^ t;
}

/* Batcher's merge exchange (Knuth, TAOCP 5.2.2, Algorithm M): a network
 * for any n, no padding to a power of two. Which pairs are compared
 * depends on n and the indices only. */
void sntrup_sort_u32(uint32_t *x, size_t n)
{
	size_t top = 1;

	if (n < 2)
		return;
	while (top < n - top)
		top += top; /* 2^(t-1) for t = ceil(lg n) */
	for (size_t p = top; p > 0; p >>= 1) {
		size_t q = top, r = 0, d = p;

		for (;;) {
			/* the i with (i & p) == r: runs of p from r, 2p apart */
			for (size_t b = r; b + d < n; b += 2 * p)
				for (size_t i = b; i < b + p && i + d < n; i++)
					minmax(&x[i], &x[i + d]);
			if (q == p)
				break;
			d = q - p;
			q >>= 1;
			r = p;
		}
	}
}
