/* sntrup761x25519-sha512 and its older name sntrup761x25519-sha512@openssh.com
 * (OpenSSH's PROTOCOL, draft-josefsson-ntruprime-ssh): sntrup761 and X25519
 * side by side, K = SHA-512(K_sntrup || K_x25519), so the key stays secret
 * while either of the two holds. */
#include <tomcrypt.h>

#include "kex/agree.h"
#include "kex/agree_hybrid.h"
#include "kex/sntrup761.h"
#include "transport/crypto.h"

/* Streamlined NTRU Prime has no public-key check to fail: every 1158-byte
 * string decodes to some key */
static int encaps(uint8_t *ct, uint8_t *ss, const uint8_t *pk)
{
	sntrup761_enc(ct, ss, pk);
	return SSH_OK;
}

static void sha512(uint8_t *out, const uint8_t *p, size_t n)
{
	hash_state md;
	sha512_init(&md);
	sha512_process(&md, p, (unsigned long)n);
	sha512_done(&md, out);
	wipe(&md, sizeof md);
}

static const struct hybrid_kem sntrup761 = {
	SNTRUP761_PUBLICKEYBYTES, SNTRUP761_CIPHERTEXTBYTES, SNTRUP761_BYTES, 64,
	encaps, sha512,
};

static int sntrup_server(const void *param, struct rd *msg, struct buf *reply,
			 struct buf *hashpart, struct buf *secret)
{
	(void)param;
	return hybrid_server(&sntrup761, &hybrid_x25519, msg, reply, hashpart, secret);
}

const struct agree agree_sntrup761x25519 = { sntrup_server };
