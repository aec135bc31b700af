/* Checks on NIST curve points that arrive from the peer. libtomcrypt 1.18
 * imports any coordinates without asking whether they lie on the curve, which
 * would allow invalid-curve attacks, so every peer point passes through here
 * first. */
#ifndef SSHL_ECC_POINT_H
#define SSHL_ECC_POINT_H

#include <stddef.h>
#include <stdint.h>

#include <tomcrypt.h>

/* The index in ltc_ecc_sets of the NIST curve whose field elements take
 * size bytes (32 = P-256, 48 = P-384, 66 = P-521); -1 for any other. */
int ec_curve_index(size_t size);

/* SSH_OK when q is an uncompressed SEC1 point 0x04 || X || Y of exactly
 * 1 + 2 * dp->size bytes with X, Y < p and y^2 = x^3 - 3x + b (mod p);
 * SSH_ERR_KEY otherwise (compressed and hybrid forms included). The NIST
 * curves have cofactor 1, so such a point lies in the prime-order group. */
int ec_point_check(const ltc_ecc_set_type *dp, const uint8_t *q, size_t qlen);

#endif
