/* The binary packet protocol between two connections in memory: one side's
 * pkt_send output becomes the other side's input for pkt_read, for every
 * cipher and MAC, across the sequence number wrap, at the size limits, with
 * any bit flipped, with forged padding, and with compression and an inflate
 * bomb. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "config/config.h"
#include "memconn.h"
#include "t.h"
#include "transport/conn.h"
#include "transport/crypto.h"
#include "wiring.h"

struct env {
	struct config cfg;
	struct logger log;
};

/* both ends of one direction keyed alike */
static int key_pair(struct conn *a, struct conn *b, const struct cipher *ci, const struct mac *m)
{
	int e = memconn_set_keys(&a->tx, ci, m, 0);
	return e == SSH_OK ? memconn_set_keys(&b->rx, ci, m, 0) : e;
}

static int send_msg(struct conn *a, const uint8_t *p, size_t n)
{
	struct buf *b;
	int e = pkt_begin(a, p[0], &b);
	if (e == SSH_OK)
		e = buf_put(b, p + 1, n - 1);
	return e == SSH_OK ? pkt_send(a) : e;
}

/* reads one packet and checks it is the payload p */
static int expect_msg(struct conn *b, const uint8_t *p, size_t n)
{
	const uint8_t *q;
	size_t m;
	int e = pkt_read(b, &q, &m);
	if (e != SSH_OK)
		return e;
	return (m == n && !memcmp(p, q, n)) ? SSH_OK : SSH_ERR_INTERNAL;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
	if (n)
		p[0] = 94; /* a message number well clear of 1..49 */
}

static const struct mac *mac_named(const char *s) { return mac_find(s, strlen(s)); }

static const size_t sizes[] = {1, 2, 3, 7, 8, 15, 16, 17, 31, 100, 255, 1000, 4096, 35000, 65536, 100001};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static const char *mac_name(const struct cipher *ci, const struct mac *m)
{
	return ci->taglen ? "<implicit>" : m->name;
}

/* every size alone, then all of them queued before the peer reads, then
 * one packet fed a byte at a time */
static int round_trips(const struct env *env, const struct cipher *ci, const struct mac *m, uint32_t seq)
{
	struct conn *a = memconn_new(&env->cfg, &env->log), *b = memconn_new(&env->cfg, &env->log);
	uint8_t *p = malloc(100001);
	const uint8_t *q;
	size_t n, i, total;
	int bad = 0, e;

	if (!a || !b || !p || key_pair(a, b, ci, m) != SSH_OK)
		return 1000;
	a->tx.seq = b->rx.seq = seq;
	for (i = 0; i < NSIZES; i++) {
		fill(p, sizes[i], (uint32_t)i);
		if (send_msg(a, p, sizes[i]) != SSH_OK || memconn_carry(a, b) != SSH_OK || expect_msg(b, p, sizes[i]) != SSH_OK)
			bad++;
	}
	for (i = 0; i < NSIZES; i++) {
		fill(p, sizes[i], (uint32_t)i + 100);
		if (send_msg(a, p, sizes[i]) != SSH_OK)
			bad++;
	}
	memconn_carry(a, b);
	for (i = 0; i < NSIZES; i++) {
		fill(p, sizes[i], (uint32_t)i + 100);
		if (expect_msg(b, p, sizes[i]) != SSH_OK)
			bad++;
	}
	if (pkt_read(b, &q, &n) != SSH_ERR_SHORT)
		bad++;
	fill(p, 300, 7);
	send_msg(a, p, 300);
	total = a->out.len;
	for (i = 0; i < total; i++) {
		buf_put(&b->in, a->out.d + i, 1);
		e = i + 1 < total ? pkt_read(b, &q, &n) : expect_msg(b, p, 300);
		if (e != (i + 1 < total ? SSH_ERR_SHORT : SSH_OK))
			bad++;
	}
	a->out.len = 0;
	if (a->tx.seq != b->rx.seq || a->tx.seq != (uint32_t)(seq + 2 * NSIZES + 1))
		bad++;
	free(p);
	memconn_free(a);
	memconn_free(b);
	return bad;
}

/* one packet sealed at seq, then each bit of it flipped in turn for a
 * receiver keyed alike: the length field may fail any way, any other bit
 * must fail the MAC */
static int flips(const struct env *env, const struct cipher *ci, const struct mac *m, uint32_t seq)
{
	struct conn *a = memconn_new(&env->cfg, &env->log), *b = memconn_new(&env->cfg, &env->log);
	uint8_t p[40], pkt[256];
	const uint8_t *q;
	size_t n, len;
	int bad = 0;
	/* the bits that reach the length field: its 4 bytes, or with CBC
	 * before the MAC (not -etm) the whole first block it is decrypted in */
	size_t lenbits = ci->decrypt && !(m && m->etm) ? 8u * ci->blocksize : 32;

	fill(p, sizeof p, 3);
	if (!a || !b || key_pair(a, b, ci, m) != SSH_OK)
		return 1000;
	a->tx.seq = seq;
	send_msg(a, p, sizeof p);
	len = a->out.len;
	if (len > sizeof pkt)
		return 1001;
	memcpy(pkt, a->out.d, len);
	for (size_t bit = 0; bit < 8 * len; bit++) {
		int e;
		b->in.len = b->in_off = 0;
		b->rx_len = 0;
		memconn_set_keys(&b->rx, ci, m, 0);
		b->rx.seq = seq;
		buf_put(&b->in, pkt, len);
		b->in.d[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		e = pkt_read(b, &q, &n);
		if (e == SSH_ERR_SHORT && bit < lenbits) {
			/* a longer length: give it the bytes it waits for */
			uint8_t *z;
			buf_reserve(&b->in, PKT_MAX_LEN + 128, &z);
			memset(z, 0, PKT_MAX_LEN + 128);
			e = pkt_read(b, &q, &n);
		}
		if (bit < lenbits ? e == SSH_OK || e == SSH_ERR_SHORT : e != SSH_ERR_MAC)
			bad++;
	}
	/* untouched it passes, and the wrong sequence number or key fails */
	b->in.len = b->in_off = b->rx_len = 0;
	memconn_set_keys(&b->rx, ci, m, 0);
	b->rx.seq = seq;
	buf_put(&b->in, pkt, len);
	if (expect_msg(b, p, sizeof p) != SSH_OK)
		bad++;
	b->in.len = b->in_off = b->rx_len = 0;
	memconn_set_keys(&b->rx, ci, m, 1);
	b->rx.seq = seq;
	buf_put(&b->in, pkt, len);
	if (pkt_read(b, &q, &n) == SSH_OK)
		bad++;
	/* GCM's nonce is its own packet counter, not the sequence number */
	if (strstr(ci->name, "gcm") == NULL) {
		b->in.len = b->in_off = b->rx_len = 0;
		memconn_set_keys(&b->rx, ci, m, 0);
		b->rx.seq = seq + 1;
		buf_put(&b->in, pkt, len);
		if (pkt_read(b, &q, &n) == SSH_OK)
			bad++;
	}
	memconn_free(a);
	memconn_free(b);
	return bad;
}

static void each_combination(const struct env *env)
{
	for (int i = 0; ciphers[i]; i++) {
		for (int j = 0; macs[j]; j++) {
			const struct cipher *ci = ciphers[i];
			const char *mn = mac_name(ci, macs[j]);
			if (ci->taglen && j > 0)
				break; /* AEAD: the MAC is not used */
			CHECK(round_trips(env, ci, macs[j], 0) == 0, "round trip %s %s", ci->name, mn);
			CHECK(round_trips(env, ci, macs[j], 0xffffffffu - 10) == 0,
			      "round trip across the 2^32 sequence wrap %s %s", ci->name, mn);
			CHECK(flips(env, ci, macs[j], 0xfffffffeu) == 0, "every flipped bit is caught: %s %s", ci->name, mn);
		}
	}
	CHECK(round_trips(env, &cipher_none, NULL, 0) == 0, "round trip before NEWKEYS (no cipher, no MAC)");
}

/* The largest packet_length the block size allows under PKT_MAX_LEN must
 * pass, and one block more must be refused as soon as the length is seen. */
static void limits(const struct env *env, const struct cipher *ci, const struct mac *m)
{
	struct conn *a = memconn_new(&env->cfg, &env->log), *b = memconn_new(&env->cfg, &env->log);
	size_t bs = ci->blocksize < 8 ? 8 : ci->blocksize;
	int lenout = ci->taglen || (m && m->etm);
	/* pad 4: the encrypted part is padding_length, payload and padding,
	 * plus the length field unless it travels outside the cipher */
	size_t L = lenout ? PKT_MAX_LEN - PKT_MAX_LEN % bs : PKT_MAX_LEN - (PKT_MAX_LEN + 4) % bs;
	size_t alen = ci->taglen ? ci->taglen : m ? m->maclen : 0;
	uint8_t *p = malloc(PKT_MAX_LEN + 64);
	const uint8_t *q;
	size_t n;
	int e;

	if (!a || !b || !p || (ci != &cipher_none && key_pair(a, b, ci, m) != SSH_OK)) {
		CHECK(0, "size limits %s: setup", ci->name);
		return;
	}
	fill(p, L - 5 + bs, 11);
	send_msg(a, p, L - 5);
	memconn_carry(a, b);
	e = expect_msg(b, p, L - 5);
	CHECK(e == SSH_OK && b->in_off == 4 + L + alen, "packet_length %zu accepted: %s %s", L, ci->name,
	      m ? m->name : "");
	send_msg(a, p, L - 5 + bs);
	/* only the first block or length field arrives: refused already */
	buf_put(&b->in, a->out.d, lenout ? 4 : bs);
	e = pkt_read(b, &q, &n);
	CHECK(e == SSH_ERR_TOOBIG, "packet_length %zu refused from its first block: %s %s (%s)", L + bs, ci->name,
	      m ? m->name : "", ssh_err(e));
	free(p);
	memconn_free(a);
	memconn_free(b);
}

/* a plaintext packet (before NEWKEYS) with chosen length fields */
static int raw_plain(const struct env *env, uint32_t plen, uint8_t padlen)
{
	size_t body = plen >= 1 && plen < 64 ? plen - 1 : 8;
	struct conn *b = memconn_new(&env->cfg, &env->log);
	const uint8_t *q;
	size_t n;
	uint8_t *p;
	int e;
	buf_u32(&b->in, plen);
	buf_u8(&b->in, padlen);
	buf_reserve(&b->in, body, &p);
	memset(p, 94, body);
	e = pkt_read(b, &q, &n);
	memconn_free(b);
	return e;
}

/* an encrypted packet whose padding_length byte lies, sealed the way the
 * sender would (AEAD or encrypt-then-MAC, length in the clear for both) */
static int raw_sealed(const struct env *env, const struct cipher *ci, const struct mac *m, uint8_t padlen)
{
	struct conn *b = memconn_new(&env->cfg, &env->log);
	struct direction d;
	uint8_t pkt[4 + 32 + 64];
	const uint8_t *q;
	size_t n = 0, total = 4 + 32;
	int e;

	memset(&d, 0, sizeof d);
	memset(pkt, 94, sizeof pkt);
	put_u32(pkt, 32);
	pkt[4] = padlen;
	e = memconn_set_keys(&d, ci, m, 0);
	if (e == SSH_OK)
		e = memconn_set_keys(&b->rx, ci, m, 0);
	if (e == SSH_OK && ci->taglen) {
		e = ci->seal(&d.cc, 0, pkt, total);
		n = ci->taglen;
	} else if (e == SSH_OK) {
		e = ci->crypt(&d.cc, pkt + 4, total - 4);
		if (e == SSH_OK)
			e = mac_compute(&d.mc, 0, pkt, total, pkt + total);
		n = m->maclen;
	}
	if (e == SSH_OK) {
		buf_put(&b->in, pkt, total + n);
		e = pkt_read(b, &q, &n);
	}
	wipe(&d, sizeof d);
	memconn_free(b);
	return e;
}

static void padding(const struct env *env)
{
	const struct mac *etm = mac_named("hmac-sha2-256-etm@openssh.com");
	CHECK(raw_plain(env, 12, 4) == SSH_OK, "plain packet, padding 4: accepted");
	CHECK(raw_plain(env, 12, 3) == SSH_ERR_FORMAT, "padding 3 (< 4): format error");
	CHECK(raw_plain(env, 12, 11) == SSH_ERR_FORMAT, "padding leaves no message number: format error");
	CHECK(raw_plain(env, 12, 200) == SSH_ERR_FORMAT, "padding longer than the packet: format error");
	CHECK(raw_plain(env, 13, 4) == SSH_ERR_FORMAT, "length not a multiple of the block: format error");
	CHECK(raw_plain(env, 4, 4) != SSH_OK && raw_plain(env, 0, 0) != SSH_OK, "packet_length 0 and 4 refused");
	CHECK(raw_plain(env, 0x7fffffff, 4) == SSH_ERR_TOOBIG, "packet_length 0x7fffffff refused at once");
	CHECK(raw_plain(env, 0xffffffff, 4) == SSH_ERR_TOOBIG, "packet_length 0xffffffff refused at once");
	CHECK(raw_sealed(env, &cipher_chachapoly, NULL, 4) == SSH_OK &&
		      raw_sealed(env, &cipher_chachapoly, NULL, 3) == SSH_ERR_FORMAT &&
		      raw_sealed(env, &cipher_chachapoly, NULL, 31) == SSH_ERR_FORMAT &&
		      raw_sealed(env, &cipher_chachapoly, NULL, 255) == SSH_ERR_FORMAT,
	      "authentic chacha20-poly1305 packet with bad padding_length: format error");
	CHECK(raw_sealed(env, &cipher_aes256_gcm, NULL, 4) == SSH_OK &&
		      raw_sealed(env, &cipher_aes256_gcm, NULL, 0) == SSH_ERR_FORMAT &&
		      raw_sealed(env, &cipher_aes256_gcm, NULL, 32) == SSH_ERR_FORMAT,
	      "authentic aes256-gcm packet with bad padding_length: format error");
	CHECK(etm && raw_sealed(env, &cipher_aes128_ctr, etm, 4) == SSH_OK &&
		      raw_sealed(env, &cipher_aes128_ctr, etm, 1) == SSH_ERR_FORMAT &&
		      raw_sealed(env, &cipher_aes128_ctr, etm, 40) == SSH_ERR_FORMAT,
	      "authentic aes128-ctr etm packet with bad padding_length: format error");
}

static int start_zlib(struct conn *a, struct conn *b, const char *name)
{
	const struct compression *z = comp_find(name, strlen(name));
	int e;
	a->tx.comp = b->rx.comp = z;
	if (!z || (e = pkt_start_compression(a, 1)) != SSH_OK || (e = pkt_start_compression(b, 0)) != SSH_OK)
		return SSH_ERR_INTERNAL;
	return SSH_OK;
}

static void compression(const struct env *env)
{
	struct conn *a = memconn_new(&env->cfg, &env->log), *b = memconn_new(&env->cfg, &env->log);
	uint8_t *p = malloc(PAYLOAD_MAX + 2);
	const uint8_t *q;
	size_t n, wire;
	int bad = 0, e;

	key_pair(a, b, &cipher_chachapoly, NULL);
	CHECK(start_zlib(a, b, "zlib@openssh.com") == SSH_OK && !a->tx.z.active && !b->rx.z.active,
	      "zlib@openssh.com waits for authentication");
	a->authenticated = b->authenticated = 1;
	CHECK(start_zlib(a, b, "zlib@openssh.com") == SSH_OK && a->tx.z.active && b->rx.z.active,
	      "zlib@openssh.com starts once authenticated");
	/* one stream across packets: random, repetitive, tiny, large */
	for (int i = 0; i < 40; i++) {
		size_t sz = i % 4 == 0 ? 1 : i % 4 == 1 ? 5000 : i % 4 == 2 ? 70000 : 200;
		fill(p, sz, (uint32_t)i);
		if (i % 2)
			memset(p + 1, 'a' + i % 26, sz - 1);
		if (send_msg(a, p, sz) != SSH_OK || memconn_carry(a, b) != SSH_OK || expect_msg(b, p, sz) != SSH_OK)
			bad++;
	}
	CHECK(bad == 0, "zlib round trip: 40 packets on one stream");
	memset(p, 0, PAYLOAD_MAX + 2);
	p[0] = 94;
	send_msg(a, p, PAYLOAD_MAX);
	wire = a->out.len;
	memconn_carry(a, b);
	e = expect_msg(b, p, PAYLOAD_MAX);
	CHECK(e == SSH_OK && wire < 2000, "payload of exactly PAYLOAD_MAX inflates fine (%zu bytes on the wire)", wire);
	send_msg(a, p, PAYLOAD_MAX + 1);
	wire = a->out.len;
	memconn_carry(a, b);
	e = pkt_read(b, &q, &n);
	CHECK(e == SSH_ERR_COMP && wire < 2000, "a %zu-byte packet inflating to PAYLOAD_MAX + 1: %s", wire, ssh_err(e));
	free(p);
	memconn_free(a);
	memconn_free(b);
}

/* a few kilobytes that inflate to 16 MiB, under plain zlib from NEWKEYS on */
static void bomb(const struct env *env)
{
	struct conn *a = memconn_new(&env->cfg, &env->log), *b = memconn_new(&env->cfg, &env->log);
	size_t big = 16u << 20;
	uint8_t *zeros = calloc(1, big), *z = malloc(64 * 1024);
	z_stream s;
	struct buf *o;
	const uint8_t *q;
	size_t n, zl;
	int e;

	memset(&s, 0, sizeof s);
	deflateInit(&s, 9);
	zeros[0] = 94;
	s.next_in = zeros;
	s.avail_in = (uInt)big;
	s.next_out = z;
	s.avail_out = 64 * 1024;
	deflate(&s, Z_SYNC_FLUSH);
	zl = 64 * 1024 - s.avail_out;
	deflateEnd(&s);
	key_pair(a, b, &cipher_aes256_gcm, NULL);
	/* the sender does not compress; the bytes are already deflated */
	b->rx.comp = comp_find("zlib", 4);
	pkt_start_compression(b, 0);
	pkt_begin(a, z[0], &o);
	o->len--;
	buf_put(o, z, zl);
	pkt_send(a);
	memconn_carry(a, b);
	e = pkt_read(b, &q, &n);
	CHECK(e == SSH_ERR_COMP && b->rx.z.active, "inflate bomb (%zu bytes -> 16 MiB): %s", zl, ssh_err(e));
	CHECK(b->zin.cap <= PAYLOAD_MAX + 8192, "the bomb grew the inflate buffer to %zu at most", b->zin.cap);
	free(zeros);
	free(z);
	memconn_free(a);
	memconn_free(b);
}

int main(void)
{
	struct env env;
	char err[256];
	const struct mac *plain = mac_named("hmac-sha2-512"), *etm = mac_named("hmac-sha1-etm@openssh.com");

	if (crypto_init() < 0)
		return 1;
	config_defaults(&env.cfg);
	if (config_finish(&env.cfg, algs_names, err, sizeof err) < 0)
		return 1;
	env.log = (struct logger){LOG_ERR, 1, -1, 0};

	each_combination(&env);
	limits(&env, &cipher_none, NULL);
	limits(&env, &cipher_aes192_ctr, plain);
	limits(&env, &cipher_aes128_ctr, etm);
	limits(&env, &cipher_chachapoly, NULL);
	limits(&env, &cipher_aes128_gcm, NULL);
	padding(&env);
	compression(&env);
	bomb(&env);
	config_free(&env.cfg);
	return t_done();
}
