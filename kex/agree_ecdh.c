/* ecdh-sha2-nistp256/384/521 (RFC 5656 4): ephemeral ECDH with libtomcrypt,
 * after checking the client's point ourselves. */
#include <string.h>

#include <tomcrypt.h>

#include "kex/agree.h"
#include "kex/ecc_point.h"
#include "kex/ecdh_internal.h"
#include "transport/crypto.h"

const struct ecdh_curve ecdh_p256 = { "nistp256", 32 };
const struct ecdh_curve ecdh_p384 = { "nistp384", 48 };
const struct ecdh_curve ecdh_p521 = { "nistp521", 66 };

/* largest point: 0x04 || X || Y on P-521 */
#define POINT_MAX (1 + 2 * 66)

/* x-coordinate of priv * q into out (dp->size bytes) */
static int shared_x(ecc_key *priv, const uint8_t *q, size_t qlen,
		    uint8_t *out)
{
	ecc_key pub;
	unsigned long outlen = (unsigned long)priv->dp->size;
	int rc = ec_point_check(priv->dp, q, qlen);
	if (rc != SSH_OK)
		return rc;
	if (ecc_ansi_x963_import_ex(q, (unsigned long)qlen, &pub,
				    (ltc_ecc_set_type *)priv->dp) != CRYPT_OK)
		return SSH_ERR_KEY;
	/* a validated point times a scalar in [1, n-1] cannot reach
	 * infinity; a failure here means the scalar was out of range */
	if (ecc_shared_secret(priv, &pub, out, &outlen) != CRYPT_OK ||
	    outlen != (unsigned long)priv->dp->size)
		rc = SSH_ERR_KEY;
	ecc_free(&pub);
	return rc;
}

int ecdh_shared_fixed(const struct ecdh_curve *c, const uint8_t *priv,
		      size_t privlen, const uint8_t *q, size_t qlen,
		      uint8_t *out)
{
	ecc_key key;
	int rc, idx = ec_curve_index(c->size);
	if (idx < 0)
		return SSH_ERR_NOALG;
	memset(&key, 0, sizeof key);
	if (ltc_init_multi(&key.pubkey.x, &key.pubkey.y, &key.pubkey.z, &key.k,
			   NULL) != CRYPT_OK)
		return SSH_ERR_ALLOC;
	/* 1.18 has no setter for a raw private scalar, so fill the key in;
	 * the shared-secret path never reads the public half */
	key.type = PK_PRIVATE;
	key.idx = idx;
	key.dp = &ltc_ecc_sets[idx];
	if (ltc_mp.unsigned_read(key.k, (unsigned char *)priv,
				 (unsigned long)privlen) != CRYPT_OK)
		rc = SSH_ERR_CRYPTO;
	else
		rc = shared_x(&key, q, qlen, out);
	ecc_free(&key);
	return rc;
}

static int ecdh_server(const void *param, struct rd *msg, struct buf *reply,
		       struct buf *hashpart, struct buf *secret)
{
	const struct ecdh_curve *c = param;
	const uint8_t *qc;
	size_t qclen;
	uint8_t qs[POINT_MAX], k[POINT_MAX];
	unsigned long qslen = sizeof qs;
	ecc_key key;
	int rc, idx = ec_curve_index(c->size);

	if (idx < 0)
		return SSH_ERR_NOALG;
	/* KEX_ECDH_INIT: string Q_C */
	if ((rc = rd_string(msg, &qc, &qclen)) != SSH_OK ||
	    (rc = rd_end(msg)) != SSH_OK)
		return rc;
	if (ecc_make_key_ex(NULL, idx_prng(), &key, &ltc_ecc_sets[idx]) !=
	    CRYPT_OK)
		return SSH_ERR_CRYPTO;
	rc = shared_x(&key, qc, qclen, k);
	if (rc == SSH_OK && ecc_ansi_x963_export(&key, qs, &qslen) != CRYPT_OK)
		rc = SSH_ERR_CRYPTO;
	/* ecc_free clears the scalar's digits before releasing them */
	ecc_free(&key);
	if (rc == SSH_OK)
		rc = buf_string(reply, qs, qslen);
	if (rc == SSH_OK)
		rc = buf_string(hashpart, qc, qclen);
	if (rc == SSH_OK)
		rc = buf_string(hashpart, qs, qslen);
	/* K is the x-coordinate as an mpint (RFC 5656 4) */
	if (rc == SSH_OK)
		rc = buf_mpint(secret, k, c->size);
	wipe(k, sizeof k);
	return rc;
}

const struct agree agree_ecdh = { ecdh_server };
