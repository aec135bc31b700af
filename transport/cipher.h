/* Packet ciphers as table rows. AEAD rows (taglen > 0) authenticate the
 * packet themselves and make the negotiated MAC irrelevant; the others
 * encrypt in place and leave authentication to transport/mac.c. */
#ifndef SSHL_CIPHER_H
#define SSHL_CIPHER_H

#include <stddef.h>
#include <stdint.h>

#include <tomcrypt.h>

#include "accel.h"

/* accel is set by init when this CPU has the row's accelerated code
 * (transport/accel.h); the union then holds that code's keys instead */
struct cipher_ctx {
	uint8_t accel;
	union {
		symmetric_CTR ctr;
		symmetric_CBC cbc;
		struct {
			gcm_state st;
			uint8_t iv[12]; /* 4 fixed bytes, 8-byte invocation counter */
		} gcm;
		struct {
			chacha_state main; /* K_2: payload and Poly1305 key */
			chacha_state hdr;  /* K_1: packet length only */
		} cp;
		struct {
			uint8_t main[32], hdr[32];
		} acp;
		struct {
			struct aesni_key k;
			uint8_t ctr[16];
		} actr;
		struct {
			struct aesni_gcm g;
			uint8_t iv[12];
		} agcm;
	} u;
};

struct cipher {
	const char *name;
	uint8_t keylen;
	uint8_t ivlen;
	uint8_t blocksize;
	uint8_t taglen; /* > 0: AEAD */
	int (*init)(struct cipher_ctx *c, const uint8_t *key, const uint8_t *iv);
	/* non-AEAD: transforms n bytes in place, n a multiple of blocksize */
	int (*crypt)(struct cipher_ctx *c, uint8_t *p, size_t n);
	/* AEAD: the packet length from the first 4 bytes, leaving them intact */
	int (*getlen)(struct cipher_ctx *c, uint32_t seq, const uint8_t *p, uint32_t *len);
	/* AEAD: pkt is the 4-byte length and the body, n bytes in all; the tag
	 * follows at pkt + n. open checks the tag and decrypts the body in place;
	 * seal encrypts in place and writes the tag. */
	int (*open)(struct cipher_ctx *c, uint32_t seq, uint8_t *pkt, size_t n);
	int (*seal)(struct cipher_ctx *c, uint32_t seq, uint8_t *pkt, size_t n);
	/* non-AEAD: the inverse of crypt, for received packets; NULL when
	 * crypt is its own inverse (CTR) */
	int (*decrypt)(struct cipher_ctx *c, uint8_t *p, size_t n);
	uint8_t legacy; /* CBC and 3DES: offered only when enabled by name */
	/* SSH_OK when c, as init and the calls since left it for this row,
	 * is safe to run: the library's cipher index is the row's, the round
	 * counts match the key length, buffer offsets are in range, and the
	 * accelerated form only on a CPU that has it. A context that arrives
	 * as bytes from another process (transport/handover.c) passes this
	 * before anything uses it. NULL: the row keeps no state (none). */
	int (*ctx_ok)(const struct cipher *ci, const struct cipher_ctx *c);
};

/* NULL-terminated, in the server's default order of preference */
extern const struct cipher *const ciphers[];
extern const struct cipher cipher_none;
extern const struct cipher cipher_chachapoly, cipher_aes128_gcm, cipher_aes256_gcm;
extern const struct cipher cipher_aes128_ctr, cipher_aes192_ctr, cipher_aes256_ctr;
extern const struct cipher cipher_aes128_cbc, cipher_aes192_cbc, cipher_aes256_cbc, cipher_3des_cbc;
const struct cipher *cipher_find(const char *name, size_t len);
/* The bytes at the start of c that row ci (NULL: none) may have written:
 * the whole context for portable AES-GCM, whose libtomcrypt state carries
 * 64 KiB of multiplication tables, a few KiB for every other row. Beyond
 * them the context stays zero (pkt_set_keys wipes the old row's bytes
 * before a new row starts), so wiping and handing over touch no more:
 * every untouched page would be a page fault, in each process of a
 * connection. */
size_t cipher_ctx_size(const struct cipher *ci, const struct cipher_ctx *c);

/* for the rows' ctx_ok: the accel byte is 0, or 1 with every feature of
 * need in use on this CPU (need 0: the row has no accelerated form) */
int cipher_accel_ok(uint8_t accel, unsigned need);
/* an AES key schedule's round count for a key of keylen bytes */
int cipher_aes_rounds_ok(int rounds, unsigned keylen);
/* an AES-NI key schedule (transport/accel.h) for a key of keylen bytes */
int cipher_aesni_ok(const struct aesni_key *k, unsigned keylen);

#endif
