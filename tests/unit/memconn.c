/* Connections in memory for unit tests (memconn.h). */
#include <stdlib.h>
#include <string.h>

#include "memconn.h"

struct conn *memconn_new(const struct config *cfg, const struct logger *log)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	conn_init(c, -1, -1, cfg, log);
	return c;
}

void memconn_free(struct conn *c)
{
	conn_free(c);
	free(c);
}

int memconn_carry(struct conn *a, struct conn *b)
{
	int e;
	if (b->in_off)
		memmove(b->in.d, b->in.d + b->in_off, b->in.len - b->in_off);
	b->in.len -= b->in_off;
	b->in_off = 0;
	e = buf_put(&b->in, a->out.d + a->out_off, a->out.len - a->out_off);
	a->out.len = a->out_off = 0;
	return e;
}

int memconn_set_keys(struct direction *d, const struct cipher *ci, const struct mac *m, uint8_t salt)
{
	uint8_t iv[64], key[64], mk[64];
	for (int i = 0; i < 64; i++) {
		iv[i] = (uint8_t)(0x10 + i + salt);
		key[i] = (uint8_t)(0x80 + 3 * i + salt);
		mk[i] = (uint8_t)(0x40 + 7 * i + salt);
	}
	return pkt_set_keys(d, ci, m, iv, key, mk);
}
