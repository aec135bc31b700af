/* One place that registers libtomcrypt's algorithms and the math provider,
 * and the random source every layer draws from. */
#ifndef SSHL_CRYPTO_H
#define SSHL_CRYPTO_H

#include <stddef.h>

/* registers ciphers, hashes, the PRNG (getrandom, for every libtomcrypt
 * call too) and ltm_desc; idempotent. -1 also when the kernel has no
 * randomness to give: the server then refuses to run. */
int crypto_init(void);
/* fills p with n bytes from the kernel's CSPRNG; aborts only if the kernel
 * has none, since running without randomness is never safe */
void rand_bytes(void *p, size_t n);
#ifdef SSHL_FUZZ
#include <stdint.h>
/* fuzz builds only: rand_bytes and the libtomcrypt PRNG become a seeded,
 * deterministic stream (transport/crypto.c) so every input replays */
void rand_fuzz_seed(uint64_t seed);
#endif

/* libtomcrypt registry indexes, valid after crypto_init() */
int idx_sha1(void);
int idx_sha256(void);
int idx_sha384(void);
int idx_sha512(void);
int idx_aes(void);
int idx_prng(void);

#endif
