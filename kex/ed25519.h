/* Ed25519 signatures (RFC 8032 5.1) for ssh-ed25519 (RFC 8709). Keys are
 * the 32-byte seed and the 32-byte encoded public point. Signing runs in
 * time independent of the seed and the message contents. */
#ifndef SSHL_ED25519_H
#define SSHL_ED25519_H

#include <stddef.h>
#include <stdint.h>

void ed25519_pubkey(uint8_t pk[32], const uint8_t seed[32]);
/* pk must be ed25519_pubkey(seed); it is hashed, not recomputed. sig must
 * not overlap msg: R is written before msg is hashed the second time. */
void ed25519_sign(uint8_t sig[64], const uint8_t *msg, size_t len,
		  const uint8_t seed[32], const uint8_t pk[32]);
/* SSH_OK or SSH_ERR_SIG; the acceptance rules are listed in ed25519.c */
int ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
		   const uint8_t pk[32]);

#endif
