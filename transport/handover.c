/* The transport state moved between processes (transport/handover.h).
 *
 * The blob, in SSH wire types (RFC 4251 5):
 *   byte     version (HANDOVER_VERSION)
 *   uint32   kex_count             completed key exchanges
 *   boolean  strict_kex
 *   string   session_id            empty before the first exchange
 *   uint32   rx_cur_seq
 *   uint64   rekey_bytes
 *   uint32   rekey_seconds
 *   uint64   ms since the last NEWKEYS, uint64 ms since conn_init: ages,
 *            so that the importer's monotonic clock applies
 *   string   client_version, string server_version
 *   uint32   initial host key: its index in c->keys, 0xffffffff for none
 *   boolean  initial_hostcert
 *   string   hostkey_alg's name, empty for none
 *   two directions, rx then tx, each:
 *     string  cipher name ("none" only before the first exchange)
 *     byte    accel; string the cipher context's union, trailing zeros cut
 *     string  MAC name, empty with an AEAD cipher or none; if not empty:
 *       uint32 hash index; byte ni; string the MAC state, trailing zeros cut
 *     string  compression name, empty before the first exchange
 *     uint32  seq; uint64 bytes, kpackets, total, packets
 *   uint32   rx_len                a packet whose start is decrypted, or 0
 *   string   the unread input, c->in from in_off
 *
 * The contexts are bytes because libtomcrypt 1.18's states and the
 * accelerated keys hold no pointers, and the importer is forked from the
 * same binary: the library's cipher and hash indexes mean the same there.
 * Each is checked by its row before use all the same (cipher ctx_ok,
 * mac_ctx_ok): an index or round count off by one would send the library
 * outside its tables. */
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "kex/kex.h"
#include "transport/handover.h"
#include "transport/namelist.h"
#include "transport/version.h"

#define NO_KEY 0xffffffffu
/* an age past this is no clock reading (and now - age cannot overflow) */
#define MAX_AGE_MS (1ull << 62)

#define MAC_STATE_OFF offsetof(struct mac_ctx, umac)
#define MAC_STATE_LEN (sizeof(struct mac_ctx) - MAC_STATE_OFF)

/* a context as a string, without its zero tail (most rows use a small
 * part of the union; GCM's tables are most of it) */
static void put_trimmed(struct buf *b, const void *p, size_t n)
{
	const uint8_t *q = p;
	while (n > 0 && q[n - 1] == 0)
		n--;
	buf_string(b, q, n);
}

static int exportable(const struct conn *c)
{
	const char *why = c->kex ? "a key exchange is running"
			  : c->tx_hold || c->deferred.len ? "replies are held for a key exchange"
			  : c->out.len > c->out_off ? "output is not written yet"
			  : c->rx.z.active || c->tx.z.active ? "compression has started"
			  : c->in_off > c->in.len ? "the input buffer is inconsistent"
			  : c->initial_hostkey && kex_hostkey_index(c, c->initial_hostkey) < 0
				  ? "the initial host key is not one of the connection's keys"
				  : NULL;
	if (!why)
		return SSH_OK;
	logit(c->log, LOG_ERR, "transport handover refused: %s", why);
	return SSH_ERR_PROTO;
}

static void put_conn(struct buf *b, const struct conn *c)
{
	int64_t now = conn_now_ms();
	int i = c->initial_hostkey ? kex_hostkey_index(c, c->initial_hostkey) : -1;
	uint32_t key = i < 0 ? NO_KEY : (uint32_t)i;
	buf_u32(b, (uint32_t)c->kex_count);
	buf_bool(b, c->strict_kex);
	buf_string(b, c->session_id, c->session_id_len);
	buf_u32(b, c->rx_cur_seq);
	buf_u64(b, c->rekey_bytes);
	buf_u32(b, (uint32_t)c->rekey_seconds);
	buf_u64(b, (uint64_t)(now - c->last_kex_ms));
	buf_u64(b, (uint64_t)(now - c->start_ms));
	buf_cstring(b, c->client_version);
	buf_cstring(b, c->server_version);
	buf_u32(b, key);
	buf_bool(b, c->initial_hostcert);
	buf_cstring(b, c->hostkey_alg ? kex_sigalg_name(c->hostkey_alg) : "");
}

static void put_dir(struct buf *b, const struct direction *d)
{
	buf_cstring(b, d->cipher->name);
	buf_u8(b, d->cc.accel);
	put_trimmed(b, &d->cc.u, cipher_ctx_size(d->cipher, &d->cc) - offsetof(struct cipher_ctx, u));
	buf_cstring(b, d->mac ? d->mac->name : "");
	if (d->mac) {
		buf_u32(b, (uint32_t)d->mc.hidx);
		buf_u8(b, d->mc.ni);
		put_trimmed(b, (const uint8_t *)&d->mc + MAC_STATE_OFF, MAC_STATE_LEN);
	}
	buf_cstring(b, d->comp ? d->comp->name : "");
	buf_u32(b, d->seq);
	buf_u64(b, d->bytes);
	buf_u64(b, d->kpackets);
	buf_u64(b, d->total);
	buf_u64(b, d->packets);
}

int transport_export(const struct conn *c, struct buf *out)
{
	size_t start = out->len;
	int e = exportable(c);
	if (e != SSH_OK)
		return e;
	buf_u8(out, HANDOVER_VERSION);
	put_conn(out, c);
	put_dir(out, &c->rx);
	put_dir(out, &c->tx);
	buf_u32(out, c->rx_len);
	buf_string(out, c->in.d ? c->in.d + c->in_off : NULL, c->in.len - c->in_off);
	if ((e = out->err) != SSH_OK) {
		/* what was appended holds keys */
		if (out->len > start)
			wipe(out->d + start, out->len - start);
		out->len = start;
	}
	return e;
}

/* ---- import: every field through the cursor, every value checked ---- */

/* the blob's fields that are checked against one another before they go
 * into the connection */
struct hv {
	uint32_t kex_count;
	const char *what; /* the first refusal, for the log line */
};

static int bad(struct hv *h, int e, const char *what)
{
	if (!h->what)
		h->what = what;
	return e;
}

/* a boolean that is 0 or 1, nothing else */
static int rd_flag(struct rd *r, int *v)
{
	uint8_t b;
	int e = rd_u8(r, &b);
	if (e == SSH_OK && b > 1)
		e = SSH_ERR_FORMAT;
	if (e == SSH_OK)
		*v = b;
	return e;
}

/* the inverse of put_trimmed: at most cap bytes, the rest zero; a string
 * that ends in a zero byte was not cut and is refused */
static int get_trimmed(struct rd *r, void *dst, size_t cap, size_t *got)
{
	const uint8_t *p;
	size_t n;
	int e = rd_string(r, &p, &n);
	if (e != SSH_OK)
		return e;
	if (n > cap)
		return SSH_ERR_TOOBIG;
	if (n > 0 && p[n - 1] == 0)
		return SSH_ERR_FORMAT;
	memset(dst, 0, cap);
	memcpy(dst, p, n);
	*got = n;
	return SSH_OK;
}

/* a text field into a C string of cap bytes */
static int get_cstring(struct rd *r, char *dst, size_t cap)
{
	const uint8_t *p;
	size_t n;
	int e = rd_text(r, &p, &n);
	if (e != SSH_OK)
		return e;
	if (n >= cap)
		return SSH_ERR_TOOBIG;
	memcpy(dst, p, n);
	dst[n] = 0;
	return SSH_OK;
}

static int get_ages(struct rd *r, struct conn *c)
{
	uint64_t kex_age, start_age;
	int64_t now = conn_now_ms();
	int e;
	if ((e = rd_u64(r, &kex_age)) != SSH_OK || (e = rd_u64(r, &start_age)) != SSH_OK)
		return e;
	if (kex_age >= MAX_AGE_MS || start_age >= MAX_AGE_MS)
		return SSH_ERR_FORMAT;
	c->last_kex_ms = now - (int64_t)kex_age;
	c->start_ms = now - (int64_t)start_age;
	return SSH_OK;
}

/* the session identifier is an exchange hash: SHA-1, -256, -384 or -512 */
static int session_id_ok(size_t n, uint32_t kex_count)
{
	if (kex_count == 0)
		return n == 0;
	return n == 20 || n == 32 || n == 48 || n == 64;
}

static int get_counts(struct rd *r, struct hv *h, struct conn *c)
{
	const uint8_t *p;
	size_t n;
	uint32_t secs;
	int e;
	if ((e = rd_u32(r, &h->kex_count)) != SSH_OK || (e = rd_flag(r, &c->strict_kex)) != SSH_OK ||
	    (e = rd_string(r, &p, &n)) != SSH_OK)
		return bad(h, e, "truncated");
	if (h->kex_count > INT_MAX)
		return bad(h, SSH_ERR_FORMAT, "key exchange count out of range");
	if (!session_id_ok(n, h->kex_count))
		return bad(h, SSH_ERR_FORMAT, "session identifier of the wrong length");
	c->kex_count = (int)h->kex_count;
	memcpy(c->session_id, p, n);
	c->session_id_len = n;
	if ((e = rd_u32(r, &c->rx_cur_seq)) != SSH_OK || (e = rd_u64(r, &c->rekey_bytes)) != SSH_OK ||
	    (e = rd_u32(r, &secs)) != SSH_OK)
		return bad(h, e, "truncated");
	/* conn_rekey_limits never leaves either at 0 */
	if (c->rekey_bytes == 0 || secs == 0 || secs > INT_MAX)
		return bad(h, SSH_ERR_FORMAT, "re-key limits out of range");
	c->rekey_seconds = (int)secs;
	if ((e = get_ages(r, c)) != SSH_OK)
		return bad(h, e, "timer ages out of range");
	return SSH_OK;
}

static int get_versions(struct rd *r, struct hv *h, struct conn *c)
{
	int e;
	if ((e = get_cstring(r, c->client_version, sizeof c->client_version)) != SSH_OK ||
	    (e = get_cstring(r, c->server_version, sizeof c->server_version)) != SSH_OK)
		return bad(h, e, "bad version string");
	/* the exchange hashed both: they were there from the first one */
	if (h->kex_count && (version_check(c->client_version) != SSH_OK || version_check(c->server_version) != SSH_OK))
		return bad(h, SSH_ERR_VERSION, "bad version string");
	return SSH_OK;
}

/* the initial host key, as an index into the importer's own key list,
 * and the signature algorithm by name: both present exactly when an
 * exchange has completed */
static int get_hostkey(struct rd *r, struct hv *h, struct conn *c)
{
	uint32_t idx;
	const uint8_t *p;
	size_t n;
	int cert, e;
	if ((e = rd_u32(r, &idx)) != SSH_OK || (e = rd_flag(r, &cert)) != SSH_OK || (e = rd_text(r, &p, &n)) != SSH_OK)
		return bad(h, e, "truncated");
	if (!h->kex_count)
		return idx == NO_KEY && !cert && n == 0 ? SSH_OK : bad(h, SSH_ERR_FORMAT, "host key before an exchange");
	if (idx > INT_MAX || !(c->initial_hostkey = kex_hostkey_at(c, (int)idx)))
		return bad(h, SSH_ERR_KEY, "initial host key index out of range");
	c->initial_hostcert = cert;
	if (!(c->hostkey_alg = kex_sigalg_find(p, n)))
		return bad(h, SSH_ERR_NOALG, "unknown host key algorithm");
	return SSH_OK;
}

static int get_cipher(struct rd *r, struct hv *h, struct direction *d)
{
	const uint8_t *p;
	size_t n;
	int e;
	if ((e = rd_text(r, &p, &n)) != SSH_OK || (e = rd_u8(r, &d->cc.accel)) != SSH_OK)
		return bad(h, e, "truncated");
	if (name_eq(cipher_none.name, p, n)) {
		d->cipher = &cipher_none;
		if (h->kex_count)
			return bad(h, SSH_ERR_NOALG, "no cipher after a key exchange");
	} else if (!(d->cipher = cipher_find((const char *)p, n)) || !h->kex_count) {
		d->cipher = &cipher_none;
		return bad(h, SSH_ERR_NOALG, "unknown cipher, or a cipher before any key exchange");
	}
	if ((e = get_trimmed(r, &d->cc.u, cipher_ctx_size(d->cipher, &d->cc) - offsetof(struct cipher_ctx, u), &n)) !=
	    SSH_OK)
		return bad(h, e, "bad cipher state");
	if (d->cipher == &cipher_none)
		return d->cc.accel == 0 && n == 0 ? SSH_OK : bad(h, SSH_ERR_FORMAT, "state for no cipher");
	if (d->cipher->ctx_ok(d->cipher, &d->cc) != SSH_OK)
		return bad(h, SSH_ERR_CRYPTO, "cipher state does not fit its row");
	return SSH_OK;
}

static int get_mac(struct rd *r, struct hv *h, struct direction *d)
{
	const uint8_t *p;
	size_t n;
	uint32_t hidx;
	int e;
	if ((e = rd_text(r, &p, &n)) != SSH_OK)
		return bad(h, e, "truncated");
	/* AEAD ciphers and none have no MAC; every other cipher has one */
	if (d->cipher->taglen || d->cipher == &cipher_none)
		return n == 0 ? SSH_OK : bad(h, SSH_ERR_FORMAT, "a MAC where none belongs");
	if (!(d->mac = mac_find((const char *)p, n)))
		return bad(h, SSH_ERR_NOALG, "unknown MAC");
	if ((e = rd_u32(r, &hidx)) != SSH_OK || (e = rd_u8(r, &d->mc.ni)) != SSH_OK ||
	    (e = get_trimmed(r, (uint8_t *)&d->mc + MAC_STATE_OFF, MAC_STATE_LEN, &n)) != SSH_OK)
		return bad(h, e, "bad MAC state");
	if (hidx > INT_MAX && hidx != 0xffffffffu)
		return bad(h, SSH_ERR_FORMAT, "MAC hash index out of range");
	d->mc.hidx = hidx == 0xffffffffu ? -1 : (int)hidx;
	d->mc.m = d->mac;
	if (mac_ctx_ok(&d->mc) != SSH_OK)
		return bad(h, SSH_ERR_CRYPTO, "MAC state does not fit its row");
	return SSH_OK;
}

static int get_comp(struct rd *r, struct hv *h, struct direction *d)
{
	const uint8_t *p;
	size_t n;
	int e;
	if ((e = rd_text(r, &p, &n)) != SSH_OK)
		return bad(h, e, "truncated");
	if (!h->kex_count)
		return n == 0 ? SSH_OK : bad(h, SSH_ERR_FORMAT, "compression before any key exchange");
	if (!(d->comp = comp_find((const char *)p, n)))
		return bad(h, SSH_ERR_NOALG, "unknown compression");
	/* plain zlib runs from NEWKEYS on: its stream cannot move */
	if (d->comp->enabled && !d->comp->delayed)
		return bad(h, SSH_ERR_COMP, "zlib (not delayed) cannot be handed over");
	return SSH_OK;
}

static int get_dir(struct rd *r, struct hv *h, struct direction *d)
{
	int e;
	if ((e = get_cipher(r, h, d)) != SSH_OK || (e = get_mac(r, h, d)) != SSH_OK || (e = get_comp(r, h, d)) != SSH_OK)
		return e;
	if ((e = rd_u32(r, &d->seq)) != SSH_OK || (e = rd_u64(r, &d->bytes)) != SSH_OK ||
	    (e = rd_u64(r, &d->kpackets)) != SSH_OK || (e = rd_u64(r, &d->total)) != SSH_OK ||
	    (e = rd_u64(r, &d->packets)) != SSH_OK)
		return bad(h, e, "truncated");
	/* the counters since the last key exchange are part of the totals */
	if (d->bytes > d->total || d->kpackets > d->packets)
		return bad(h, SSH_ERR_FORMAT, "counters out of order");
	return SSH_OK;
}

/* the unread input, and the length of a packet whose first block was
 * decrypted in place already (pkt_read goes on from there) */
static int get_input(struct rd *r, struct hv *h, struct conn *c)
{
	const uint8_t *p;
	size_t n;
	uint32_t rx_len;
	int e;
	if ((e = rd_u32(r, &rx_len)) != SSH_OK || (e = rd_string(r, &p, &n)) != SSH_OK)
		return bad(h, e, "truncated");
	if (n > c->in.max)
		return bad(h, SSH_ERR_TOOBIG, "more unread input than the buffer takes");
	if (rx_len && (pkt_len_ok(&c->rx, rx_len) != SSH_OK || n < pkt_first_len(&c->rx)))
		return bad(h, SSH_ERR_FORMAT, "a partly read packet that pkt_read would not have started");
	if (n && (e = buf_put(&c->in, p, n)) != SSH_OK)
		return bad(h, e, "no room for the unread input");
	if (c->in.len > c->in_used)
		c->in_used = c->in.len;
	c->rx_len = rx_len;
	return SSH_OK;
}

static int get_all(struct rd *r, struct hv *h, struct conn *c)
{
	uint8_t v;
	int e;
	if ((e = rd_u8(r, &v)) != SSH_OK)
		return bad(h, e, "truncated");
	if (v != HANDOVER_VERSION)
		return bad(h, SSH_ERR_VERSION, "unknown version");
	if ((e = get_counts(r, h, c)) != SSH_OK || (e = get_versions(r, h, c)) != SSH_OK ||
	    (e = get_hostkey(r, h, c)) != SSH_OK || (e = get_dir(r, h, &c->rx)) != SSH_OK ||
	    (e = get_dir(r, h, &c->tx)) != SSH_OK || (e = get_input(r, h, c)) != SSH_OK)
		return e;
	return rd_end(r) == SSH_OK ? SSH_OK : bad(h, SSH_ERR_FORMAT, "trailing bytes");
}

/* a refused blob leaves no key in c: back to conn_init's state */
static void undo(struct conn *c)
{
	wipe(&c->rx, sizeof c->rx);
	wipe(&c->tx, sizeof c->tx);
	c->rx.cipher = c->tx.cipher = &cipher_none;
	wipe(c->session_id, sizeof c->session_id);
	c->session_id_len = 0;
	if (c->in.d)
		wipe(c->in.d, c->in.len);
	c->in.len = c->in_off = 0;
	c->rx_len = 0;
	c->kex_count = 0;
	c->initial_hostkey = NULL;
	c->hostkey_alg = NULL;
}

int transport_import(struct conn *c, const uint8_t *p, size_t n)
{
	struct hv h = {0, NULL};
	struct rd r;
	int e;
	/* a fresh connection: nothing read, no keys, no exchange */
	if (c->kex || c->in.len || c->kex_count || c->rx.cipher != &cipher_none || c->tx.cipher != &cipher_none) {
		logit(c->log, LOG_ERR, "transport handover refused: the connection is not fresh");
		return SSH_ERR_INTERNAL;
	}
	rd_init(&r, p, n);
	if ((e = get_all(&r, &h, c)) == SSH_OK)
		return SSH_OK;
	logit(c->log, LOG_ERR, "transport handover refused: %s (%zu bytes at offset %zu): %s",
	      h.what ? h.what : "bad state", n, r.off, ssh_err(e));
	undo(c);
	return e;
}
