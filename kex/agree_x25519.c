/* curve25519-sha256 (RFC 8731): ephemeral X25519. */
#include "kex/agree.h"
#include "kex/x25519.h"
#include "transport/crypto.h"

#define X25519_LEN 32

static int x25519_server(const void *param, struct rd *msg, struct buf *reply,
			 struct buf *hashpart, struct buf *secret)
{
	const uint8_t *qc;
	size_t qclen;
	uint8_t sk[X25519_LEN], qs[X25519_LEN], k[X25519_LEN];
	int rc;

	(void)param;
	/* KEX_ECDH_INIT: string Q_C, exactly one u-coordinate */
	if ((rc = rd_string(msg, &qc, &qclen)) != SSH_OK ||
	    (rc = rd_end(msg)) != SSH_OK)
		return rc;
	if (qclen != X25519_LEN)
		return SSH_ERR_KEY;
	rand_bytes(sk, sizeof sk);
	rc = x25519_base(qs, sk);
	if (rc == SSH_OK)
		rc = x25519(k, sk, qc); /* SSH_ERR_KEY for an all-zero K */
	wipe(sk, sizeof sk);
	if (rc == SSH_OK)
		rc = buf_string(reply, qs, sizeof qs);
	if (rc == SSH_OK)
		rc = buf_string(hashpart, qc, qclen);
	if (rc == SSH_OK)
		rc = buf_string(hashpart, qs, sizeof qs);
	/* RFC 8731 3.1: the 32 output bytes, unreversed, read as a
	 * big-endian unsigned integer, hence taken as the mpint's magnitude */
	if (rc == SSH_OK)
		rc = buf_mpint(secret, k, sizeof k);
	wipe(k, sizeof k);
	return rc;
}

const struct agree agree_x25519 = { x25519_server };
