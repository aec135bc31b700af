/* The driver shared by the KEM hybrids, and their classical halves
 * (X25519, and NIST P-256 as draft-ietf-sshm-mlkem-hybrid-kex uses it). */
#include <string.h>

#include <tomcrypt.h>

#include "kex/agree_hybrid.h"
#include "kex/ecc_point.h"
#include "kex/x25519.h"
#include "transport/crypto.h"

#define X25519_LEN 32
#define P256_POINT_LEN 65 /* 0x04 || X || Y */
#define P256_X_LEN 32
/* the largest KEM rows: ML-KEM-768's key and ciphertext (sntrup761's
 * are 1158 and 1039 bytes) */
#define PK_MAX 1184
#define CT_MAX 1088
#define SS_MAX 32
#define PUB_MAX P256_POINT_LEN
#define KCL_MAX P256_X_LEN
#define HASH_MAX 64

static int x25519_half(const uint8_t *peer, uint8_t *pub, uint8_t *k)
{
	uint8_t sk[X25519_LEN];
	int rc;

	rand_bytes(sk, sizeof sk);
	rc = x25519_base(pub, sk);
	/* K_CL is the raw 32-byte output; all zero (a low-order or zero
	 * peer value) is refused as in curve25519-sha256 */
	if (rc == SSH_OK)
		rc = x25519(k, sk, peer);
	wipe(sk, sizeof sk);
	return rc;
}

/* K_CL is the x-coordinate of the shared point, 32 bytes big-endian
 * (SEC1 3.3.1), a fixed-size octet string rather than RFC 5656's mpint */
static int p256_half(const uint8_t *peer, uint8_t *pub, uint8_t *k)
{
	int idx = ec_curve_index(P256_X_LEN), rc;
	const ltc_ecc_set_type *dp;
	unsigned long publen = P256_POINT_LEN, klen = P256_X_LEN;
	ecc_key key, peerkey;

	if (idx < 0)
		return SSH_ERR_NOALG;
	dp = &ltc_ecc_sets[idx];
	/* libtomcrypt 1.18 would import a point off the curve */
	if ((rc = ec_point_check(dp, peer, P256_POINT_LEN)) != SSH_OK)
		return rc;
	if (ecc_make_key_ex(NULL, idx_prng(), &key, dp) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	if (ecc_ansi_x963_export(&key, pub, &publen) != CRYPT_OK ||
	    publen != P256_POINT_LEN) {
		rc = SSH_ERR_CRYPTO;
	} else if (ecc_ansi_x963_import_ex(peer, P256_POINT_LEN, &peerkey,
					   (ltc_ecc_set_type *)dp) != CRYPT_OK) {
		rc = SSH_ERR_KEY;
	} else {
		if (ecc_shared_secret(&key, &peerkey, k, &klen) != CRYPT_OK ||
		    klen != P256_X_LEN)
			rc = SSH_ERR_KEY;
		ecc_free(&peerkey);
	}
	/* ecc_free clears the scalar's digits before releasing them */
	ecc_free(&key);
	return rc;
}

const struct hybrid_classical hybrid_x25519 = { X25519_LEN, X25519_LEN, x25519_half };
const struct hybrid_classical hybrid_p256 = { P256_POINT_LEN, P256_X_LEN, p256_half };

static int put_all(struct buf *reply, struct buf *hashpart, struct buf *secret,
		   const uint8_t *ci, size_t cilen, const uint8_t *sr, size_t srlen,
		   const uint8_t *k, size_t klen)
{
	buf_string(reply, sr, srlen);
	buf_string(hashpart, ci, cilen);
	buf_string(hashpart, sr, srlen);
	buf_string(secret, k, klen);
	return reply->err ? reply->err : hashpart->err ? hashpart->err : secret->err;
}

int hybrid_server(const struct hybrid_kem *kem, const struct hybrid_classical *cl,
		  struct rd *msg, struct buf *reply, struct buf *hashpart,
		  struct buf *secret)
{
	const uint8_t *ci;
	size_t cilen, srlen = kem->ct_len + cl->pub_len;
	uint8_t sr[CT_MAX + PUB_MAX], k[SS_MAX + KCL_MAX], h[HASH_MAX];
	int rc;

	if (kem->pk_len > PK_MAX || kem->ct_len > CT_MAX || kem->ss_len > SS_MAX ||
	    kem->hash_len > HASH_MAX || cl->pub_len > PUB_MAX || cl->k_len > KCL_MAX)
		return SSH_ERR_INTERNAL;
	/* KEX_ECDH_INIT: string C_INIT */
	if ((rc = rd_string(msg, &ci, &cilen)) != SSH_OK ||
	    (rc = rd_end(msg)) != SSH_OK)
		return rc;
	if (cilen != kem->pk_len + cl->pub_len)
		return SSH_ERR_FORMAT;
	/* the classical half first: a refused point ends the exchange before
	 * the costlier encapsulation */
	rc = cl->agree(ci + kem->pk_len, sr + kem->ct_len, k + kem->ss_len);
	if (rc == SSH_OK)
		rc = kem->encaps(sr, k, ci);
	if (rc == SSH_OK) {
		kem->hash(h, k, kem->ss_len + cl->k_len);
		rc = put_all(reply, hashpart, secret, ci, cilen, sr, srlen, h, kem->hash_len);
	}
	wipe(k, sizeof k);
	wipe(h, sizeof h);
	return rc;
}
