/* Which accelerated primitives this CPU runs, decided once at start
 * (crypto_init) from cpuid. The cipher rows ask at key setup and keep the
 * answer in their context, so a connection never changes path mid-key. */
#ifndef SSHL_ACCEL_H
#define SSHL_ACCEL_H

#include <stddef.h>
#include <stdint.h>

enum {
	ACCEL_AES = 1,    /* AES-NI, with SSSE3 and SSE4.1 for byte order and counters */
	ACCEL_CLMUL = 2,  /* PCLMULQDQ for GHASH */
	ACCEL_SSE2 = 4,   /* 4-block ChaCha20 and 64-bit-limb Poly1305 */
	ACCEL_AVX2 = 8,   /* 8-block ChaCha20 */
	ACCEL_SHA = 16,   /* SHA-256 with the SHA extensions, for HMAC */
	ACCEL_VAES = 32,  /* AES-NI on 256-bit vectors (VAES, AVX2) and VPCLMULQDQ */
};

/* reads cpuid, and SSHD_LITE_PORTABLE_CRYPTO=1 in the environment forces
 * libtomcrypt for everything (tests, comparisons), SSHD_LITE_NO_VAES=1
 * AES-NI without VAES; idempotent */
void accel_init(void);
/* the features in use, 0 when portable */
unsigned accel_flags(void);
/* unit tests: force the portable path on (1) or go back to cpuid (0) */
void accel_force_portable(int on);

/* AES-NI (transport/aes_ni.c); valid only when ACCEL_AES is set */
struct aesni_key {
	_Alignas(16) uint8_t rk[15][16];
	int rounds;
	int wide; /* ACCEL_VAES at expansion: CTR and GCM take transport/aes_vaes.c */
};
void aesni_expand(struct aesni_key *k, const uint8_t *key, int keylen);
/* big-endian 128-bit counter (aes*-ctr); n a multiple of 16 */
void aesni_ctr(const struct aesni_key *k, uint8_t ctr[16], uint8_t *p, size_t n);
/* the same with 128-bit AES-NI alone, whatever k->wide says */
void aesni_ctr_narrow(const struct aesni_key *k, uint8_t ctr[16], uint8_t *p, size_t n);
/* VAES (transport/aes_vaes.c), valid only when ACCEL_VAES is set: CTR as
 * aesni_ctr; GCM's keystream from counter 2 over the whole 256-byte chunks
 * of p, returning the bytes done (iv16: the IV, 4 bytes of padding) */
void vaes_ctr(const struct aesni_key *k, uint8_t ctr[16], uint8_t *p, size_t n);
size_t vaes_gcm_ctr(const struct aesni_key *k, const uint8_t iv16[16], uint8_t *p, size_t n);
/* GHASH over the whole 128-byte chunks of p from the byte-reflected state
 * x (in and out); returns the bytes absorbed */
struct aesni_gcm;
size_t vaes_ghash(const struct aesni_gcm *g, uint8_t x[16], const uint8_t *p, size_t n);

/* AES-GCM with a 12-byte IV, in place (SSH's AAD is the 4-byte length) */
struct aesni_gcm {
	struct aesni_key k;
	_Alignas(16) uint8_t h[4][16]; /* H^1..H^4, byte-reflected */
	_Alignas(16) uint8_t hw[8][16]; /* H^8..H^1 for vaes_ghash (k.wide only; malloc aligns to 16) */
};
void aesni_gcm_init(struct aesni_gcm *g, const uint8_t *key, int keylen);
void aesni_gcm_seal(const struct aesni_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t alen,
		    uint8_t *p, size_t n, uint8_t tag[16]);
/* decrypts only if the tag over aad and ciphertext equals want (compared
 * in constant time): 0 then, -1 otherwise */
int aesni_gcm_open(const struct aesni_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t alen,
		   uint8_t *p, size_t n, const uint8_t want[16]);

/* ChaCha20 with an 8-byte nonce and a 64-bit block counter, as OpenSSH
 * uses it (transport/chacha_simd.c); the vector code runs only when
 * ACCEL_SSE2 is set. ctr + n/64 must stay below 2^32. */
void chacha_simd_xor(const uint8_t key[32], const uint8_t nonce[8], uint64_t ctr, uint8_t *p, size_t n);
/* one 64-byte keystream block */
void chacha_simd_block(const uint8_t key[32], const uint8_t nonce[8], uint64_t ctr, uint8_t out[64]);
void poly1305_64(const uint8_t key[32], const uint8_t *m, size_t n, uint8_t tag[16]);

/* SHA-256 (transport/sha256_ni.c), valid only when ACCEL_SHA is set:
 * nblocks 64-byte blocks into the state words A..H */
void sha256_ni_blocks(uint32_t st[8], const uint8_t *p, size_t nblocks);
/* from a state that has absorbed `done` bytes (a multiple of 64): absorbs
 * pre (under 64 bytes) then p, pads, writes the digest */
void sha256_ni_finish(const uint32_t st[8], uint64_t done, const uint8_t *pre, size_t prelen,
		      const uint8_t *p, size_t n, uint8_t out[32]);

#endif
