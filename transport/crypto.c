#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <tomcrypt.h>

#include "accel.h"
#include "buf.h"
#include "crypto.h"

#ifdef SSHL_FUZZ
/* Fuzzing builds only (make fuzz defines SSHL_FUZZ; the server's own build
 * never does): every random byte, ours and libtomcrypt's, comes from one
 * seeded splitmix64 stream, so an input replays exactly and the fuzzer can
 * steer a key exchange to completion. This is the one mutable global, and it
 * exists only in fuzz binaries, which are single-threaded. */
static uint64_t fuzz_rng_state = 1;

void rand_fuzz_seed(uint64_t seed) { fuzz_rng_state = seed; }

static uint64_t splitmix64(void)
{
	uint64_t z = (fuzz_rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif

/* The one randomness source: getrandom(2), or in fuzz builds the seeded
 * stream. 0 on success, -1 when the kernel has none. */
static int fill(unsigned char *c, size_t n)
{
#ifdef SSHL_FUZZ
	while (n > 0) {
		uint64_t v = splitmix64();
		size_t k = n < 8 ? n : 8;
		memcpy(c, &v, k);
		c += k;
		n -= k;
	}
#else
	while (n > 0) {
		ssize_t r = getrandom(c, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += r;
		n -= (size_t)r;
	}
#endif
	return 0;
}

/* libtomcrypt's own sprng reads /dev/urandom and, when that fails (a
 * chroot, a container without /dev), silently falls back to a generator
 * seeded from clock(). Every libtomcrypt call that wants randomness (NIST
 * ECDH and ECDSA, RSA blinding, key generation) gets this descriptor
 * instead: getrandom or nothing, and nothing fails the operation. */
static unsigned long rng_read(unsigned char *out, unsigned long n, prng_state *st)
{
	(void)st;
	return fill(out, n) == 0 ? n : 0;
}
static int rng_ok(prng_state *st) { (void)st; return CRYPT_OK; }
static int rng_add(const unsigned char *in, unsigned long n, prng_state *st)
{
	(void)in, (void)n, (void)st;
	return CRYPT_OK;
}
static int rng_export(unsigned char *out, unsigned long *n, prng_state *st)
{
	(void)out, (void)st;
	*n = 0;
	return CRYPT_OK;
}
static int rng_import(const unsigned char *in, unsigned long n, prng_state *st)
{
	(void)in, (void)n, (void)st;
	return CRYPT_OK;
}
static int rng_test(void) { return CRYPT_OK; }

#define PRNG_NAME "sshl-getrandom"
static const struct ltc_prng_descriptor rng_desc = {
	PRNG_NAME, 0, rng_ok, rng_add, rng_ok, rng_read, rng_ok, rng_export, rng_import, rng_test,
};

int crypto_init(void)
{
	unsigned char probe[16];
	ltc_mp = ltm_desc;
	if (register_hash(&sha1_desc) < 0 || register_hash(&sha256_desc) < 0 ||
	    register_hash(&sha384_desc) < 0 || register_hash(&sha512_desc) < 0 ||
	    register_cipher(&aes_desc) < 0 || register_cipher(&des3_desc) < 0 ||
	    register_hash(&md5_desc) < 0 || register_prng(&rng_desc) < 0)
		return -1;
	/* fail closed at the start, not in the middle of a key exchange */
	if (fill(probe, sizeof probe) != 0)
		return -1;
	wipe(probe, sizeof probe);
	accel_init();
	return 0;
}

void rand_bytes(void *p, size_t n)
{
	/* crypto_init proved getrandom works; a later failure leaves no
	 * safe way on */
	if (fill(p, n) != 0)
		abort();
}

int idx_sha1(void) { return find_hash("sha1"); }
int idx_sha256(void) { return find_hash("sha256"); }
int idx_sha384(void) { return find_hash("sha384"); }
int idx_sha512(void) { return find_hash("sha512"); }
int idx_aes(void) { return find_cipher("aes"); }
int idx_prng(void) { return find_prng(PRNG_NAME); }
