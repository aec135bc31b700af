/* When the server re-keys (transport/rekey.c): RekeyLimit, and the hard
 * limits that keep nonces and counters unique whatever RekeyLimit says
 * (issue 12): 2^31 packets in either direction; 1 GiB under a cipher of
 * 8-byte blocks (chacha20-poly1305); 2^32 blocks of a 16-byte block
 * cipher. A peer that lets a due exchange run out is refused. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "t.h"
#include "transport/cipher.h"
#include "transport/comp.h"
#include "transport/conn.h"
#include "transport/msg.h"

static struct config cfg;
static struct logger lg = {LOG_ERR, 1, -1, 0};

static struct conn *fresh(const char *cipher, uint64_t rekey_bytes)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	conn_init(c, -1, -1, &cfg, &lg);
	c->rx.cipher = c->tx.cipher = cipher_find(cipher, strlen(cipher));
	c->rekey_bytes = rekey_bytes;
	c->rekey_seconds = 0;
	c->kex_count = 1;
	c->last_kex_ms = conn_now_ms();
	return c;
}

static void done(struct conn *c)
{
	conn_free(c);
	free(c);
}

static void packets(void)
{
	struct conn *c = fresh("aes128-ctr", 1ull << 50);
	c->tx.kpackets = (1ull << 31) - 1;
	CHECK(!rekey_due(c), "2^31 - 1 packets sent: not yet due");
	c->tx.kpackets++;
	CHECK(rekey_due(c), "2^31 packets sent: due, whatever RekeyLimit says");
	c->tx.kpackets = 0;
	c->rx.kpackets = 1ull << 31;
	CHECK(rekey_due(c), "2^31 packets received: due");
	CHECK(!rekey_overdue(c), "2^31 packets received: the peer still has time");
	c->rx.kpackets = (1ull << 32) - (1ull << 20);
	CHECK(rekey_overdue(c), "near 2^32 packets under one key: the peer is refused");
	done(c);
}

static void bytes(void)
{
	struct conn *c = fresh("chacha20-poly1305@openssh.com", 1ull << 50);
	c->rx.bytes = (1ull << 30) - 1;
	CHECK(!rekey_due(c), "chacha20-poly1305 (8-byte blocks): under 1 GiB not due");
	c->rx.bytes = 1ull << 30;
	CHECK(rekey_due(c), "chacha20-poly1305: 1 GiB due although RekeyLimit says 1 PiB");
	done(c);
	c = fresh("aes256-gcm@openssh.com", 1ull << 50);
	c->tx.bytes = (1ull << 36) - 16;
	CHECK(!rekey_due(c), "aes256-gcm (16-byte blocks): under 2^32 blocks not due");
	c->tx.bytes = 1ull << 36;
	CHECK(rekey_due(c), "aes256-gcm: 2^32 blocks due although RekeyLimit says 1 PiB");
	CHECK(!rekey_overdue(c), "aes256-gcm: just due is not overdue");
	c->tx.bytes = 1ull << 37;
	CHECK(rekey_overdue(c), "aes256-gcm: twice the limit under one key is overdue");
	done(c);
	c = fresh("aes128-ctr", 1u << 20);
	c->rx.bytes = 1u << 20;
	CHECK(rekey_due(c), "a smaller RekeyLimit (1M) still counts");
	c->kex_count = 0;
	CHECK(!rekey_due(c), "never before the first exchange");
	done(c);
}

/* what the limits above read is counted by the packet layer: each packet
 * sent or received under the current keys, from 0 again at each NEWKEYS
 * (chacha20-poly1305's nonce is the sequence number under one key) */
static void counted(void)
{
	struct conn *a = fresh("aes128-ctr", 0), *b = fresh("aes128-ctr", 0);
	static const char *ci = "chacha20-poly1305@openssh.com";
	struct pkt_algs algs = {cipher_find(ci, strlen(ci)), NULL, comp_find("none", 4)};
	struct pkt_keys keys;
	const uint8_t *p;
	struct buf *out;
	size_t n;
	int e = SSH_OK, got = 0;

	/* in the clear, as before the first exchange */
	a->tx.cipher = b->rx.cipher = &cipher_none;
	a->tx.kpackets = b->rx.kpackets = 0;
	for (int i = 0; i < 3 && e == SSH_OK; i++)
		if ((e = pkt_begin(a, SSH_MSG_IGNORE, &out)) == SSH_OK && (e = buf_u32(out, 0)) == SSH_OK)
			e = pkt_send(a);
	if (e == SSH_OK)
		e = buf_put(&b->in, a->out.d + a->out_off, a->out.len - a->out_off);
	while (e == SSH_OK && pkt_read(b, &p, &n) == SSH_OK)
		got++;
	CHECK(e == SSH_OK && got == 3, "three packets carried");
	CHECK(a->tx.kpackets == 3 && b->rx.kpackets == 3, "three packets counted each way (%llu sent, %llu received)",
	      (unsigned long long)a->tx.kpackets, (unsigned long long)b->rx.kpackets);
	memset(&keys, 7, sizeof keys);
	CHECK(pkt_newkeys(b, PKT_RX, &algs, &keys) == SSH_OK && b->rx.kpackets == 0 && b->rx.bytes == 0,
	      "NEWKEYS received: the count starts again");
	CHECK(pkt_newkeys(a, PKT_TX, &algs, &keys) == SSH_OK && a->tx.kpackets == 0 && a->tx.bytes == 0,
	      "NEWKEYS sent: the count starts again");
	done(a);
	done(b);
}

int main(void)
{
	config_defaults(&cfg);
	packets();
	bytes();
	counted();
	return t_done();
}
