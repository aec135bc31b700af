/* aes{128,192,256}-cbc and 3des-cbc (RFC 4253 6.3), for old devices and
 * clients that know nothing newer: off unless enabled by name. CBC
 * decrypts differently from how it encrypts, so these rows have their own
 * decrypt; the chaining value carries over from packet to packet, and the
 * packet layer decrypts the first block before the rest, which CBC allows. */
#include <string.h>

#include "err.h"
#include "cipher.h"
#include "crypto.h"

static int cbc_init(struct cipher_ctx *c, const char *name, const uint8_t *key, int keylen, const uint8_t *iv)
{
	int idx = find_cipher(name);
	c->accel = 0;
	if (idx < 0)
		return SSH_ERR_INTERNAL;
	if (cbc_start(idx, iv, key, keylen, 0, &c->u.cbc) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

static int aes128(struct cipher_ctx *c, const uint8_t *k, const uint8_t *iv) { return cbc_init(c, "aes", k, 16, iv); }
static int aes192(struct cipher_ctx *c, const uint8_t *k, const uint8_t *iv) { return cbc_init(c, "aes", k, 24, iv); }
static int aes256(struct cipher_ctx *c, const uint8_t *k, const uint8_t *iv) { return cbc_init(c, "aes", k, 32, iv); }
static int des3(struct cipher_ctx *c, const uint8_t *k, const uint8_t *iv) { return cbc_init(c, "3des", k, 24, iv); }

static int enc(struct cipher_ctx *c, uint8_t *p, size_t n)
{
	return cbc_encrypt(p, p, n, &c->u.cbc) == CRYPT_OK ? SSH_OK : SSH_ERR_CRYPTO;
}

static int dec(struct cipher_ctx *c, uint8_t *p, size_t n)
{
	return cbc_decrypt(p, p, n, &c->u.cbc) == CRYPT_OK ? SSH_OK : SSH_ERR_CRYPTO;
}

/* no accelerated form; the chaining block is the row's block size */
static int cbc_ok(const struct cipher *ci, const struct cipher_ctx *c, const char *name)
{
	if (c->accel != 0 || c->u.cbc.cipher < 0 || c->u.cbc.cipher != find_cipher(name) ||
	    c->u.cbc.blocklen != ci->blocksize)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

static int aes_ok(const struct cipher *ci, const struct cipher_ctx *c)
{
	int e = cbc_ok(ci, c, "aes");
	if (e == SSH_OK && !cipher_aes_rounds_ok(c->u.cbc.key.rijndael.Nr, ci->keylen))
		e = SSH_ERR_CRYPTO;
	return e;
}

/* 3DES's schedule is three fixed arrays: nothing to check in it */
static int des3_ok(const struct cipher *ci, const struct cipher_ctx *c) { return cbc_ok(ci, c, "3des"); }

const struct cipher cipher_aes128_cbc = {"aes128-cbc", 16, 16, 16, 0, aes128, enc, NULL, NULL, NULL, dec, 1, aes_ok};
const struct cipher cipher_aes192_cbc = {"aes192-cbc", 24, 16, 16, 0, aes192, enc, NULL, NULL, NULL, dec, 1, aes_ok};
const struct cipher cipher_aes256_cbc = {"aes256-cbc", 32, 16, 16, 0, aes256, enc, NULL, NULL, NULL, dec, 1, aes_ok};
const struct cipher cipher_3des_cbc = {"3des-cbc", 24, 8, 8, 0, des3, enc, NULL, NULL, NULL, dec, 1, des3_ok};
