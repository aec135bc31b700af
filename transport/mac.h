/* HMAC over the sequence number and packet (RFC 4253 6.4), or over the
 * encrypted packet for the -etm@openssh.com rows. The keyed inner and outer
 * hash states are computed once per key exchange and copied per packet, so
 * a packet costs two hash finalisations and no key schedule. The umac rows
 * (hash NULL) take the packet alone and the sequence number as UMAC's
 * nonce, as OpenSSH does (transport/umac.h). */
#ifndef SSHL_MAC_H
#define SSHL_MAC_H

#include <stddef.h>
#include <stdint.h>

#include <tomcrypt.h>

#include "umac.h"

struct mac {
	const char *name;
	const char *hash;  /* libtomcrypt hash name; NULL for UMAC */
	uint8_t keylen;
	uint8_t maclen;    /* a truncated HMAC (-96) sends the first bytes */
	uint8_t etm;       /* MAC over the ciphertext, length in the clear */
	uint8_t legacy;    /* SHA-1 and MD5: offered only when enabled */
};

struct mac_ctx {
	const struct mac *m;
	int hidx;
	uint8_t ni; /* SHA-256 on the SHA extensions (transport/accel.h) */
	union {
		struct {
			hash_state inner, outer;
		};
		struct umac_ctx umac;
	};
};

extern const struct mac *const macs[];
const struct mac *mac_find(const char *name, size_t len);

int mac_init(struct mac_ctx *c, const struct mac *m, const uint8_t *key);
/* SSH_OK when c is a context mac_init could have made for c->m: the hash
 * index is the row's, each HMAC midstate has absorbed exactly one block,
 * the SHA extensions only where they are in use, UMAC's tag length and
 * AES rounds its own. For a context that arrives as bytes from another
 * process (transport/handover.c), checked before anything uses it. */
int mac_ctx_ok(const struct mac_ctx *c);
/* writes m->maclen bytes: HMAC(key, uint32 seq || p[0..n)) */
int mac_compute(const struct mac_ctx *c, uint32_t seq, const uint8_t *p, size_t n, uint8_t *out);
/* general HMAC for tests and other callers: key of any length */
int hmac_oneshot(const char *hash, const uint8_t *key, size_t keylen,
		 const uint8_t *msg, size_t n, uint8_t *out, size_t *outlen);

#endif
