#include <string.h>

#include "cipher.h"
#include "namelist.h"

static int none_init(struct cipher_ctx *c, const uint8_t *key, const uint8_t *iv)
{
	(void)c, (void)key, (void)iv;
	return 0;
}

static int none_crypt(struct cipher_ctx *c, uint8_t *p, size_t n)
{
	(void)c, (void)p, (void)n;
	return 0;
}

/* only before the first NEWKEYS; never negotiable */
const struct cipher cipher_none = {"none", 0, 0, 8, 0, none_init, none_crypt, NULL, NULL, NULL, NULL, 0};

const struct cipher *const ciphers[] = {
	&cipher_chachapoly, &cipher_aes128_gcm, &cipher_aes256_gcm,
	&cipher_aes128_ctr, &cipher_aes192_ctr, &cipher_aes256_ctr,
	/* legacy, after the defaults as OpenSSH lists them */
	&cipher_aes128_cbc, &cipher_aes192_cbc, &cipher_aes256_cbc, &cipher_3des_cbc, NULL,
};

const struct cipher *cipher_find(const char *name, size_t len)
{
	for (int i = 0; ciphers[i]; i++)
		if (name_eq(ciphers[i]->name, name, len))
			return ciphers[i];
	return NULL;
}
