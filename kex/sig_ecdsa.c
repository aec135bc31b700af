/* ECDSA over NIST P-256, P-384 and P-521 (RFC 5656 3): blobs "string
 * curve, string Q", signatures "mpint r, mpint s". libtomcrypt supplies the
 * point arithmetic; what 1.18 leaves out is done here: the on-curve check
 * of public points (ecc_point.c), the 0 < r,s < n checks, and a nonce
 * drawn without the modular bias of ecc_make_key (which reduces 66 random
 * bytes mod the 521-bit order). */
#include <stdlib.h>
#include <string.h>

#include <tomcrypt.h>
#include <tommath.h>

#include "kex/ecc_point.h"
#include "kex/hostkey.h"
#include "transport/crypto.h"
#include "transport/namelist.h"

#define EC_MAX 66
/* bytes of randomness beyond the order's size, so that reducing them mod
 * n - 1 leaves a bias below 2^-128 */
#define EC_EXTRA 16

struct curve {
	enum keytype type;
	const char *ssh; /* curve identifier in blobs */
	size_t size;     /* bytes of a field element and of the order */
	const uint8_t *oid;
	size_t oidlen;
};

/* namedCurve OIDs (RFC 5480), DER content bytes */
static const uint8_t oid_p256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t oid_p384[] = {0x2b, 0x81, 0x04, 0x00, 0x22};
static const uint8_t oid_p521[] = {0x2b, 0x81, 0x04, 0x00, 0x23};

static const struct curve curves[] = {
	{KEY_ECDSA_P256, "nistp256", 32, oid_p256, sizeof oid_p256},
	{KEY_ECDSA_P384, "nistp384", 48, oid_p384, sizeof oid_p384},
	{KEY_ECDSA_P521, "nistp521", 66, oid_p521, sizeof oid_p521},
};

struct eckey {
	const struct curve *c;
	uint8_t d[EC_MAX];          /* private scalar, c->size bytes */
	uint8_t q[1 + 2 * EC_MAX];  /* public point, SEC1 uncompressed */
};

/* curve constants as numbers */
struct params {
	const ltc_ecc_set_type *set;
	mp_int p, n, gx, gy;
};

static const struct curve *curve_get(enum keytype t)
{
	size_t i;
	for (i = 0; i < sizeof curves / sizeof curves[0]; i++)
		if (curves[i].type == t)
			return &curves[i];
	return NULL;
}

enum keytype ecdsa_type_by_oid(const uint8_t *oid, size_t len)
{
	size_t i;
	for (i = 0; i < sizeof curves / sizeof curves[0]; i++)
		if (curves[i].oidlen == len && !memcmp(curves[i].oid, oid, len))
			return curves[i].type;
	return KEY_NONE;
}

static int params_init(const struct curve *c, struct params *pr)
{
	int i = ec_curve_index(c->size);
	const ltc_ecc_set_type *s = i < 0 ? NULL : &ltc_ecc_sets[i];

	if (!s || mp_init_multi(&pr->p, &pr->n, &pr->gx, &pr->gy, NULL) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	if (mp_read_radix(&pr->p, s->prime, 16) != MP_OKAY ||
	    mp_read_radix(&pr->n, s->order, 16) != MP_OKAY ||
	    mp_read_radix(&pr->gx, s->Gx, 16) != MP_OKAY ||
	    mp_read_radix(&pr->gy, s->Gy, 16) != MP_OKAY) {
		mp_clear_multi(&pr->p, &pr->n, &pr->gx, &pr->gy, NULL);
		return SSH_ERR_CRYPTO;
	}
	pr->set = s;
	return SSH_OK;
}

static void params_clear(struct params *pr)
{
	mp_clear_multi(&pr->p, &pr->n, &pr->gx, &pr->gy, NULL);
}

static ecc_point *point_new(const mp_int *x, const mp_int *y)
{
	ecc_point *pt = ltc_ecc_new_point();
	if (pt && (mp_copy(x, pt->x) != MP_OKAY || mp_copy(y, pt->y) != MP_OKAY)) {
		ltc_ecc_del_point(pt);
		return NULL;
	}
	if (pt)
		mp_set(pt->z, 1);
	return pt;
}

/* (x, y) = k*G, for 0 < k < n */
static int mul_base(const struct params *pr, const mp_int *k, mp_int *x, mp_int *y)
{
	ecc_point *g = point_new(&pr->gx, &pr->gy), *r = ltc_ecc_new_point();
	int e = SSH_ERR_ALLOC;

	if (g && r) {
		e = SSH_ERR_CRYPTO;
		if (ltc_ecc_mulmod((void *)k, g, r, (void *)&pr->p, 1) == CRYPT_OK &&
		    mp_copy(r->x, x) == MP_OKAY && mp_copy(r->y, y) == MP_OKAY)
			e = SSH_OK;
	}
	if (g)
		ltc_ecc_del_point(g);
	if (r)
		ltc_ecc_del_point(r);
	return e;
}

/* uniform in [1, n-1] */
static int rand_scalar(const struct curve *c, const struct params *pr, mp_int *k)
{
	uint8_t r[EC_MAX + EC_EXTRA];
	mp_int n1;
	int e = SSH_OK;

	if (mp_init(&n1) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	rand_bytes(r, c->size + EC_EXTRA);
	MP_TRY(mp_from_ubin(k, r, c->size + EC_EXTRA));
	MP_TRY(mp_sub_d(&pr->n, 1, &n1));
	MP_TRY(mp_mod(k, &n1, k));
	MP_TRY(mp_add_d(k, 1, k));
out:
	wipe(r, sizeof r);
	mp_clear(&n1);
	return e;
}

/* the hash as an integer, cut to the order's bit length (SEC1 4.1.3) */
static int hash_int(const struct params *pr, const char *hash, const uint8_t *data, size_t len,
		    mp_int *h)
{
	uint8_t d[64];
	size_t dl = sizeof d;
	int bits, e = sig_digest(hash, data, len, d, &dl);

	if (e != SSH_OK)
		return e;
	if (mp_from_ubin(h, d, dl) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	bits = mp_count_bits(&pr->n);
	if ((int)dl * 8 > bits && mp_div_2d(h, (int)dl * 8 - bits, h, NULL) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

int ecdsa_key_from_scalar(enum keytype t, const uint8_t *d, size_t dlen, const uint8_t *q,
			  size_t qlen, void **priv)
{
	const struct curve *c = curve_get(t);
	struct params pr;
	struct eckey *k;
	mp_int s, x, y;
	int e;

	if (!c)
		return SSH_ERR_KEY;
	while (dlen > 0 && d[0] == 0) {
		d++;
		dlen--;
	}
	if (dlen > c->size)
		return SSH_ERR_KEY;
	if ((e = params_init(c, &pr)) != SSH_OK)
		return e;
	k = calloc(1, sizeof *k);
	if (!k || mp_init_multi(&s, &x, &y, NULL) != MP_OKAY) {
		free(k);
		params_clear(&pr);
		return SSH_ERR_ALLOC;
	}
	e = SSH_ERR_KEY;
	MP_TRY(mp_from_ubin(&s, d, dlen));
	if (mp_iszero(&s) || mp_cmp(&s, &pr.n) != MP_LT)
		goto out;
	k->c = c;
	if ((e = mp_put_fixed(&s, k->d, c->size)) != SSH_OK)
		goto out;
	if (q) {
		/* the stored point is trusted once it is on the curve: d*G would
		 * be most of a connection's work; sshd-lite -t checks that the
		 * halves match (hostkey_selftest) */
		if ((e = ec_point_check(pr.set, q, qlen)) == SSH_OK)
			memcpy(k->q, q, qlen);
		goto out;
	}
	if ((e = mul_base(&pr, &s, &x, &y)) != SSH_OK)
		goto out;
	k->q[0] = 0x04;
	if ((e = mp_put_fixed(&x, k->q + 1, c->size)) != SSH_OK)
		goto out;
	e = mp_put_fixed(&y, k->q + 1 + c->size, c->size);
out:
	mp_clear_multi(&s, &x, &y, NULL);
	params_clear(&pr);
	if (e == SSH_OK) {
		*priv = k;
	} else {
		wipe(k, sizeof *k);
		free(k);
	}
	return e;
}

static void ec_free(void *priv)
{
	wipe(priv, sizeof(struct eckey));
	free(priv);
}

static int ec_generate(enum keytype t, int bits, void **priv)
{
	const struct curve *c = curve_get(t);
	struct params pr;
	uint8_t d[EC_MAX];
	mp_int s;
	int e;

	(void)bits; /* hostkey_generate has turned bits into the type */
	if (!c)
		return SSH_ERR_UNSUPPORTED;
	if ((e = params_init(c, &pr)) != SSH_OK)
		return e;
	if (mp_init(&s) != MP_OKAY) {
		params_clear(&pr);
		return SSH_ERR_ALLOC;
	}
	e = rand_scalar(c, &pr, &s);
	if (e == SSH_OK)
		e = mp_put_fixed(&s, d, c->size);
	if (e == SSH_OK)
		e = ecdsa_key_from_scalar(t, d, c->size, NULL, 0, priv);
	wipe(d, sizeof d);
	mp_clear(&s);
	params_clear(&pr);
	return e;
}

static int ec_put_public(const void *priv, struct buf *out)
{
	const struct eckey *k = priv;
	int e = buf_cstring(out, k->c->ssh);
	if (e == SSH_OK)
		e = buf_string(out, k->q, 1 + 2 * k->c->size);
	return e;
}

/* private fields: string curve, string Q, mpint d */
static int ec_put_private(const void *priv, struct buf *out)
{
	const struct eckey *k = priv;
	int e = ec_put_public(priv, out);
	if (e == SSH_OK)
		e = buf_mpint(out, k->d, k->c->size);
	return e;
}

static int ec_get_private(enum keytype t, struct rd *r, void **priv)
{
	const struct curve *c = curve_get(t);
	const uint8_t *id, *q, *d;
	size_t idlen, qlen, dlen;
	int e;

	if (!c)
		return SSH_ERR_KEY;
	if ((e = rd_text(r, &id, &idlen)) != SSH_OK || (e = rd_string(r, &q, &qlen)) != SSH_OK ||
	    (e = rd_mpint(r, c->size, &d, &dlen)) != SSH_OK)
		return e;
	if (!name_eq(c->ssh, id, idlen))
		return SSH_ERR_KEY;
	return ecdsa_key_from_scalar(t, d, dlen, q, qlen, priv);
}

static int ec_sign(const void *priv, const struct sigalg *alg, const uint8_t *data, size_t len,
		   struct buf *out)
{
	const struct eckey *k = priv;
	const struct curve *c = k->c;
	struct params pr;
	mp_int h, d, nonce, x, y, r, s, bl, t;
	uint8_t rb[EC_MAX], sb[EC_MAX];
	int e, tries;

	if ((e = params_init(c, &pr)) != SSH_OK)
		return e;
	if (mp_init_multi(&h, &d, &nonce, &x, &y, &r, &s, &bl, &t, NULL) != MP_OKAY) {
		params_clear(&pr);
		return SSH_ERR_ALLOC;
	}
	if ((e = hash_int(&pr, alg->hash, data, len, &h)) != SSH_OK)
		goto out;
	MP_TRY(mp_from_ubin(&d, k->d, c->size));
	/* r or s = 0 happens with probability about 2^-256; retry a few
	 * times rather than loop forever on a broken random source */
	e = SSH_ERR_CRYPTO;
	for (tries = 0; tries < 8 && e != SSH_OK; tries++) {
		if (rand_scalar(c, &pr, &nonce) != SSH_OK || mul_base(&pr, &nonce, &x, &y) != SSH_OK)
			goto out;
		MP_TRY(mp_mod(&x, &pr.n, &r));
		if (mp_iszero(&r))
			continue;
		/* s = k^-1 (h + r d), inverting k*bl rather than k so the
		 * variable-time inversion never sees the nonce itself */
		if (rand_scalar(c, &pr, &bl) != SSH_OK)
			goto out;
		MP_TRY(mp_mulmod(&nonce, &bl, &pr.n, &t));
		MP_TRY(mp_invmod(&t, &pr.n, &t));
		MP_TRY(mp_mulmod(&t, &bl, &pr.n, &t));
		MP_TRY(mp_mulmod(&r, &d, &pr.n, &s));
		MP_TRY(mp_addmod(&s, &h, &pr.n, &s));
		MP_TRY(mp_mulmod(&s, &t, &pr.n, &s));
		if (!mp_iszero(&s))
			e = SSH_OK;
	}
	if (e == SSH_OK && (e = mp_put_fixed(&r, rb, c->size)) == SSH_OK &&
	    (e = mp_put_fixed(&s, sb, c->size)) == SSH_OK &&
	    (e = buf_mpint(out, rb, c->size)) == SSH_OK)
		e = buf_mpint(out, sb, c->size);
out:
	mp_clear_multi(&h, &d, &nonce, &x, &y, &r, &s, &bl, &t, NULL);
	params_clear(&pr);
	return e;
}

/* Verification arithmetic in Jacobian coordinates (x = X/Z^2, y = Y/Z^3,
 * Z = 0 for infinity) with field elements in Montgomery form, so that no
 * step divides. Its inputs are public, so it may take variable time, but
 * it must be complete: ltc_ecc_mul2add mishandles sums of equal or
 * opposite points and rejects valid signatures (Wycheproof's "Edge case
 * for Shamir multiplication"). */
struct jac {
	mp_int x, y, z;
};

struct jctx {
	const mp_int *p;
	mp_digit rho;
	mp_int a, b, c, d, e, f, g;
};

/* field operations on values in [0, p) */
static int fmul(struct jctx *c, mp_int *r, const mp_int *x, const mp_int *y)
{
	if (mp_mul(x, y, r) != MP_OKAY || mp_montgomery_reduce(r, c->p, c->rho) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

static int fadd(struct jctx *c, mp_int *r, const mp_int *x, const mp_int *y)
{
	if (mp_add(x, y, r) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	if (mp_cmp(r, c->p) != MP_LT && mp_sub(r, c->p, r) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

static int fsub(struct jctx *c, mp_int *r, const mp_int *x, const mp_int *y)
{
	if (mp_sub(x, y, r) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	if (mp_isneg(r) && mp_add(r, c->p, r) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

#define F(x)                               \
	do {                               \
		if ((e = (x)) != SSH_OK)   \
			return e;          \
	} while (0)

static int jac_set(struct jac *r, const struct jac *q)
{
	if (mp_copy(&q->x, &r->x) != MP_OKAY || mp_copy(&q->y, &r->y) != MP_OKAY ||
	    mp_copy(&q->z, &r->z) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

/* r = 2q for a = -3; r may be q */
static int jac_dbl(struct jctx *c, struct jac *r, const struct jac *q)
{
	int e;

	if (mp_iszero(&q->z) || mp_iszero(&q->y)) {
		mp_zero(&r->z);
		return SSH_OK;
	}
	F(fmul(c, &c->a, &q->z, &q->z));           /* delta = Z^2 */
	F(fmul(c, &c->b, &q->y, &q->y));           /* gamma = Y^2 */
	F(fmul(c, &c->c, &q->x, &c->b));           /* beta = X gamma */
	F(fsub(c, &c->d, &q->x, &c->a));
	F(fadd(c, &c->e, &q->x, &c->a));
	F(fmul(c, &c->g, &c->d, &c->e));
	F(fadd(c, &c->d, &c->g, &c->g));
	F(fadd(c, &c->d, &c->d, &c->g));           /* alpha = 3 (X-delta)(X+delta) */
	F(fadd(c, &c->e, &q->y, &q->z));
	F(fmul(c, &c->e, &c->e, &c->e));
	F(fsub(c, &c->e, &c->e, &c->b));
	F(fsub(c, &c->e, &c->e, &c->a));           /* Z3 = (Y+Z)^2 - gamma - delta */
	F(fadd(c, &c->c, &c->c, &c->c));
	F(fadd(c, &c->c, &c->c, &c->c));           /* 4 beta */
	F(fmul(c, &c->f, &c->d, &c->d));
	F(fsub(c, &c->f, &c->f, &c->c));
	F(fsub(c, &c->f, &c->f, &c->c));           /* X3 = alpha^2 - 8 beta */
	F(fsub(c, &c->c, &c->c, &c->f));
	F(fmul(c, &c->c, &c->d, &c->c));
	F(fmul(c, &c->b, &c->b, &c->b));
	F(fadd(c, &c->b, &c->b, &c->b));
	F(fadd(c, &c->b, &c->b, &c->b));
	F(fadd(c, &c->b, &c->b, &c->b));
	F(fsub(c, &c->c, &c->c, &c->b));           /* Y3 = alpha (4 beta - X3) - 8 gamma^2 */
	mp_exch(&c->f, &r->x);
	mp_exch(&c->c, &r->y);
	mp_exch(&c->e, &r->z);
	return SSH_OK;
}

/* r = q1 + q2; r may be q1 */
static int jac_add(struct jctx *c, struct jac *r, const struct jac *q1, const struct jac *q2)
{
	int e;

	if (mp_iszero(&q1->z))
		return jac_set(r, q2);
	if (mp_iszero(&q2->z))
		return jac_set(r, q1);
	F(fmul(c, &c->a, &q1->z, &q1->z));         /* Z1^2 */
	F(fmul(c, &c->b, &q2->z, &q2->z));         /* Z2^2 */
	F(fmul(c, &c->c, &q1->x, &c->b));          /* U1 = X1 Z2^2 */
	F(fmul(c, &c->d, &q2->x, &c->a));          /* U2 = X2 Z1^2 */
	F(fmul(c, &c->e, &q1->y, &q2->z));
	F(fmul(c, &c->e, &c->e, &c->b));           /* S1 = Y1 Z2^3 */
	F(fmul(c, &c->f, &q2->y, &q1->z));
	F(fmul(c, &c->f, &c->f, &c->a));           /* S2 = Y2 Z1^3 */
	if (mp_cmp(&c->c, &c->d) == MP_EQ) {
		if (mp_cmp(&c->e, &c->f) == MP_EQ)
			return jac_dbl(c, r, q1);
		mp_zero(&r->z); /* q2 = -q1 */
		return SSH_OK;
	}
	F(fsub(c, &c->d, &c->d, &c->c));           /* H = U2 - U1 */
	F(fsub(c, &c->f, &c->f, &c->e));           /* R = S2 - S1 */
	F(fmul(c, &c->a, &c->d, &c->d));           /* H^2 */
	F(fmul(c, &c->b, &c->d, &c->a));           /* H^3 */
	F(fmul(c, &c->c, &c->c, &c->a));           /* V = U1 H^2 */
	F(fmul(c, &c->g, &c->f, &c->f));
	F(fsub(c, &c->g, &c->g, &c->b));
	F(fsub(c, &c->g, &c->g, &c->c));
	F(fsub(c, &c->g, &c->g, &c->c));           /* X3 = R^2 - H^3 - 2V */
	F(fsub(c, &c->c, &c->c, &c->g));
	F(fmul(c, &c->c, &c->f, &c->c));
	F(fmul(c, &c->e, &c->e, &c->b));
	F(fsub(c, &c->c, &c->c, &c->e));           /* Y3 = R (V - X3) - S1 H^3 */
	F(fmul(c, &c->a, &q1->z, &q2->z));
	F(fmul(c, &c->a, &c->a, &c->d));           /* Z3 = Z1 Z2 H */
	mp_exch(&c->g, &r->x);
	mp_exch(&c->c, &r->y);
	mp_exch(&c->a, &r->z);
	return SSH_OK;
}

/* an affine point into Montgomery form (r2 = R^2 mod p), or infinity */
static int jac_init(struct jctx *c, struct jac *q, const mp_int *x, const mp_int *y,
		    const mp_int *r2)
{
	int e = SSH_OK;
	if (mp_init_multi(&q->x, &q->y, &q->z, NULL) != MP_OKAY)
		return SSH_ERR_ALLOC;
	mp_zero(&q->z);
	if (x && ((e = fmul(c, &q->x, x, r2)) != SSH_OK || (e = fmul(c, &q->y, y, r2)) != SSH_OK ||
		  mp_montgomery_calc_normalization(&q->z, c->p) != MP_OKAY))
		e = e ? e : SSH_ERR_CRYPTO;
	if (e != SSH_OK)
		mp_clear_multi(&q->x, &q->y, &q->z, NULL);
	return e;
}

static void jac_clear(struct jac *q) { mp_clear_multi(&q->x, &q->y, &q->z, NULL); }

/* x-coordinate of u1*G + u2*Q by Shamir's trick; SSH_ERR_SIG when the sum
 * is the point at infinity */
static int double_mul(const struct curve *cv, const struct params *pr, const mp_int *u1,
		      const mp_int *u2, const mp_int *qx, const mp_int *qy, mp_int *x)
{
	struct jctx c;
	struct jac t[4]; /* [1] = G, [2] = Q, [3] = G + Q; [0] the sum */
	uint8_t k1[EC_MAX], k2[EC_MAX];
	mp_int r2;
	size_t i, n = 0;
	int e;

	c.p = &pr->p;
	if (mp_init_multi(&c.a, &c.b, &c.c, &c.d, &c.e, &c.f, &c.g, &r2, NULL) != MP_OKAY)
		return SSH_ERR_ALLOC;
	MP_TRY(mp_montgomery_setup(&pr->p, &c.rho));
	MP_TRY(mp_montgomery_calc_normalization(&r2, &pr->p));
	MP_TRY(mp_mulmod(&r2, &r2, &pr->p, &r2));
	for (e = SSH_OK; n < 4; n++) {
		const mp_int *ix = n == 1 ? &pr->gx : n == 2 ? qx : NULL;
		const mp_int *iy = n == 1 ? &pr->gy : qy;
		if ((e = jac_init(&c, &t[n], ix, iy, &r2)) != SSH_OK)
			goto out;
	}
	if ((e = jac_add(&c, &t[3], &t[1], &t[2])) != SSH_OK ||
	    (e = mp_put_fixed(u1, k1, cv->size)) != SSH_OK ||
	    (e = mp_put_fixed(u2, k2, cv->size)) != SSH_OK)
		goto out;
	for (i = 0; i < 8 * cv->size; i++) {
		int bit = 7 - (int)(i % 8);
		int idx = (k1[i / 8] >> bit & 1) | (k2[i / 8] >> bit & 1) << 1;
		if ((e = jac_dbl(&c, &t[0], &t[0])) != SSH_OK ||
		    (idx && (e = jac_add(&c, &t[0], &t[0], &t[idx])) != SSH_OK))
			goto out;
	}
	e = SSH_ERR_SIG;
	if (mp_iszero(&t[0].z))
		goto out;
	/* x = X / Z^2, out of Montgomery form */
	MP_TRY(mp_montgomery_reduce(&t[0].z, &pr->p, c.rho));
	MP_TRY(mp_montgomery_reduce(&t[0].x, &pr->p, c.rho));
	MP_TRY(mp_invmod(&t[0].z, &pr->p, &c.a));
	MP_TRY(mp_sqrmod(&c.a, &pr->p, &c.a));
	MP_TRY(mp_mulmod(&t[0].x, &c.a, &pr->p, x));
	e = SSH_OK;
out:
	for (i = 0; i < n; i++)
		jac_clear(&t[i]);
	mp_clear_multi(&c.a, &c.b, &c.c, &c.d, &c.e, &c.f, &c.g, &r2, NULL);
	return e;
}

static int ec_verify(enum keytype t, const struct sigalg *alg, struct rd *pub,
		     const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	const struct curve *c = curve_get(t);
	struct params pr;
	struct rd sr;
	const uint8_t *id, *q, *rp, *sp;
	size_t idlen, qlen, rl, sl;
	mp_int qx, qy, r, s, h, w, u1, u2, x;
	int e;

	if (!c)
		return SSH_ERR_KEY;
	/* blob after the type: string curve identifier, string Q */
	if (rd_text(pub, &id, &idlen) != SSH_OK || rd_string(pub, &q, &qlen) != SSH_OK ||
	    rd_end(pub) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (!name_eq(c->ssh, id, idlen))
		return SSH_ERR_KEY;
	/* signature: mpint r, mpint s */
	rd_init(&sr, sig, siglen);
	e = rd_mpint(&sr, c->size, &rp, &rl);
	if (e == SSH_OK)
		e = rd_mpint(&sr, c->size, &sp, &sl);
	if (e == SSH_OK)
		e = rd_end(&sr);
	if (e != SSH_OK)
		return e == SSH_ERR_TOOBIG ? SSH_ERR_SIG : SSH_ERR_FORMAT;
	if ((e = params_init(c, &pr)) != SSH_OK)
		return e;
	if (mp_init_multi(&qx, &qy, &r, &s, &h, &w, &u1, &u2, &x, NULL) != MP_OKAY) {
		params_clear(&pr);
		return SSH_ERR_ALLOC;
	}
	if ((e = ec_point_check(pr.set, q, qlen)) != SSH_OK)
		goto out;
	MP_TRY(mp_from_ubin(&qx, q + 1, c->size));
	MP_TRY(mp_from_ubin(&qy, q + 1 + c->size, c->size));
	MP_TRY(mp_from_ubin(&r, rp, rl));
	MP_TRY(mp_from_ubin(&s, sp, sl));
	e = SSH_ERR_SIG;
	if (mp_iszero(&r) || mp_iszero(&s) || mp_cmp(&r, &pr.n) != MP_LT ||
	    mp_cmp(&s, &pr.n) != MP_LT)
		goto out;
	if ((e = hash_int(&pr, alg->hash, data, len, &h)) != SSH_OK)
		goto out;
	MP_TRY(mp_invmod(&s, &pr.n, &w));
	MP_TRY(mp_mulmod(&h, &w, &pr.n, &u1));
	MP_TRY(mp_mulmod(&r, &w, &pr.n, &u2));
	if ((e = double_mul(c, &pr, &u1, &u2, &qx, &qy, &x)) != SSH_OK)
		goto out;
	MP_TRY(mp_mod(&x, &pr.n, &x));
	e = mp_cmp(&x, &r) == MP_EQ ? SSH_OK : SSH_ERR_SIG;
out:
	mp_clear_multi(&qx, &qy, &r, &s, &h, &w, &u1, &u2, &x, NULL);
	params_clear(&pr);
	return e;
}

#define ECDSA_ROW(t, name)                                                          \
	{t, name, ec_put_public, ec_get_private, ec_put_private, ec_sign, ec_verify, \
	 ec_generate, ec_free}

const struct keyops keyops_ecdsa_p256 = ECDSA_ROW(KEY_ECDSA_P256, "ecdsa-sha2-nistp256");
const struct keyops keyops_ecdsa_p384 = ECDSA_ROW(KEY_ECDSA_P384, "ecdsa-sha2-nistp384");
const struct keyops keyops_ecdsa_p521 = ECDSA_ROW(KEY_ECDSA_P521, "ecdsa-sha2-nistp521");
