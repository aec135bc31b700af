/* Private keys in DER, as the PEM labels "RSA PRIVATE KEY" (PKCS#1,
 * RFC 8017 A.1.2), "EC PRIVATE KEY" (SEC1, RFC 5915) and "PRIVATE KEY"
 * (PKCS#8, RFC 5208/5958) carry them. A small strict DER reader over the
 * rd cursor is enough for these fixed shapes. */
#include <string.h>

#include "kex/hostkey.h"
#include "transport/namelist.h"

enum {
	DER_INT = 0x02,
	DER_BITS = 0x03,
	DER_OCTETS = 0x04,
	DER_NULL = 0x05,
	DER_OID = 0x06,
	DER_SEQ = 0x30,
	DER_CTX0 = 0xa0, /* [0] constructed */
	DER_CTX1 = 0xa1, /* [1] constructed */
	DER_CTX1_PRIM = 0x81, /* [1] IMPLICIT BIT STRING (RFC 5958 publicKey) */
};

/* algorithm OIDs, DER content bytes */
static const uint8_t oid_rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
static const uint8_t oid_ec[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
static const uint8_t oid_ed25519[] = {0x2b, 0x65, 0x70};

static int is(const void *p, size_t n, const void *want, size_t wn)
{
	return n == wn && !memcmp(p, want, n);
}

static int peek(const struct rd *r, uint8_t tag)
{
	struct rd c = *r;
	uint8_t t;
	return rd_u8(&c, &t) == SSH_OK && t == tag;
}

/* One element with the given tag; its content becomes a cursor. Lengths
 * must be in DER's minimal form; indefinite ones are BER only. */
static int der_get(struct rd *r, uint8_t tag, struct rd *content)
{
	const uint8_t *lb, *p;
	uint8_t t, l0;
	size_t n = 0, k, i;

	if (rd_u8(r, &t) != SSH_OK || t != tag || rd_u8(r, &l0) != SSH_OK)
		return SSH_ERR_KEY;
	if (l0 < 0x80) {
		n = l0;
	} else {
		k = l0 & 0x7f;
		if (k == 0 || k > 3 || rd_bytes(r, k, &lb) != SSH_OK || lb[0] == 0)
			return SSH_ERR_KEY;
		for (i = 0; i < k; i++)
			n = n << 8 | lb[i];
		if (n < 0x80)
			return SSH_ERR_KEY;
	}
	if (rd_bytes(r, n, &p) != SSH_OK)
		return SSH_ERR_KEY;
	rd_init(content, p, n);
	return SSH_OK;
}

/* the whole content of one element */
static int der_raw(struct rd *r, uint8_t tag, const uint8_t **p, size_t *n)
{
	struct rd c;
	int e = der_get(r, tag, &c);
	if (e == SSH_OK) {
		*n = rd_left(&c);
		e = rd_bytes(&c, *n, p);
	}
	return e;
}

/* a non-negative INTEGER in minimal form, as a magnitude */
static int der_uint(struct rd *r, const uint8_t **p, size_t *n)
{
	const uint8_t *b;
	size_t l;
	if (der_raw(r, DER_INT, &b, &l) != SSH_OK || l == 0 || (b[0] & 0x80) ||
	    (l > 1 && b[0] == 0 && !(b[1] & 0x80)))
		return SSH_ERR_KEY;
	if (l > 1 && b[0] == 0) {
		b++;
		l--;
	}
	*p = b;
	*n = l;
	return SSH_OK;
}

static int der_version(struct rd *r, uint8_t lo, uint8_t hi)
{
	const uint8_t *v;
	size_t l;
	if (der_uint(r, &v, &l) != SSH_OK || l != 1 || v[0] < lo || v[0] > hi)
		return SSH_ERR_KEY;
	return SSH_OK;
}

/* RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q, dP, dQ, qInv }
 * (version 1 is multi-prime, which SSH keys never are) */
static int rsa_pkcs1(struct rd *r, void **priv)
{
	struct rd s;
	struct rsa_parts rp;
	const uint8_t *crt;
	size_t crtlen;
	int i;

	if (der_get(r, DER_SEQ, &s) != SSH_OK || der_version(&s, 0, 0) != SSH_OK ||
	    der_uint(&s, &rp.n, &rp.nlen) != SSH_OK || der_uint(&s, &rp.e, &rp.elen) != SSH_OK ||
	    der_uint(&s, &rp.d, &rp.dlen) != SSH_OK || der_uint(&s, &rp.p, &rp.plen) != SSH_OK ||
	    der_uint(&s, &rp.q, &rp.qlen) != SSH_OK)
		return SSH_ERR_KEY;
	/* dP and dQ are recomputed from d, p, q; qInv is checked */
	for (i = 0; i < 2; i++)
		if (der_uint(&s, &crt, &crtlen) != SSH_OK)
			return SSH_ERR_KEY;
	if (der_uint(&s, &rp.iqmp, &rp.iqmplen) != SSH_OK)
		return SSH_ERR_KEY;
	if (rd_end(&s) != SSH_OK)
		return SSH_ERR_KEY;
	return rsa_key_from_parts(&rp, priv);
}

/* ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING,
 *   [0] namedCurve OID OPTIONAL, [1] publicKey BIT STRING OPTIONAL }
 * *t is the curve PKCS#8 named, or KEY_NONE; both namings must agree. */
static int ec_sec1(struct rd *r, enum keytype *t, void **priv)
{
	struct rd s, c;
	const uint8_t *d, *oid, *pub = NULL;
	size_t dl, ol, pl = 0;

	if (der_get(r, DER_SEQ, &s) != SSH_OK || der_version(&s, 1, 1) != SSH_OK ||
	    der_raw(&s, DER_OCTETS, &d, &dl) != SSH_OK)
		return SSH_ERR_KEY;
	if (peek(&s, DER_CTX0)) {
		enum keytype named;
		if (der_get(&s, DER_CTX0, &c) != SSH_OK || der_raw(&c, DER_OID, &oid, &ol) != SSH_OK ||
		    rd_end(&c) != SSH_OK)
			return SSH_ERR_KEY;
		named = ecdsa_type_by_oid(oid, ol);
		if (named == KEY_NONE || (*t != KEY_NONE && *t != named))
			return SSH_ERR_KEY;
		*t = named;
	}
	if (peek(&s, DER_CTX1)) {
		/* BIT STRING: a count of unused bits (0 here), then the point */
		if (der_get(&s, DER_CTX1, &c) != SSH_OK || der_raw(&c, DER_BITS, &pub, &pl) != SSH_OK ||
		    rd_end(&c) != SSH_OK || pl < 1 || pub[0] != 0)
			return SSH_ERR_KEY;
		pub++;
		pl--;
	}
	if (rd_end(&s) != SSH_OK || *t == KEY_NONE)
		return SSH_ERR_KEY;
	return ecdsa_key_from_scalar(*t, d, dl, pub, pl, priv);
}

/* the wrapped key of PKCS#8 must fill its OCTET STRING exactly */
static int inner_end(struct rd *r, int e)
{
	return e == SSH_OK && rd_end(r) != SSH_OK ? SSH_ERR_KEY : e;
}

/* PrivateKeyInfo ::= SEQUENCE { version 0 (or 1: RFC 5958),
 *   AlgorithmIdentifier SEQUENCE { OID, parameters },
 *   privateKey OCTET STRING, [0] attributes OPTIONAL,
 *   [1] publicKey OPTIONAL } */
static int pkcs8(struct rd *r, struct hostkey *k)
{
	struct rd s, alg, inner, skip;
	const uint8_t *oid, *p, *seed;
	size_t ol, pl, sl;
	enum keytype t = KEY_NONE;
	void *priv = NULL;
	int e;

	if (der_get(r, DER_SEQ, &s) != SSH_OK || der_version(&s, 0, 1) != SSH_OK ||
	    der_get(&s, DER_SEQ, &alg) != SSH_OK || der_raw(&alg, DER_OID, &oid, &ol) != SSH_OK ||
	    der_get(&s, DER_OCTETS, &inner) != SSH_OK)
		return SSH_ERR_KEY;
	/* attributes and the public key add nothing the private key lacks */
	if (peek(&s, DER_CTX0) && der_get(&s, DER_CTX0, &skip) != SSH_OK)
		return SSH_ERR_KEY;
	if (peek(&s, DER_CTX1_PRIM) && der_get(&s, DER_CTX1_PRIM, &skip) != SSH_OK)
		return SSH_ERR_KEY;
	if (rd_end(&s) != SSH_OK)
		return SSH_ERR_KEY;
	if (is(oid, ol, oid_rsa, sizeof oid_rsa)) {
		/* parameters: NULL, which some writers leave out */
		if (peek(&alg, DER_NULL) && (der_raw(&alg, DER_NULL, &p, &pl) != SSH_OK || pl))
			return SSH_ERR_KEY;
		t = KEY_RSA;
		e = inner_end(&inner, rsa_pkcs1(&inner, &priv));
	} else if (is(oid, ol, oid_ec, sizeof oid_ec)) {
		/* parameters: the namedCurve OID */
		if (der_raw(&alg, DER_OID, &p, &pl) != SSH_OK ||
		    (t = ecdsa_type_by_oid(p, pl)) == KEY_NONE)
			return SSH_ERR_KEY;
		e = inner_end(&inner, ec_sec1(&inner, &t, &priv));
	} else if (is(oid, ol, oid_ed25519, sizeof oid_ed25519)) {
		/* no parameters; the key is an OCTET STRING holding the seed
		 * (RFC 8410 7) */
		t = KEY_ED25519;
		e = der_raw(&inner, DER_OCTETS, &seed, &sl);
		if (e == SSH_OK)
			e = inner_end(&inner, ed25519_key_from_seed(seed, sl, NULL, &priv));
	} else {
		return SSH_ERR_KEY;
	}
	if (e == SSH_OK && rd_end(&alg) != SSH_OK)
		e = SSH_ERR_KEY;
	if (e == SSH_OK) {
		k->type = t;
		k->priv = priv;
	} else if (priv) {
		keyops_get(t)->free(priv);
	}
	return e;
}

int keyfile_pem_read(const char *label, size_t labellen, const uint8_t *p, size_t len,
		     struct hostkey *k)
{
	struct rd r;
	enum keytype t = KEY_NONE;
	int e;

#define LABEL(s) name_eq(s, label, labellen)
	rd_init(&r, p, len);
	if (LABEL("ENCRYPTED PRIVATE KEY"))
		return SSH_ERR_ENCRYPTED;
	if (LABEL("RSA PRIVATE KEY")) {
		e = rsa_pkcs1(&r, &k->priv);
		t = KEY_RSA;
	} else if (LABEL("EC PRIVATE KEY")) {
		e = ec_sec1(&r, &t, &k->priv);
	} else if (LABEL("PRIVATE KEY")) {
		e = pkcs8(&r, k);
		t = k->type;
	} else {
		return SSH_ERR_KEY;
	}
#undef LABEL
	if (e == SSH_OK)
		k->type = t;
	if (e == SSH_OK && rd_end(&r) != SSH_OK)
		e = SSH_ERR_KEY;
	return e;
}
