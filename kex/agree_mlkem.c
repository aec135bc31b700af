/* mlkem768x25519-sha256 and mlkem768nistp256-sha256
 * (draft-ietf-sshm-mlkem-hybrid-kex): the server encapsulates to the
 * client's ML-KEM-768 key and runs an ephemeral ECDH beside it. Both halves
 * travel in one string each way,
 *   C_INIT  = ek (1184) || client's ECDH public value
 *   S_REPLY = ct (1088) || server's ECDH public value,
 * and K = SHA-256(K_PQ || K_CL) goes into H and the key derivation as a
 * string, not an mpint, as OpenSSH does. */
#include <string.h>

#include <tomcrypt.h>

#include "kex/agree.h"
#include "kex/ecc_point.h"
#include "kex/mlkem768.h"
#include "kex/x25519.h"
#include "transport/crypto.h"

#define X25519_LEN 32
#define P256_POINT_LEN 65 /* 0x04 || X || Y */
#define P256_X_LEN 32
#define PUB_MAX P256_POINT_LEN
#define KCL_MAX P256_X_LEN

/* The classical half: from the peer's public value (pub_len bytes, whose
 * length the caller has checked) writes ours (pub_len bytes) and K_CL
 * (k_len bytes); SSH_ERR_KEY for an unusable peer value. */
struct classical {
	size_t pub_len;
	size_t k_len;
	int (*agree)(const uint8_t *peer, uint8_t *pub, uint8_t *k);
};

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

static const struct classical cl_x25519 = { X25519_LEN, X25519_LEN, x25519_half };
static const struct classical cl_p256 = { P256_POINT_LEN, P256_X_LEN, p256_half };

static void sha256(uint8_t out[32], const uint8_t *p, size_t n)
{
	hash_state st;
	sha256_init(&st);
	sha256_process(&st, p, (unsigned long)n);
	sha256_done(&st, out);
	wipe(&st, sizeof st);
}

static int hybrid_server(const struct classical *cl, struct rd *msg,
			 struct buf *reply, struct buf *hashpart,
			 struct buf *secret)
{
	const uint8_t *ci;
	size_t cilen, srlen = MLKEM768_CT_LEN + cl->pub_len;
	uint8_t sr[MLKEM768_CT_LEN + PUB_MAX];
	uint8_t k[MLKEM768_SS_LEN + KCL_MAX], h[32];
	int rc;

	/* KEX_ECDH_INIT: string C_INIT */
	if ((rc = rd_string(msg, &ci, &cilen)) != SSH_OK ||
	    (rc = rd_end(msg)) != SSH_OK)
		return rc;
	if (cilen != MLKEM768_EK_LEN + cl->pub_len)
		return SSH_ERR_FORMAT;
	/* SSH_ERR_KEY for an ek failing the modulus check (FIPS 203 7.2) */
	rc = mlkem768_encaps(sr, k, ci, MLKEM768_EK_LEN);
	if (rc == SSH_OK)
		rc = cl->agree(ci + MLKEM768_EK_LEN, sr + MLKEM768_CT_LEN,
			       k + MLKEM768_SS_LEN);
	if (rc == SSH_OK) {
		sha256(h, k, MLKEM768_SS_LEN + cl->k_len);
		buf_string(reply, sr, srlen);
		buf_string(hashpart, ci, cilen);
		buf_string(hashpart, sr, srlen);
		buf_string(secret, h, sizeof h);
		rc = reply->err ? reply->err : hashpart->err ? hashpart->err : secret->err;
	}
	wipe(k, sizeof k);
	wipe(h, sizeof h);
	return rc;
}

static int mlkem768x25519_server(const void *param, struct rd *msg,
				 struct buf *reply, struct buf *hashpart,
				 struct buf *secret)
{
	(void)param;
	return hybrid_server(&cl_x25519, msg, reply, hashpart, secret);
}

static int mlkem768nistp256_server(const void *param, struct rd *msg,
				   struct buf *reply, struct buf *hashpart,
				   struct buf *secret)
{
	(void)param;
	return hybrid_server(&cl_p256, msg, reply, hashpart, secret);
}

const struct agree agree_mlkem768x25519 = { mlkem768x25519_server };
const struct agree agree_mlkem768nistp256 = { mlkem768nistp256_server };
