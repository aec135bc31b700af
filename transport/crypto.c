#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <tomcrypt.h>

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

static unsigned long fuzzrng_read(unsigned char *out, unsigned long n, prng_state *st)
{
	(void)st;
	rand_bytes(out, n);
	return n;
}
static int fuzzrng_ok(prng_state *st) { (void)st; return CRYPT_OK; }
static int fuzzrng_add(const unsigned char *in, unsigned long n, prng_state *st)
{
	(void)in, (void)n, (void)st;
	return CRYPT_OK;
}
static int fuzzrng_export(unsigned char *out, unsigned long *n, prng_state *st)
{
	(void)out, (void)st;
	*n = 0;
	return CRYPT_OK;
}
static int fuzzrng_import(const unsigned char *in, unsigned long n, prng_state *st)
{
	(void)in, (void)n, (void)st;
	return CRYPT_OK;
}
static int fuzzrng_test(void) { return CRYPT_OK; }

static const struct ltc_prng_descriptor fuzzrng_desc = {
	"fuzzrng", 0, fuzzrng_ok, fuzzrng_add, fuzzrng_ok, fuzzrng_read,
	fuzzrng_ok, fuzzrng_export, fuzzrng_import, fuzzrng_test,
};
#define PRNG_NAME "fuzzrng"
#else
#define PRNG_NAME "sprng"
#endif

int crypto_init(void)
{
	ltc_mp = ltm_desc;
	if (register_hash(&sha1_desc) < 0 || register_hash(&sha256_desc) < 0 ||
	    register_hash(&sha384_desc) < 0 || register_hash(&sha512_desc) < 0 ||
	    register_cipher(&aes_desc) < 0 || register_prng(&sprng_desc) < 0)
		return -1;
#ifdef SSHL_FUZZ
	if (register_prng(&fuzzrng_desc) < 0)
		return -1;
#endif
	return 0;
}

void rand_bytes(void *p, size_t n)
{
#ifdef SSHL_FUZZ
	unsigned char *o = p;
	while (n > 0) {
		uint64_t v = splitmix64();
		size_t k = n < 8 ? n : 8;
		memcpy(o, &v, k);
		o += k;
		n -= k;
	}
#else
	unsigned char *c = p;
	while (n > 0) {
		ssize_t r = getrandom(c, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		c += r;
		n -= (size_t)r;
	}
#endif
}

int idx_sha1(void) { return find_hash("sha1"); }
int idx_sha256(void) { return find_hash("sha256"); }
int idx_sha384(void) { return find_hash("sha384"); }
int idx_sha512(void) { return find_hash("sha512"); }
int idx_aes(void) { return find_cipher("aes"); }
int idx_prng(void) { return find_prng(PRNG_NAME); }
