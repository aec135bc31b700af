/* When to re-key. RekeyLimit (bytes, seconds) is the administrator's; the
 * hard limits below hold whatever it says, because past them a cipher's
 * guarantees end: chacha20-poly1305's nonce is the 32-bit sequence number,
 * and a block cipher wants new keys long before its birthday bound. They
 * are OpenSSH's (packet.c, ssh_set_newkeys): 2^31 packets, and 2^(2*B)
 * blocks of B bytes for B >= 16, else 2^30 bytes. */
#include <time.h>

#include "transport/cipher.h"
#include "transport/conn.h"

#define MAX_PACKETS (1ull << 31)
/* a peer that has not re-keyed by then is refused before its sequence
 * number could wrap under one key */
#define HARD_PACKETS ((1ull << 32) - (1ull << 20))

static uint64_t max_bytes(const struct direction *d, uint64_t configured)
{
	uint64_t bs = d->cipher && d->cipher->blocksize ? d->cipher->blocksize : 8;
	uint64_t cap = bs >= 16 ? (1ull << 32) * bs : ((1ull << 30) / bs) * bs;
	return configured && configured < cap ? configured : cap;
}

static int dir_due(const struct direction *d, uint64_t configured)
{
	return d->kpackets >= MAX_PACKETS || d->bytes >= max_bytes(d, configured);
}

int rekey_due(const struct conn *c)
{
	if (c->kex || !c->kex_count)
		return 0;
	if (dir_due(&c->rx, c->rekey_bytes) || dir_due(&c->tx, c->rekey_bytes))
		return 1;
	return c->rekey_seconds && conn_now_ms() - c->last_kex_ms >= (int64_t)c->rekey_seconds * 1000;
}

int rekey_overdue(const struct conn *c)
{
	return c->kex_count && (c->rx.kpackets >= HARD_PACKETS || c->tx.kpackets >= HARD_PACKETS ||
				c->rx.bytes >= 2 * max_bytes(&c->rx, 0) || c->tx.bytes >= 2 * max_bytes(&c->tx, 0));
}
