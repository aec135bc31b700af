/* RSA: the blob is "mpint e, mpint n" under the name ssh-rsa whatever hash
 * the signature uses; signatures are PKCS#1 v1.5 with SHA-1 (ssh-rsa),
 * SHA-256 or SHA-512 (RFC 8332), as long as the modulus. */
#include <stdlib.h>
#include <string.h>

#include <tomcrypt.h>
#include <tommath.h>

#include "kex/hostkey.h"
#include "transport/crypto.h"

#define RSA_MIN_BITS 1024     /* refused below this, as OpenSSH does */
#define RSA_GEN_MIN_BITS 2048
#define RSA_MAX_BITS 16384
#define RSA_DEFAULT_BITS 3072
#define RSA_MAX_BYTES (RSA_MAX_BITS / 8)

/* DER DigestInfo headers, up to the hash value (RFC 8017 9.2 note 1) */
static const uint8_t di_sha1[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
				  0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
static const uint8_t di_sha256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
				    0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
				    0x01, 0x05, 0x00, 0x04, 0x20};
static const uint8_t di_sha512[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60,
				    0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
				    0x03, 0x05, 0x00, 0x04, 0x40};

static const struct digestinfo {
	const char *hash;
	const uint8_t *der;
	size_t len;
} digestinfos[] = {
	{"sha1", di_sha1, sizeof di_sha1},
	{"sha256", di_sha256, sizeof di_sha256},
	{"sha512", di_sha512, sizeof di_sha512},
};

static const struct digestinfo *digestinfo_get(const char *hash)
{
	size_t i;
	for (i = 0; hash && i < sizeof digestinfos / sizeof digestinfos[0]; i++)
		if (!strcmp(digestinfos[i].hash, hash))
			return &digestinfos[i];
	return NULL;
}

static void rsa_priv_free(void *priv)
{
	rsa_free(priv); /* libtommath clears each number as it frees it */
	free(priv);
}

/* libtomcrypt takes the CRT values as bytes */
static int set_crt(rsa_key *k, const mp_int *dp, const mp_int *dq, const mp_int *qp)
{
	uint8_t b[3][RSA_MAX_BYTES];
	size_t l0 = mp_ubin_size(dp), l1 = mp_ubin_size(dq), l2 = mp_ubin_size(qp);
	int e = SSH_ERR_CRYPTO;

	if (mp_put_fixed(dp, b[0], l0) == SSH_OK && mp_put_fixed(dq, b[1], l1) == SSH_OK &&
	    mp_put_fixed(qp, b[2], l2) == SSH_OK &&
	    rsa_set_crt_params(b[0], l0, b[1], l1, b[2], l2, k) == CRYPT_OK)
		e = SSH_OK;
	wipe(b, sizeof b);
	return e;
}

/* n = pq and e*d = 1 mod p-1 and mod q-1: a key that fails these would
 * sign garbage, and a wrong CRT value can leak a factor */
static int check_and_crt(rsa_key *k, const uint8_t *iqmp, size_t iqmplen)
{
	mp_int t, p1, q1, dp, dq, qp;
	int e = SSH_ERR_KEY;

	if (mp_init_multi(&t, &p1, &q1, &dp, &dq, &qp, NULL) != MP_OKAY)
		return SSH_ERR_ALLOC;
	MP_TRY(mp_mul(k->p, k->q, &t));
	if (mp_cmp(&t, k->N) != MP_EQ || mp_cmp_d(k->p, 2) != MP_GT || mp_cmp_d(k->q, 2) != MP_GT)
		goto out;
	MP_TRY(mp_sub_d(k->p, 1, &p1));
	MP_TRY(mp_sub_d(k->q, 1, &q1));
	MP_TRY(mp_mod(k->d, &p1, &dp));
	MP_TRY(mp_mod(k->d, &q1, &dq));
	MP_TRY(mp_mulmod(k->e, &dp, &p1, &t));
	if (mp_cmp_d(&t, 1) != MP_EQ)
		goto out;
	MP_TRY(mp_mulmod(k->e, &dq, &q1, &t));
	if (mp_cmp_d(&t, 1) != MP_EQ)
		goto out;
	if (iqmp) {
		/* a wrong qInv makes CRT signatures that give away a factor:
		 * checked, which costs far less than computing it */
		MP_TRY(mp_from_ubin(&qp, iqmp, iqmplen));
		if (mp_cmp(&qp, k->p) != MP_LT)
			goto out;
		MP_TRY(mp_mulmod(&qp, k->q, k->p, &t));
		if (mp_cmp_d(&t, 1) != MP_EQ)
			goto out;
	} else if (mp_invmod(k->q, k->p, &qp) != MP_OKAY) {
		goto out;
	}
	e = set_crt(k, &dp, &dq, &qp);
out:
	mp_clear_multi(&t, &p1, &q1, &dp, &dq, &qp, NULL);
	return e;
}

/* the public half must be acceptable to key_verify too */
static int check_public(const mp_int *n, const mp_int *e)
{
	int bits = mp_count_bits(n);
	if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS || !mp_isodd(n))
		return SSH_ERR_KEY;
	/* e = 1 would make every message its own signature */
	if (!mp_isodd(e) || mp_cmp_d(e, 1) != MP_GT || mp_cmp(e, n) != MP_LT)
		return SSH_ERR_KEY;
	/* as OpenSSL: a huge exponent with a huge modulus is only a way to
	 * make the verifier work for seconds */
	if (bits > 3072 && mp_count_bits(e) > 64)
		return SSH_ERR_KEY;
	return SSH_OK;
}

int rsa_key_from_parts(const struct rsa_parts *rp, void **priv)
{
	rsa_key *k = calloc(1, sizeof *k);
	int e = SSH_ERR_KEY;

	if (!k)
		return SSH_ERR_ALLOC;
	if (rp->nlen > RSA_MAX_BYTES || rp->dlen > RSA_MAX_BYTES ||
	    rsa_set_key(rp->n, rp->nlen, rp->e, rp->elen, rp->d, rp->dlen, k) != CRYPT_OK) {
		free(k);
		return SSH_ERR_KEY;
	}
	if (check_public(k->N, k->e) == SSH_OK &&
	    rsa_set_factors(rp->p, rp->plen, rp->q, rp->qlen, k) == CRYPT_OK)
		e = check_and_crt(k, rp->iqmp, rp->iqmplen);
	if (e == SSH_OK)
		*priv = k;
	else
		rsa_priv_free(k);
	return e;
}

static int rsa_gen(enum keytype t, int bits, void **priv)
{
	rsa_key *k;
	int tries;

	(void)t;
	if (bits == 0)
		bits = RSA_DEFAULT_BITS;
	if (bits < RSA_GEN_MIN_BITS || bits > RSA_MAX_BITS || bits % 8)
		return SSH_ERR_KEY;
	k = calloc(1, sizeof *k);
	if (!k)
		return SSH_ERR_ALLOC;
	/* the primes' top bits are set, but insist on the exact size */
	for (tries = 0; tries < 4; tries++) {
		if (rsa_make_key(NULL, idx_prng(), bits / 8, 65537, k) != CRYPT_OK)
			break;
		if (mp_count_bits(k->N) == bits) {
			*priv = k;
			return SSH_OK;
		}
		rsa_free(k);
	}
	free(k);
	return SSH_ERR_CRYPTO;
}

static int rsa_put_public(const void *priv, struct buf *out)
{
	const rsa_key *k = priv;
	int e = mp_put_mpint(out, k->e);
	if (e == SSH_OK)
		e = mp_put_mpint(out, k->N);
	return e;
}

/* private fields: mpint n, e, d, iqmp, p, q */
static int rsa_put_private(const void *priv, struct buf *out)
{
	const rsa_key *k = priv;
	void *const order[] = {k->N, k->e, k->d, k->qP, k->p, k->q};
	size_t i;
	int e = SSH_OK;
	for (i = 0; e == SSH_OK && i < sizeof order / sizeof order[0]; i++)
		e = mp_put_mpint(out, order[i]);
	return e;
}

static int rsa_get_private(enum keytype t, struct rd *r, void **priv)
{
	struct rsa_parts rp;
	int e;

	(void)t;
	if ((e = rd_mpint(r, RSA_MAX_BYTES, &rp.n, &rp.nlen)) != SSH_OK ||
	    (e = rd_mpint(r, RSA_MAX_BYTES, &rp.e, &rp.elen)) != SSH_OK ||
	    (e = rd_mpint(r, RSA_MAX_BYTES, &rp.d, &rp.dlen)) != SSH_OK ||
	    (e = rd_mpint(r, RSA_MAX_BYTES, &rp.iqmp, &rp.iqmplen)) != SSH_OK ||
	    (e = rd_mpint(r, RSA_MAX_BYTES, &rp.p, &rp.plen)) != SSH_OK ||
	    (e = rd_mpint(r, RSA_MAX_BYTES, &rp.q, &rp.qlen)) != SSH_OK)
		return e;
	return rsa_key_from_parts(&rp, priv);
}

static int rsa_sig(const void *priv, const struct sigalg *alg, const uint8_t *data, size_t len,
		   struct buf *out)
{
	rsa_key *k = (rsa_key *)priv;
	uint8_t h[64], *sig;
	size_t hl = sizeof h;
	unsigned long modlen = (unsigned long)mp_ubin_size(k->N), outlen = modlen;
	int e = sig_digest(alg->hash, data, len, h, &hl);

	if (e == SSH_OK)
		e = buf_reserve(out, modlen, &sig);
	if (e != SSH_OK)
		return e;
	if (rsa_sign_hash_ex(h, hl, sig, &outlen, LTC_PKCS_1_V1_5, NULL, idx_prng(),
			     find_hash(alg->hash), 0, k) != CRYPT_OK ||
	    outlen != modlen) {
		out->len -= modlen;
		return SSH_ERR_CRYPTO;
	}
	return SSH_OK;
}

/* Builds the expected encoding 00 01 FF..FF 00 DigestInfo H and compares
 * it whole (RFC 8017 8.2.2), so no parser sees the attacker's padding. */
static int rsa_ver(enum keytype t, const struct sigalg *alg, struct rd *pub,
		   const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	const struct digestinfo *di = digestinfo_get(alg->hash);
	const uint8_t *ep, *np;
	size_t el, nl, modlen, ps, hl = 64;
	uint8_t h[64], em[RSA_MAX_BYTES], want[RSA_MAX_BYTES];
	mp_int n, ex, s;
	int e;

	(void)t;
	if (!di)
		return SSH_ERR_CRYPTO;
	/* blob after the type: mpint e, mpint n */
	if (rd_mpint(pub, RSA_MAX_BYTES, &ep, &el) != SSH_OK ||
	    rd_mpint(pub, RSA_MAX_BYTES, &np, &nl) != SSH_OK || rd_end(pub) != SSH_OK)
		return SSH_ERR_FORMAT;
	modlen = nl;
	/* Shorter signatures are taken as missing leading zero bytes, as
	 * OpenSSH takes them: some signers strip them. Longer ones are not. */
	if (siglen > modlen)
		return SSH_ERR_SIG;
	if (mp_init_multi(&n, &ex, &s, NULL) != MP_OKAY)
		return SSH_ERR_ALLOC;
	MP_TRY(mp_from_ubin(&n, np, nl));
	MP_TRY(mp_from_ubin(&ex, ep, el));
	MP_TRY(mp_from_ubin(&s, sig, siglen));
	if ((e = check_public(&n, &ex)) != SSH_OK)
		goto out;
	if ((e = sig_digest(alg->hash, data, len, h, &hl)) != SSH_OK)
		goto out;
	e = SSH_ERR_SIG;
	if (modlen < di->len + hl + 11 || mp_cmp(&s, &n) != MP_LT)
		goto out;
	MP_TRY(mp_exptmod(&s, &ex, &n, &s));
	if ((e = mp_put_fixed(&s, em, modlen)) != SSH_OK)
		goto out;
	ps = modlen - hl - di->len - 3;
	want[0] = 0x00;
	want[1] = 0x01;
	memset(want + 2, 0xff, ps);
	want[2 + ps] = 0x00;
	memcpy(want + 3 + ps, di->der, di->len);
	memcpy(want + 3 + ps + di->len, h, hl);
	e = ct_eq(em, want, modlen) ? SSH_OK : SSH_ERR_SIG;
out:
	mp_clear_multi(&n, &ex, &s, NULL);
	return e;
}

const struct keyops keyops_rsa = {
	KEY_RSA, "ssh-rsa", rsa_put_public, rsa_get_private, rsa_put_private,
	rsa_sig, rsa_ver, rsa_gen, rsa_priv_free,
};
