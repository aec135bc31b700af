/* On-curve check in libtommath, independent of libtomcrypt's point code. */
#include <tommath.h>

#include "kex/ecc_point.h"
#include "transport/err.h"

/* NIST short Weierstrass curves: a = -3 */
#define CURVE_A_NEG 3

int ec_curve_index(size_t size)
{
	int i;
	if (size != 32 && size != 48 && size != 66)
		return -1;
	for (i = 0; ltc_ecc_sets[i].size != 0; i++)
		if ((size_t)ltc_ecc_sets[i].size == size)
			return i;
	return -1;
}

int ec_point_check(const ltc_ecc_set_type *dp, const uint8_t *q, size_t qlen)
{
	size_t n = (size_t)dp->size;
	mp_int p, b, x, y, lhs, rhs;
	int rc = SSH_ERR_KEY;

	/* 0x04 marks the uncompressed form; the length must match exactly */
	if (qlen != 1 + 2 * n || q[0] != 0x04)
		return SSH_ERR_KEY;
	if (mp_init_multi(&p, &b, &x, &y, &lhs, &rhs, NULL) != MP_OKAY)
		return SSH_ERR_ALLOC;
	if (mp_read_radix(&p, dp->prime, 16) != MP_OKAY ||
	    mp_read_radix(&b, dp->B, 16) != MP_OKAY ||
	    mp_from_ubin(&x, q + 1, n) != MP_OKAY ||
	    mp_from_ubin(&y, q + 1 + n, n) != MP_OKAY) {
		rc = SSH_ERR_CRYPTO;
		goto out;
	}
	/* coordinates must be reduced: a non-canonical encoding is another
	 * point's alias */
	if (mp_cmp(&x, &p) != MP_LT || mp_cmp(&y, &p) != MP_LT)
		goto out;
	/* lhs = y^2, rhs = (x^2 - 3) x + b, both mod p */
	if (mp_sqrmod(&y, &p, &lhs) != MP_OKAY ||
	    mp_sqr(&x, &rhs) != MP_OKAY ||
	    mp_sub_d(&rhs, CURVE_A_NEG, &rhs) != MP_OKAY ||
	    mp_mul(&rhs, &x, &rhs) != MP_OKAY ||
	    mp_add(&rhs, &b, &rhs) != MP_OKAY ||
	    mp_mod(&rhs, &p, &rhs) != MP_OKAY) {
		rc = SSH_ERR_CRYPTO;
		goto out;
	}
	/* b != 0, so (0, 0) fails here too: the uncompressed form cannot
	 * smuggle in the point at infinity */
	if (mp_cmp(&lhs, &rhs) == MP_EQ)
		rc = SSH_OK;
out:
	mp_clear_multi(&p, &b, &x, &y, &lhs, &rhs, NULL);
	return rc;
}
