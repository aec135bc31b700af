/* UMAC (RFC 4418) over AES-128, for umac-64@openssh.com and
 * umac-128@openssh.com: the tag of one packet under the 8-byte nonce that
 * SSH makes from the sequence number (OpenSSH's PROTOCOL 1.1). The whole
 * message is at hand, so there is no streaming interface. */
#ifndef SSHL_UMAC_H
#define SSHL_UMAC_H

#include <stddef.h>
#include <stdint.h>

#include <tomcrypt.h>

#define UMAC_MAX_ITERS 4 /* UMAC-128: four 32-bit hashes */

struct umac_ctx {
	uint8_t taglen;                                /* 8 or 16 */
	uint32_t nh[256 + 4 * (UMAC_MAX_ITERS - 1)];   /* L1 key, as words */
	uint64_t k64[UMAC_MAX_ITERS];                  /* L2 keys, masked */
	uint64_t k128[UMAC_MAX_ITERS][2];              /* high, low */
	uint64_t l3k1[UMAC_MAX_ITERS][8];              /* L3 keys, mod 2^36-5 */
	uint32_t l3k2[UMAC_MAX_ITERS];
	symmetric_key pdf;                             /* AES under KDF(K, 0) */
};

/* key is 16 bytes; taglen 8 or 16 */
int umac_init(struct umac_ctx *u, const uint8_t *key, size_t taglen);
/* writes u->taglen bytes */
int umac_tag(const struct umac_ctx *u, const uint8_t nonce[8], const uint8_t *m, size_t n, uint8_t *out);

#endif
