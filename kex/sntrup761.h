/* Streamlined NTRU Prime sntrup761, the KEM of sntrup761x25519-sha512
 * (OpenSSH, draft-josefsson-ntruprime-ssh). Byte formats and hashing follow
 * the NTRU Prime specification and its reference implementation in SUPERCOP,
 * which OpenSSH uses, so keys and ciphertexts interoperate with it.
 *
 * Every step that touches a secret runs in time independent of it: no
 * secret-dependent branch or table index, a sorting network instead of a
 * sort, masked comparison and selection in decapsulation. Intermediate
 * secrets are wiped before returning. Nothing allocates. */
#ifndef SSHL_SNTRUP761_H
#define SSHL_SNTRUP761_H

#include <stddef.h>
#include <stdint.h>

#define SNTRUP761_PUBLICKEYBYTES 1158
#define SNTRUP761_SECRETKEYBYTES 1763
#define SNTRUP761_CIPHERTEXTBYTES 1039
#define SNTRUP761_BYTES 32
/* random bytes one encapsulation consumes: one 32-bit word per coefficient */
#define SNTRUP761_ENC_COINBYTES (4 * 761)

/* Where key generation draws its randomness; ctx is passed through. */
typedef void (*sntrup761_rng)(void *ctx, uint8_t *out, size_t n);

/* A key pair. rng NULL draws from rand_bytes; a deterministic rng makes
 * reproducible keys for tests. The server never generates keys. The secret
 * key holds f || 1/g mod 3 || pk || rho || SHA-512(4 || pk)[0..32). */
void sntrup761_keypair(uint8_t pk[SNTRUP761_PUBLICKEYBYTES],
		       uint8_t sk[SNTRUP761_SECRETKEYBYTES],
		       sntrup761_rng rng, void *ctx);

/* Encapsulates a fresh shared secret k to pk with randomness from
 * rand_bytes. Any 1158 bytes are a usable public key, as in the spec. */
void sntrup761_enc(uint8_t ct[SNTRUP761_CIPHERTEXTBYTES],
		   uint8_t k[SNTRUP761_BYTES],
		   const uint8_t pk[SNTRUP761_PUBLICKEYBYTES]);

/* The same with the coins given (little-endian 32-bit words, as the
 * reference draws them), for known answers and tests. */
void sntrup761_enc_derand(uint8_t ct[SNTRUP761_CIPHERTEXTBYTES],
			  uint8_t k[SNTRUP761_BYTES],
			  const uint8_t pk[SNTRUP761_PUBLICKEYBYTES],
			  const uint8_t coins[SNTRUP761_ENC_COINBYTES]);

/* Decapsulation. A ciphertext that does not re-encrypt to itself yields the
 * implicit-rejection key SHA-512(0 || SHA-512(3 || rho)[0..32) || ct),
 * never an error, so a forgery learns nothing from the outcome. */
void sntrup761_dec(uint8_t k[SNTRUP761_BYTES],
		   const uint8_t ct[SNTRUP761_CIPHERTEXTBYTES],
		   const uint8_t sk[SNTRUP761_SECRETKEYBYTES]);

#endif
