/* sntrup761 and sntrup761x25519-sha512: the draft's decapsulation known
 * answers, the arithmetic and encodings against plain references, round
 * trips through key generation and encapsulation, implicit rejection, and
 * the server's agreement checked by a client computed here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tomcrypt.h>

#include "kex/agree.h"
#include "kex/sntrup761.h"
#include "kex/sntrup761_internal.h"
#include "kex/x25519.h"
#include "t.h"
#include "transport/crypto.h"

#define P SNTRUP_P
#define Q SNTRUP_Q
#define PKB SNTRUP761_PUBLICKEYBYTES
#define SKB SNTRUP761_SECRETKEYBYTES
#define CTB SNTRUP761_CIPHERTEXTBYTES
#define SSB SNTRUP761_BYTES
#define SK_PK (2 * SNTRUP_SMALL_BYTES)
#define SK_RHO (SK_PK + PKB)
#define SK_CACHE (SK_RHO + SNTRUP_SMALL_BYTES)

/* ---- helpers ---- */

/* a deterministic stream for keys and coins: splitmix64 */
static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t seed_state = 0x5eed;

static uint64_t next64(void) { return splitmix(&seed_state); }

/* an sntrup761_rng; ctx is the uint64_t state */
static void det_rng(void *ctx, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)splitmix(ctx);
}

/* $VECTORS/sntrup761/name: one hex string of exactly n bytes */
static int read_hex(const char *name, uint8_t *out, size_t n)
{
	const char *dir = getenv("VECTORS");
	char path[4096];
	FILE *f;
	size_t got = 0;
	int ok = 1;

	snprintf(path, sizeof path, "%s/sntrup761/%s", dir ? dir : "tests/vectors", name);
	if (!(f = fopen(path, "r"))) {
		printf("# cannot open %s\n", path);
		return 0;
	}
	for (;;) {
		unsigned x;
		int c = fscanf(f, "%2x", &x);
		if (c != 1)
			break;
		if (got == n) {
			ok = 0;
			break;
		}
		out[got++] = (uint8_t)x;
	}
	fclose(f);
	return ok && got == n;
}

static void sha512_prefix(uint8_t out[32], uint8_t b, const uint8_t *x, size_t xl, const uint8_t *y, size_t yl)
{
	hash_state md;
	uint8_t h[64];
	sha512_init(&md);
	sha512_process(&md, &b, 1);
	sha512_process(&md, x, (unsigned long)xl);
	if (yl)
		sha512_process(&md, y, (unsigned long)yl);
	sha512_done(&md, h);
	memcpy(out, h, 32);
}

/* ---- arithmetic and encodings ---- */

static int32_t centred(int64_t x, int32_t m)
{
	int64_t r = ((x % m) + m) % m;
	return (int32_t)(r > m / 2 ? r - m : r);
}

static void freeze(void)
{
	int bad_q = 0, bad_3 = 0;
	/* every input the products and inverses can produce, then the ends
	 * of the documented range */
	for (int32_t x = -(1 << 24); x <= (1 << 24); x++) {
		bad_q += sntrup_fq_freeze(x) != centred(x, Q);
		bad_3 += sntrup_f3_freeze(x) != centred(x, 3);
	}
	for (int32_t d = 0; d < 100000; d++) {
		int32_t hi = (1 << 30) - 1 - d, lo = -(1 << 30) + 1 + d;
		bad_q += sntrup_fq_freeze(hi) != centred(hi, Q) || sntrup_fq_freeze(lo) != centred(lo, Q);
		bad_3 += sntrup_f3_freeze(hi) != centred(hi, 3) || sntrup_f3_freeze(lo) != centred(lo, 3);
	}
	CHECK(bad_q == 0, "x mod q, centred, over |x| <= 2^24 and near 2^30 (%d wrong)", bad_q);
	CHECK(bad_3 == 0, "x mod 3, centred, over |x| <= 2^24 and near 2^30 (%d wrong)", bad_3);
	CHECK(sntrup_nonzero_mask(0) == 0 && sntrup_nonzero_mask(1) == -1 && sntrup_nonzero_mask(-1) == -1 &&
	      sntrup_nonzero_mask(INT32_MIN) == -1 && sntrup_nonzero_mask(INT32_MAX) == -1,
	      "nonzero mask");
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static void sort(void)
{
	static uint32_t x[1100], y[1100];
	int bad = 0, total = 0;
	size_t sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 100, 255, 256, 257, 761, 1024, 1100};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (int rep = 0; rep < 20; rep++) {
			size_t n = sizes[s];
			for (size_t i = 0; i < n; i++)
				/* few distinct values too, for ties */
				x[i] = y[i] = rep & 1 ? (uint32_t)next64() : (uint32_t)(next64() % 4) * 0x7fffffffu;
			sntrup_sort_u32(x, n);
			qsort(y, n, sizeof *y, cmp_u32);
			bad += n && memcmp(x, y, n * sizeof *x) != 0;
			total++;
		}
	BATCH("sorting network against qsort, n from 0 to 1100", bad, total);
}

/* the product by definition: Z[x] then x^p = x + 1 one degree at a time */
static void mult_ref(int64_t h[P], const int16_t *fq, const int8_t *f3, const int8_t *g)
{
	int64_t c[2 * P - 1] = {0};
	for (int i = 0; i < P; i++)
		for (int j = 0; j < P; j++)
			c[i + j] += (fq ? fq[i] : f3[i]) * (int64_t)g[j];
	for (int k = 2 * P - 2; k >= P; k--) {
		c[k - P + 1] += c[k];
		c[k - P] += c[k];
	}
	memcpy(h, c, P * sizeof *h);
}

static void random_small(int8_t *g)
{
	for (int i = 0; i < P; i++)
		g[i] = (int8_t)(next64() % 3) - 1;
}

static void random_rq(int16_t *f)
{
	for (int i = 0; i < P; i++)
		f[i] = (int16_t)(next64() % Q) - SNTRUP_Q12;
}

static void products(void)
{
	int16_t f[P], h[P];
	int8_t a[P], b[P], h3[P];
	int64_t ref[P];
	int bad = 0, bad3 = 0;
	for (int rep = 0; rep < 10; rep++) {
		random_rq(f);
		random_small(a);
		random_small(b);
		if (rep == 0) /* extremes: every product at its largest */
			for (int i = 0; i < P; i++)
				f[i] = -SNTRUP_Q12, a[i] = b[i] = 1;
		sntrup_rq_mult_small(h, f, a);
		mult_ref(ref, f, NULL, a);
		for (int i = 0; i < P; i++)
			bad += h[i] != centred(ref[i], Q);
		sntrup_r3_mult(h3, a, b);
		mult_ref(ref, NULL, a, b);
		for (int i = 0; i < P; i++)
			bad3 += h3[i] != centred(ref[i], 3);
	}
	CHECK(bad == 0, "R/q times small against the definition (%d coefficients wrong)", bad);
	CHECK(bad3 == 0, "R/3 product against the definition (%d coefficients wrong)", bad3);
}

static int is_one3(const int8_t *a)
{
	int ok = a[0] == 1;
	for (int i = 1; i < P; i++)
		ok &= a[i] == 0;
	return ok;
}

static void inverses(void)
{
	int8_t g[P], ginv[P], one3[P], f[P];
	int16_t finv[P], prod[P];
	int ok3 = 1, okq = 1, tried = 0, inv = 0;
	for (int rep = 0; rep < 6; rep++) {
		random_small(g);
		tried++;
		if (sntrup_r3_recip(ginv, g) != 0)
			continue;
		inv++;
		sntrup_r3_mult(one3, g, ginv);
		ok3 &= is_one3(one3);
		/* 1/(3f) times f, times 3 */
		random_small(f);
		okq &= sntrup_rq_recip3(finv, f) == 0;
		sntrup_rq_mult_small(prod, finv, f);
		okq &= sntrup_fq_freeze(3 * prod[0]) == 1;
		for (int i = 1; i < P; i++)
			okq &= sntrup_fq_freeze(3 * prod[i]) == 0;
	}
	CHECK(inv > 0 && ok3, "1/g in R/3 times g is 1 (%d of %d invertible)", inv, tried);
	CHECK(okq, "1/(3f) in R/q times 3f is 1");
	memset(g, 0, sizeof g);
	CHECK(sntrup_r3_recip(ginv, g) == -1 && sntrup_rq_recip3(finv, g) == -1, "0 is not invertible");
}

static void encodings(void)
{
	uint8_t buf[SNTRUP_RQ_BYTES + 16];
	int16_t f[P], back[P];
	int8_t s[P], sback[P];
	int ok = 1, fence = 1;
	for (int rep = 0; rep < 20; rep++) {
		random_rq(f);
		if (rep == 0)
			for (int i = 0; i < P; i++)
				f[i] = SNTRUP_Q12;
		if (rep == 1)
			for (int i = 0; i < P; i++)
				f[i] = -SNTRUP_Q12;
		memset(buf, 0xa5, sizeof buf);
		sntrup_rq_encode(buf, f);
		sntrup_rq_decode(back, buf);
		ok &= !memcmp(f, back, sizeof f);
		for (size_t i = SNTRUP_RQ_BYTES; i < sizeof buf; i++)
			fence &= buf[i] == 0xa5;
		/* rounded: multiples of 3 */
		for (int i = 0; i < P; i++)
			f[i] = (int16_t)(f[i] - sntrup_f3_freeze(f[i]));
		memset(buf, 0xa5, sizeof buf);
		sntrup_rounded_encode(buf, f);
		sntrup_rounded_decode(back, buf);
		ok &= !memcmp(f, back, sizeof f);
		for (size_t i = SNTRUP_ROUNDED_BYTES; i < sizeof buf; i++)
			fence &= buf[i] == 0xa5;
		random_small(s);
		sntrup_small_encode(buf, s);
		sntrup_small_decode(sback, buf);
		ok &= !memcmp(s, sback, sizeof s);
	}
	CHECK(ok, "R/q, rounded and small encodings decode to what was encoded");
	CHECK(fence, "encodings fill exactly 1158 and 1007 bytes");
	/* arbitrary bytes decode to coefficients in range */
	int range = 1;
	for (int rep = 0; rep < 20; rep++) {
		for (size_t i = 0; i < sizeof buf; i++)
			buf[i] = (uint8_t)next64();
		sntrup_rq_decode(back, buf);
		for (int i = 0; i < P; i++)
			range &= back[i] >= -SNTRUP_Q12 && back[i] <= SNTRUP_Q12;
		sntrup_rounded_decode(back, buf);
		for (int i = 0; i < P; i++)
			range &= back[i] >= -SNTRUP_Q12 && back[i] <= SNTRUP_Q12 && back[i] % 3 == 0;
	}
	CHECK(range, "random bytes decode to coefficients in range");
}

/* ---- the KEM ---- */

struct kat {
	uint8_t sk[SKB], ct[CTB], ss[SSB];
};

static int load_kat(int n, struct kat *k)
{
	char name[32];
	int ok = 1;
	snprintf(name, sizeof name, "kat%d_sk.hex", n);
	ok &= read_hex(name, k->sk, SKB);
	snprintf(name, sizeof name, "kat%d_ct.hex", n);
	ok &= read_hex(name, k->ct, CTB);
	snprintf(name, sizeof name, "kat%d_ss.hex", n);
	ok &= read_hex(name, k->ss, SSB);
	return ok;
}

/* the secret key's parts agree: 3 f h is a small g with g * (1/g) = 1
 * mod 3, and the cache is the public key's hash */
static int sk_consistent(const uint8_t *sk)
{
	int8_t f[P], ginv[P], g[P], one[P];
	int16_t h[P], fh[P];
	uint8_t cache[32];
	int ok = 1;
	sntrup_small_decode(f, sk);
	sntrup_small_decode(ginv, sk + SNTRUP_SMALL_BYTES);
	sntrup_rq_decode(h, sk + SK_PK);
	sntrup_rq_mult_small(fh, h, f);
	for (int i = 0; i < P; i++) {
		int16_t x = sntrup_fq_freeze(3 * fh[i]);
		ok &= x >= -1 && x <= 1;
		g[i] = (int8_t)x;
	}
	sntrup_r3_mult(one, g, ginv);
	ok &= is_one3(one);
	sha512_prefix(cache, 4, sk + SK_PK, PKB, NULL, 0);
	return ok && !memcmp(cache, sk + SK_CACHE, 32);
}

static void kats(void)
{
	for (int n = 0; n < 2; n++) {
		struct kat k;
		uint8_t ss[SSB], ss2[SSB], ct[CTB], want[SSB], hr[32];
		uint8_t coins[SNTRUP761_ENC_COINBYTES], ct2[CTB];
		int ok;
		if (!load_kat(n, &k)) {
			CHECK(0, "KAT %d: read the vectors", n);
			continue;
		}
		sntrup761_dec(ss, k.ct, k.sk);
		CHECK(!memcmp(ss, k.ss, SSB), "KAT %d: decapsulation gives ss", n);
		CHECK(sk_consistent(k.sk), "KAT %d: secret key parts consistent (f, 1/g, pk, cache)", n);

		/* encapsulate to the public key inside sk and back */
		ok = 1;
		for (int rep = 0; rep < 5; rep++) {
			sntrup761_enc(ct, ss, k.sk + SK_PK);
			sntrup761_dec(ss2, ct, k.sk);
			ok &= !memcmp(ss, ss2, SSB);
		}
		CHECK(ok, "KAT %d: encapsulation to its public key decapsulates", n);
		det_rng(&(uint64_t){(uint64_t)n + 7}, coins, sizeof coins);
		sntrup761_enc_derand(ct, ss, k.sk + SK_PK, coins);
		sntrup761_enc_derand(ct2, ss2, k.sk + SK_PK, coins);
		CHECK(!memcmp(ct, ct2, CTB) && !memcmp(ss, ss2, SSB), "KAT %d: derandomised encapsulation repeats", n);

		/* tampering, in the rounded part and in the confirmation */
		for (int at = 0; at < 2; at++) {
			size_t i = at ? CTB - 1 : 100;
			memcpy(ct, k.ct, CTB);
			ct[i] ^= 0x01;
			sntrup761_dec(ss, ct, k.sk);
			sntrup761_dec(ss2, ct, k.sk);
			sha512_prefix(hr, 3, k.sk + SK_RHO, SNTRUP_SMALL_BYTES, NULL, 0);
			sha512_prefix(want, 0, hr, 32, ct, CTB);
			CHECK(memcmp(ss, k.ss, SSB) && !memcmp(ss, ss2, SSB) && !memcmp(ss, want, SSB),
			      "KAT %d: tampered %s gives the implicit-rejection key", n,
			      at ? "confirmation" : "ciphertext");
		}
	}
}

static void keygen(void)
{
	static uint8_t pk[PKB], sk[SKB], pk2[PKB], sk2[SKB];
	uint8_t ct[CTB], ss[SSB], ss2[SSB];
	uint64_t s1 = 1, s2 = 1;
	int ok = 1;

	sntrup761_keypair(pk, sk, det_rng, &s1);
	sntrup761_keypair(pk2, sk2, det_rng, &s2);
	CHECK(!memcmp(pk, pk2, PKB) && !memcmp(sk, sk2, SKB), "key generation from a seed repeats");
	CHECK(!memcmp(sk + SK_PK, pk, PKB) && sk_consistent(sk), "generated secret key: layout and parts");
	for (int rep = 0; rep < 3; rep++) {
		sntrup761_enc(ct, ss, pk);
		sntrup761_dec(ss2, ct, sk);
		ok &= !memcmp(ss, ss2, SSB);
	}
	sntrup761_keypair(pk2, sk2, NULL, NULL);
	sntrup761_enc(ct, ss, pk2);
	sntrup761_dec(ss2, ct, sk2);
	ok &= !memcmp(ss, ss2, SSB) && memcmp(pk, pk2, PKB);
	CHECK(ok, "generated keys (seeded and random): encapsulation decapsulates");
}

/* ---- the agreement ---- */

static int server(const uint8_t *cinit, size_t len, int trailing, struct buf *reply,
		  struct buf *hashpart, struct buf *secret)
{
	struct buf m;
	struct rd rd;
	int rc;
	buf_init(&m, 0);
	buf_init(reply, 0);
	buf_init(hashpart, 0);
	buf_init(secret, 0);
	buf_string(&m, cinit, len);
	if (trailing)
		buf_u8(&m, 0);
	rd_init(&rd, m.d, m.len);
	rc = agree_sntrup761x25519.server(NULL, &rd, reply, hashpart, secret);
	buf_free(&m);
	return rc;
}

/* Encapsulation draws fresh coins each time: two replies to one C_INIT
 * share neither the ciphertext nor the X25519 value, nor K */
static void fresh(const uint8_t *cinit)
{
	struct buf r[2], h[2], k[2];
	int ok = 1;

	for (int i = 0; i < 2; i++)
		ok &= server(cinit, PKB + 32, 0, &r[i], &h[i], &k[i]) == SSH_OK && r[i].len == 4 + CTB + 32;
	CHECK(ok && memcmp(r[0].d + 4, r[1].d + 4, CTB) && memcmp(r[0].d + 4 + CTB, r[1].d + 4 + CTB, 32) &&
	      k[0].len == k[1].len && memcmp(k[0].d, k[1].d, k[0].len),
	      "agreement: two replies to one C_INIT differ (fresh coins and X25519 key)");
	for (int i = 0; i < 2; i++) {
		buf_free(&r[i]);
		buf_free(&h[i]);
		buf_free(&k[i]);
	}
}

/* K is a string, not an mpint: the two encodings agree whenever K's top
 * bit is clear and its first byte is not zero, so one run would catch an
 * mpint only half the time; 24 replies (each with a new K) leave 2^-24 */
static void k_string(const uint8_t *cinit, const uint8_t *sk, const uint8_t *csk)
{
	struct buf reply, hashpart, secret;
	uint8_t kk[64], k[64], ss[SSB];
	hash_state md;
	int bad = 0;

	for (int i = 0; i < 24; i++) {
		int ok = server(cinit, PKB + 32, 0, &reply, &hashpart, &secret) == SSH_OK &&
			 reply.len == 4 + CTB + 32;
		if (ok) {
			sntrup761_dec(ss, reply.d + 4, sk);
			memcpy(kk, ss, SSB);
			ok = x25519(kk + SSB, csk, reply.d + 4 + CTB) == SSH_OK;
			sha512_init(&md);
			sha512_process(&md, kk, sizeof kk);
			sha512_done(&md, k);
			/* string K: uint32 64, then the 64 bytes as they are */
			ok = ok && secret.len == 68 && secret.d[0] == 0 && secret.d[1] == 0 && secret.d[2] == 0 &&
			     secret.d[3] == 64 && !memcmp(secret.d + 4, k, sizeof k);
		}
		bad += !ok;
		buf_free(&reply);
		buf_free(&hashpart);
		buf_free(&secret);
	}
	BATCH("agreement: K = string SHA-512(K_sntrup || K_x25519), never an mpint", bad, 24);
}

static void agreement(void)
{
	static uint8_t pk[PKB], sk[SKB], cinit[PKB + 40];
	uint8_t csk[32], ss[SSB], kk[64], k[64];
	struct buf reply, hashpart, secret, want;
	struct rd rd;
	const uint8_t *sreply;
	size_t slen;
	hash_state md;
	int rc, ok;

	sntrup761_keypair(pk, sk, NULL, NULL);
	rand_bytes(csk, sizeof csk);
	memcpy(cinit, pk, PKB);
	x25519_base(cinit + PKB, csk);
	rc = server(cinit, PKB + 32, 0, &reply, &hashpart, &secret);
	CHECK(rc == SSH_OK, "agreement: server accepts C_INIT");
	rd_init(&rd, reply.d, reply.len);
	ok = rd_string(&rd, &sreply, &slen) == SSH_OK && rd_end(&rd) == SSH_OK && slen == CTB + 32;
	CHECK(ok, "agreement: S_REPLY is one string of 1071 bytes");
	if (!ok)
		goto out;
	sntrup761_dec(ss, sreply, sk);
	memcpy(kk, ss, SSB);
	ok = x25519(kk + SSB, csk, sreply + CTB) == SSH_OK;
	sha512_init(&md);
	sha512_process(&md, kk, sizeof kk);
	sha512_done(&md, k);
	buf_init(&want, 0);
	buf_string(&want, k, sizeof k);
	CHECK(ok && secret.len == want.len && !memcmp(secret.d, want.d, want.len),
	      "agreement: the client's K (string of SHA-512) equals the server's");
	buf_reset(&want);
	buf_string(&want, cinit, PKB + 32);
	buf_string(&want, sreply, slen);
	CHECK(hashpart.len == want.len && !memcmp(hashpart.d, want.d, want.len),
	      "agreement: hash part is string C_INIT || string S_REPLY");
	buf_free(&want);
out:
	buf_free(&reply);
	buf_free(&hashpart);
	buf_free(&secret);

	size_t lens[] = {PKB + 31, PKB + 33, 0, PKB, 32};
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		rc = server(cinit, lens[i], 0, &reply, &hashpart, &secret);
		CHECK(rc == SSH_ERR_FORMAT && reply.len == 0 && secret.len == 0,
		      "agreement: C_INIT of %zu bytes refused", lens[i]);
		buf_free(&reply);
		buf_free(&hashpart);
		buf_free(&secret);
	}
	rc = server(cinit, PKB + 32, 1, &reply, &hashpart, &secret);
	CHECK(rc != SSH_OK && reply.len == 0, "agreement: bytes after C_INIT refused");
	buf_free(&reply);
	buf_free(&hashpart);
	buf_free(&secret);
	fresh(cinit);
	k_string(cinit, sk, csk);

	/* u = 0, and a point of order 8: both give X25519's all-zero value */
	static const uint8_t order8[32] = {
		0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
		0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
	};
	for (int which = 0; which < 2; which++) {
		if (which)
			memcpy(cinit + PKB, order8, 32);
		else
			memset(cinit + PKB, 0, 32);
		rc = server(cinit, PKB + 32, 0, &reply, &hashpart, &secret);
		CHECK(rc == SSH_ERR_KEY && reply.len == 0 && secret.len == 0,
		      "agreement: %s X25519 public refused", which ? "low-order" : "all-zero");
		buf_free(&reply);
		buf_free(&hashpart);
		buf_free(&secret);
	}
}

int main(void)
{
	crypto_init();
	freeze();
	sort();
	products();
	inverses();
	encodings();
	kats();
	keygen();
	agreement();
	return t_done();
}
