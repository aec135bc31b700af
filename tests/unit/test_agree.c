/* Key agreements: ECDH against Wycheproof, DH and X25519 by round trips with
 * a client computed here, the built-in groups, and group-exchange choice. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tomcrypt.h>
#include <tommath.h>

#include "kex/agree.h"
#include "kex/ecdh_internal.h"
#include "kex/x25519.h"
#include "t.h"
#include "transport/crypto.h"
#include "vec.h"

/* runs one server call on msg bytes, with fresh output buffers */
struct run {
	struct buf reply, hashpart, secret;
	int rc;
};

static void run(struct run *r, const struct agree *a, const void *param,
		const uint8_t *msg, size_t len)
{
	struct rd rd;
	buf_init(&r->reply, 0);
	buf_init(&r->hashpart, 0);
	buf_init(&r->secret, 0);
	rd_init(&rd, msg, len);
	r->rc = a->server(param, &rd, &r->reply, &r->hashpart, &r->secret);
}

static void run_free(struct run *r)
{
	buf_free(&r->reply);
	buf_free(&r->hashpart);
	buf_free(&r->secret);
}

/* runs the server on one string- or mpint-encoded client value */
static int run_value(const struct agree *a, const void *param,
		     const uint8_t *v, size_t len, int mpint)
{
	struct buf m;
	struct run r;
	buf_init(&m, 0);
	if (mpint)
		buf_mpint(&m, v, len);
	else
		buf_string(&m, v, len);
	run(&r, a, param, m.d, m.len);
	run_free(&r);
	buf_free(&m);
	return r.rc;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- ECDH ---- */

static void ecdh_wycheproof(const char *file, const struct ecdh_curve *c)
{
	struct vec *v = vec_open(file);
	int total = 0, bad = 0, rejected_acceptable = 0;
	uint8_t out[66];
	if (v == NULL) {
		CHECK(0, "%s: open", file);
		return;
	}
	while (vec_next(v)) {
		size_t plen, klen, slen;
		const uint8_t *pub = vec_hex(v, "public", &plen);
		const uint8_t *priv = vec_hex(v, "private", &klen);
		const uint8_t *shared = vec_hex(v, "shared", &slen);
		const char *res = vec_str(v, "result");
		int rc, ok;
		if (pub == NULL || priv == NULL || res == NULL)
			continue;
		total++;
		rc = ecdh_shared_fixed(c, priv, klen, pub, plen, out);
		if (strcmp(res, "valid") == 0)
			ok = rc == SSH_OK && shared != NULL && slen == c->size &&
			     memcmp(out, shared, slen) == 0;
		else if (strcmp(res, "invalid") == 0)
			ok = rc != SSH_OK;
		else {
			/* acceptable: compressed points; refusing is fine */
			ok = rc != SSH_OK || (shared != NULL && slen == c->size &&
					      memcmp(out, shared, slen) == 0);
			rejected_acceptable += rc != SSH_OK;
		}
		if (!ok && bad++ < 5)
			CHECK(0, "%s tcId %s (%s): rc %d", file,
			      vec_str(v, "tcId"), res, rc);
	}
	vec_close(v);
	BATCH(file, bad, total);
	printf("# %s: %d acceptable vectors rejected\n", file,
	       rejected_acceptable);
}

/* client key pair with libtomcrypt; priv as big-endian bytes */
static int ec_client(const struct ecdh_curve *c, uint8_t *q, unsigned long *qlen,
		     uint8_t *priv, size_t *privlen)
{
	ecc_key k;
	int i, rc = -1;
	for (i = 0; ltc_ecc_sets[i].size != 0; i++)
		if ((size_t)ltc_ecc_sets[i].size == c->size)
			break;
	if (ecc_make_key_ex(NULL, idx_prng(), &k, &ltc_ecc_sets[i]) != CRYPT_OK)
		return -1;
	if (ecc_ansi_x963_export(&k, q, qlen) == CRYPT_OK &&
	    mp_to_ubin(k.k, priv, 66, privlen) == MP_OKAY)
		rc = 0;
	ecc_free(&k);
	return rc;
}

/* string Q_C || string Q_S; returns Q_S */
static int split_strings(const struct buf *hp, const uint8_t *qc, size_t qclen,
			 const uint8_t **qs, size_t *qslen)
{
	struct rd r;
	const uint8_t *a;
	size_t alen;
	rd_init(&r, hp->d, hp->len);
	return rd_string(&r, &a, &alen) == SSH_OK && alen == qclen &&
	       memcmp(a, qc, qclen) == 0 && rd_string(&r, qs, qslen) == SSH_OK &&
	       rd_end(&r) == SSH_OK;
}

/* the secret buffer must hold exactly mpint(k) */
static int secret_is(const struct buf *s, const uint8_t *k, size_t klen)
{
	struct buf want;
	int eq;
	buf_init(&want, 0);
	buf_mpint(&want, k, klen);
	eq = want.len == s->len && memcmp(want.d, s->d, s->len) == 0;
	buf_free(&want);
	return eq;
}

static void ecdh_roundtrip(const struct ecdh_curve *c)
{
	uint8_t q[133], priv[66], k[66];
	unsigned long qlen = sizeof q;
	size_t privlen, qslen;
	const uint8_t *qs, *rq;
	struct buf m;
	struct run r;
	struct rd rd;
	int ok = 0;
	if (ec_client(c, q, &qlen, priv, &privlen) != 0) {
		CHECK(0, "%s: client key", c->name);
		return;
	}
	buf_init(&m, 0);
	buf_string(&m, q, qlen);
	run(&r, &agree_ecdh, c, m.d, m.len);
	rd_init(&rd, r.reply.d, r.reply.len);
	if (r.rc == SSH_OK && rd_string(&rd, &rq, &qslen) == SSH_OK &&
	    rd_end(&rd) == SSH_OK && qslen == 1 + 2 * c->size &&
	    split_strings(&r.hashpart, q, qlen, &qs, &qslen) &&
	    qslen == 1 + 2 * c->size && memcmp(qs, rq, qslen) == 0 &&
	    ecdh_shared_fixed(c, priv, privlen, qs, qslen, k) == SSH_OK)
		ok = secret_is(&r.secret, k, c->size);
	CHECK(ok, "%s: round trip gives the same K", c->name);
	run_free(&r);

	/* trailing bytes after Q_C */
	buf_u8(&m, 0);
	run(&r, &agree_ecdh, c, m.d, m.len);
	CHECK(r.rc == SSH_ERR_FORMAT, "%s: trailing byte rejected", c->name);
	run_free(&r);
	buf_free(&m);

	/* compressed form of a valid point */
	q[0] = 0x02 | (q[qlen - 1] & 1);
	CHECK(run_value(&agree_ecdh, c, q, 1 + c->size, 0) == SSH_ERR_KEY,
	      "%s: compressed point rejected", c->name);
	q[0] = 0x04;
	/* off the curve */
	q[qlen - 1] ^= 1;
	CHECK(run_value(&agree_ecdh, c, q, qlen, 0) == SSH_ERR_KEY,
	      "%s: off-curve point rejected", c->name);
	CHECK(run_value(&agree_ecdh, c, q, 1, 0) == SSH_ERR_KEY &&
	      run_value(&agree_ecdh, c, q, 0, 0) == SSH_ERR_KEY,
	      "%s: infinity and empty rejected", c->name);
	wipe(priv, sizeof priv);
}

static void ecdh_cross_curve(void)
{
	uint8_t q[133], priv[66];
	unsigned long qlen = sizeof q;
	size_t privlen;
	if (ec_client(&ecdh_p256, q, &qlen, priv, &privlen) != 0)
		return;
	CHECK(run_value(&agree_ecdh, &ecdh_p384, q, qlen, 0) == SSH_ERR_KEY,
	      "P-256 point offered to P-384 rejected");
}

/* ---- DH ---- */

static int mp_bytes(const mp_int *a, uint8_t **out, size_t *len)
{
	*out = malloc(mp_ubin_size(a) + 1);
	return *out != NULL && mp_to_ubin(a, *out, mp_ubin_size(a) + 1, len) == MP_OKAY;
}

/* runs the server on mpint e and compares the result code */
static void dh_try_e(const char *name, const struct dh_group *g,
		     const mp_int *e, int want, const char *what)
{
	uint8_t *b = NULL;
	size_t len;
	int ok = mp_bytes(e, &b, &len) &&
		 run_value(&agree_dh, g, b, len, 1) == want;
	CHECK(ok, "%s: e = %s %s", name, what,
	      want == SSH_OK ? "accepted" : "rejected");
	free(b);
}

static void dh_bad_e(const char *name, const struct dh_group *g)
{
	/* a negative mpint */
	static const uint8_t neg[] = { 0, 0, 0, 1, 0x80 };
	struct run r;
	mp_int p, e;
	if (mp_init_multi(&p, &e, NULL) != MP_OKAY ||
	    mp_from_ubin(&p, g->p, g->plen) != MP_OKAY) {
		CHECK(0, "%s: bignum setup", name);
		return;
	}
	dh_try_e(name, g, &e, SSH_ERR_KEY, "0");
	mp_set_u32(&e, 1);
	dh_try_e(name, g, &e, SSH_ERR_KEY, "1");
	if (mp_sub_d(&p, 1, &e) == MP_OKAY)
		dh_try_e(name, g, &e, SSH_ERR_KEY, "p-1");
	dh_try_e(name, g, &p, SSH_ERR_KEY, "p");
	if (mp_add_d(&p, 1, &e) == MP_OKAY)
		dh_try_e(name, g, &e, SSH_ERR_KEY, "p+1");
	if (mp_mul_2d(&p, 3, &e) == MP_OKAY)
		dh_try_e(name, g, &e, SSH_ERR_KEY, "8p (longer than p)");
	if (mp_sub_d(&p, 2, &e) == MP_OKAY)
		dh_try_e(name, g, &e, SSH_OK, "p-2");
	/* OpenSSH's dh_pub_is_valid: one bit set is refused anywhere in
	 * range (issue 12) */
	mp_set_u32(&e, 2);
	dh_try_e(name, g, &e, SSH_ERR_KEY, "2");
	if (mp_2expt(&e, (int)(g->plen * 8 - 9)) == MP_OKAY)
		dh_try_e(name, g, &e, SSH_ERR_KEY, "2^(bits-9)");
	mp_set_u32(&e, 3);
	dh_try_e(name, g, &e, SSH_OK, "3");
	run(&r, &agree_dh, g, neg, sizeof neg);
	CHECK(r.rc != SSH_OK, "%s: negative e rejected", name);
	run_free(&r);
	mp_clear_multi(&p, &e, NULL);
}

static void dh_roundtrip(const char *name, const struct dh_group *g)
{
	mp_int p, gen, y, e, f, k;
	uint8_t yb[32], *eb = NULL, *kb = NULL;
	size_t elen, klen, flen;
	const uint8_t *fb;
	struct buf m, hp;
	struct run r;
	struct rd rd;
	int ok = 0;

	rand_bytes(yb, sizeof yb);
	yb[0] |= 0x80;
	if (mp_init_multi(&p, &gen, &y, &e, &f, &k, NULL) != MP_OKAY)
		return;
	if (mp_from_ubin(&p, g->p, g->plen) != MP_OKAY ||
	    mp_from_ubin(&gen, g->g, g->glen) != MP_OKAY ||
	    mp_from_ubin(&y, yb, sizeof yb) != MP_OKAY ||
	    mp_exptmod(&gen, &y, &p, &e) != MP_OKAY || !mp_bytes(&e, &eb, &elen))
		goto out;
	buf_init(&m, 0);
	buf_mpint(&m, eb, elen);
	run(&r, &agree_dh, g, m.d, m.len);
	buf_free(&m);
	rd_init(&rd, r.reply.d, r.reply.len);
	if (r.rc == SSH_OK && rd_mpint(&rd, g->plen, &fb, &flen) == SSH_OK &&
	    rd_end(&rd) == SSH_OK && mp_from_ubin(&f, fb, flen) == MP_OKAY &&
	    mp_exptmod(&f, &y, &p, &k) == MP_OKAY && mp_bytes(&k, &kb, &klen)) {
		buf_init(&hp, 0);
		buf_mpint(&hp, eb, elen);
		buf_mpint(&hp, fb, flen);
		ok = secret_is(&r.secret, kb, klen) && hp.len == r.hashpart.len &&
		     memcmp(hp.d, r.hashpart.d, hp.len) == 0;
		buf_free(&hp);
	}
	CHECK(ok, "%s: round trip gives the same K, hashpart e || f", name);
	run_free(&r);
out:
	free(eb);
	free(kb);
	mp_clear_multi(&p, &gen, &y, &e, &f, &k, NULL);
}

/* Miller-Rabin to bases 2 and 3: a known prime is being checked for typos,
 * so a strong probable-prime test suffices and stays quick at 8192 bits */
static int probable_prime(const mp_int *n)
{
	static const mp_digit bases[] = { 2, 3 };
	mp_int b;
	mp_bool r = MP_NO;
	size_t i;
	if (mp_init(&b) != MP_OKAY)
		return 0;
	for (i = 0; i < sizeof bases / sizeof bases[0]; i++) {
		mp_set(&b, bases[i]);
		if (mp_prime_miller_rabin(n, &b, &r) != MP_OKAY || r != MP_YES) {
			r = MP_NO;
			break;
		}
	}
	mp_clear(&b);
	return r == MP_YES;
}

/* p and (p-1)/2 prime, with the RFCs' well-known first and last words */
static void dh_group_check(const char *name, const struct dh_group *g,
			   size_t bits, const char *last)
{
	static const uint8_t first[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xc9, 0x0f, 0xda, 0xa2, 0x21, 0x68,
					 0xc2, 0x34 };
	uint8_t tail[16];
	mp_int p, q;
	int i, ok = 0;
	for (i = 0; i < 16; i++) {
		unsigned x;
		sscanf(last + 2 * i, "%2x", &x);
		tail[i] = (uint8_t)x;
	}
	CHECK(g->plen * 8 == bits && memcmp(g->p, first, 16) == 0 &&
	      memcmp(g->p + g->plen - 16, tail, 16) == 0 && g->glen == 1 &&
	      g->g[0] == 2, "%s: size, first and last words, g = 2", name);
	if (mp_init_multi(&p, &q, NULL) != MP_OKAY)
		return;
	if (mp_from_ubin(&p, g->p, g->plen) == MP_OKAY &&
	    mp_div_2(&p, &q) == MP_OKAY)
		ok = probable_prime(&p) && probable_prime(&q);
	CHECK(ok, "%s: safe prime", name);
	mp_clear_multi(&p, &q, NULL);
}

/* ---- X25519 ---- */

static void x25519_tests(void)
{
	/* u = 0, u = 1 and a point of order 8 (RFC 7748 low-order list) */
	static const uint8_t low[3][32] = {
		{ 0 },
		{ 1 },
		{ 0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
		  0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
		  0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00 },
	};
	uint8_t sk[32], pub[33] = {0}, k[32]; /* pub has room for the 33-byte case */
	const uint8_t *qs, *rq;
	size_t qslen;
	struct buf m;
	struct run r;
	struct rd rd;
	int i, ok = 0;

	for (i = 0; i < 3; i++)
		CHECK(run_value(&agree_x25519, NULL, low[i], 32, 0) == SSH_ERR_KEY,
		      "x25519: low-order point %d rejected", i);
	rand_bytes(sk, sizeof sk);
	x25519_base(pub, sk);
	CHECK(run_value(&agree_x25519, NULL, pub, 31, 0) == SSH_ERR_KEY &&
	      run_value(&agree_x25519, NULL, pub, 33, 0) == SSH_ERR_KEY,
	      "x25519: Q_C of 31 or 33 bytes rejected");
	buf_init(&m, 0);
	buf_string(&m, pub, 32);
	run(&r, &agree_x25519, NULL, m.d, m.len);
	rd_init(&rd, r.reply.d, r.reply.len);
	if (r.rc == SSH_OK && rd_string(&rd, &rq, &qslen) == SSH_OK &&
	    rd_end(&rd) == SSH_OK && qslen == 32 &&
	    split_strings(&r.hashpart, pub, 32, &qs, &qslen) && qslen == 32 &&
	    memcmp(qs, rq, 32) == 0 && x25519(k, sk, qs) == SSH_OK)
		/* RFC 8731 3.1: the bytes as they come, read big-endian */
		ok = secret_is(&r.secret, k, 32);
	CHECK(ok, "x25519: round trip gives the same K as mpint of raw bytes");
	run_free(&r);
	buf_u8(&m, 0);
	run(&r, &agree_x25519, NULL, m.d, m.len);
	CHECK(r.rc == SSH_ERR_FORMAT, "x25519: trailing byte rejected");
	run_free(&r);
	buf_free(&m);
	wipe(sk, sizeof sk);
	wipe(k, sizeof k);
}

/* ---- group exchange ---- */

static void put_line(FILE *f, const char *type, const char *tests,
		     unsigned size, const char *gen, const uint8_t *p, size_t plen)
{
	size_t i;
	fprintf(f, "20240101000000 %s %s 100 %u %s ", type, tests, size, gen);
	for (i = 0; i < plen; i++)
		fprintf(f, "%02X", p[i]);
	fputc('\n', f);
}

static uint32_t gex_bits(const char *path, uint32_t min, uint32_t want,
			 uint32_t max, int *gen)
{
	struct dh_group g;
	uint32_t bits;
	int rc = dh_gex_choose(path, min, want, max, &g);
	if (rc != SSH_OK)
		return 0;
	bits = (uint32_t)g.plen * 8;
	if (gen)
		*gen = g.glen == 1 ? g.g[0] : -1;
	dh_group_free(&g);
	return bits;
}

/* a moduli file: malformed or unfit 3072-bit lines that would otherwise
 * win, then usable groups of 1024 to 8192 bits, the last line without its
 * newline (the caller truncates it) */
static void write_moduli(FILE *f)
{
	uint8_t p3072[384], even[384];
	/* an odd 3072-bit number: the loader does not test primality */
	memcpy(p3072, dh_group18.p, sizeof p3072);
	p3072[383] |= 1;
	memcpy(even, p3072, sizeof even);
	even[383] &= 0xfe;

	fputs("# Time Type Tests Tries Size Generator Modulus\n\n", f);
	/* malformed or unfit 3072-bit lines that would otherwise win */
	put_line(f, "1", "6", 3071, "2", p3072, sizeof p3072);    /* not safe */
	put_line(f, "2", "2", 3071, "2", p3072, sizeof p3072);    /* no M-R */
	put_line(f, "2", "7", 3071, "2", p3072, sizeof p3072);    /* composite */
	put_line(f, "2", "6", 3071, "2", even, sizeof even);      /* even */
	put_line(f, "2", "6", 3071, "1", p3072, sizeof p3072);    /* g = 1 */
	put_line(f, "2", "6", 3071, "2", dh_group14.p, 256);      /* size lies */
	put_line(f, "2", "6", 3071, "2G", p3072, sizeof p3072);   /* bad hex */
	put_line(f, "2x", "6", 3071, "2", p3072, sizeof p3072);   /* bad number */
	fputs("20240101000000 2 6 100 3071 2\n", f);             /* short */
	fputs("20240101000000 2 6 100 3071 2 ABCD EF\n", f);     /* long */
	for (int i = 0; i < 5000; i++)                             /* over-long */
		fputc(' ', f);
	put_line(f, "2", "6", 3071, "2", p3072, sizeof p3072);
	/* the usable ones */
	put_line(f, "2", "6", 1023, "2", dh_group1.p, dh_group1.plen);
	put_line(f, "2", "6", 2047, "2", dh_group14.p, dh_group14.plen);
	put_line(f, "2", "6", 2047, "5", dh_group14.p, dh_group14.plen);
	put_line(f, "2", "6", 4095, "2", dh_group16.p, dh_group16.plen);
	/* last line without a newline */
	put_line(f, "2", "6", 8191, "2", dh_group18.p, dh_group18.plen);
}

/* the choices write_moduli's file gives */
static void gex_from_file(const char *path)
{
	struct dh_group g;
	int seen2 = 0, seen5 = 0, gen = 0;
	CHECK(gex_bits(path, 2048, 3072, 8192, NULL) == 4096,
	      "gex: bad 3072 lines skipped; tie 2048/4096 goes to the bigger");
	CHECK(gex_bits(path, 2048, 2048, 8192, NULL) == 2048, "gex: exact size");
	CHECK(gex_bits(path, 2048, 8000, 8192, NULL) == 8192,
	      "gex: last line without newline read");
	CHECK(gex_bits(path, 1024, 1024, 1024, NULL) == 1024, "gex: min = max");
	CHECK(gex_bits(path, 3000, 2048, 5000, NULL) == 4096,
	      "gex: min bound respected");
	CHECK(gex_bits(path, 1024, 8192, 5000, NULL) == 4096,
	      "gex: max bound respected");
	for (int i = 0; i < 64; i++) {
		gex_bits(path, 2048, 2048, 2048, &gen);
		seen2 += gen == 2;
		seen5 += gen == 5;
	}
	CHECK(seen2 > 0 && seen5 > 0 && seen2 + seen5 == 64,
	      "gex: random choice among equals (g=2 %d, g=5 %d)", seen2, seen5);
	CHECK(dh_gex_choose(path, 1100, 1500, 1900, &g) == SSH_ERR_NOALG,
	      "gex: nothing in range in file or built-ins -> NOALG");
	CHECK(dh_gex_choose(path, 4000, 3000, 2000, &g) == SSH_ERR_NOALG,
	      "gex: min > max -> NOALG");
}

/* no file at path: the built-in groups */
static void gex_fallback(const char *path)
{
	struct dh_group g;
	CHECK(gex_bits(path, 2048, 3072, 8192, NULL) == 4096 &&
	      gex_bits(path, 2048, 7000, 8192, NULL) == 8192 &&
	      gex_bits(path, 1024, 2048, 3072, NULL) == 2048,
	      "gex: missing file falls back to groups 14/16/18");
	CHECK(dh_gex_choose(path, 1024, 1024, 1536, &g) == SSH_ERR_NOALG,
	      "gex: missing file, no built-in in range -> NOALG");
	if (dh_gex_choose(path, 2048, 2048, 2048, &g) == SSH_OK) {
		CHECK(g.plen == dh_group14.plen &&
		      memcmp(g.p, dh_group14.p, g.plen) == 0 && g.glen == 1 &&
		      g.g[0] == 2, "gex: fallback copies group 14");
		dh_roundtrip("gex group", &g);
		dh_group_free(&g);
	}
}

static void gex_tests(void)
{
	char path[] = "/tmp/test_agree_moduli.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		CHECK(0, "gex: temp file");
		return;
	}
	write_moduli(f);
	fflush(f);
	if (ftruncate(fd, ftell(f) - 1) != 0)
		CHECK(0, "gex: truncate");
	fclose(f);
	gex_from_file(path);
	unlink(path);
	gex_fallback(path);
	/* the system file, when present */
	if (access("/etc/ssh/moduli", R_OK) == 0)
		CHECK(gex_bits("/etc/ssh/moduli", 2048, 3072, 8192, NULL) == 3072,
		      "gex: /etc/ssh/moduli gives a 3072-bit group");
}

/* ---- timing ---- */

static void timing(const char *name, const struct agree *a, const void *param,
		   const uint8_t *msg, size_t len, int n)
{
	struct run r;
	double t0 = now_ms(), t;
	int i, ok = 1;
	for (i = 0; i < n; i++) {
		run(&r, a, param, msg, len);
		ok = ok && r.rc == SSH_OK;
		run_free(&r);
	}
	t = (now_ms() - t0) / n;
	CHECK(ok, "timing run %s", name);
	printf("# timing %-10s %8.2f ms per server agreement\n", name, t);
}

static void timings(void)
{
	const struct ecdh_curve *cs[] = { &ecdh_p256, &ecdh_p384, &ecdh_p521 };
	const struct dh_group *gs[] = { &dh_group14, &dh_group16, &dh_group18 };
	const char *gn[] = { "group14", "group16", "group18" };
	uint8_t q[133], priv[66], sk[32], pub[32];
	unsigned long qlen;
	size_t privlen;
	struct buf m;
	int i;
	for (i = 0; i < 3; i++) {
		qlen = sizeof q;
		if (ec_client(cs[i], q, &qlen, priv, &privlen) != 0)
			continue;
		buf_init(&m, 0);
		buf_string(&m, q, qlen);
		timing(cs[i]->name, &agree_ecdh, cs[i], m.d, m.len, 10);
		buf_free(&m);
	}
	for (i = 0; i < 3; i++) {
		/* e = 5 is in range (two bits set) and costs the server the same */
		uint8_t five = 5;
		buf_init(&m, 0);
		buf_mpint(&m, &five, 1);
		timing(gn[i], &agree_dh, gs[i], m.d, m.len, i == 2 ? 3 : 10);
		buf_free(&m);
	}
	rand_bytes(sk, sizeof sk);
	x25519_base(pub, sk);
	buf_init(&m, 0);
	buf_string(&m, pub, 32);
	timing("x25519", &agree_x25519, NULL, m.d, m.len, 50);
	buf_free(&m);
}

int main(void)
{
	if (crypto_init() != 0) {
		CHECK(0, "crypto_init");
		return 1;
	}
	ecdh_wycheproof("wycheproof/ecdh_secp256r1_ecpoint_test.json", &ecdh_p256);
	ecdh_wycheproof("wycheproof/ecdh_secp384r1_ecpoint_test.json", &ecdh_p384);
	ecdh_wycheproof("wycheproof/ecdh_secp521r1_ecpoint_test.json", &ecdh_p521);
	ecdh_roundtrip(&ecdh_p256);
	ecdh_roundtrip(&ecdh_p384);
	ecdh_roundtrip(&ecdh_p521);
	ecdh_cross_curve();

	dh_group_check("group1", &dh_group1, 1024, "49286651ECE65381FFFFFFFFFFFFFFFF");
	dh_group_check("group14", &dh_group14, 2048, "15728E5A8AACAA68FFFFFFFFFFFFFFFF");
	dh_group_check("group16", &dh_group16, 4096, "4DF435C934063199FFFFFFFFFFFFFFFF");
	dh_group_check("group18", &dh_group18, 8192, "60C980DD98EDD3DFFFFFFFFFFFFFFFFF");
	dh_bad_e("group14", &dh_group14);
	dh_bad_e("group1", &dh_group1);
	dh_roundtrip("group1", &dh_group1);
	dh_roundtrip("group14", &dh_group14);
	dh_roundtrip("group16", &dh_group16);
	dh_roundtrip("group18", &dh_group18);

	x25519_tests();
	gex_tests();
	timings();
	return t_done();
}
