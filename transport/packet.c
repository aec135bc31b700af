/* The binary packet protocol (RFC 4253 6): packets are built in place at
 * the end of the output buffer and encrypted there; received packets are
 * decrypted in place in the input buffer, so the hot path neither copies
 * payloads nor allocates. */
#include <string.h>

#include "transport/conn.h"
#include "transport/crypto.h"

static int etm(const struct direction *d) { return d->mac && d->mac->etm; }
static int aead(const struct direction *d) { return d->cipher->taglen > 0; }
static size_t authlen(const struct direction *d)
{
	return aead(d) ? d->cipher->taglen : d->mac ? d->mac->maclen : 0;
}
/* received bytes: CBC rows decrypt with their own function */
static int decrypt(struct direction *d, uint8_t *p, size_t n)
{
	return d->cipher->decrypt ? d->cipher->decrypt(&d->cc, p, n) : d->cipher->crypt(&d->cc, p, n);
}
static size_t blocksize(const struct direction *d)
{
	return d->cipher->blocksize < 8 ? 8 : d->cipher->blocksize;
}

int pkt_set_keys(struct direction *d, const struct cipher *ci, const struct mac *m,
		 const uint8_t *iv, const uint8_t *key, const uint8_t *mackey)
{
	int e;
	/* the old keys go; before the first NEWKEYS there are none, and the
	 * contexts are still as conn_init zeroed them. Only the bytes the old
	 * row used (cipher_ctx_size: portable GCM's tables make a context some
	 * 70 KB, wiped a byte at a time) */
	if (d->cipher != &cipher_none) {
		wipe(&d->cc, cipher_ctx_size(d->cipher, &d->cc));
		wipe(&d->mc, sizeof d->mc);
	}
	d->cipher = ci;
	d->mac = ci->taglen ? NULL : m;
	e = ci->init(&d->cc, key, iv);
	if (e == SSH_OK && d->mac)
		e = mac_init(&d->mc, d->mac, mackey);
	return e;
}

static int send_deferred(struct conn *c);

void pkt_hold(struct conn *c) { c->tx_hold = 1; }

int pkt_newkeys(struct conn *c, enum pkt_dir dir, const struct pkt_algs *algs, const struct pkt_keys *keys)
{
	struct direction *d = dir == PKT_TX ? &c->tx : &c->rx;
	int e = pkt_set_keys(d, algs->cipher, algs->mac, keys->iv, keys->enc, keys->mac);
	if (e != SSH_OK)
		return e;
	/* RFC 4253 6.2: each key exchange starts a fresh compression context,
	 * as OpenSSH and paramiko do */
	comp_end(&d->z);
	d->comp = algs->comp;
	if ((e = pkt_start_compression(c, dir == PKT_TX)) != SSH_OK)
		return e;
	/* strict KEX: every NEWKEYS restarts the sequence number */
	if (c->strict_kex)
		d->seq = 0;
	/* what the re-key limits count is per key */
	d->bytes = 0;
	d->kpackets = 0;
	if (dir == PKT_RX)
		return SSH_OK;
	c->tx_hold = 0;
	return send_deferred(c);
}

int pkt_start_compression(struct conn *c, int deflating)
{
	struct direction *d = deflating ? &c->tx : &c->rx;
	if (!d->comp || !d->comp->enabled || d->z.active)
		return SSH_OK;
	if (d->comp->delayed && !c->authenticated)
		return SSH_OK;
	return comp_start(&d->z, deflating);
}

int pkt_begin(struct conn *c, uint8_t type, struct buf **b)
{
	uint8_t *p;
	int e;
	if (c->out_off == c->out.len) {
		c->out.len = c->out_off = 0; /* reuse the buffer from the start */
	}
	c->tx_start = c->out.len;
	e = buf_reserve(&c->out, 6, &p);
	if (e != SSH_OK)
		return e;
	p[5] = type; /* after packet_length and padding_length */
	*b = &c->out;
	return SSH_OK;
}

static uint8_t *padding(struct conn *c, size_t n)
{
	if (c->padpos + n > sizeof c->pad) {
		rand_bytes(c->pad, sizeof c->pad);
		c->padpos = 0;
	}
	c->padpos += n;
	return c->pad + c->padpos - n;
}

/* RFC 4253 7.1: between our KEXINIT and our NEWKEYS only transport and
 * key exchange messages may leave; a service's message waits, in order. */
static int defer(struct conn *c)
{
	size_t start = c->tx_start + 5, n = c->out.len - start;
	int e = buf_string(&c->deferred, c->out.d + start, n);
	c->out.len = c->tx_start;
	if (e != SSH_OK)
		logit(c->log, LOG_INFO, "%s port %d: over %zu bytes of replies waiting for the key exchange",
		      c->addr, c->port, c->deferred.max);
	return e;
}

static int send_deferred(struct conn *c)
{
	struct rd r;
	const uint8_t *p;
	size_t n;
	struct buf *b;
	int e = SSH_OK;
	rd_init(&r, c->deferred.d, c->deferred.len);
	while (e == SSH_OK && rd_string(&r, &p, &n) == SSH_OK) {
		if ((e = pkt_begin(c, p[0], &b)) == SSH_OK && (e = buf_put(b, p + 1, n - 1)) == SSH_OK)
			e = pkt_send(c);
	}
	buf_reset(&c->deferred);
	return e;
}

int pkt_send(struct conn *c)
{
	struct direction *d = &c->tx;
	size_t bs = blocksize(d), plen, pad, total, start = c->tx_start;
	uint8_t *p;
	int e = c->out.err;

	if (e != SSH_OK)
		return e;
	if (c->capture) {
		/* privilege separation's root side: the payload goes to the
		 * pre-authentication process, which sends it (conn.h) */
		buf_string(c->capture, c->out.d + start + 5, c->out.len - start - 5);
		c->out.len = start;
		return c->capture->err;
	}
	if (c->tx_hold && c->out.d[start + 5] >= 50)
		return defer(c);
	if (d->z.active) {
		buf_reset(&c->zout);
		e = comp_deflate(&d->z, c->out.d + start + 5, c->out.len - start - 5, &c->zout);
		if (e != SSH_OK)
			return e;
		c->out.len = start + 5;
		if ((e = buf_put(&c->out, c->zout.d, c->zout.len)) != SSH_OK)
			return e;
	}
	plen = c->out.len - start - 5;
	/* padding makes the encrypted part a multiple of the block size; the
	 * length field is outside it for AEAD and encrypt-then-MAC */
	total = 1 + plen + ((aead(d) || etm(d)) ? 0 : 4);
	pad = bs - total % bs;
	if (pad < 4)
		pad += bs;
	if ((e = buf_put(&c->out, padding(c, pad), pad)) != SSH_OK)
		return e;
	if ((e = buf_reserve(&c->out, authlen(d), NULL)) != SSH_OK)
		return e;
	p = c->out.d + start;
	total = 4 + 1 + plen + pad;
	put_u32(p, (uint32_t)(total - 4));
	p[4] = (uint8_t)pad;

	if (aead(d)) {
		e = d->cipher->seal(&d->cc, d->seq, p, total);
	} else if (etm(d)) {
		e = d->cipher->crypt(&d->cc, p + 4, total - 4);
		if (e == SSH_OK)
			e = mac_compute(&d->mc, d->seq, p, total, p + total);
	} else {
		if (d->mac)
			e = mac_compute(&d->mc, d->seq, p, total, p + total);
		if (e == SSH_OK)
			e = d->cipher->crypt(&d->cc, p, total);
	}
	if (e != SSH_OK)
		return e;
	d->seq++;
	d->packets++;
	d->kpackets++;
	d->bytes += total + authlen(d);
	d->total += total + authlen(d);
	return SSH_OK;
}

size_t pkt_first_len(const struct direction *d)
{
	return (aead(d) || etm(d)) ? 4 : blocksize(d);
}

int pkt_len_ok(const struct direction *d, uint32_t plen)
{
	if (plen < 5 || plen > PKT_MAX_LEN)
		return SSH_ERR_TOOBIG;
	/* the encrypted part is whole blocks: with the length field unless
	 * that travels outside the cipher */
	if (((aead(d) || etm(d)) ? plen : plen + 4) % blocksize(d))
		return SSH_ERR_FORMAT;
	return SSH_OK;
}

int pkt_read(struct conn *c, const uint8_t **payload, size_t *len)
{
	struct direction *d = &c->rx;
	size_t avail = c->in.len - c->in_off, bs = blocksize(d), alen = authlen(d), need;
	uint8_t *p = c->in.d + c->in_off;
	uint32_t plen;
	uint8_t padlen;
	int e;

	if (c->rx_len == 0) {
		if (avail < pkt_first_len(d))
			return SSH_ERR_SHORT;
		if (aead(d)) {
			if ((e = d->cipher->getlen(&d->cc, d->seq, p, &plen)) != SSH_OK)
				return e;
		} else {
			/* a stream cipher's first block is decrypted once, here */
			if (!etm(d) && (e = decrypt(d, p, bs)) != SSH_OK)
				return e;
			plen = get_u32(p);
		}
		if ((e = pkt_len_ok(d, plen)) != SSH_OK)
			return e;
		c->rx_len = plen;
	}
	plen = c->rx_len;
	need = 4 + (size_t)plen + alen;
	if (avail < need)
		return SSH_ERR_SHORT;

	if (aead(d)) {
		e = d->cipher->open(&d->cc, d->seq, p, 4 + plen);
	} else if (etm(d)) {
		uint8_t mac[64];
		e = mac_compute(&d->mc, d->seq, p, 4 + plen, mac);
		if (e == SSH_OK && !ct_eq(mac, p + 4 + plen, alen))
			e = SSH_ERR_MAC;
		if (e == SSH_OK)
			e = decrypt(d, p + 4, plen);
	} else {
		e = decrypt(d, p + bs, 4 + plen - bs);
		if (e == SSH_OK && d->mac) {
			uint8_t mac[64];
			e = mac_compute(&d->mc, d->seq, p, 4 + plen, mac);
			if (e == SSH_OK && !ct_eq(mac, p + 4 + plen, alen))
				e = SSH_ERR_MAC;
		}
	}
	if (e != SSH_OK)
		return e;
	padlen = p[4];
	if (padlen < 4 || (size_t)padlen + 1 >= plen)
		return SSH_ERR_FORMAT;
	*payload = p + 5;
	*len = plen - padlen - 1;
	c->rx_cur_seq = d->seq;
	d->seq++;
	d->packets++;
	d->kpackets++;
	d->bytes += need;
	d->total += need;
	c->in_off += need;
	c->rx_len = 0;
	if (d->z.active) {
		buf_reset(&c->zin);
		e = comp_inflate(&d->z, *payload, *len, &c->zin, PAYLOAD_MAX);
		if (e != SSH_OK)
			return e;
		*payload = c->zin.d;
		*len = c->zin.len;
		if (*len == 0)
			return SSH_ERR_FORMAT;
	}
	return SSH_OK;
}
