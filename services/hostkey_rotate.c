/* Host key rotation (OpenSSH's PROTOCOL 2.5, UpdateHostKeys): after
 * authentication we announce every host key we hold with
 * hostkeys-00@openssh.com; a client that wants to learn them asks with
 * hostkeys-prove-00@openssh.com and gets one signature per key over this
 * session, so a key can be added to known_hosts before an old one goes.
 * Signing goes through kex_host_sign: the monitor's when it holds the keys. */
#include <string.h>

#include "kex/hostkey.h"
#include "kex/kex.h"
#include "services/hostkey_rotate.h"
#include "transport/conn.h"
#include "transport/msg.h"

int hostkeys_notify(struct conn *c)
{
	struct buf *b;
	int e;
	if (c->nkeys <= 0)
		return SSH_OK;
	/* request name, want reply (none: the client answers with a prove
	 * request of its own), then each public key blob */
	if ((e = pkt_begin(c, SSH_MSG_GLOBAL_REQUEST, &b)) != SSH_OK)
		return e;
	buf_cstring(b, "hostkeys-00@openssh.com");
	buf_bool(b, 0);
	for (int i = 0; i < c->nkeys; i++) {
		struct buf blob;
		buf_init(&blob, 0);
		if ((e = hostkey_public_blob(&c->keys[i], &blob)) == SSH_OK)
			buf_string(b, blob.d, blob.len);
		buf_free(&blob);
		if (e != SSH_OK)
			return e;
	}
	logit(c->log, LOG_DEBUG, "notify_hostkeys: sent %d hostkeys", c->nkeys);
	return pkt_send(c);
}

/* the host key whose public blob is p, or NULL */
static const struct hostkey *key_by_blob(const struct conn *c, const uint8_t *p, size_t n)
{
	const struct hostkey *found = NULL;
	for (int i = 0; i < c->nkeys && !found; i++) {
		struct buf blob;
		buf_init(&blob, 0);
		if (hostkey_public_blob(&c->keys[i], &blob) == SSH_OK && blob.len == n && !memcmp(blob.d, p, n))
			found = &c->keys[i];
		buf_free(&blob);
	}
	return found;
}

/* OpenSSH's choice: an RSA key signs with the RSA algorithm the key
 * exchange used, else rsa-sha2-512 (the client takes any RSA signature
 * then); other types have one algorithm */
static const struct sigalg *prove_alg(const struct conn *c, const struct hostkey *k)
{
	if (k->type == KEY_RSA && c->hostkey_alg && c->hostkey_alg->type == KEY_RSA)
		return c->hostkey_alg;
	for (const struct sigalg *a = sigalgs; a->name; a++)
		if (a->type == k->type && !a->legacy)
			return a;
	return NULL;
}

/* one signature over string "hostkeys-prove-00@openssh.com", string
 * session identifier, string key blob, appended to reply as a string */
static int prove_one(struct conn *c, const struct hostkey *k, const uint8_t *blob, size_t n, struct buf *reply)
{
	const struct sigalg *alg = prove_alg(c, k);
	struct buf data, sig;
	int e;
	if (!alg)
		return SSH_ERR_INTERNAL;
	buf_init(&data, 0);
	buf_init(&sig, 0);
	buf_cstring(&data, "hostkeys-prove-00@openssh.com");
	buf_string(&data, c->session_id, c->session_id_len);
	buf_string(&data, blob, n);
	if ((e = data.err) == SSH_OK && (e = kex_host_sign(c, k, alg, data.d, data.len, &sig)) == SSH_OK)
		buf_string(reply, sig.d, sig.len);
	buf_free(&data);
	buf_free(&sig);
	return e != SSH_OK ? e : reply->err;
}

int hostkeys_prove(struct conn *c, struct rd *r, struct buf *reply)
{
	const uint8_t *blob;
	size_t n;
	const struct hostkey *k;
	/* one string per key blob, to the end of the message */
	while (rd_left(r) > 0) {
		if (rd_string(r, &blob, &n) != SSH_OK) {
			logit(c->log, LOG_ERR, "hostkeys_prove: parse key: truncated key blob");
			return 0;
		}
		if (!(k = key_by_blob(c, blob, n))) {
			logit(c->log, LOG_ERR, "hostkeys_prove: unknown host key");
			return 0;
		}
		if (prove_one(c, k, blob, n, reply) != SSH_OK) {
			logit(c->log, LOG_ERR, "hostkeys_prove: assemble signature failed");
			return 0;
		}
	}
	return 1;
}
