/* Payload compression rows: none, zlib (from NEWKEYS on), and
 * zlib@openssh.com (from USERAUTH_SUCCESS on). Each direction has one
 * zlib stream, started afresh at every NEWKEYS (RFC 4253 6.2). */
#ifndef SSHL_COMP_H
#define SSHL_COMP_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "buf.h"

struct compression {
	const char *name;
	int enabled;   /* 0: none */
	int delayed;   /* starts after authentication */
};

extern const struct compression *const compressions[];
const struct compression *comp_find(const char *name, size_t len);

struct zstate {
	z_stream z;
	int deflating; /* which of deflate/inflate owns z */
	int active;
};

int comp_start(struct zstate *s, int deflating);
void comp_end(struct zstate *s);
/* appends the compressed form of p to out, flushed to a packet boundary */
int comp_deflate(struct zstate *s, const uint8_t *p, size_t n, struct buf *out);
/* appends the inflated form of p to out; SSH_ERR_COMP when it would exceed
 * max bytes, so a small packet cannot inflate into a memory bomb */
int comp_inflate(struct zstate *s, const uint8_t *p, size_t n, struct buf *out, size_t max);

#endif
