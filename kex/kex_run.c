/* The server side of a key exchange, as handlers for messages 20, 21 and
 * 30-49, and the one rule for what may arrive in each phase (kex_allows).
 * Message 30 means KEXDH_INIT, KEX_ECDH_INIT or KEX_DH_GEX_REQUEST_OLD
 * depending on the negotiated method. Keys change only through the
 * transport's pkt_newkeys. */
#include <stdlib.h>
#include <string.h>

#include "kex/hostcert.h"
#include "kex/hostkey.h"
#include "kex/kdf.h"
#include "kex/kex.h"
#include "kex/kexinit.h"
#include "transport/conn.h"
#include "transport/msg.h"

/* RFC 4419 bounds, as OpenSSH applies them */
#define GEX_MIN 2048
#define GEX_MAX 8192

void kex_free(struct kex *k)
{
	if (!k)
		return;
	buf_free(&k->i_c);
	buf_free(&k->i_s);
	if (k->have_group)
		dh_group_free(&k->group);
	wipe(k, sizeof *k);
	free(k);
}

int kex_hostkey_index(const struct conn *c, const struct hostkey *k)
{
	for (int i = 0; i < c->nkeys; i++)
		if (&c->keys[i] == k)
			return i;
	return -1;
}

const struct hostkey *kex_hostkey_at(const struct conn *c, int i)
{
	return i >= 0 && i < c->nkeys ? &c->keys[i] : NULL;
}

int kex_start(struct conn *c)
{
	struct kex *k;
	struct buf *b;
	int e;
	if (c->kex)
		return SSH_OK; /* under way: our KEXINIT went with it */
	if (!(k = calloc(1, sizeof *k)))
		return SSH_ERR_ALLOC;
	c->kex = k;
	k->rekey = c->kex_count > 0;
	buf_init(&k->i_c, 64 * 1024);
	buf_init(&k->i_s, 64 * 1024);
	if ((e = kexinit_build(c, &k->i_s)) != SSH_OK)
		return e;
	if ((e = pkt_begin(c, SSH_MSG_KEXINIT, &b)) != SSH_OK)
		return e;
	b->len--; /* the payload below starts with the message number again */
	if ((e = buf_put(b, k->i_s.d, k->i_s.len)) != SSH_OK || (e = pkt_send(c)) != SSH_OK)
		return e;
	pkt_hold(c);
	k->phase = KEX_INIT_SENT;
	return SSH_OK;
}

int kex_allows(const struct kex *k, uint8_t type)
{
	int kexmsg = type >= SSH_MSG_KEX_FIRST && type <= SSH_MSG_KEX_LAST;
	if (!k)
		return !kexmsg || type == SSH_MSG_KEXINIT;
	if (!kexmsg) {
		/* a re-key's KEXINIT can cross the client's data in flight:
		 * until its own KEXINIT arrives, it may still send anything */
		if (k->phase == KEX_INIT_SENT && k->rekey)
			return 1;
		return type >= SSH_MSG_DISCONNECT && type <= SSH_MSG_DEBUG;
	}
	switch (k->phase) {
	case KEX_INIT_SENT:
		return type == SSH_MSG_KEXINIT;
	case KEX_GUESS:
		return type >= SSH_MSG_KEX_METHOD_FIRST; /* whatever it guessed */
	case KEX_WANT_INIT:
		return type == SSH_MSG_KEXDH_INIT;
	case KEX_WANT_GEX_REQUEST:
		/* 30 is KEX_DH_GEX_REQUEST_OLD here */
		return type == SSH_MSG_KEX_DH_GEX_REQUEST || type == SSH_MSG_KEXDH_INIT;
	case KEX_WANT_GEX_INIT:
		return type == SSH_MSG_KEX_DH_GEX_INIT;
	case KEX_NEWKEYS_SENT:
		return type == SSH_MSG_NEWKEYS;
	}
	return 0;
}

/* A re-key before authentication is legal, but each one costs the server
 * a key agreement and a signature: a few, then the connection ends. */
#define PREAUTH_MAX_KEX 4

/* the method's first message */
static enum kex_phase method_phase(const struct kex *k)
{
	return k->algs.kex->gex ? KEX_WANT_GEX_REQUEST : KEX_WANT_INIT;
}

static int h_kexinit(struct conn *c, uint8_t type, struct rd *r)
{
	struct kexinit_client ci;
	struct kex *k;
	int e;
	if (!kex_allows(c->kex, type))
		return SSH_ERR_PROTO;
	if (!c->authenticated && c->kex_count >= PREAUTH_MAX_KEX) {
		logit(c->log, LOG_INFO, "Too many key exchanges before authentication from %s port %d [preauth]",
		      c->addr, c->port);
		return SSH_ERR_LIMIT;
	}
	if ((e = kex_start(c)) != SSH_OK)
		return e;
	k = c->kex;
	/* I_C is the whole payload, message number included */
	if ((e = buf_put(&k->i_c, r->p - 1, r->len + 1)) != SSH_OK)
		return e;
	if ((e = kexinit_parse(c, k, r, &ci)) != SSH_OK)
		return e;
	if (c->strict_kex && c->kex_count == 0 && c->rx_cur_seq != 0) {
		logit(c->log, LOG_INFO, "strict KEX violation: KEXINIT was not the first packet from %s port %d",
		      c->addr, c->port);
		return SSH_ERR_PROTO;
	}
	/* RFC 4253 7: a guess is right only when both put the same first */
	k->phase = ci.follows && !(ci.kex_right && ci.hostkey_right) ? KEX_GUESS : method_phase(k);
	logit(c->log, LOG_DEBUG, "kex: %s host key %s; client->server %s %s %s; server->client %s %s %s",
	      k->algs.kex->name, k->algs.hostcert ? k->algs.hostcert->name : k->algs.hostkey->name,
	      k->algs.dir[0].cipher->name,
	      k->algs.dir[0].mac ? k->algs.dir[0].mac->name : "<implicit>", k->algs.dir[0].comp->name,
	      k->algs.dir[1].cipher->name, k->algs.dir[1].mac ? k->algs.dir[1].mac->name : "<implicit>",
	      k->algs.dir[1].comp->name);
	return SSH_OK;
}

/* the key to sign with: of the algorithm's type, and with a certificate
 * when a certificate algorithm was agreed */
static const struct hostkey *key_for(const struct conn *c, const struct kex_algs *algs)
{
	for (int i = 0; i < c->nkeys; i++)
		if (c->keys[i].type == algs->hostkey->type && (!algs->hostcert || c->keys[i].cert))
			return &c->keys[i];
	return NULL;
}

static int derive_all(struct conn *c, struct kex *k, const struct buf *secret, const uint8_t *h, size_t hlen)
{
	const char *hash = k->algs.kex->hash;
	int e = SSH_OK;
	for (int dir = 0; dir < 2 && e == SSH_OK; dir++) {
		const struct cipher *ci = k->algs.dir[dir].cipher;
		const struct mac *m = k->algs.dir[dir].mac;
		/* A/B: IVs, C/D: encryption keys, E/F: MAC keys */
		e = kdf_derive(hash, secret, h, hlen, (char)('A' + dir), c->session_id, c->session_id_len,
			       k->keys[dir].iv, ci->ivlen);
		if (e == SSH_OK)
			e = kdf_derive(hash, secret, h, hlen, (char)('C' + dir), c->session_id,
				       c->session_id_len, k->keys[dir].enc, ci->keylen);
		if (e == SSH_OK && m)
			e = kdf_derive(hash, secret, h, hlen, (char)('E' + dir), c->session_id,
				       c->session_id_len, k->keys[dir].mac, m->keylen);
	}
	return e;
}

static int send_ext_info(struct conn *c)
{
	struct buf *b;
	int e = pkt_begin(c, SSH_MSG_EXT_INFO, &b);
	if (e != SSH_OK)
		return e;
	buf_u32(b, 3);
	buf_cstring(b, "server-sig-algs");
	buf_cstring(b, c->cfg->pubkey_alg_list);
	/* PROTOCOL 2.5: userauth may bind to the host key, which agents'
	 * destination constraints (ssh-add -h) need */
	buf_cstring(b, "publickey-hostbound@openssh.com");
	buf_cstring(b, "0");
	/* answered by the transport (h_ping), version "0" as OpenSSH sends */
	buf_cstring(b, "ping@openssh.com");
	buf_cstring(b, "0");
	return pkt_send(c);
}

/* H = HASH(V_C || V_S || I_C || I_S || K_S || [group] || values || K) */
static int exchange_hash(const struct conn *c, const struct kex *k, const struct buf *blob,
			 const struct buf *hashpart, const struct buf *secret, uint8_t *h, size_t *hlen)
{
	struct buf hin;
	int e;
	buf_init(&hin, 0);
	buf_cstring(&hin, c->client_version);
	buf_cstring(&hin, c->server_version);
	buf_string(&hin, k->i_c.d, k->i_c.len);
	buf_string(&hin, k->i_s.d, k->i_s.len);
	buf_string(&hin, blob->d, blob->len);
	if (k->algs.kex->gex) {
		if (k->gex_old) {
			buf_u32(&hin, k->gex_n);
		} else {
			buf_u32(&hin, k->gex_min);
			buf_u32(&hin, k->gex_n);
			buf_u32(&hin, k->gex_max);
		}
		buf_mpint(&hin, k->group.p, k->group.plen);
		buf_mpint(&hin, k->group.g, k->group.glen);
	}
	buf_put(&hin, hashpart->d, hashpart->len);
	buf_put(&hin, secret->d, secret->len);
	if ((e = hin.err) == SSH_OK)
		e = kdf_hash(k->algs.kex->hash, hin.d, hin.len, h, hlen);
	buf_free(&hin);
	return e;
}

/* NEWKEYS; what follows goes out under the new keys, EXT_INFO first after
 * the first exchange (RFC 8308 2.4) */
static int send_newkeys(struct conn *c, struct kex *k)
{
	struct buf *b;
	int e;
	if ((e = pkt_begin(c, SSH_MSG_NEWKEYS, &b)) != SSH_OK || (e = pkt_send(c)) != SSH_OK ||
	    (e = pkt_newkeys(c, PKT_TX, &k->algs.dir[PKT_TX], &k->keys[PKT_TX])) != SSH_OK)
		return e;
	k->phase = KEX_NEWKEYS_SENT;
	return !k->rekey && k->ext_info_c ? send_ext_info(c) : SSH_OK;
}

/* The common tail of every method: H, the signed reply, NEWKEYS. */
static int reply(struct conn *c, struct kex *k, uint8_t reply_type, const void *param, struct rd *r)
{
	const struct hostkey *hk = key_for(c, &k->algs);
	struct buf val, hashpart, secret, blob, sig, *b;
	uint8_t h[64];
	size_t hlen = 0;
	int e;

	if (!hk)
		return SSH_ERR_INTERNAL;
	buf_init(&val, 0);
	buf_init(&hashpart, 0);
	buf_init(&secret, 0);
	buf_init(&blob, 0);
	buf_init(&sig, 0);
	if ((e = k->algs.kex->agree->server(param, r, &val, &hashpart, &secret)) != SSH_OK ||
	    (e = (k->algs.hostcert ? buf_put(&blob, hk->cert, hk->cert_len) : hostkey_public_blob(hk, &blob))) !=
		    SSH_OK ||
	    (e = exchange_hash(c, k, &blob, &hashpart, &secret, h, &hlen)) != SSH_OK)
		goto out;
	if (!c->session_id_len) {
		memcpy(c->session_id, h, hlen);
		c->session_id_len = hlen;
		c->initial_hostkey = hk;
		c->initial_hostcert = k->algs.hostcert != NULL;
	}
	c->hostkey_alg = k->algs.hostkey;
	e = kex_host_sign(c, hk, k->algs.hostkey, h, hlen, &sig);
	if (e != SSH_OK ||
	    (e = derive_all(c, k, &secret, h, hlen)) != SSH_OK)
		goto out;
	/* host key, server value, signature of H */
	if ((e = pkt_begin(c, reply_type, &b)) != SSH_OK)
		goto out;
	buf_string(b, blob.d, blob.len);
	buf_put(b, val.d, val.len);
	buf_string(b, sig.d, sig.len);
	if ((e = pkt_send(c)) == SSH_OK)
		e = send_newkeys(c, k);
out:
	wipe(h, sizeof h);
	buf_free(&val);
	buf_free(&hashpart);
	buf_free(&secret);
	buf_free(&blob);
	buf_free(&sig);
	return e;
}

static int send_group(struct conn *c, struct kex *k)
{
	struct buf *b;
	int e;
	uint32_t min = k->gex_min < GEX_MIN ? GEX_MIN : k->gex_min;
	uint32_t max = k->gex_max > GEX_MAX ? GEX_MAX : k->gex_max;
	uint32_t n = k->gex_n < min ? min : k->gex_n > max ? max : k->gex_n;
	if (min > max)
		return SSH_ERR_NOALG;
	e = c->choose_group ? c->choose_group(c, min, n, max, &k->group)
			    : dh_gex_choose(c->cfg->moduli_file, min, n, max, &k->group);
	if (e != SSH_OK)
		return e;
	k->have_group = 1;
	/* safe prime p, generator g */
	if ((e = pkt_begin(c, SSH_MSG_KEXDH_REPLY, &b)) != SSH_OK)
		return e;
	buf_mpint(b, k->group.p, k->group.plen);
	buf_mpint(b, k->group.g, k->group.glen);
	if ((e = pkt_send(c)) != SSH_OK)
		return e;
	k->phase = KEX_WANT_GEX_INIT;
	return SSH_OK;
}

/* KEX_DH_GEX_REQUEST (34): min, n, max; or REQUEST_OLD (30): n */
static int gex_request(struct conn *c, struct kex *k, uint8_t type, struct rd *r)
{
	int e;
	if (type == SSH_MSG_KEXDH_INIT) {
		if ((e = rd_u32(r, &k->gex_n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
			return e;
		k->gex_old = 1;
		k->gex_min = GEX_MIN;
		k->gex_max = GEX_MAX;
	} else {
		if ((e = rd_u32(r, &k->gex_min)) != SSH_OK || (e = rd_u32(r, &k->gex_n)) != SSH_OK ||
		    (e = rd_u32(r, &k->gex_max)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
			return e;
		if (k->gex_min > k->gex_n || k->gex_n > k->gex_max)
			return SSH_ERR_FORMAT;
	}
	return send_group(c, k);
}

/* Messages 30-49: what each means depends on the method and the phase. */
static int h_method(struct conn *c, uint8_t type, struct rd *r)
{
	struct kex *k = c->kex;
	if (!k || !kex_allows(k, type))
		return SSH_ERR_PROTO;
	switch (k->phase) {
	case KEX_GUESS:
		/* RFC 4253 7: the client's wrong guess is dropped, exactly once;
		 * logged as OpenSSH's dispatch does, so a test can tell a
		 * dropped guess from a client that sent none */
		logit(c->log, LOG_DEBUG, "skipped packet (type %u): the client's key exchange guess was wrong", type);
		k->phase = method_phase(k);
		return SSH_OK;
	case KEX_WANT_INIT:
		return reply(c, k, SSH_MSG_KEXDH_REPLY, k->algs.kex->param, r);
	case KEX_WANT_GEX_REQUEST:
		return gex_request(c, k, type, r);
	case KEX_WANT_GEX_INIT:
		return reply(c, k, SSH_MSG_KEX_DH_GEX_REPLY, &k->group, r);
	default:
		return SSH_ERR_PROTO;
	}
}

static int h_newkeys(struct conn *c, uint8_t type, struct rd *r)
{
	struct kex *k = c->kex;
	int e;
	if (!k || !kex_allows(k, type) || (e = rd_end(r)) != SSH_OK)
		return SSH_ERR_PROTO;
	if ((e = pkt_newkeys(c, PKT_RX, &k->algs.dir[PKT_RX], &k->keys[PKT_RX])) != SSH_OK)
		return e;
	kex_free(k);
	c->kex = NULL;
	transport_kex_done(c);
	return SSH_OK;
}

void kex_install(struct conn *c)
{
	c->dispatch[SSH_MSG_KEXINIT] = h_kexinit;
	c->dispatch[SSH_MSG_NEWKEYS] = h_newkeys;
	for (int t = SSH_MSG_KEX_METHOD_FIRST; t <= SSH_MSG_KEX_LAST; t++)
		c->dispatch[t] = h_method;
}

int kex_host_sign(struct conn *c, const struct hostkey *k, const struct sigalg *alg, const uint8_t *data,
		  size_t len, struct buf *out)
{
	return c->sign ? c->sign(c, k, alg, data, len, out) : hostkey_sign(k, alg, data, len, out);
}
