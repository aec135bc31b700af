/* sntrup761 key generation, encapsulation and decapsulation: the
 * Streamlined NTRU Prime KEM with the hashing of the specification's round 3
 * (SHA-512 truncated to 32 bytes, one prefix byte per purpose: 2 confirm,
 * 3 the encoded input, 4 the public key, 1 a session key, 0 a rejected
 * one), as SUPERCOP's reference and OpenSSH compute it. */
#include <string.h>

#include <tomcrypt.h>

#include "kex/sntrup761.h"
#include "kex/sntrup761_internal.h"
#include "transport/buf.h"
#include "transport/crypto.h"

#define P SNTRUP_P
#define W SNTRUP_W
#define HB SNTRUP_HASH_BYTES
#define SMALLB SNTRUP_SMALL_BYTES
#define PKB SNTRUP761_PUBLICKEYBYTES
#define CTB SNTRUP761_CIPHERTEXTBYTES

/* secret key: f || 1/g mod 3 || pk || rho || SHA-512(4 || pk) prefix */
#define SK_GINV SMALLB
#define SK_PK (2 * SMALLB)
#define SK_RHO (SK_PK + PKB)
#define SK_CACHE (SK_RHO + SMALLB)

/* SHA-512(b || x || y)[0..32); y may be empty */
static void hash_prefix(uint8_t out[HB], uint8_t b, const uint8_t *x, size_t xlen,
			const uint8_t *y, size_t ylen)
{
	hash_state md;
	uint8_t h[64];

	sha512_init(&md);
	sha512_process(&md, &b, 1);
	sha512_process(&md, x, (unsigned long)xlen);
	if (ylen)
		sha512_process(&md, y, (unsigned long)ylen);
	sha512_done(&md, h);
	memcpy(out, h, HB);
	wipe(h, sizeof h);
	wipe(&md, sizeof md);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The spec's Short_fromlist: w coefficients +-1 and p-w zeros in an order
 * the coins choose. Each word keeps its random high bits as a sort key and
 * carries the coefficient + 1 in its low two bits; sorting shuffles. */
static void short_from_coins(int8_t r[P], const uint8_t coins[4 * P])
{
	uint32_t L[P];

	for (int i = 0; i < P; i++) {
		uint32_t x = le32(coins + 4 * i);

		L[i] = i < W ? x & ~1u : (x & ~3u) | 1;
	}
	sntrup_sort_u32(L, P);
	for (int i = 0; i < P; i++)
		r[i] = (int8_t)((L[i] & 3) - 1);
	wipe(L, sizeof L);
}

/* The spec's Small_random: each coefficient uniform in {-1, 0, 1} from the
 * top of 30 random bits times 3 */
static void small_from_coins(int8_t g[P], const uint8_t coins[4 * P])
{
	for (int i = 0; i < P; i++)
		g[i] = (int8_t)((((le32(coins + 4 * i) & 0x3fffffff) * 3) >> 30) - 1);
}

static void draw(sntrup761_rng rng, void *ctx, uint8_t *out, size_t n)
{
	if (rng)
		rng(ctx, out, n);
	else
		rand_bytes(out, n);
}

void sntrup761_keypair(uint8_t pk[PKB], uint8_t sk[SNTRUP761_SECRETKEYBYTES],
		       sntrup761_rng rng, void *ctx)
{
	uint8_t coins[4 * P];
	int8_t g[P], ginv[P], f[P];
	int16_t finv[P], h[P];

	/* a g without inverse mod 3 is rare; the retry reveals only that a
	 * discarded g was one */
	do {
		draw(rng, ctx, coins, sizeof coins);
		small_from_coins(g, coins);
	} while (sntrup_r3_recip(ginv, g) != 0);
	draw(rng, ctx, coins, sizeof coins);
	short_from_coins(f, coins);
	/* R/q is a field (x^p - x - 1 is irreducible mod q): f != 0 inverts */
	sntrup_rq_recip3(finv, f);
	sntrup_rq_mult_small(h, finv, g); /* h = g / 3f */
	sntrup_rq_encode(pk, h);
	sntrup_small_encode(sk, f);
	sntrup_small_encode(sk + SK_GINV, ginv);
	memcpy(sk + SK_PK, pk, PKB);
	draw(rng, ctx, sk + SK_RHO, SMALLB);
	hash_prefix(sk + SK_CACHE, 4, pk, PKB, NULL, 0);
	wipe(coins, sizeof coins);
	wipe(g, sizeof g);
	wipe(ginv, sizeof ginv);
	wipe(f, sizeof f);
	wipe(finv, sizeof finv);
}

/* ct = Rounded(h r) || SHA-512(2 || SHA-512(3 || r_enc) || cache), with
 * r_enc the encoded r and cache = SHA-512(4 || pk) */
static void hide(uint8_t ct[CTB], uint8_t r_enc[SMALLB], const int8_t r[P],
		 const int16_t h[P], const uint8_t cache[HB])
{
	int16_t c[P];
	uint8_t hr[HB];

	sntrup_small_encode(r_enc, r);
	sntrup_rq_mult_small(c, h, r);
	for (int i = 0; i < P; i++)
		c[i] = (int16_t)(c[i] - sntrup_f3_freeze(c[i])); /* nearest multiple of 3 */
	sntrup_rounded_encode(ct, c);
	hash_prefix(hr, 3, r_enc, SMALLB, NULL, 0);
	hash_prefix(ct + SNTRUP_ROUNDED_BYTES, 2, hr, HB, cache, HB);
	wipe(c, sizeof c);
	wipe(hr, sizeof hr);
}

/* k = SHA-512(b || SHA-512(3 || r_enc) || ct) */
static void session_key(uint8_t k[HB], uint8_t b, const uint8_t r_enc[SMALLB], const uint8_t ct[CTB])
{
	uint8_t hr[HB];

	hash_prefix(hr, 3, r_enc, SMALLB, NULL, 0);
	hash_prefix(k, b, hr, HB, ct, CTB);
	wipe(hr, sizeof hr);
}

void sntrup761_enc_derand(uint8_t ct[CTB], uint8_t k[SNTRUP761_BYTES], const uint8_t pk[PKB],
			  const uint8_t coins[SNTRUP761_ENC_COINBYTES])
{
	int8_t r[P];
	int16_t h[P];
	uint8_t cache[HB], r_enc[SMALLB];

	short_from_coins(r, coins);
	sntrup_rq_decode(h, pk);
	hash_prefix(cache, 4, pk, PKB, NULL, 0);
	hide(ct, r_enc, r, h, cache);
	session_key(k, 1, r_enc, ct);
	wipe(r, sizeof r);
	wipe(r_enc, sizeof r_enc);
}

void sntrup761_enc(uint8_t ct[CTB], uint8_t k[SNTRUP761_BYTES], const uint8_t pk[PKB])
{
	uint8_t coins[SNTRUP761_ENC_COINBYTES];

	rand_bytes(coins, sizeof coins);
	sntrup761_enc_derand(ct, k, pk, coins);
	wipe(coins, sizeof coins);
}

/* r = the weight-w vector ct hides, or (1,...,1,0,...,0) with w ones when
 * what comes out has the wrong weight; re-encryption then fails anyway,
 * but r must still be a valid input so that it runs the same way. */
static void decrypt(int8_t r[P], const uint8_t *ct, const uint8_t *sk)
{
	int8_t f[P], v[P], e[P];
	int16_t c[P];
	int32_t weight = 0, bad;

	sntrup_small_decode(f, sk);
	sntrup_small_decode(v, sk + SK_GINV);
	sntrup_rounded_decode(c, ct);
	/* 3 f c = 3 f h r + 3 f m = g r + 3 f m; mod 3 that is g r */
	sntrup_rq_mult_small(c, c, f);
	for (int i = 0; i < P; i++)
		e[i] = sntrup_f3_freeze(sntrup_fq_freeze(3 * c[i]));
	sntrup_r3_mult(e, e, v);
	for (int i = 0; i < P; i++)
		weight += e[i] & 1;
	bad = sntrup_nonzero_mask(weight - W);
	for (int i = 0; i < W; i++)
		r[i] = (int8_t)(((e[i] ^ 1) & ~bad) ^ 1);
	for (int i = W; i < P; i++)
		r[i] = (int8_t)(e[i] & ~bad);
	wipe(f, sizeof f);
	wipe(v, sizeof v);
	wipe(e, sizeof e);
	wipe(c, sizeof c);
}

void sntrup761_dec(uint8_t k[SNTRUP761_BYTES], const uint8_t ct[CTB],
		   const uint8_t sk[SNTRUP761_SECRETKEYBYTES])
{
	const uint8_t *rho = sk + SK_RHO;
	int8_t r[P];
	int16_t h[P];
	uint8_t cnew[CTB], r_enc[SMALLB];
	uint32_t diff = 0;
	int32_t bad;

	decrypt(r, ct, sk);
	sntrup_rq_decode(h, sk + SK_PK);
	hide(cnew, r_enc, r, h, sk + SK_CACHE);
	for (size_t i = 0; i < CTB; i++)
		diff |= ct[i] ^ cnew[i];
	bad = sntrup_nonzero_mask((int32_t)diff);
	/* implicit rejection: rho in place of r_enc, prefix 0 in place of 1 */
	for (size_t i = 0; i < SMALLB; i++)
		r_enc[i] ^= (uint8_t)(bad & (r_enc[i] ^ rho[i]));
	session_key(k, (uint8_t)(1 + bad), r_enc, ct);
	wipe(r, sizeof r);
	wipe(cnew, sizeof cnew);
	wipe(r_enc, sizeof r_enc);
}
