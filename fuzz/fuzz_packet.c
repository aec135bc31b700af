/* The binary packet layer (transport/packet.c) under every cipher and MAC
 * with fixed keys, with and without zlib.
 * Input: byte 0 picks the cipher (or none), byte 1 the MAC, byte 2 bit 0
 * turns inflate on, bit 1 selects the mode:
 *   raw   - the rest goes into the input buffer as if read from the peer,
 *           and pkt_read runs until it wants more or fails;
 *   round - the rest is cut into payloads (a length byte before each) that
 *           a sending connection seals with the same keys; byte 3 names a
 *           byte of the sealed stream to flip (0: none). The reader must
 *           return each payload unchanged, or fail once the flip is reached. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "transport/crypto.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static struct config cfg;
static const uint8_t key_iv[64] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t key_enc[64] = {0x42, 0x42, 0x42, 0x42, 0x13, 0x37};
static const uint8_t key_mac[64] = {0x55, 0xaa, 0x55, 0xaa};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	crypto_init();
	fuzz_config(&cfg);
	return 0;
}

static int count(const void *const *v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}

/* the algorithms of one direction; NULL cipher means none */
static int setup(struct direction *d, const struct cipher *ci, const struct mac *m, int zlib, int deflating)
{
	if (ci && pkt_set_keys(d, ci, m, key_iv, key_enc, key_mac) != SSH_OK)
		return -1;
	if (zlib && comp_start(&d->z, deflating) != SSH_OK)
		return -1;
	return 0;
}

static void raw(struct conn *c, const uint8_t *p, size_t n)
{
	const uint8_t *pl;
	size_t len;
	if (buf_put(&c->in, p, n) != SSH_OK)
		return;
	while (pkt_read(c, &pl, &len) == SSH_OK)
		CHECK(len >= 1 && len <= PAYLOAD_MAX);
}

static void round_trip(struct conn *rx, struct conn *tx, const uint8_t *p, size_t n, size_t flip)
{
	const uint8_t *sent[64], *pl;
	size_t sentlen[64], nsent = 0, len;
	struct buf *b;
	int e;
	/* payloads: length byte, then that many bytes (at least the type) */
	while (n > 0 && nsent < 64) {
		size_t l = (size_t)p[0] + 1;
		p++, n--;
		if (l > n)
			l = n;
		if (l == 0)
			break;
		CHECK(pkt_begin(tx, p[0], &b) == SSH_OK);
		CHECK(buf_put(b, p + 1, l - 1) == SSH_OK);
		CHECK(pkt_send(tx) == SSH_OK);
		sent[nsent] = p;
		sentlen[nsent++] = l;
		p += l, n -= l;
	}
	if (flip && flip <= tx->out.len)
		tx->out.d[flip - 1] ^= 0x01;
	CHECK(buf_put(&rx->in, tx->out.d, tx->out.len) == SSH_OK);
	for (size_t i = 0; i < nsent; i++) {
		e = pkt_read(rx, &pl, &len);
		if (e != SSH_OK) {
			/* only damage may stop the stream */
			CHECK(flip && flip <= tx->out.len);
			return;
		}
		if (!flip || flip > tx->out.len)
			CHECK(len == sentlen[i] && !memcmp(pl, sent[i], len));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn rx, tx;
	const struct cipher *ci;
	const struct mac *m;
	int nc = count((const void *const *)ciphers), nm = count((const void *const *)macs), zlib;
	if (size < 4 || nm == 0)
		return 0;
	rand_fuzz_seed(1);
	ci = data[0] % (nc + 1) == (unsigned)nc ? NULL : ciphers[data[0] % (nc + 1)];
	m = macs[data[1] % nm];
	zlib = data[2] & 1;
	fuzz_conn(&rx, -1, -1, &cfg);
	fuzz_conn(&tx, -1, -1, &cfg);
	if (setup(&rx.rx, ci, m, zlib, 0) == 0) {
		if (!(data[2] & 2)) {
			raw(&rx, data + 4, size - 4);
		} else if (setup(&tx.tx, ci, m, zlib, 1) == 0) {
			round_trip(&rx, &tx, data + 4, size - 4, data[3]);
		}
	}
	conn_free(&rx);
	conn_free(&tx);
	return 0;
}
