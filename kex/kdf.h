#ifndef SSHL_KDF_H
#define SSHL_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "transport/buf.h"

int kdf_hash(const char *hash, const uint8_t *p, size_t n, uint8_t *out, size_t *outlen);
/* k is the shared secret as encoded for hashing (mpint or string) */
int kdf_derive(const char *hash, const struct buf *k, const uint8_t *h, size_t hlen, char letter,
	       const uint8_t *sid, size_t sidlen, uint8_t *out, size_t need);

#endif
