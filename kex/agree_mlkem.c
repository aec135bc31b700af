/* mlkem768x25519-sha256 and mlkem768nistp256-sha256
 * (draft-ietf-sshm-mlkem-hybrid-kex): the server encapsulates to the
 * client's ML-KEM-768 key (ek, 1184 bytes; ct, 1088) beside an ephemeral
 * X25519 or P-256 agreement, and K = SHA-256(K_PQ || K_CL). */
#include <tomcrypt.h>

#include "kex/agree.h"
#include "kex/agree_hybrid.h"
#include "kex/mlkem768.h"
#include "transport/crypto.h"

/* SSH_ERR_KEY for an ek failing the modulus check (FIPS 203 7.2) */
static int encaps(uint8_t *ct, uint8_t *ss, const uint8_t *ek)
{
	return mlkem768_encaps(ct, ss, ek, MLKEM768_EK_LEN);
}

static void sha256(uint8_t *out, const uint8_t *p, size_t n)
{
	hash_state st;
	sha256_init(&st);
	sha256_process(&st, p, (unsigned long)n);
	sha256_done(&st, out);
	wipe(&st, sizeof st);
}

static const struct hybrid_kem mlkem768 = {
	MLKEM768_EK_LEN, MLKEM768_CT_LEN, MLKEM768_SS_LEN, 32, encaps, sha256,
};

static int mlkem768x25519_server(const void *param, struct rd *msg,
				 struct buf *reply, struct buf *hashpart,
				 struct buf *secret)
{
	(void)param;
	return hybrid_server(&mlkem768, &hybrid_x25519, msg, reply, hashpart, secret);
}

static int mlkem768nistp256_server(const void *param, struct rd *msg,
				   struct buf *reply, struct buf *hashpart,
				   struct buf *secret)
{
	(void)param;
	return hybrid_server(&mlkem768, &hybrid_p256, msg, reply, hashpart, secret);
}

const struct agree agree_mlkem768x25519 = { mlkem768x25519_server };
const struct agree agree_mlkem768nistp256 = { mlkem768nistp256_server };
