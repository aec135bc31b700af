/* The fixed-key core of ecdh-sha2-nistp*, exposed for known-answer tests. */
#ifndef SSHL_ECDH_INTERNAL_H
#define SSHL_ECDH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "kex/agree.h"

/* Validates the peer point q (see ec_point_check) and writes the shared
 * x-coordinate, c->size bytes big-endian, to out. priv is the big-endian
 * private scalar. SSH_ERR_KEY for an invalid point. */
int ecdh_shared_fixed(const struct ecdh_curve *c, const uint8_t *priv,
		      size_t privlen, const uint8_t *q, size_t qlen,
		      uint8_t *out);

#endif
