/* ssh-ed25519 (RFC 8709): blob "string pk", signature 64 raw bytes. */
#include <stdlib.h>
#include <string.h>

#include "kex/ed25519.h"
#include "kex/hostkey.h"
#include "transport/crypto.h"

struct edkey {
	uint8_t seed[32];
	uint8_t pk[32];
};

int ed25519_key_from_seed(const uint8_t *seed, size_t seedlen, const uint8_t *pk, void **priv)
{
	struct edkey *k;
	if (seedlen != 32)
		return SSH_ERR_KEY;
	k = malloc(sizeof *k);
	if (!k)
		return SSH_ERR_ALLOC;
	memcpy(k->seed, seed, 32);
	if (pk)
		memcpy(k->pk, pk, 32);
	else
		ed25519_pubkey(k->pk, k->seed);
	*priv = k;
	return SSH_OK;
}

static void ed_free(void *priv)
{
	wipe(priv, sizeof(struct edkey));
	free(priv);
}

static int ed_generate(enum keytype t, int bits, void **priv)
{
	uint8_t seed[32];
	int e;
	(void)t;
	(void)bits;
	rand_bytes(seed, sizeof seed);
	e = ed25519_key_from_seed(seed, sizeof seed, NULL, priv);
	wipe(seed, sizeof seed);
	return e;
}

static int ed_put_public(const void *priv, struct buf *out)
{
	const struct edkey *k = priv;
	return buf_string(out, k->pk, 32);
}

/* private fields: string pk, string seed || pk */
static int ed_put_private(const void *priv, struct buf *out)
{
	const struct edkey *k = priv;
	size_t mark;
	int e = buf_string(out, k->pk, 32);
	if (e == SSH_OK)
		e = buf_string_begin(out, &mark);
	if (e == SSH_OK)
		e = buf_put(out, k->seed, 32);
	if (e == SSH_OK)
		e = buf_put(out, k->pk, 32);
	if (e == SSH_OK)
		buf_string_end(out, mark);
	return e;
}

static int ed_get_private(enum keytype t, struct rd *r, void **priv)
{
	const uint8_t *pk, *sk;
	size_t pklen, sklen;
	int e;

	(void)t;
	if ((e = rd_string(r, &pk, &pklen)) != SSH_OK || (e = rd_string(r, &sk, &sklen)) != SSH_OK)
		return e;
	if (pklen != 32 || sklen != 64)
		return SSH_ERR_KEY;
	/* the two stored copies of the public key must agree */
	if (memcmp(pk, sk + 32, 32))
		return SSH_ERR_KEY;
	return ed25519_key_from_seed(sk, 32, pk, priv);
}

static int ed_sign(const void *priv, const struct sigalg *alg, const uint8_t *data, size_t len,
		   struct buf *out)
{
	const struct edkey *k = priv;
	uint8_t *sig;
	int e = buf_reserve(out, 64, &sig);
	(void)alg;
	if (e == SSH_OK)
		ed25519_sign(sig, data, len, k->seed, k->pk);
	return e;
}

static int ed_verify(enum keytype t, const struct sigalg *alg, struct rd *pub,
		     const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	const uint8_t *pk;
	size_t pklen;
	(void)t;
	(void)alg;
	if (rd_string(pub, &pk, &pklen) != SSH_OK || rd_end(pub) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (pklen != 32)
		return SSH_ERR_KEY;
	if (siglen != 64)
		return SSH_ERR_SIG;
	return ed25519_verify(sig, data, len, pk);
}

const struct keyops keyops_ed25519 = {
	KEY_ED25519, "ssh-ed25519", ed_put_public, ed_get_private, ed_put_private,
	ed_sign, ed_verify, ed_generate, ed_free,
};
