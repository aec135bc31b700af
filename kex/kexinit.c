/* KEXINIT (RFC 4253 7.1): building ours, reading the client's, and picking
 * each algorithm as the first of the client's names the server also has. */
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "kex/hostcert.h"
#include "kex/hostkey.h"
#include "kex/kex.h"
#include "kex/kexinit.h"
#include "transport/cipher.h"
#include "transport/comp.h"
#include "transport/conn.h"
#include "transport/crypto.h"
#include "transport/mac.h"
#include "transport/msg.h"
#include "transport/namelist.h"

#define STRICT_S "kex-strict-s-v00@openssh.com"
#define STRICT_C "kex-strict-c-v00@openssh.com"
#define EXT_INFO_C "ext-info-c"

size_t kex_choose(const uint8_t *client, size_t clen, const char *server, const uint8_t **name)
{
	struct namelist it;
	const char *s;
	size_t l;
	namelist_init(&it, client, clen);
	while (namelist_next(&it, &s, &l)) {
		if (l && namelist_has(server, strlen(server), s, l)) {
			*name = (const uint8_t *)s;
			return l;
		}
	}
	return 0;
}

/* a key of type t (with a HostCertificate when cert is set) */
static int have_key(const struct conn *c, enum keytype t, int cert)
{
	for (int i = 0; i < c->nkeys; i++)
		if (c->keys[i].type == t && (!cert || c->keys[i].cert))
			return 1;
	return 0;
}

/* a HostKeyAlgorithms name: its signature algorithm, and its certificate
 * row when it is a *-cert-v01@openssh.com name */
static const struct sigalg *hostkey_alg(const uint8_t *p, size_t l, const struct hostcert_alg **cert)
{
	*cert = hostcert_alg_find(p, l);
	return *cert ? sigalg_find((const uint8_t *)(*cert)->plain, strlen((*cert)->plain)) : sigalg_find(p, l);
}

/* the host key algorithms we can sign with: configured and with a key */
void kexinit_hostkey_algs(const struct conn *c, char *out, size_t outlen)
{
	struct namelist it;
	const char *p;
	size_t l;
	out[0] = 0;
	namelist_init_str(&it, c->cfg->hostkey_alg_list);
	while (namelist_next(&it, &p, &l)) {
		const struct hostcert_alg *cert;
		const struct sigalg *a = hostkey_alg((const uint8_t *)p, l, &cert);
		if (a && have_key(c, a->type, cert != NULL))
			namelist_append(out, outlen, p, l);
	}
}

int kexinit_build(const struct conn *c, struct buf *b)
{
	char hk[512], kexl[2048];
	uint8_t cookie[16];
	const struct config *cfg = c->cfg;

	kexinit_hostkey_algs(c, hk, sizeof hk);
	/* the strict-KEX marker belongs to the first KEXINIT only */
	snprintf(kexl, sizeof kexl, "%s%s", cfg->kex_list, c->kex_count ? "" : "," STRICT_S);
	rand_bytes(cookie, sizeof cookie);
	buf_u8(b, SSH_MSG_KEXINIT);
	buf_put(b, cookie, sizeof cookie);
	buf_cstring(b, kexl);
	buf_cstring(b, hk);
	buf_cstring(b, cfg->cipher_list);
	buf_cstring(b, cfg->cipher_list);
	buf_cstring(b, cfg->mac_list);
	buf_cstring(b, cfg->mac_list);
	buf_cstring(b, cfg->comp_list);
	buf_cstring(b, cfg->comp_list);
	buf_cstring(b, "");
	buf_cstring(b, "");
	buf_bool(b, 0);
	buf_u32(b, 0);
	return b->err;
}

static int pick(struct conn *c, const char *what, const uint8_t *cl, size_t clen, const char *server,
		const uint8_t **name, size_t *len)
{
	*len = kex_choose(cl, clen, server, name);
	if (*len)
		return SSH_OK;
	logit(c->log, LOG_INFO,
	      "Unable to negotiate with %s port %d: no matching %s found. Their offer: %.*s [preauth]", c->addr,
	      c->port, what, (int)(clen > 400 ? 400 : clen), cl);
	return SSH_ERR_NOALG;
}

/* Real clients send at most a few dozen names per list. Each name tried is
 * looked up in the server's list, so a huge list of tiny names would cost
 * CPU for nothing: cap the count, and the length as RFC 4251 6 does. */
#define KEXINIT_MAX_NAMES 128
#define KEXINIT_MAX_NAME 64

static int list_sane(const uint8_t *list, size_t len)
{
	struct namelist it;
	const char *s;
	size_t l, names = 0;
	namelist_init(&it, list, len);
	while (namelist_next(&it, &s, &l))
		if (l > KEXINIT_MAX_NAME || ++names > KEXINIT_MAX_NAMES)
			return 0;
	return 1;
}

/* RFC 4253 7 (and Conch's ssh_KEXINIT, OpenSSH's proposals_match): a
 * guessed packet is right only when both sides put the same name first,
 * not merely when the client's first choice is what gets negotiated. */
static int same_first(const uint8_t *client, size_t clen, const char *server)
{
	size_t n = namelist_first(client, clen), sn = namelist_first(server, strlen(server));
	return name_eq_bytes(client, n, server, sn);
}

int kexinit_parse(struct conn *c, struct kex *k, struct rd *r, struct kexinit_client *ci)
{
	const uint8_t *lists[10], *name;
	size_t lens[10], n;
	char hk[512];
	int e, i;

	/* cookie */
	if ((e = rd_bytes(r, 16, NULL)) != SSH_OK)
		return e;
	/* kex, host key, 2x cipher, 2x mac, 2x compression, 2x language */
	for (i = 0; i < 10; i++)
		if ((e = rd_namelist(r, &lists[i], &lens[i])) != SSH_OK)
			return e;
	for (i = 0; i < 10; i++) {
		if (!list_sane(lists[i], lens[i])) {
			logit(c->log, LOG_INFO,
			      "KEXINIT from %s port %d: name-list %d exceeds %d names of %d characters [preauth]",
			      c->addr, c->port, i, KEXINIT_MAX_NAMES, KEXINIT_MAX_NAME);
			return SSH_ERR_TOOBIG;
		}
	}
	/* first_kex_packet_follows, reserved */
	if ((e = rd_bool(r, &ci->follows)) != SSH_OK || (e = rd_u32(r, NULL)) != SSH_OK ||
	    (e = rd_end(r)) != SSH_OK)
		return e;

	if (c->kex_count == 0) {
		k->ext_info_c = namelist_has(lists[0], lens[0], EXT_INFO_C, strlen(EXT_INFO_C));
		c->strict_kex = namelist_has(lists[0], lens[0], STRICT_C, strlen(STRICT_C));
	}
	kexinit_hostkey_algs(c, hk, sizeof hk);
	if ((e = pick(c, "key exchange method", lists[0], lens[0], c->cfg->kex_list, &name, &n)) != SSH_OK)
		return e;
	k->algs.kex = kex_method_find((const char *)name, n);
	ci->kex_right = same_first(lists[0], lens[0], c->cfg->kex_list);
	if ((e = pick(c, "host key type", lists[1], lens[1], hk, &name, &n)) != SSH_OK)
		return e;
	k->algs.hostkey = hostkey_alg(name, n, &k->algs.hostcert);
	ci->hostkey_right = same_first(lists[1], lens[1], hk);
	for (i = 0; i < 2; i++) {
		if ((e = pick(c, "cipher", lists[2 + i], lens[2 + i], c->cfg->cipher_list, &name, &n)) != SSH_OK)
			return e;
		k->algs.dir[i].cipher = cipher_find((const char *)name, n);
		if (k->algs.dir[i].cipher->taglen == 0) {
			if ((e = pick(c, "MAC", lists[4 + i], lens[4 + i], c->cfg->mac_list, &name, &n)) != SSH_OK)
				return e;
			k->algs.dir[i].mac = mac_find((const char *)name, n);
		} else {
			k->algs.dir[i].mac = NULL;
		}
		if ((e = pick(c, "compression method", lists[6 + i], lens[6 + i], c->cfg->comp_list, &name, &n)) != SSH_OK)
			return e;
		k->algs.dir[i].comp = comp_find((const char *)name, n);
	}
	if (!k->algs.kex || !k->algs.hostkey || !k->algs.dir[0].cipher || !k->algs.dir[1].cipher ||
	    !k->algs.dir[0].comp || !k->algs.dir[1].comp)
		return SSH_ERR_INTERNAL;
	return SSH_OK;
}
