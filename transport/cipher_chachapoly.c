/* chacha20-poly1305@openssh.com (OpenSSH's PROTOCOL.chacha20poly1305), not
 * RFC 8439: the 64-byte key is K_2 (payload) || K_1 (length); the nonce is
 * the sequence number; the Poly1305 key is block 0 of K_2's stream, the
 * payload starts at block 1, and the tag covers the encrypted length and
 * payload with no padding or length block. */
#include <string.h>

#include "buf.h"
#include "cipher.h"

static int init(struct cipher_ctx *c, const uint8_t *key, const uint8_t *iv)
{
	(void)iv;
	c->accel = (accel_flags() & ACCEL_SSE2) != 0;
	if (c->accel) {
		memcpy(c->u.acp.main, key, 32);
		memcpy(c->u.acp.hdr, key + 32, 32);
		return SSH_OK;
	}
	if (chacha_setup(&c->u.cp.main, key, 32, 20) != CRYPT_OK ||
	    chacha_setup(&c->u.cp.hdr, key + 32, 32, 20) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

static int set_nonce(chacha_state *st, uint32_t seq, uint64_t counter)
{
	uint8_t nonce[8];
	put_u64(nonce, seq);
	return chacha_ivctr64(st, nonce, 8, counter) == CRYPT_OK ? SSH_OK : SSH_ERR_CRYPTO;
}

/* the vector path: the same construction on transport/chacha_simd.c */
static void fast_len(struct cipher_ctx *c, uint32_t seq, uint8_t *p)
{
	uint8_t ks[64], nonce[8];
	put_u64(nonce, seq);
	chacha_simd_block(c->u.acp.hdr, nonce, 0, ks);
	for (int i = 0; i < 4; i++)
		p[i] ^= ks[i];
	wipe(ks, sizeof ks);
}

static void fast_tag(struct cipher_ctx *c, uint32_t seq, const uint8_t *pkt, size_t n, uint8_t tag[16])
{
	uint8_t key[64], nonce[8];
	put_u64(nonce, seq);
	chacha_simd_block(c->u.acp.main, nonce, 0, key);
	poly1305_64(key, pkt, n, tag);
	wipe(key, sizeof key);
}

static void fast_body(struct cipher_ctx *c, uint32_t seq, uint8_t *p, size_t n)
{
	uint8_t nonce[8];
	put_u64(nonce, seq);
	chacha_simd_xor(c->u.acp.main, nonce, 1, p, n);
}

static int getlen(struct cipher_ctx *c, uint32_t seq, const uint8_t *p, uint32_t *len)
{
	uint8_t l[4];
	if (c->accel) {
		memcpy(l, p, 4);
		fast_len(c, seq, l);
		*len = get_u32(l);
		return SSH_OK;
	}
	if (set_nonce(&c->u.cp.hdr, seq, 0) != SSH_OK || chacha_crypt(&c->u.cp.hdr, p, 4, l) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	*len = get_u32(l);
	return SSH_OK;
}

static int poly_tag(struct cipher_ctx *c, uint32_t seq, const uint8_t *pkt, size_t n, uint8_t tag[16])
{
	uint8_t key[64];
	poly1305_state ps;
	unsigned long tl = 16;
	int e = SSH_ERR_CRYPTO;
	if (set_nonce(&c->u.cp.main, seq, 0) != SSH_OK ||
	    chacha_keystream(&c->u.cp.main, key, sizeof key) != CRYPT_OK)
		goto out;
	if (poly1305_init(&ps, key, 32) == CRYPT_OK && poly1305_process(&ps, pkt, (unsigned long)n) == CRYPT_OK &&
	    poly1305_done(&ps, tag, &tl) == CRYPT_OK)
		e = SSH_OK;
out:
	wipe(key, sizeof key);
	wipe(&ps, sizeof ps);
	return e;
}

static int body(struct cipher_ctx *c, uint32_t seq, uint8_t *p, size_t n)
{
	if (set_nonce(&c->u.cp.main, seq, 1) != SSH_OK || chacha_crypt(&c->u.cp.main, p, (unsigned long)n, p) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

static int cp_seal(struct cipher_ctx *c, uint32_t seq, uint8_t *pkt, size_t n)
{
	int e;
	if (c->accel) {
		fast_len(c, seq, pkt);
		fast_body(c, seq, pkt + 4, n - 4);
		fast_tag(c, seq, pkt, n, pkt + n);
		return SSH_OK;
	}
	if (set_nonce(&c->u.cp.hdr, seq, 0) != SSH_OK || chacha_crypt(&c->u.cp.hdr, pkt, 4, pkt) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	e = body(c, seq, pkt + 4, n - 4);
	if (e == SSH_OK)
		e = poly_tag(c, seq, pkt, n, pkt + n);
	return e;
}

static int cp_open(struct cipher_ctx *c, uint32_t seq, uint8_t *pkt, size_t n)
{
	uint8_t tag[16];
	uint32_t len;
	int e = SSH_OK;
	if (c->accel)
		fast_tag(c, seq, pkt, n, tag);
	else
		e = poly_tag(c, seq, pkt, n, tag);
	if (e != SSH_OK)
		return e;
	if (!ct_eq(tag, pkt + n, 16))
		return SSH_ERR_MAC;
	if (c->accel) {
		fast_len(c, seq, pkt);
		fast_body(c, seq, pkt + 4, n - 4);
		return SSH_OK;
	}
	e = getlen(c, seq, pkt, &len);
	if (e == SSH_OK) {
		put_u32(pkt, len);
		e = body(c, seq, pkt + 4, n - 4);
	}
	return e;
}

/* chacha_crypt reads kstream[64 - ksleft] and runs `rounds` rounds; a
 * nonce is set before every use (ivlen 8), none yet after setup (0) */
static int state_ok(const chacha_state *s)
{
	return s->rounds == 20 && s->ksleft <= 64 && (s->ivlen == 0 || s->ivlen == 8);
}

static int cp_ok(const struct cipher *ci, const struct cipher_ctx *c)
{
	(void)ci;
	if (!cipher_accel_ok(c->accel, ACCEL_SSE2))
		return SSH_ERR_CRYPTO;
	/* the vector path keeps the two keys alone */
	if (c->accel)
		return SSH_OK;
	return state_ok(&c->u.cp.main) && state_ok(&c->u.cp.hdr) ? SSH_OK : SSH_ERR_CRYPTO;
}

const struct cipher cipher_chachapoly = {"chacha20-poly1305@openssh.com", 64, 0, 8, 16, init, NULL, getlen, cp_open, cp_seal, NULL, 0, cp_ok};
