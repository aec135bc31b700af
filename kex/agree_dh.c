/* Classic finite-field Diffie-Hellman: diffie-hellman-group* (RFC 4253 8,
 * RFC 8268) and the group exchange (RFC 4419), which differ only in where
 * the group comes from.
 *
 * The private exponent x has 512 bits (fewer only for a group too small to
 * hold them). Every group here is a safe prime, so the subgroup g lives in
 * has order about p/2 and the only shortcut for a short exponent is Pollard's
 * lambda, costing 2^(bits/2): 512 bits give 256-bit security, matching the
 * strongest hash and cipher SSH pairs with these groups, while keeping the
 * exponentiations for 8192-bit groups cheap. */
#include <stdlib.h>

#include <tommath.h>

#include "kex/agree.h"
#include "transport/crypto.h"

#define DH_XBITS 512

/* magnitude of a into a fresh allocation of plen bytes */
static int export_mp(const mp_int *a, size_t plen, uint8_t **out, size_t *len)
{
	*out = malloc(plen);
	if (*out == NULL)
		return SSH_ERR_ALLOC;
	if (mp_to_ubin(a, *out, plen, len) != MP_OKAY)
		return SSH_ERR_CRYPTO;
	return SSH_OK;
}

/* a random exponent with its top bit set, so it is never 0 or 1 */
static int make_exponent(mp_int *x, size_t pbits)
{
	uint8_t r[DH_XBITS / 8];
	size_t bits = pbits - 2 < DH_XBITS ? pbits - 2 : DH_XBITS;
	size_t n = (bits + 7) / 8;
	unsigned top = (unsigned)((bits - 1) % 8);
	int rc = SSH_OK;
	rand_bytes(r, n);
	r[0] &= (uint8_t)((2u << top) - 1);
	r[0] |= (uint8_t)(1u << top);
	if (mp_from_ubin(x, r, n) != MP_OKAY)
		rc = SSH_ERR_CRYPTO;
	wipe(r, sizeof r);
	return rc;
}

/* OpenSSH's dh_pub_is_valid also refuses a power of two: e = 2^k lets a
 * client steer K into a tiny subgroup's worth of values. e is public. */
static int one_bit_or_none(const uint8_t *b, size_t n)
{
	unsigned bits = 0;
	for (size_t i = 0; i < n && bits < 2; i++)
		bits += (unsigned)__builtin_popcount(b[i]);
	return bits <= 1;
}

static int dh_server(const void *param, struct rd *msg, struct buf *reply,
		     struct buf *hashpart, struct buf *secret)
{
	const struct dh_group *grp = param;
	const uint8_t *e_bin;
	size_t e_len, f_len = 0, k_len = 0, pbits;
	uint8_t *f_bin = NULL, *k_bin = NULL;
	mp_int p, g, e, x, f, k;
	int rc;

	/* KEXDH_INIT / KEX_DH_GEX_INIT: mpint e */
	rc = rd_mpint(msg, grp->plen, &e_bin, &e_len);
	if (rc == SSH_ERR_TOOBIG)
		return SSH_ERR_KEY; /* longer than p, so e > p */
	if (rc != SSH_OK || (rc = rd_end(msg)) != SSH_OK)
		return rc;
	if (mp_init_multi(&p, &g, &e, &x, &f, &k, NULL) != MP_OKAY)
		return SSH_ERR_ALLOC;
	rc = SSH_ERR_CRYPTO;
	if (mp_from_ubin(&p, grp->p, grp->plen) != MP_OKAY ||
	    mp_from_ubin(&g, grp->g, grp->glen) != MP_OKAY ||
	    mp_from_ubin(&e, e_bin, e_len) != MP_OKAY)
		goto out;
	pbits = (size_t)mp_count_bits(&p);
	if (pbits < 64 || pbits > DH_MAX_BITS) {
		rc = SSH_ERR_NOALG;
		goto out;
	}
	/* 1 < e < p-1: 0, 1 and p-1 would pin K to 0 or +-1 */
	if (mp_sub_d(&p, 1, &f) != MP_OKAY)
		goto out;
	if (mp_cmp_d(&e, 1) != MP_GT || mp_cmp(&e, &f) != MP_LT || one_bit_or_none(e_bin, e_len)) {
		rc = SSH_ERR_KEY;
		goto out;
	}
	if ((rc = make_exponent(&x, pbits)) != SSH_OK)
		goto out;
	rc = SSH_ERR_CRYPTO;
	if (mp_exptmod(&g, &x, &p, &f) != MP_OKAY ||
	    mp_exptmod(&e, &x, &p, &k) != MP_OKAY)
		goto out;
	if ((rc = export_mp(&f, grp->plen, &f_bin, &f_len)) != SSH_OK ||
	    (rc = export_mp(&k, grp->plen, &k_bin, &k_len)) != SSH_OK)
		goto out;
	if ((rc = buf_mpint(reply, f_bin, f_len)) == SSH_OK &&
	    (rc = buf_mpint(hashpart, e_bin, e_len)) == SSH_OK &&
	    (rc = buf_mpint(hashpart, f_bin, f_len)) == SSH_OK)
		rc = buf_mpint(secret, k_bin, k_len);
out:
	if (k_bin != NULL)
		wipe(k_bin, grp->plen);
	free(k_bin);
	free(f_bin);
	/* mp_clear zeroes the digits of x and K before releasing them */
	mp_clear_multi(&p, &g, &e, &x, &f, &k, NULL);
	return rc;
}

const struct agree agree_dh = { dh_server };
