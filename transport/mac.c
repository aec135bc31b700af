#include <string.h>

#include "accel.h"
#include "buf.h"
#include "crypto.h"
#include "mac.h"
#include "namelist.h"

static const struct mac m_umac64_etm = {"umac-64-etm@openssh.com", NULL, 16, 8, 1, 0};
static const struct mac m_umac128_etm = {"umac-128-etm@openssh.com", NULL, 16, 16, 1, 0};
static const struct mac m_sha256_etm = {"hmac-sha2-256-etm@openssh.com", "sha256", 32, 32, 1, 0};
static const struct mac m_sha512_etm = {"hmac-sha2-512-etm@openssh.com", "sha512", 64, 64, 1, 0};
static const struct mac m_sha1_etm = {"hmac-sha1-etm@openssh.com", "sha1", 20, 20, 1, 1};
static const struct mac m_umac64 = {"umac-64@openssh.com", NULL, 16, 8, 0, 0};
static const struct mac m_umac128 = {"umac-128@openssh.com", NULL, 16, 16, 0, 0};
static const struct mac m_sha256 = {"hmac-sha2-256", "sha256", 32, 32, 0, 0};
static const struct mac m_sha512 = {"hmac-sha2-512", "sha512", 64, 64, 0, 0};
static const struct mac m_sha1 = {"hmac-sha1", "sha1", 20, 20, 0, 1};
/* for old devices, enabled by name: truncated SHA-1 and MD5 (RFC 4253 6.4) */
static const struct mac m_sha1_96 = {"hmac-sha1-96", "sha1", 20, 12, 0, 1};
static const struct mac m_md5 = {"hmac-md5", "md5", 16, 16, 0, 1};
static const struct mac m_md5_96 = {"hmac-md5-96", "md5", 16, 12, 0, 1};
static const struct mac m_sha1_96_etm = {"hmac-sha1-96-etm@openssh.com", "sha1", 20, 12, 1, 1};
static const struct mac m_md5_etm = {"hmac-md5-etm@openssh.com", "md5", 16, 16, 1, 1};
static const struct mac m_md5_96_etm = {"hmac-md5-96-etm@openssh.com", "md5", 16, 12, 1, 1};

/* OpenSSH's default order (myproposal.h), the legacy rows after it */
const struct mac *const macs[] = {
	&m_umac64_etm, &m_umac128_etm, &m_sha256_etm, &m_sha512_etm, &m_sha1_etm,
	&m_umac64, &m_umac128, &m_sha256, &m_sha512, &m_sha1,
	&m_sha1_96, &m_md5, &m_md5_96, &m_sha1_96_etm, &m_md5_etm, &m_md5_96_etm, NULL,
};

const struct mac *mac_find(const char *name, size_t len)
{
	for (int i = 0; macs[i]; i++)
		if (name_eq(macs[i]->name, name, len))
			return macs[i];
	return NULL;
}

/* inner/outer states after absorbing key^ipad and key^opad */
static int keyed_states(int h, const uint8_t *key, size_t keylen, hash_state *in, hash_state *out)
{
	const struct ltc_hash_descriptor *d = &hash_descriptor[h];
	uint8_t k[MAXBLOCKSIZE], pad[MAXBLOCKSIZE];
	unsigned long bs = d->blocksize, i;
	int e = SSH_ERR_CRYPTO;

	if (bs > sizeof k)
		return SSH_ERR_INTERNAL;
	memset(k, 0, sizeof k);
	if (keylen > bs) {
		if (d->init(in) != CRYPT_OK || d->process(in, key, (unsigned long)keylen) != CRYPT_OK ||
		    d->done(in, k) != CRYPT_OK)
			goto out;
	} else {
		memcpy(k, key, keylen);
	}
	for (i = 0; i < bs; i++)
		pad[i] = k[i] ^ 0x36;
	if (d->init(in) != CRYPT_OK || d->process(in, pad, bs) != CRYPT_OK)
		goto out;
	for (i = 0; i < bs; i++)
		pad[i] = k[i] ^ 0x5c;
	if (d->init(out) != CRYPT_OK || d->process(out, pad, bs) != CRYPT_OK)
		goto out;
	e = SSH_OK;
out:
	wipe(k, sizeof k);
	wipe(pad, sizeof pad);
	return e;
}

static int finish(int h, const hash_state *in0, const hash_state *out0, const uint8_t *pre, size_t prelen,
		  const uint8_t *p, size_t n, uint8_t *mac, size_t maclen)
{
	const struct ltc_hash_descriptor *d = &hash_descriptor[h];
	hash_state st;
	uint8_t inner[MAXBLOCKSIZE], full[MAXBLOCKSIZE];
	int e = SSH_ERR_CRYPTO;

	st = *in0;
	if ((prelen && d->process(&st, pre, (unsigned long)prelen) != CRYPT_OK) ||
	    d->process(&st, p, (unsigned long)n) != CRYPT_OK || d->done(&st, inner) != CRYPT_OK)
		goto out;
	st = *out0;
	if (d->process(&st, inner, d->hashsize) != CRYPT_OK || d->done(&st, full) != CRYPT_OK)
		goto out;
	/* maclen bytes: the -96 rows send the first 12 only */
	memcpy(mac, full, maclen);
	e = SSH_OK;
out:
	wipe(&st, sizeof st);
	wipe(inner, sizeof inner);
	wipe(full, sizeof full);
	return e;
}

int mac_init(struct mac_ctx *c, const struct mac *m, const uint8_t *key)
{
	int e;
	c->m = m;
	c->ni = 0;
	c->hidx = -1; /* UMAC: no hash */
	if (!m->hash)
		return umac_init(&c->umac, key, m->maclen);
	c->hidx = find_hash(m->hash);
	if (c->hidx < 0)
		return SSH_ERR_INTERNAL;
	e = keyed_states(c->hidx, key, m->keylen, &c->inner, &c->outer);
	/* the midstates have absorbed exactly one block each, so the SHA
	 * extensions can go on from their state words */
	c->ni = e == SSH_OK && !strcmp(m->hash, "sha256") && (accel_flags() & ACCEL_SHA) &&
		c->inner.sha256.curlen == 0 && c->outer.sha256.curlen == 0;
	return e;
}

/* keyed_states leaves each midstate after one whole block: nothing
 * buffered, blocksize * 8 bits counted */
static int midstate_ok(int h, const hash_state *s)
{
	uint64_t bits = (uint64_t)hash_descriptor[h].blocksize * 8;
	if (h == idx_sha1())
		return s->sha1.curlen == 0 && s->sha1.length == bits;
	if (h == idx_sha256())
		return s->sha256.curlen == 0 && s->sha256.length == bits;
	if (h == idx_sha512())
		return s->sha512.curlen == 0 && s->sha512.length == bits;
	if (h == find_hash("md5"))
		return s->md5.curlen == 0 && s->md5.length == bits;
	return 0;
}

int mac_ctx_ok(const struct mac_ctx *c)
{
	const struct mac *m = c->m;
	if (!m)
		return SSH_ERR_CRYPTO;
	if (!m->hash) {
		/* UMAC under AES-128 (transport/umac.c) */
		return c->ni == 0 && c->hidx == -1 && c->umac.taglen == m->maclen && c->umac.pdf.rijndael.Nr == 10
			       ? SSH_OK
			       : SSH_ERR_CRYPTO;
	}
	if (c->hidx < 0 || c->hidx != find_hash(m->hash) || c->ni > 1)
		return SSH_ERR_CRYPTO;
	if (c->ni && (c->hidx != idx_sha256() || !(accel_flags() & ACCEL_SHA)))
		return SSH_ERR_CRYPTO;
	return midstate_ok(c->hidx, &c->inner) && midstate_ok(c->hidx, &c->outer) ? SSH_OK : SSH_ERR_CRYPTO;
}

int mac_compute(const struct mac_ctx *c, uint32_t seq, const uint8_t *p, size_t n, uint8_t *out)
{
	uint8_t s[8] = {0};
	if (!c->m->hash) {
		/* UMAC's nonce: the sequence number as a uint64 */
		put_u32(s + 4, seq);
		return umac_tag(&c->umac, s, p, n, out);
	}
	put_u32(s, seq);
	if (c->ni) {
		uint8_t inner[32];
		sha256_ni_finish(c->inner.sha256.state, c->inner.sha256.length / 8, s, 4, p, n, inner);
		sha256_ni_finish(c->outer.sha256.state, c->outer.sha256.length / 8, NULL, 0, inner, 32, out);
		wipe(inner, sizeof inner);
		return SSH_OK;
	}
	return finish(c->hidx, &c->inner, &c->outer, s, 4, p, n, out, c->m->maclen);
}

int hmac_oneshot(const char *hash, const uint8_t *key, size_t keylen,
		 const uint8_t *msg, size_t n, uint8_t *out, size_t *outlen)
{
	hash_state in, o;
	int h = find_hash(hash), e;
	if (h < 0)
		return SSH_ERR_INTERNAL;
	e = keyed_states(h, key, keylen, &in, &o);
	if (e == SSH_OK)
		e = finish(h, &in, &o, NULL, 0, msg, n, out, hash_descriptor[h].hashsize);
	if (outlen)
		*outlen = hash_descriptor[h].hashsize;
	wipe(&in, sizeof in);
	wipe(&o, sizeof o);
	return e;
}
