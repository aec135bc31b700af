#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include <tomcrypt.h>

#include "crypto.h"

int crypto_init(void)
{
	ltc_mp = ltm_desc;
	if (register_hash(&sha1_desc) < 0 || register_hash(&sha256_desc) < 0 ||
	    register_hash(&sha384_desc) < 0 || register_hash(&sha512_desc) < 0 ||
	    register_cipher(&aes_desc) < 0 || register_prng(&sprng_desc) < 0)
		return -1;
	return 0;
}

void rand_bytes(void *p, size_t n)
{
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
}

int idx_sha1(void) { return find_hash("sha1"); }
int idx_sha256(void) { return find_hash("sha256"); }
int idx_sha384(void) { return find_hash("sha384"); }
int idx_sha512(void) { return find_hash("sha512"); }
int idx_aes(void) { return find_cipher("aes"); }
int idx_prng(void) { return find_prng("sprng"); }
