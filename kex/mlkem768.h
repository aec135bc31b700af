/* ML-KEM-768 (FIPS 203), for the mlkem768x25519-sha256 and
 * mlkem768nistp256-sha256 key exchanges. Every step that touches a secret
 * runs in time independent of it; SHA-3 and SHAKE come from libtomcrypt.
 * Nothing here allocates, and every intermediate secret is wiped. */
#ifndef SSHL_MLKEM768_H
#define SSHL_MLKEM768_H

#include <stddef.h>
#include <stdint.h>

#define MLKEM768_EK_LEN 1184   /* encapsulation key */
#define MLKEM768_DK_LEN 2400   /* decapsulation key */
#define MLKEM768_CT_LEN 1088   /* ciphertext */
#define MLKEM768_SS_LEN 32     /* shared secret */
#define MLKEM768_SEED_LEN 32   /* d, z and m */

/* FIPS 203 7.2: SSH_OK when ek is 1184 bytes and every 12-bit coefficient
 * of t is below q (ByteEncode12(ByteDecode12(ek)) == ek); SSH_ERR_KEY
 * otherwise. */
int mlkem768_ek_check(const uint8_t *ek, size_t len);

/* FIPS 203 7.3, the decapsulation key half: SSH_OK when dk is 2400 bytes
 * and the hash it stores matches H(ek) of the ek it embeds. */
int mlkem768_dk_check(const uint8_t *dk, size_t len);

/* ML-KEM.KeyGen_internal: a key pair from the seeds d and z */
void mlkem768_keygen_derand(uint8_t ek[MLKEM768_EK_LEN],
			    uint8_t dk[MLKEM768_DK_LEN],
			    const uint8_t d[MLKEM768_SEED_LEN],
			    const uint8_t z[MLKEM768_SEED_LEN]);
/* the same with fresh d and z from rand_bytes */
void mlkem768_keygen(uint8_t ek[MLKEM768_EK_LEN], uint8_t dk[MLKEM768_DK_LEN]);

/* ML-KEM.Encaps_internal with the message m: checks ek as
 * mlkem768_ek_check does (SSH_ERR_KEY, outputs untouched), then writes
 * the ciphertext and the shared key. */
int mlkem768_encaps_derand(uint8_t ct[MLKEM768_CT_LEN],
			   uint8_t key[MLKEM768_SS_LEN], const uint8_t *ek,
			   size_t eklen, const uint8_t m[MLKEM768_SEED_LEN]);
/* the same with a fresh m from rand_bytes */
int mlkem768_encaps(uint8_t ct[MLKEM768_CT_LEN], uint8_t key[MLKEM768_SS_LEN],
		    const uint8_t *ek, size_t eklen);

/* ML-KEM.Decaps with the input checks of FIPS 203 7.3: SSH_ERR_KEY for a
 * ciphertext or key of the wrong length or a dk failing
 * mlkem768_dk_check. Otherwise SSH_OK and the shared key; a ciphertext
 * that does not re-encrypt to itself yields the implicit-rejection key
 * J(z || ct), chosen without a branch. */
int mlkem768_decaps(uint8_t key[MLKEM768_SS_LEN], const uint8_t *ct,
		    size_t ctlen, const uint8_t *dk, size_t dklen);

#endif
