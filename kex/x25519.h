/* X25519 Diffie-Hellman (RFC 7748) for curve25519-sha256 (RFC 8731). */
#ifndef SSHL_X25519_H
#define SSHL_X25519_H

#include <stdint.h>

/* out = X25519(scalar, point). The scalar is clamped here; bit 255 of the
 * point is ignored and non-canonical u (>= p) accepted, as RFC 7748 5 says.
 * Returns SSH_OK, or SSH_ERR_KEY when the shared value is all zero (a
 * low-order peer point, which RFC 8731 3 requires aborting on); out is
 * written either way. */
int x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);
/* pub = X25519(scalar, 9); SSH_OK */
int x25519_base(uint8_t pub[32], const uint8_t scalar[32]);

#endif
