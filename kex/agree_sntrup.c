/* sntrup761x25519-sha512 and its older name sntrup761x25519-sha512@openssh.com
 * (OpenSSH's PROTOCOL, draft-josefsson-ntruprime-ssh): sntrup761 and X25519
 * side by side, K = SHA-512(K_sntrup || K_x25519) sent as a string, so the
 * key stays secret while either of the two holds. */
#include <string.h>

#include <tomcrypt.h>

#include "kex/agree.h"
#include "kex/sntrup761.h"
#include "kex/x25519.h"
#include "transport/crypto.h"

#define X25519_LEN 32
#define C_INIT_LEN (SNTRUP761_PUBLICKEYBYTES + X25519_LEN)  /* 1190 */
#define S_REPLY_LEN (SNTRUP761_CIPHERTEXTBYTES + X25519_LEN) /* 1071 */

static int sntrup_server(const void *param, struct rd *msg, struct buf *reply,
			 struct buf *hashpart, struct buf *secret)
{
	const uint8_t *cinit;
	size_t clen;
	uint8_t sreply[S_REPLY_LEN], xsk[X25519_LEN];
	uint8_t kk[SNTRUP761_BYTES + X25519_LEN], k[64];
	hash_state md;
	int rc;

	(void)param;
	/* KEX_ECDH_INIT: string C_INIT = sntrup761 public key || X25519 public */
	if ((rc = rd_string(msg, &cinit, &clen)) != SSH_OK ||
	    (rc = rd_end(msg)) != SSH_OK)
		return rc;
	if (clen != C_INIT_LEN)
		return SSH_ERR_FORMAT;
	/* X25519 first: a low-order point ends the exchange before the
	 * costlier encapsulation */
	rand_bytes(xsk, sizeof xsk);
	rc = x25519_base(sreply + SNTRUP761_CIPHERTEXTBYTES, xsk);
	if (rc == SSH_OK)
		rc = x25519(kk + SNTRUP761_BYTES, xsk, cinit + SNTRUP761_PUBLICKEYBYTES);
	wipe(xsk, sizeof xsk);
	if (rc != SSH_OK) {
		wipe(kk, sizeof kk);
		return rc; /* SSH_ERR_KEY for an all-zero X25519 result */
	}
	/* S_REPLY = ciphertext || X25519 public */
	sntrup761_enc(sreply, kk, cinit);
	sha512_init(&md);
	sha512_process(&md, kk, sizeof kk);
	sha512_done(&md, k);
	wipe(kk, sizeof kk);
	wipe(&md, sizeof md);
	rc = buf_string(reply, sreply, sizeof sreply);
	if (rc == SSH_OK)
		rc = buf_string(hashpart, cinit, clen);
	if (rc == SSH_OK)
		rc = buf_string(hashpart, sreply, sizeof sreply);
	/* a string, not an mpint: OpenSSH hashes it as sshbuf_put_string */
	if (rc == SSH_OK)
		rc = buf_string(secret, k, sizeof k);
	wipe(k, sizeof k);
	return rc;
}

const struct agree agree_sntrup761x25519 = { sntrup_server };
