/* Exchange hash and key derivation (RFC 4253 7.2). */
#include <string.h>

#include <tomcrypt.h>

#include "kex/kdf.h"

int kdf_hash(const char *hash, const uint8_t *p, size_t n, uint8_t *out, size_t *outlen)
{
	int h = find_hash(hash);
	unsigned long l = MAXBLOCKSIZE;
	if (h < 0 || hash_memory(h, p, (unsigned long)n, out, &l) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	*outlen = l;
	return SSH_OK;
}

int kdf_derive(const char *hash, const struct buf *k, const uint8_t *h, size_t hlen, char letter,
	       const uint8_t *sid, size_t sidlen, uint8_t *out, size_t need)
{
	const struct ltc_hash_descriptor *d;
	hash_state st;
	uint8_t blk[MAXBLOCKSIZE];
	size_t have = 0;
	int hi = find_hash(hash), e = SSH_ERR_CRYPTO;
	uint8_t x = (uint8_t)letter;

	if (hi < 0)
		return SSH_ERR_INTERNAL;
	d = &hash_descriptor[hi];
	/* K1 = HASH(K || H || X || session_id); Kn = HASH(K || H || K1..Kn-1) */
	while (have < need) {
		if (d->init(&st) != CRYPT_OK || d->process(&st, k->d, (unsigned long)k->len) != CRYPT_OK ||
		    d->process(&st, h, (unsigned long)hlen) != CRYPT_OK)
			goto out;
		if (have == 0) {
			if (d->process(&st, &x, 1) != CRYPT_OK || d->process(&st, sid, (unsigned long)sidlen) != CRYPT_OK)
				goto out;
		} else if (d->process(&st, out, (unsigned long)have) != CRYPT_OK) {
			goto out;
		}
		if (d->done(&st, blk) != CRYPT_OK)
			goto out;
		size_t take = need - have < d->hashsize ? need - have : d->hashsize;
		memcpy(out + have, blk, take);
		have += take;
	}
	e = SSH_OK;
out:
	wipe(blk, sizeof blk);
	wipe(&st, sizeof st);
	return e;
}
