/* aes{128,192,256}-ctr (RFC 4344): a plain stream, MAC separate. */
#include <string.h>

#include "err.h"
#include "cipher.h"
#include "crypto.h"

static int ctr_init(struct cipher_ctx *c, const uint8_t *key, int keylen, const uint8_t *iv)
{
	c->accel = (accel_flags() & ACCEL_AES) != 0;
	if (c->accel) {
		aesni_expand(&c->u.actr.k, key, keylen);
		memcpy(c->u.actr.ctr, iv, 16);
		return SSH_OK;
	}
	if (ctr_start(idx_aes(), iv, key, keylen, 0, CTR_COUNTER_BIG_ENDIAN, &c->u.ctr) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

static int init128(struct cipher_ctx *c, const uint8_t *k, const uint8_t *iv) { return ctr_init(c, k, 16, iv); }
static int init192(struct cipher_ctx *c, const uint8_t *k, const uint8_t *iv) { return ctr_init(c, k, 24, iv); }
static int init256(struct cipher_ctx *c, const uint8_t *k, const uint8_t *iv) { return ctr_init(c, k, 32, iv); }

static int ctr_crypt(struct cipher_ctx *c, uint8_t *p, size_t n)
{
	if (c->accel) {
		aesni_ctr(&c->u.actr.k, c->u.actr.ctr, p, n);
		return SSH_OK;
	}
	return ctr_encrypt(p, p, n, &c->u.ctr) == CRYPT_OK ? SSH_OK : SSH_ERR_CRYPTO;
}

/* ctr_start(CTR_COUNTER_BIG_ENDIAN) left the whole block as the counter
 * (ctrlen 0) and ctr_encrypt indexes pad by padlen */
static int ctr_ok(const struct cipher *ci, const struct cipher_ctx *c)
{
	const symmetric_CTR *s = &c->u.ctr;
	if (!cipher_accel_ok(c->accel, ACCEL_AES))
		return SSH_ERR_CRYPTO;
	if (c->accel)
		return cipher_aesni_ok(&c->u.actr.k, ci->keylen) ? SSH_OK : SSH_ERR_CRYPTO;
	if (s->cipher != idx_aes() || s->blocklen != 16 || s->padlen < 0 || s->padlen > 16 ||
	    s->mode != CTR_COUNTER_BIG_ENDIAN || s->ctrlen != 0 || !cipher_aes_rounds_ok(s->key.rijndael.Nr, ci->keylen))
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

const struct cipher cipher_aes128_ctr = {"aes128-ctr", 16, 16, 16, 0, init128, ctr_crypt, NULL, NULL, NULL, NULL, 0, ctr_ok};
const struct cipher cipher_aes192_ctr = {"aes192-ctr", 24, 16, 16, 0, init192, ctr_crypt, NULL, NULL, NULL, NULL, 0, ctr_ok};
const struct cipher cipher_aes256_ctr = {"aes256-ctr", 32, 16, 16, 0, init256, ctr_crypt, NULL, NULL, NULL, NULL, 0, ctr_ok};
