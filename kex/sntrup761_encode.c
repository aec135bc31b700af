/* sntrup761 byte encodings. R/q and rounded elements use the spec's
 * mixed-radix Encode: neighbours are merged pairwise into one number below
 * the product of their moduli, whole low bytes are emitted while that
 * product is at least 2^14, and the halved sequence is merged again until
 * one number is left. Written level by level here instead of recursively.
 * The moduli, and with them every byte count and loop bound, depend only
 * on the parameters, never on the values. */
#include <string.h>

#include "kex/sntrup761_internal.h"
#include "transport/buf.h"

#define P SNTRUP_P
#define Q SNTRUP_Q
#define Q12 SNTRUP_Q12
#define ROUNDED_M ((Q + 2) / 3) /* 1531 values: the multiples of 3 */

/* R[i] < M[i]; both are overwritten. Returns the bytes written. */
static size_t radix_encode(uint8_t *out, uint16_t *R, uint16_t *M, size_t len)
{
	uint8_t *o = out;

	while (len > 1) {
		size_t i;

		/* level by level in place: pair i lands at i/2 <= i, after
		 * both of its inputs have been read */
		for (i = 0; i + 1 < len; i += 2) {
			uint32_t r = R[i] + (uint32_t)R[i + 1] * M[i];
			uint32_t m = (uint32_t)M[i + 1] * M[i];

			while (m >= 16384) {
				*o++ = (uint8_t)r;
				r >>= 8;
				m = (m + 255) >> 8;
			}
			R[i / 2] = (uint16_t)r;
			M[i / 2] = (uint16_t)m;
		}
		if (i < len) {
			R[i / 2] = R[i];
			M[i / 2] = M[i];
		}
		len = (len + 1) / 2;
	}
	for (uint32_t r = R[0], m = M[0]; m > 1; r >>= 8, m = (m + 255) >> 8)
		*o++ = (uint8_t)r;
	return (size_t)(o - out);
}

/* bytes a merged pair of moduli product m emits, and what is left of m */
static size_t pair_bytes(uint32_t *m)
{
	if (*m > 256 * 16383) {
		*m = (((*m + 255) >> 8) + 255) >> 8;
		return 2;
	}
	if (*m >= 16384) {
		*m = (*m + 255) >> 8;
		return 1;
	}
	return 0;
}

#define LEVELS 16 /* ceil(lg p) + 1 levels are used */

/* Every level's moduli and where its bytes start, as Encode laid them out:
 * the first level's low bytes first, the last level's number at the end. */
struct radix_plan {
	uint16_t mod[2 * P + LEVELS]; /* each level ceil(half) the one before */
	size_t start[LEVELS], n[LEVELS], at[LEVELS];
	int levels;
};

static void radix_plan(struct radix_plan *pl, uint16_t m0, size_t len)
{
	int lv = 0;

	for (size_t i = 0; i < len; i++)
		pl->mod[i] = m0;
	pl->start[0] = pl->at[0] = 0;
	pl->n[0] = len;
	while (pl->n[lv] > 1) {
		const uint16_t *m = pl->mod + pl->start[lv];
		uint16_t *m2 = pl->mod + pl->start[lv] + pl->n[lv];
		size_t i, bytes = 0;

		for (i = 0; i + 1 < pl->n[lv]; i += 2) {
			uint32_t mm = (uint32_t)m[i] * m[i + 1];

			bytes += pair_bytes(&mm);
			m2[i / 2] = (uint16_t)mm;
		}
		if (i < pl->n[lv])
			m2[i / 2] = m[i];
		pl->start[lv + 1] = pl->start[lv] + pl->n[lv];
		pl->n[lv + 1] = (pl->n[lv] + 1) / 2;
		pl->at[lv + 1] = pl->at[lv] + bytes;
		lv++;
	}
	pl->levels = lv;
}

/* The inverse of radix_encode for moduli all m0. Any input decodes to
 * values below their moduli (the spec reduces the upper half of each pair
 * once more for that). Only public data (public keys, ciphertexts) is
 * decoded, so plain division is used. */
static void radix_decode(uint16_t *out, const uint8_t *s, uint16_t m0, size_t len)
{
	struct radix_plan pl;
	uint16_t upper[(P + 1) / 2];
	int lv;

	/* every element is written below; the static analyzer cannot follow
	 * the plan's levels far enough to see that */
	memset(out, 0, len * sizeof *out);
	radix_plan(&pl, m0, len);
	lv = pl.levels;
	{
		uint32_t m = pl.mod[pl.start[lv]], v = 0;
		const uint8_t *t = s + pl.at[lv];

		if (m > 256)
			v = t[0] | (uint32_t)t[1] << 8;
		else if (m > 1)
			v = t[0];
		out[0] = (uint16_t)(v % m);
	}
	while (lv-- > 0) {
		const uint16_t *m = pl.mod + pl.start[lv];
		const uint8_t *t = s + pl.at[lv];
		size_t i, n = pl.n[lv];

		memcpy(upper, out, pl.n[lv + 1] * sizeof *upper);
		for (i = 0; i + 1 < n; i += 2) {
			uint32_t mm = (uint32_t)m[i] * m[i + 1];
			uint32_t r = upper[i / 2];
			size_t b = pair_bytes(&mm);

			/* the low bytes this pair emitted, then the rest */
			if (b == 2)
				r = t[0] + ((uint32_t)t[1] << 8) + (r << 16);
			else if (b == 1)
				r = t[0] + (r << 8);
			t += b;
			out[i] = (uint16_t)(r % m[i]);
			out[i + 1] = (uint16_t)(r / m[i] % m[i + 1]);
		}
		if (i < n)
			out[i] = upper[i / 2];
	}
}

void sntrup_small_encode(uint8_t out[SNTRUP_SMALL_BYTES], const int8_t f[P])
{
	int i;

	for (i = 0; i < P / 4; i++) {
		uint32_t x = 0;

		for (int j = 0; j < 4; j++)
			x |= (uint32_t)(f[4 * i + j] + 1) << (2 * j);
		out[i] = (uint8_t)x;
	}
	out[i] = (uint8_t)(f[P - 1] + 1);
}

void sntrup_small_decode(int8_t f[P], const uint8_t in[SNTRUP_SMALL_BYTES])
{
	int i;

	for (i = 0; i < P / 4; i++)
		for (int j = 0; j < 4; j++)
			f[4 * i + j] = (int8_t)(((in[i] >> (2 * j)) & 3) - 1);
	f[P - 1] = (int8_t)((in[i] & 3) - 1);
}

void sntrup_rq_encode(uint8_t out[SNTRUP_RQ_BYTES], const int16_t f[P])
{
	uint16_t R[P], M[P];

	for (int i = 0; i < P; i++) {
		R[i] = (uint16_t)(f[i] + Q12);
		M[i] = Q;
	}
	radix_encode(out, R, M, P);
	wipe(R, sizeof R);
}

void sntrup_rq_decode(int16_t f[P], const uint8_t in[SNTRUP_RQ_BYTES])
{
	uint16_t R[P];

	radix_decode(R, in, Q, P);
	for (int i = 0; i < P; i++)
		f[i] = (int16_t)(R[i] - Q12);
}

void sntrup_rounded_encode(uint8_t out[SNTRUP_ROUNDED_BYTES], const int16_t f[P])
{
	uint16_t R[P], M[P];

	for (int i = 0; i < P; i++) {
		/* (f + Q12) / 3, exact for multiples of 3: 10923 = (2^15 + 1) / 3 */
		R[i] = (uint16_t)(((uint32_t)(f[i] + Q12) * 10923) >> 15);
		M[i] = ROUNDED_M;
	}
	radix_encode(out, R, M, P);
	/* in decapsulation this is the re-encryption, secret until compared */
	wipe(R, sizeof R);
}

void sntrup_rounded_decode(int16_t f[P], const uint8_t in[SNTRUP_ROUNDED_BYTES])
{
	uint16_t R[P];

	radix_decode(R, in, ROUNDED_M, P);
	for (int i = 0; i < P; i++)
		f[i] = (int16_t)(R[i] * 3 - Q12);
}
