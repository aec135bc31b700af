/* aes{128,256}-gcm@openssh.com (RFC 5647 as OpenSSH does it): the length is
 * plaintext and authenticated as AAD; the IV's last 8 bytes count packets. */
#include <string.h>

#include "buf.h"
#include "cipher.h"
#include "crypto.h"

static int gcm_init_key(struct cipher_ctx *c, const uint8_t *key, int keylen, const uint8_t *iv)
{
	c->accel = (accel_flags() & (ACCEL_AES | ACCEL_CLMUL)) == (ACCEL_AES | ACCEL_CLMUL);
	if (c->accel) {
		aesni_gcm_init(&c->u.agcm.g, key, keylen);
		memcpy(c->u.agcm.iv, iv, 12);
		return SSH_OK;
	}
	if (gcm_init(&c->u.gcm.st, idx_aes(), key, keylen) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	memcpy(c->u.gcm.iv, iv, 12);
	return SSH_OK;
}

static int init128(struct cipher_ctx *c, const uint8_t *k, const uint8_t *iv) { return gcm_init_key(c, k, 16, iv); }
static int init256(struct cipher_ctx *c, const uint8_t *k, const uint8_t *iv) { return gcm_init_key(c, k, 32, iv); }

static int getlen(struct cipher_ctx *c, uint32_t seq, const uint8_t *p, uint32_t *len)
{
	(void)c, (void)seq;
	*len = get_u32(p);
	return SSH_OK;
}

static void next_iv(uint8_t iv[12])
{
	put_u64(iv + 4, get_u64(iv + 4) + 1);
}

static int run(struct cipher_ctx *c, uint8_t *pkt, size_t n, uint8_t *tag, int dir)
{
	gcm_state *g = &c->u.gcm.st;
	unsigned long tl = 16;
	if (gcm_reset(g) != CRYPT_OK || gcm_add_iv(g, c->u.gcm.iv, 12) != CRYPT_OK ||
	    gcm_add_aad(g, pkt, 4) != CRYPT_OK ||
	    gcm_process(g, pkt + 4, (unsigned long)(n - 4), pkt + 4, dir) != CRYPT_OK ||
	    gcm_done(g, tag, &tl) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	next_iv(c->u.gcm.iv);
	return SSH_OK;
}

static int gcm_seal(struct cipher_ctx *c, uint32_t seq, uint8_t *pkt, size_t n)
{
	(void)seq;
	if (c->accel) {
		aesni_gcm_seal(&c->u.agcm.g, c->u.agcm.iv, pkt, 4, pkt + 4, n - 4, pkt + n);
		next_iv(c->u.agcm.iv);
		return SSH_OK;
	}
	return run(c, pkt, n, pkt + n, GCM_ENCRYPT);
}

static int gcm_open(struct cipher_ctx *c, uint32_t seq, uint8_t *pkt, size_t n)
{
	uint8_t tag[16];
	int e;
	(void)seq;
	if (c->accel) {
		/* the tag is checked before anything is decrypted */
		if (aesni_gcm_open(&c->u.agcm.g, c->u.agcm.iv, pkt, 4, pkt + 4, n - 4, pkt + n) != 0)
			return SSH_ERR_MAC;
		next_iv(c->u.agcm.iv);
		return SSH_OK;
	}
	/* libtomcrypt decrypts and tags in one pass; the plaintext of a forged
	 * packet is never looked at, since a bad tag ends the connection */
	e = run(c, pkt, n, tag, GCM_DECRYPT);
	if (e == SSH_OK && !ct_eq(tag, pkt + n, 16))
		e = SSH_ERR_MAC;
	return e;
}

/* gcm_reset starts every packet, so of the library's state only the key
 * and the cipher index carry over from one packet to the next */
static int gcm_ok(const struct cipher *ci, const struct cipher_ctx *c)
{
	if (!cipher_accel_ok(c->accel, ACCEL_AES | ACCEL_CLMUL))
		return SSH_ERR_CRYPTO;
	if (c->accel)
		return cipher_aesni_ok(&c->u.agcm.g.k, ci->keylen) ? SSH_OK : SSH_ERR_CRYPTO;
	if (c->u.gcm.st.cipher != idx_aes() || !cipher_aes_rounds_ok(c->u.gcm.st.K.rijndael.Nr, ci->keylen))
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

const struct cipher cipher_aes128_gcm = {"aes128-gcm@openssh.com", 16, 12, 16, 16, init128, NULL, getlen, gcm_open, gcm_seal, NULL, 0, gcm_ok};
const struct cipher cipher_aes256_gcm = {"aes256-gcm@openssh.com", 32, 12, 16, 16, init256, NULL, getlen, gcm_open, gcm_seal, NULL, 0, gcm_ok};
