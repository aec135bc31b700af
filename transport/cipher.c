#include <stddef.h>
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
const struct cipher cipher_none = {"none", 0, 0, 8, 0, none_init, none_crypt, NULL, NULL, NULL, NULL, 0, NULL};

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

int cipher_accel_ok(uint8_t accel, unsigned need)
{
	if (accel == 0)
		return 1;
	return accel == 1 && need && (accel_flags() & need) == need;
}

/* 10, 12 or 14 rounds for 128, 192 and 256-bit keys (FIPS 197 5) */
int cipher_aes_rounds_ok(int rounds, unsigned keylen)
{
	return (keylen == 16 || keylen == 24 || keylen == 32) && rounds == (int)(6 + keylen / 4);
}

int cipher_aesni_ok(const struct aesni_key *k, unsigned keylen)
{
	if (!cipher_aes_rounds_ok(k->rounds, keylen))
		return 0;
	/* the wide schedule's code runs only where VAES is in use */
	return k->wide == 0 || (k->wide == 1 && (accel_flags() & ACCEL_VAES));
}

#define MAX2(a, b) ((a) > (b) ? (a) : (b))

size_t cipher_ctx_size(const struct cipher *ci, const struct cipher_ctx *c)
{
	const size_t small = offsetof(struct cipher_ctx, u) +
		MAX2(MAX2(MAX2(sizeof c->u.ctr, sizeof c->u.cbc), MAX2(sizeof c->u.cp, sizeof c->u.acp)),
		     MAX2(sizeof c->u.actr, sizeof c->u.agcm));
	if ((ci == &cipher_aes128_gcm || ci == &cipher_aes256_gcm) && !c->accel)
		return sizeof *c;
	return small;
}
