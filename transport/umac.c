/* UMAC as RFC 4418 defines it (section numbers below), written from the
 * RFC. Arithmetic on secret values is branch-free: the modular reductions
 * fold and subtract through masks, and POLY's marker case is computed
 * always and selected by mask. */
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "umac.h"

typedef unsigned __int128 u128;

#define P36 0xffffffffbULL                /* 2^36 - 5 */
#define MASK64 0x01ffffff01ffffffULL     /* L2 key masks (5.2) */
#define P64_OFF 59                       /* 2^64 - p64 */
#define P128_OFF 159                     /* 2^128 - p128 */
#define L2_WORDS64 16384                 /* 2^17 bytes of L1 output under POLY64 (5.2.1) */

static uint64_t be64(const uint8_t *p) { return (uint64_t)get_u32(p) << 32 | get_u32(p + 4); }
static uint64_t ct_mask(uint64_t bit) { return (uint64_t)0 - bit; }

/* 3.2.1 KDF: AES in counter mode from (index, i) */
static int kdf(int aes, const symmetric_key *k, uint8_t index, uint8_t *out, size_t n)
{
	uint8_t in[16], blk[16];
	uint64_t i;
	for (i = 1; n; i++) {
		size_t take = n < 16 ? n : 16;
		memset(in, 0, 16);
		in[7] = index;
		put_u32(in + 8, (uint32_t)(i >> 32));
		put_u32(in + 12, (uint32_t)i);
		if (cipher_descriptor[aes].ecb_encrypt(in, blk, (symmetric_key *)k) != CRYPT_OK)
			return SSH_ERR_CRYPTO;
		memcpy(out, blk, take);
		out += take, n -= take;
	}
	wipe(blk, sizeof blk);
	return SSH_OK;
}

/* x mod 2^36-5 without division */
static uint64_t mod_p36(uint64_t x)
{
	uint64_t r, m;
	x = (x >> 36) * 5 + (x & ((1ULL << 36) - 1));
	x = (x >> 36) * 5 + (x & ((1ULL << 36) - 1));
	r = x - P36;
	m = ct_mask(r >> 63); /* x < p: keep x */
	return (x & m) | (r & ~m);
}

static int keys(struct umac_ctx *u, int aes, const symmetric_key *k, uint8_t *buf)
{
	int it = u->taglen / 4, i, j, e;
	size_t l1 = 1024 + 16 * (size_t)(it - 1);
	if ((e = kdf(aes, k, 1, buf, l1)) != SSH_OK)
		return e;
	for (i = 0; i < (int)l1 / 4; i++)
		u->nh[i] = get_u32(buf + 4 * i);
	if ((e = kdf(aes, k, 2, buf, (size_t)it * 24)) != SSH_OK)
		return e;
	for (i = 0; i < it; i++) {
		u->k64[i] = be64(buf + 24 * i) & MASK64;
		u->k128[i][0] = be64(buf + 24 * i + 8) & MASK64;
		u->k128[i][1] = be64(buf + 24 * i + 16) & MASK64;
	}
	if ((e = kdf(aes, k, 3, buf, (size_t)it * 64)) != SSH_OK)
		return e;
	for (i = 0; i < it; i++)
		for (j = 0; j < 8; j++)
			u->l3k1[i][j] = mod_p36(be64(buf + 64 * i + 8 * j));
	if ((e = kdf(aes, k, 4, buf, (size_t)it * 4)) != SSH_OK)
		return e;
	for (i = 0; i < it; i++)
		u->l3k2[i] = get_u32(buf + 4 * i);
	return SSH_OK;
}

int umac_init(struct umac_ctx *u, const uint8_t *key, size_t taglen)
{
	uint8_t buf[1024 + 16 * (UMAC_MAX_ITERS - 1)], kp[16];
	symmetric_key k;
	int aes = idx_aes(), e;
	if (aes < 0 || (taglen != 8 && taglen != 16))
		return SSH_ERR_INTERNAL;
	memset(u, 0, sizeof *u);
	u->taglen = (uint8_t)taglen;
	if (cipher_descriptor[aes].setup(key, 16, 0, &k) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	e = keys(u, aes, &k, buf);
	/* 3.3 PDF's key */
	if (e == SSH_OK && (e = kdf(aes, &k, 0, kp, 16)) == SSH_OK &&
	    cipher_descriptor[aes].setup(kp, 16, 0, &u->pdf) != CRYPT_OK)
		e = SSH_ERR_CRYPTO;
	wipe(buf, sizeof buf);
	wipe(kp, sizeof kp);
	wipe(&k, sizeof k);
	return e;
}

/* 5.1.2 NH over one chunk (a multiple of 32 bytes), with the key words from
 * k on; words are little-endian (ENDIAN-SWAP) */
static uint64_t nh(const uint32_t *k, const uint8_t *m, size_t n)
{
	uint64_t y = 0;
	for (size_t w = 0; w < n / 4; w += 8) {
		uint32_t x[8];
		for (int j = 0; j < 8; j++)
			x[j] = (uint32_t)m[4 * (w + j)] | (uint32_t)m[4 * (w + j) + 1] << 8 |
			       (uint32_t)m[4 * (w + j) + 2] << 16 | (uint32_t)m[4 * (w + j) + 3] << 24;
		for (int j = 0; j < 4; j++)
			y += (uint64_t)(uint32_t)(x[j] + k[w + j]) * (uint32_t)(x[j + 4] + k[w + j + 4]);
	}
	return y;
}

/* x mod 2^64-59, x < 2^128 */
static uint64_t mod_p64(u128 x)
{
	uint64_t r;
	u128 c;
	x = (x >> 64) * P64_OFF + (uint64_t)x;
	x = (x >> 64) * P64_OFF + (uint64_t)x;
	x = (x >> 64) * P64_OFF + (uint64_t)x;
	r = (uint64_t)x;
	c = (u128)r + P64_OFF; /* carries out when r >= p */
	return (r & ~ct_mask((uint64_t)(c >> 64))) | ((uint64_t)c & ct_mask((uint64_t)(c >> 64)));
}

/* 5.2.2 one step of POLY(64, 2^64 - 2^32, k, .) */
static uint64_t poly64(uint64_t y, uint64_t k, uint64_t m)
{
	uint64_t plain = mod_p64((u128)k * y + m);
	uint64_t mark = mod_p64((u128)k * mod_p64((u128)k * y + (uint64_t)(0 - P64_OFF - 1)) + (m - P64_OFF));
	uint64_t big = ct_mask((uint64_t)((m >> 32) == 0xffffffffu));
	return (plain & ~big) | (mark & big);
}

/* p128 = 2^128 - 159: hi * 2^128 + lo reduced, hi < 2^122 */
static u128 red128(u128 lo, u128 hi)
{
	u128 x0 = (u128)(uint64_t)hi * P128_OFF;
	u128 x1 = (u128)(uint64_t)(hi >> 64) * P128_OFF + (x0 >> 64);
	u128 low = (u128)(uint64_t)x1 << 64 | (uint64_t)x0, r = lo + low, t;
	uint64_t c = r < lo, m;
	u128 r2 = r + (u128)(((uint64_t)(x1 >> 64) + c) * P128_OFF);
	r2 += (u128)((uint64_t)(r2 < r) * P128_OFF);
	t = r2 + P128_OFF; /* carries out when r2 >= p */
	m = ct_mask((uint64_t)(t < r2));
	return (r2 & ~(((u128)m << 64) | m)) | (t & (((u128)m << 64) | m));
}

static u128 mulmod128(u128 a, u128 b)
{
	uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64), b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
	u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
	u128 mid = p01 + p10, lo = p00 + (mid << 64), hi;
	uint64_t cm = mid < p01, cl = lo < p00;
	hi = p11 + (mid >> 64) + ((u128)cm << 64) + cl;
	return red128(lo, hi);
}

static u128 addmod128(u128 r, u128 m)
{
	u128 s = r + m;
	s += (u128)((uint64_t)(s < r) * P128_OFF);
	return red128(s, 0);
}

/* 5.2.2 one step of POLY(128, 2^128 - 2^96, k, .) */
static u128 poly128(u128 y, u128 k, u128 m)
{
	u128 plain = addmod128(mulmod128(k, y), m);
	u128 mark = addmod128(mulmod128(k, addmod128(mulmod128(k, y), (u128)0 - P128_OFF - 1)), m - P128_OFF);
	uint64_t big = (uint64_t)((uint32_t)(m >> 96) == 0xffffffffu);
	return plain * (u128)(big ^ 1) + mark * (u128)big;
}

/* 5.3 L3-HASH of the 16-byte L2 output b, iteration i */
static uint32_t l3(const struct umac_ctx *u, int i, u128 b)
{
	uint64_t y = 0;
	for (int j = 0; j < 8; j++)
		y += ((uint64_t)(b >> (112 - 16 * j)) & 0xffff) * u->l3k1[i][j];
	return (uint32_t)mod_p36(y) ^ u->l3k2[i];
}

/* 5.1 L1-HASH of one chunk (at most 1024 bytes; the last is zero-padded
 * to a positive multiple of 32) for every iteration */
static void l1(const struct umac_ctx *u, int it, const uint8_t *m, size_t len, uint64_t *a)
{
	uint8_t pad[1024];
	size_t plen = len == 1024 ? 1024 : (len + 31) / 32 * 32;
	if (plen == 0)
		plen = 32;
	if (len != plen) {
		memset(pad, 0, plen);
		memcpy(pad, m, len);
		m = pad;
	}
	for (int i = 0; i < it; i++)
		a[i] = nh(u->nh + 4 * i, m, plen) + (uint64_t)len * 8;
	if (m == pad)
		wipe(pad, plen);
}

/* 5.2 L2-HASH fed chunk by chunk: POLY64 over the first 2^17 bytes of L1
 * output, POLY128 over the rest (never reached by an SSH packet) */
struct l2 {
	u128 y128;
	uint64_t y64;
	uint64_t pend; /* the first half of a 128-bit word */
};

static void l2_step(const struct umac_ctx *u, int i, struct l2 *s, size_t c, uint64_t a)
{
	if (c < L2_WORDS64) {
		s->y64 = poly64(s->y64, u->k64[i], a);
		return;
	}
	if (c == L2_WORDS64)
		s->y128 = poly128(1, (u128)u->k128[i][0] << 64 | u->k128[i][1], s->y64);
	if ((c - L2_WORDS64) % 2 == 0)
		s->pend = a;
	else
		s->y128 = poly128(s->y128, (u128)u->k128[i][0] << 64 | u->k128[i][1], (u128)s->pend << 64 | a);
}

static u128 l2_end(const struct umac_ctx *u, int i, struct l2 *s, size_t chunks)
{
	const uint64_t one = 0x8000000000000000ULL; /* the 0x80 byte of the padding */
	u128 word;
	if (chunks <= L2_WORDS64)
		return s->y64;
	word = (chunks - L2_WORDS64) % 2 ? (u128)s->pend << 64 | one : (u128)one << 64;
	return poly128(s->y128, (u128)u->k128[i][0] << 64 | u->k128[i][1], word);
}

/* 3.3 PDF: AES of the nonce; UMAC-64 takes the half its low bit names */
static int pdf(const struct umac_ctx *u, const uint8_t nonce[8], uint8_t *pad)
{
	uint8_t in[16] = {0}, t[16];
	int idx = u->taglen == 8 ? nonce[7] & 1 : 0;
	memcpy(in, nonce, 8);
	if (u->taglen == 8)
		in[7] &= 0xfe;
	if (cipher_descriptor[idx_aes()].ecb_encrypt(in, t, (symmetric_key *)&u->pdf) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	memcpy(pad, t + idx * u->taglen, u->taglen);
	wipe(t, sizeof t);
	return SSH_OK;
}

int umac_tag(const struct umac_ctx *u, const uint8_t nonce[8], const uint8_t *m, size_t n, uint8_t *out)
{
	int it = u->taglen / 4, i, e;
	size_t chunks = n ? (n + 1023) / 1024 : 1, c;
	struct l2 s[UMAC_MAX_ITERS];
	uint64_t a[UMAC_MAX_ITERS];
	uint8_t pad[16];

	for (i = 0; i < it; i++)
		s[i].y64 = 1;
	for (c = 0; c < chunks; c++) {
		size_t off = c * 1024;
		l1(u, it, m + off, n - off < 1024 ? n - off : 1024, a);
		if (chunks > 1)
			for (i = 0; i < it; i++)
				l2_step(u, i, &s[i], c, a[i]);
	}
	if ((e = pdf(u, nonce, pad)) != SSH_OK)
		return e;
	for (i = 0; i < it; i++) {
		/* 5: one chunk skips L2, B = zeroes(64) || A */
		u128 b = chunks == 1 ? a[i] : l2_end(u, i, &s[i], chunks);
		put_u32(out + 4 * i, l3(u, i, b) ^ get_u32(pad + 4 * i));
	}
	wipe(pad, sizeof pad);
	wipe(s, sizeof s);
	wipe(a, sizeof a);
	return SSH_OK;
}
