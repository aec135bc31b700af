/* The KEM hybrids' common shape (mlkem768x25519-sha256,
 * mlkem768nistp256-sha256, sntrup761x25519-sha512): one string each way,
 *   C_INIT  = KEM public key || client's classical public value
 *   S_REPLY = KEM ciphertext || server's classical public value,
 * and K = HASH(K_PQ || K_CL) enters H and the key derivation as a string,
 * as OpenSSH hashes it. Each hybrid is two rows: its KEM and its classical
 * half; one driver runs them. */
#ifndef SSHL_AGREE_HYBRID_H
#define SSHL_AGREE_HYBRID_H

#include <stddef.h>
#include <stdint.h>

#include "transport/buf.h"

/* From the peer's public value (pub_len bytes, length already checked)
 * writes ours (pub_len bytes) and K_CL (k_len bytes); SSH_ERR_KEY for an
 * unusable peer value. */
struct hybrid_classical {
	size_t pub_len;
	size_t k_len;
	int (*agree)(const uint8_t *peer, uint8_t *pub, uint8_t *k);
};

/* Encapsulates to pk (pk_len bytes): writes ct (ct_len) and the shared
 * secret (ss_len); SSH_ERR_KEY for a key the KEM refuses. hash writes
 * hash_len bytes of HASH(p[0..n)). */
struct hybrid_kem {
	size_t pk_len;
	size_t ct_len;
	size_t ss_len;
	size_t hash_len;
	int (*encaps)(uint8_t *ct, uint8_t *ss, const uint8_t *pk);
	void (*hash)(uint8_t *out, const uint8_t *p, size_t n);
};

extern const struct hybrid_classical hybrid_x25519, hybrid_p256;

int hybrid_server(const struct hybrid_kem *kem, const struct hybrid_classical *cl,
		  struct rd *msg, struct buf *reply, struct buf *hashpart,
		  struct buf *secret);

#endif
