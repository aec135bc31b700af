/* Whole key exchanges between a client written here and the server's
 * transport and key exchange, in one process and without sockets, as
 * OpenSSH's unittests/kex does: for every method in kex/methods.c, with
 * compression off, delayed (zlib@openssh.com) and from NEWKEYS (zlib), and
 * strict KEX on and off. The client sends KEXINIT and the method's init
 * message, computes K and H itself, checks the host key's signature over H,
 * derives the keys, exchanges NEWKEYS, and then a packet goes each way
 * under the new keys; a second exchange follows, started by either side,
 * with service data held back across it. The seam under test: the gate and
 * kex_allows, the exchange's phases, pkt_newkeys in both directions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tomcrypt.h>
#include <tommath.h>

#include "config/config.h"
#include "kex/agree.h"
#include "kex/ecdh_internal.h"
#include "kex/hostkey.h"
#include "kex/kex.h"
#include "kex/mlkem768.h"
#include "kex/sntrup761.h"
#include "kex/x25519.h"
#include "memconn.h"
#include "t.h"
#include "transport/conn.h"
#include "transport/crypto.h"
#include "transport/msg.h"
#include "transport/namelist.h"
#include "wiring.h"

#define V_C "SSH-2.0-test_kex_mem"
#define STRICT_S "kex-strict-s-v00@openssh.com"
#define NKEYS 7

/* what one run varies */
struct opts {
	const struct kex_method *m;
	int comp;                 /* COMP_NO, COMP_YES or COMP_PREAUTH */
	int strict;
	const struct sigalg *hk;
	struct pkt_algs algs;     /* the client asks for the same both ways */
	int guess;                /* a wrong guess follows the first KEXINIT */
	int server_rekey;         /* the second exchange is the server's */
};

struct env {
	struct config cfg[3];     /* by compression setting */
	struct logger log;
	struct hostkey keys[NKEYS];
	int nkeys;
};

/* the client's side of one exchange */
struct client {
	struct conn *c;
	const struct opts *o;
	struct buf i_c, i_s;      /* both KEXINIT payloads */
	struct buf value;         /* our value, encoded as the init message has it */
	uint8_t sid[64];
	size_t sidlen;
	/* the agreement's secrets */
	uint8_t x_sk[32];
	uint8_t ec_priv[66];
	size_t ec_privlen;
	uint8_t kem_sk[MLKEM768_DK_LEN > SNTRUP761_SECRETKEYBYTES ? MLKEM768_DK_LEN : SNTRUP761_SECRETKEYBYTES];
	mp_int x;
	struct dh_group group;    /* for DH: the row's or the one GEX_GROUP sent */
	uint8_t gp[1100], gg[1100];
	uint32_t gex_min, gex_n, gex_max;
	int gex_old;
};

/* ---- plumbing ---- */

/* the server handles every whole packet it has, as its loop would */
static int serve(struct conn *s)
{
	const uint8_t *p;
	size_t n;
	int e;
	while ((e = pkt_read(s, &p, &n)) == SSH_OK)
		if ((e = transport_handle(s, p, n)) != SSH_OK)
			return e;
	return e == SSH_ERR_SHORT ? SSH_OK : e;
}

/* client -> server, server handles, server -> client */
static int round_trip(struct conn *c, struct conn *s)
{
	int e = memconn_carry(c, s);
	if (e == SSH_OK)
		e = serve(s);
	return e == SSH_OK ? memconn_carry(s, c) : e;
}

static int send_payload(struct conn *c, const uint8_t *p, size_t n)
{
	struct buf *b;
	int e = pkt_begin(c, p[0], &b);
	if (e == SSH_OK) {
		b->len--; /* p starts with the message number again */
		e = buf_put(b, p, n);
	}
	return e == SSH_OK ? pkt_send(c) : e;
}

/* the client's next packet, which must be of type want */
static int expect(struct conn *c, uint8_t want, struct rd *r)
{
	const uint8_t *p;
	size_t n;
	int e = pkt_read(c, &p, &n);
	if (e != SSH_OK)
		return e;
	if (p[0] != want) {
		printf("# expected message %u, got %u\n", want, p[0]);
		return SSH_ERR_PROTO;
	}
	rd_init(r, p + 1, n - 1);
	return SSH_OK;
}

static int hash_of(const char *name, const uint8_t *p, size_t n, uint8_t *out, size_t *outlen)
{
	unsigned long l = MAXBLOCKSIZE;
	int h = find_hash(name);
	if (h < 0 || hash_memory(h, p, (unsigned long)n, out, &l) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	*outlen = l;
	return SSH_OK;
}

/* ---- the client's half of each agreement ---- */

static int ec_keypair(size_t size, uint8_t *q, size_t *qlen, uint8_t *priv, size_t *privlen)
{
	ecc_key k;
	unsigned long ql = 133;
	int i, rc = SSH_ERR_CRYPTO;
	for (i = 0; ltc_ecc_sets[i].size != 0 && (size_t)ltc_ecc_sets[i].size != size; i++)
		;
	if (ltc_ecc_sets[i].size == 0 || ecc_make_key_ex(NULL, idx_prng(), &k, &ltc_ecc_sets[i]) != CRYPT_OK)
		return rc;
	if (ecc_ansi_x963_export(&k, q, &ql) == CRYPT_OK && mp_to_ubin(k.k, priv, 66, privlen) == MP_OKAY) {
		*qlen = ql;
		rc = SSH_OK;
	}
	ecc_free(&k);
	return rc;
}

static int mp_out(const mp_int *a, struct buf *b)
{
	uint8_t *t = malloc(mp_ubin_size(a) + 1);
	size_t n;
	int e = SSH_ERR_CRYPTO;
	if (t && mp_to_ubin(a, t, mp_ubin_size(a) + 1, &n) == MP_OKAY)
		e = buf_mpint(b, t, n);
	free(t);
	return e;
}

/* e = g^x mod p, with a fresh 512-bit x */
static int dh_value(struct client *k)
{
	uint8_t r[64];
	mp_int p, g, e;
	int rc = SSH_ERR_CRYPTO;
	rand_bytes(r, sizeof r);
	r[0] |= 0x80;
	if (mp_init_multi(&p, &g, &e, NULL) != MP_OKAY)
		return rc;
	if (mp_from_ubin(&k->x, r, sizeof r) == MP_OKAY && mp_from_ubin(&p, k->group.p, k->group.plen) == MP_OKAY &&
	    mp_from_ubin(&g, k->group.g, k->group.glen) == MP_OKAY && mp_exptmod(&g, &k->x, &p, &e) == MP_OKAY)
		rc = mp_out(&e, &k->value);
	mp_clear_multi(&p, &g, &e, NULL);
	return rc;
}

/* our value into k->value, encoded as the init message carries it */
static int client_value(struct client *k)
{
	const struct agree *a = k->o->m->agree;
	uint8_t v[MLKEM768_EK_LEN + SNTRUP761_PUBLICKEYBYTES + 133];
	size_t n = 0, ql;
	buf_reset(&k->value);
	if (a == &agree_dh)
		return dh_value(k);
	if (a == &agree_ecdh) {
		const struct ecdh_curve *cv = k->o->m->param;
		if (ec_keypair(cv->size, v, &n, k->ec_priv, &k->ec_privlen) != SSH_OK)
			return SSH_ERR_CRYPTO;
		return buf_string(&k->value, v, n);
	}
	if (a == &agree_mlkem768x25519 || a == &agree_mlkem768nistp256) {
		mlkem768_keygen(v, k->kem_sk);
		n = MLKEM768_EK_LEN;
	} else if (a == &agree_sntrup761x25519) {
		sntrup761_keypair(v, k->kem_sk, NULL, NULL);
		n = SNTRUP761_PUBLICKEYBYTES;
	}
	if (a == &agree_mlkem768nistp256) {
		if (ec_keypair(32, v + n, &ql, k->ec_priv, &k->ec_privlen) != SSH_OK)
			return SSH_ERR_CRYPTO;
		n += ql;
	} else {
		rand_bytes(k->x_sk, sizeof k->x_sk);
		x25519_base(v + n, k->x_sk);
		n += 32;
	}
	return buf_string(&k->value, v, n);
}

/* a hybrid's K: string HASH(K_PQ || K_CL), from S_REPLY = ct || server's value */
static int hybrid_secret(struct client *k, const uint8_t *sr, size_t srlen, struct buf *secret)
{
	const struct agree *a = k->o->m->agree;
	uint8_t kk[64], h[64];
	size_t ctlen = a == &agree_sntrup761x25519 ? SNTRUP761_CIPHERTEXTBYTES : MLKEM768_CT_LEN;
	size_t clen = a == &agree_mlkem768nistp256 ? 65 : 32, pq = 32, hl;
	int e = SSH_OK;
	if (srlen != ctlen + clen)
		return SSH_ERR_FORMAT;
	if (a == &agree_sntrup761x25519)
		sntrup761_dec(kk, sr, k->kem_sk);
	else
		e = mlkem768_decaps(kk, sr, ctlen, k->kem_sk, MLKEM768_DK_LEN);
	if (e == SSH_OK && a == &agree_mlkem768nistp256)
		e = ecdh_shared_fixed(&ecdh_p256, k->ec_priv, k->ec_privlen, sr + ctlen, clen, kk + pq);
	else if (e == SSH_OK)
		e = x25519(kk + pq, k->x_sk, sr + ctlen);
	if (e == SSH_OK)
		e = hash_of(k->o->m->hash, kk, pq + 32, h, &hl);
	return e == SSH_OK ? buf_string(secret, h, hl) : e;
}

/* reads the server's value from the reply; appends what H takes of both
 * values and the shared secret K, encoded as H and the KDF take it */
static int client_secret(struct client *k, struct rd *r, struct buf *hashpart, struct buf *secret)
{
	const struct agree *a = k->o->m->agree;
	const uint8_t *sv;
	uint8_t kk[66];
	size_t svlen;
	int e;
	buf_put(hashpart, k->value.d, k->value.len);
	if (a == &agree_dh) {
		mp_int f, p, kmp;
		if ((e = rd_mpint(r, DH_MAX_BITS / 8, &sv, &svlen)) != SSH_OK)
			return e;
		buf_mpint(hashpart, sv, svlen);
		if (mp_init_multi(&f, &p, &kmp, NULL) != MP_OKAY)
			return SSH_ERR_CRYPTO;
		e = SSH_ERR_CRYPTO;
		if (mp_from_ubin(&f, sv, svlen) == MP_OKAY && mp_from_ubin(&p, k->group.p, k->group.plen) == MP_OKAY &&
		    mp_exptmod(&f, &k->x, &p, &kmp) == MP_OKAY)
			e = mp_out(&kmp, secret);
		mp_clear_multi(&f, &p, &kmp, NULL);
		return e;
	}
	if ((e = rd_string(r, &sv, &svlen)) != SSH_OK)
		return e;
	buf_string(hashpart, sv, svlen);
	if (a == &agree_x25519) {
		if (svlen != 32 || (e = x25519(kk, k->x_sk, sv)) != SSH_OK)
			return SSH_ERR_KEY;
		return buf_mpint(secret, kk, 32);
	}
	if (a == &agree_ecdh) {
		const struct ecdh_curve *cv = k->o->m->param;
		if ((e = ecdh_shared_fixed(cv, k->ec_priv, k->ec_privlen, sv, svlen, kk)) != SSH_OK)
			return e;
		return buf_mpint(secret, kk, cv->size);
	}
	return hybrid_secret(k, sv, svlen, secret);
}

/* ---- the exchange, step by step ---- */

static int send_kexinit(struct client *k, int first)
{
	const struct opts *o = k->o;
	const char *mac = o->algs.mac ? o->algs.mac->name : "hmac-sha2-256";
	char kexl[256];
	uint8_t cookie[16];
	struct buf *b = &k->i_c;
	snprintf(kexl, sizeof kexl, "%s%s%s", o->m->name, first ? ",ext-info-c" : "",
		 first && o->strict ? ",kex-strict-c-v00@openssh.com" : "");
	rand_bytes(cookie, sizeof cookie);
	buf_reset(b);
	buf_u8(b, SSH_MSG_KEXINIT);
	buf_put(b, cookie, sizeof cookie);
	buf_cstring(b, kexl);
	buf_cstring(b, o->hk->name);
	for (int i = 0; i < 2; i++)
		buf_cstring(b, o->algs.cipher->name);
	for (int i = 0; i < 2; i++)
		buf_cstring(b, mac);
	for (int i = 0; i < 2; i++)
		buf_cstring(b, o->algs.comp->name);
	buf_cstring(b, "");
	buf_cstring(b, "");
	buf_bool(b, first && o->guess);
	buf_u32(b, 0);
	if (b->err)
		return b->err;
	return send_payload(k->c, b->d, b->len);
}

static int read_kexinit(struct client *k, int first)
{
	struct rd r;
	const uint8_t *kl;
	size_t kll;
	int e = expect(k->c, SSH_MSG_KEXINIT, &r);
	if (e != SSH_OK)
		return e;
	buf_reset(&k->i_s);
	buf_put(&k->i_s, r.p - 1, r.len + 1);
	/* cookie, kex algorithms: the strict marker in the first only */
	if ((e = rd_bytes(&r, 16, NULL)) != SSH_OK || (e = rd_namelist(&r, &kl, &kll)) != SSH_OK)
		return e;
	if (namelist_has(kl, kll, STRICT_S, strlen(STRICT_S)) != first)
		return SSH_ERR_PROTO;
	return namelist_has(kl, kll, k->o->m->name, strlen(k->o->m->name)) ? SSH_OK : SSH_ERR_NOALG;
}

/* the method's first message; for group exchange, GEX_GROUP comes back
 * first and the client's value goes in GEX_INIT */
static int send_init(struct client *k, struct conn *s)
{
	struct buf *b;
	struct rd r;
	const uint8_t *p, *g;
	size_t pl, gl;
	int e;
	if (k->o->m->gex) {
		/* REQUEST_OLD from the SHA-1 variant, as old clients send it */
		k->gex_old = k->o->m->legacy;
		k->gex_min = 2048, k->gex_n = 2048, k->gex_max = 8192;
		if ((e = pkt_begin(k->c, k->gex_old ? SSH_MSG_KEXDH_INIT : SSH_MSG_KEX_DH_GEX_REQUEST, &b)) != SSH_OK)
			return e;
		if (!k->gex_old)
			buf_u32(b, k->gex_min);
		buf_u32(b, k->gex_n);
		if (!k->gex_old)
			buf_u32(b, k->gex_max);
		if ((e = pkt_send(k->c)) != SSH_OK || (e = round_trip(k->c, s)) != SSH_OK)
			return e;
		/* KEX_DH_GEX_GROUP: p, g */
		if ((e = expect(k->c, SSH_MSG_KEXDH_REPLY, &r)) != SSH_OK || (e = rd_mpint(&r, 1024, &p, &pl)) != SSH_OK ||
		    (e = rd_mpint(&r, 1024, &g, &gl)) != SSH_OK || (e = rd_end(&r)) != SSH_OK)
			return e;
		memcpy(k->gp, p, pl);
		memcpy(k->gg, g, gl);
		k->group = (struct dh_group){k->gp, pl, k->gg, gl};
	} else if (k->o->m->agree == &agree_dh) {
		k->group = *(const struct dh_group *)k->o->m->param;
	}
	if ((e = client_value(k)) != SSH_OK)
		return e;
	if ((e = pkt_begin(k->c, k->o->m->gex ? SSH_MSG_KEX_DH_GEX_INIT : SSH_MSG_KEXDH_INIT, &b)) != SSH_OK ||
	    (e = buf_put(b, k->value.d, k->value.len)) != SSH_OK || (e = pkt_send(k->c)) != SSH_OK)
		return e;
	return round_trip(k->c, s);
}

/* H = HASH(V_C || V_S || I_C || I_S || K_S || [group] || values || K) */
static int client_hash(struct client *k, const char *v_s, const uint8_t *ks, size_t kslen,
		       const struct buf *hashpart, const struct buf *secret, uint8_t *h, size_t *hlen)
{
	struct buf in;
	int e;
	buf_init(&in, 0);
	buf_cstring(&in, V_C);
	buf_cstring(&in, v_s);
	buf_string(&in, k->i_c.d, k->i_c.len);
	buf_string(&in, k->i_s.d, k->i_s.len);
	buf_string(&in, ks, kslen);
	if (k->o->m->gex) {
		if (!k->gex_old)
			buf_u32(&in, k->gex_min);
		buf_u32(&in, k->gex_n);
		if (!k->gex_old)
			buf_u32(&in, k->gex_max);
		buf_mpint(&in, k->group.p, k->group.plen);
		buf_mpint(&in, k->group.g, k->group.glen);
	}
	buf_put(&in, hashpart->d, hashpart->len);
	buf_put(&in, secret->d, secret->len);
	e = in.err ? in.err : hash_of(k->o->m->hash, in.d, in.len, h, hlen);
	buf_free(&in);
	return e;
}

/* RFC 4253 7.2: HASH(K || H || letter || session_id), extended by
 * HASH(K || H || K1 || ...) until there are need bytes */
static int kdf(const char *hash, const struct buf *kb, const uint8_t *h, size_t hlen, char letter,
	       const uint8_t *sid, size_t sidlen, uint8_t *out, size_t need)
{
	int hi = find_hash(hash);
	uint8_t acc[256];
	size_t have = 0;
	hash_state st;
	if (hi < 0 || need > sizeof acc - 64)
		return SSH_ERR_CRYPTO;
	while (have < need) {
		hash_descriptor[hi].init(&st);
		hash_descriptor[hi].process(&st, kb->d, kb->len);
		hash_descriptor[hi].process(&st, h, hlen);
		if (have == 0) {
			hash_descriptor[hi].process(&st, (const uint8_t *)&letter, 1);
			hash_descriptor[hi].process(&st, sid, sidlen);
		} else {
			hash_descriptor[hi].process(&st, acc, have);
		}
		hash_descriptor[hi].done(&st, acc + have);
		have += hash_descriptor[hi].hashsize;
	}
	memcpy(out, acc, need);
	return SSH_OK;
}

static int client_keys(struct client *k, const struct buf *secret, const uint8_t *h, size_t hlen,
		       struct pkt_keys keys[2])
{
	const char *hash = k->o->m->hash;
	const struct cipher *ci = k->o->algs.cipher;
	const struct mac *m = k->o->algs.mac;
	int e = SSH_OK;
	memset(keys, 0, 2 * sizeof *keys);
	for (int d = 0; d < 2 && e == SSH_OK; d++) {
		e = kdf(hash, secret, h, hlen, (char)('A' + d), k->sid, k->sidlen, keys[d].iv, ci->ivlen);
		if (e == SSH_OK)
			e = kdf(hash, secret, h, hlen, (char)('C' + d), k->sid, k->sidlen, keys[d].enc, ci->keylen);
		if (e == SSH_OK && m)
			e = kdf(hash, secret, h, hlen, (char)('E' + d), k->sid, k->sidlen, keys[d].mac, m->keylen);
	}
	return e;
}

/* the reply: K_S, the server's value, the signature of H; then NEWKEYS */
static int read_reply(struct client *k, const struct conn *s, struct pkt_keys keys[2])
{
	struct buf hashpart, secret;
	const uint8_t *ks, *sig;
	size_t kslen, siglen, hlen = 0;
	uint8_t h[64];
	struct rd r;
	int e;
	buf_init(&hashpart, 0);
	buf_init(&secret, 0);
	e = expect(k->c, k->o->m->gex ? SSH_MSG_KEX_DH_GEX_REPLY : SSH_MSG_KEXDH_REPLY, &r);
	if (e == SSH_OK && (e = rd_string(&r, &ks, &kslen)) == SSH_OK &&
	    (e = client_secret(k, &r, &hashpart, &secret)) == SSH_OK && (e = rd_string(&r, &sig, &siglen)) == SSH_OK &&
	    (e = rd_end(&r)) == SSH_OK)
		e = client_hash(k, s->server_version, ks, kslen, &hashpart, &secret, h, &hlen);
	if (e == SSH_OK)
		e = key_verify(k->o->hk, ks, kslen, h, hlen, sig, siglen);
	if (e == SSH_OK && !k->sidlen) {
		memcpy(k->sid, h, hlen);
		k->sidlen = hlen;
		/* the server's session identifier is the same H */
		if (s->session_id_len != hlen || memcmp(s->session_id, h, hlen))
			e = SSH_ERR_INTERNAL;
	}
	if (e == SSH_OK) {
		/* the same signature must not pass for another H */
		h[0] ^= 1;
		if (key_verify(k->o->hk, ks, kslen, h, hlen, sig, siglen) == SSH_OK)
			e = SSH_ERR_INTERNAL;
		h[0] ^= 1;
	}
	if (e == SSH_OK)
		e = client_keys(k, &secret, h, hlen, keys);
	if (e == SSH_OK)
		e = expect(k->c, SSH_MSG_NEWKEYS, &r);
	buf_free(&hashpart);
	buf_free(&secret);
	return e;
}

/* the server's EXT_INFO after the first NEWKEYS: server-sig-algs first,
 * ping@openssh.com with version "0" as OpenSSH 10 advertises it, and
 * publickey-hostbound@openssh.com version "0" (PROTOCOL 2.5) */
static int read_ext_info(struct client *k)
{
	struct rd r;
	uint32_t n, i;
	const uint8_t *name, *val;
	size_t nl, vl;
	int ping = 0, bound = 0;
	int e = expect(k->c, SSH_MSG_EXT_INFO, &r);
	if (e != SSH_OK || (e = rd_u32(&r, &n)) != SSH_OK)
		return e;
	for (i = 0; i < n; i++) {
		if ((e = rd_string(&r, &name, &nl)) != SSH_OK || (e = rd_string(&r, &val, &vl)) != SSH_OK)
			return e;
		if (i == 0 && !name_eq("server-sig-algs", name, nl))
			return SSH_ERR_PROTO;
		if (name_eq("ping@openssh.com", name, nl))
			ping = vl == 1 && val[0] == '0';
		if (name_eq("publickey-hostbound@openssh.com", name, nl))
			bound = vl == 1 && val[0] == '0';
	}
	return ping && bound ? rd_end(&r) : SSH_ERR_PROTO;
}

/* One exchange, the client's side, up to both NEWKEYS. round 1 is the
 * first; by_server says the server's KEXINIT started this one. */
static int exchange(struct client *k, struct conn *s, int round, int by_server)
{
	struct pkt_keys keys[2];
	struct buf *b;
	int first = round == 1, e;

	if (by_server) {
		if ((e = read_kexinit(k, first)) != SSH_OK || (e = send_kexinit(k, first)) != SSH_OK)
			return e;
	} else if ((e = send_kexinit(k, first)) != SSH_OK || (e = round_trip(k->c, s)) != SSH_OK ||
		   (e = read_kexinit(k, first)) != SSH_OK) {
		return e;
	}
	if (first && k->o->guess) {
		/* a guessed init message the server must drop unread */
		static const uint8_t junk[] = {SSH_MSG_KEXDH_INIT, 0, 0, 0, 3, 'b', 'a', 'd'};
		if ((e = send_payload(k->c, junk, sizeof junk)) != SSH_OK)
			return e;
	}
	if ((e = send_init(k, s)) != SSH_OK || (e = read_reply(k, s, keys)) != SSH_OK)
		return e;
	k->c->strict_kex = first ? k->o->strict : k->c->strict_kex;
	/* what follows the server's NEWKEYS is under the new keys */
	if ((e = pkt_newkeys(k->c, PKT_RX, &k->o->algs, &keys[1])) != SSH_OK)
		return e;
	if (first && (e = read_ext_info(k)) != SSH_OK)
		return e;
	if ((e = pkt_begin(k->c, SSH_MSG_NEWKEYS, &b)) != SSH_OK || (e = pkt_send(k->c)) != SSH_OK ||
	    (e = pkt_newkeys(k->c, PKT_TX, &k->o->algs, &keys[0])) != SSH_OK)
		return e;
	wipe(keys, sizeof keys);
	return round_trip(k->c, s);
}

/* ---- checks ---- */

static void fill(uint8_t *p, size_t n, uint8_t type)
{
	p[0] = type;
	for (size_t i = 1; i < n; i++)
		p[i] = (uint8_t)("the seam between transport and kex "[i % 35]);
}

/* a packet each way; with compression on, 1000 repetitive bytes must
 * travel in far fewer */
static int both_ways(struct client *k, struct conn *s, int compressed)
{
	uint8_t msg[1000], got[1000];
	const uint8_t *p;
	size_t n, wire;
	int e;
	fill(msg, sizeof msg, SSH_MSG_IGNORE);
	if ((e = send_payload(k->c, msg, sizeof msg)) != SSH_OK)
		return e;
	wire = k->c->out.len;
	if ((e = memconn_carry(k->c, s)) != SSH_OK || (e = pkt_read(s, &p, &n)) != SSH_OK)
		return e;
	if (n != sizeof msg || memcmp(p, msg, n) || (compressed != (wire < 300)))
		return SSH_ERR_INTERNAL;
	memcpy(got, p, n);
	if ((e = transport_handle(s, got, n)) != SSH_OK)
		return e;
	fill(msg, sizeof msg, SSH_MSG_DEBUG);
	msg[1] = 0;
	put_u32(msg + 2, 900);
	put_u32(msg + 906, 0);
	if ((e = send_payload(s, msg, 910)) != SSH_OK)
		return e;
	wire = s->out.len;
	if ((e = memconn_carry(s, k->c)) != SSH_OK || (e = pkt_read(k->c, &p, &n)) != SSH_OK)
		return e;
	return n == 910 && !memcmp(p, msg, n) && compressed == (wire < 300) ? SSH_OK : SSH_ERR_INTERNAL;
}

/* zlib@openssh.com waits for authentication: what userauth does */
static int authenticate(struct client *k, struct conn *s)
{
	int e = transport_authenticated(s);
	k->c->authenticated = 1;
	if (e == SSH_OK)
		e = pkt_start_compression(k->c, 1);
	return e == SSH_OK ? pkt_start_compression(k->c, 0) : e;
}

/* the second exchange: the server starts it with data of a service
 * queued, which must wait for its NEWKEYS; or the client starts it */
static int rekey(struct client *k, struct conn *s)
{
	uint8_t data[64];
	const uint8_t *p;
	size_t n;
	int e;
	if (!k->o->server_rekey)
		return exchange(k, s, 2, 0);
	if ((e = kex_start(s)) != SSH_OK)
		return e;
	fill(data, sizeof data, SSH_MSG_CHANNEL_DATA);
	if (transport_may_send(s) || (e = send_payload(s, data, sizeof data)) != SSH_OK)
		return SSH_ERR_INTERNAL;
	/* what the client sent before it saw the server's KEXINIT crosses it:
	 * allowed until the client's KEXINIT (EXT_INFO, number of extensions 0) */
	memset(data, 0, 5);
	data[0] = SSH_MSG_EXT_INFO;
	if ((e = send_payload(k->c, data, 5)) != SSH_OK || (e = round_trip(k->c, s)) != SSH_OK ||
	    (e = exchange(k, s, 2, 1)) != SSH_OK)
		return e;
	/* the held data comes after NEWKEYS, under the new keys */
	fill(data, sizeof data, SSH_MSG_CHANNEL_DATA);
	if ((e = pkt_read(k->c, &p, &n)) != SSH_OK)
		return e;
	return transport_may_send(s) && n == sizeof data && !memcmp(p, data, n) ? SSH_OK : SSH_ERR_INTERNAL;
}

static const char *comp_name(int comp)
{
	return comp == COMP_NO ? "none" : comp == COMP_YES ? "zlib@openssh.com" : "zlib";
}

static const char *why(int e) { return e == SSH_OK ? "ok" : ssh_err(e); }

/* the server's state after an exchange: none running, counted, both
 * sequence numbers as the client has them (0 right after NEWKEYS under
 * strict KEX), and after a re-key each compression stream started afresh
 * at its NEWKEYS: what the new ones took in is at most the held-back data,
 * not the 1900 bytes each carried before */
static int settled(const struct client *k, const struct conn *s, int count)
{
	int fresh = count == 1 || ((!s->tx.z.active || s->tx.z.z.total_in < 300) &&
				   (!s->rx.z.active || s->rx.z.z.total_in < 300));
	/* what the re-key limits count is per key: nothing has come in since
	 * the client's NEWKEYS, and what went out since ours (data held back)
	 * is less than the connection's whole */
	int counted = s->rx.kpackets == 0 && s->rx.bytes == 0 && s->tx.kpackets < s->tx.packets &&
		      s->tx.bytes < s->tx.total;
	return !s->kex && s->kex_count == count && s->rx.seq == k->c->tx.seq && s->tx.seq == k->c->rx.seq &&
	       (!k->o->strict || s->rx.seq == 0) && s->tx.cipher == k->o->algs.cipher &&
	       s->rx.comp == k->o->algs.comp && fresh && counted;
}

static int one_run(const struct env *env, const struct opts *o, char *what, size_t whatlen)
{
	struct client k;
	struct conn *s = memconn_new(&env->cfg[o->comp], &env->log);
	int e = SSH_ERR_INTERNAL;

	memset(&k, 0, sizeof k);
	k.o = o;
	k.c = memconn_new(&env->cfg[o->comp], &env->log);
	buf_init(&k.i_c, 0);
	buf_init(&k.i_s, 0);
	buf_init(&k.value, 0);
	if (mp_init(&k.x) != MP_OKAY)
		abort();
	for (int i = 0; i < env->nkeys; i++)
		if (env->keys[i].type == o->hk->type)
			s->keys = (struct hostkey *)&env->keys[i];
	s->nkeys = 1;
	snprintf(s->client_version, sizeof s->client_version, "%s", V_C);
	transport_install(s, NULL);
	if ((e = kex_start(s)) != SSH_OK || (e = memconn_carry(s, k.c)) != SSH_OK)
		goto out;
	snprintf(what, whatlen, "first exchange");
	if ((e = exchange(&k, s, 1, 1)) != SSH_OK || (e = settled(&k, s, 1) ? SSH_OK : SSH_ERR_INTERNAL) != SSH_OK)
		goto out;
	snprintf(what, whatlen, "a packet each way");
	if (o->comp == COMP_YES && (e = authenticate(&k, s)) != SSH_OK)
		goto out;
	if ((e = both_ways(&k, s, o->comp != COMP_NO)) != SSH_OK)
		goto out;
	snprintf(what, whatlen, "re-key by the %s", o->server_rekey ? "server" : "client");
	if ((e = rekey(&k, s)) != SSH_OK || (e = settled(&k, s, 2) ? SSH_OK : SSH_ERR_INTERNAL) != SSH_OK)
		goto out;
	snprintf(what, whatlen, "a packet each way after the re-key");
	e = both_ways(&k, s, o->comp != COMP_NO);
out:
	mp_clear(&k.x);
	buf_free(&k.i_c);
	buf_free(&k.i_s);
	buf_free(&k.value);
	wipe(k.kem_sk, sizeof k.kem_sk);
	memconn_free(k.c);
	memconn_free(s);
	return e;
}

static void run(const struct env *env, const struct opts *o)
{
	char what[64] = "set-up";
	int e = one_run(env, o, what, sizeof what);
	CHECK(e == SSH_OK, "%s, host key %s, %s%s%s, compression %s, strict KEX %s%s: %s%s%s", o->m->name,
	      o->hk->name, o->algs.cipher->name, o->algs.mac ? " " : "", o->algs.mac ? o->algs.mac->name : "",
	      comp_name(o->comp), o->strict ? "on" : "off", o->guess ? ", a wrong guess" : "",
	      e == SSH_OK ? "" : what, e == SSH_OK ? "" : ": ", why(e));
}

/* ---- the gate's rules, message by message ---- */

/* RFC 4253 7.1 and 7, written out again: during an exchange only 1-4 and
 * the phase's own message (a re-key's first phase takes anything but the
 * other key exchange numbers); between exchanges 20-49 only as KEXINIT */
static int rfc_allows(const struct kex *k, int type)
{
	static const int want[] = {
		[KEX_INIT_SENT] = SSH_MSG_KEXINIT, [KEX_WANT_INIT] = SSH_MSG_KEXDH_INIT,
		[KEX_WANT_GEX_INIT] = SSH_MSG_KEX_DH_GEX_INIT, [KEX_NEWKEYS_SENT] = SSH_MSG_NEWKEYS,
	};
	int kexmsg = type >= 20 && type <= 49;
	if (!k)
		return !kexmsg || type == 20;
	if (kexmsg && k->phase == KEX_GUESS)
		return type >= 30;
	if (kexmsg && k->phase == KEX_WANT_GEX_REQUEST)
		return type == 34 || type == 30;
	if (kexmsg)
		return type == want[k->phase];
	return (k->phase == KEX_INIT_SENT && k->rekey) || (type >= 1 && type <= 4);
}

static void predicate(void)
{
	struct kex k;
	int bad = 0, total = 0;
	memset(&k, 0, sizeof k);
	for (int t = 0; t < 256; t++, total++)
		bad += kex_allows(NULL, (uint8_t)t) != rfc_allows(NULL, t);
	for (int rk = 0; rk < 2; rk++) {
		for (int ph = KEX_INIT_SENT; ph <= KEX_NEWKEYS_SENT; ph++) {
			k.phase = (enum kex_phase)ph;
			k.rekey = rk;
			for (int t = 0; t < 256; t++, total++)
				bad += kex_allows(&k, (uint8_t)t) != rfc_allows(&k, t);
		}
	}
	CHECK(bad == 0, "kex_allows: every message type in every phase, first exchange and re-key (%d of %d differ)",
	      bad, total);
}

/* one payload through the gate: the handler's result, and the type of
 * what the server answered with (0 for nothing) */
static int handle(struct conn *s, const uint8_t *p, size_t n, uint8_t *answer)
{
	uint8_t copy[64];
	int e;
	s->out.len = s->out_off = 0;
	memcpy(copy, p, n);
	e = transport_handle(s, copy, n);
	*answer = s->out.len > 5 ? s->out.d[5] : 0;
	return e;
}

static void gate_rules(const struct env *env)
{
	static const uint8_t ignore[] = {SSH_MSG_IGNORE, 0, 0, 0, 0};
	static const uint8_t service[] = {SSH_MSG_SERVICE_REQUEST, 0, 0, 0, 1, 'x'};
	static const uint8_t newkeys[] = {SSH_MSG_NEWKEYS};
	static const uint8_t userauth[] = {SSH_MSG_USERAUTH_REQUEST, 0, 0, 0, 0};
	static const uint8_t global[] = {SSH_MSG_GLOBAL_REQUEST, 0, 0, 0, 1, 'x', 0};
	struct conn *s = memconn_new(&env->cfg[0], &env->log);
	uint8_t a;

	s->keys = (struct hostkey *)&env->keys[0];
	s->nkeys = 1;
	transport_install(s, NULL);
	kex_start(s);
	CHECK(handle(s, ignore, sizeof ignore, &a) == SSH_OK && a == 0, "first exchange: IGNORE passes");
	CHECK(handle(s, service, sizeof service, &a) == SSH_ERR_PROTO, "first exchange: SERVICE_REQUEST refused");
	CHECK(handle(s, userauth, sizeof userauth, &a) == SSH_ERR_PROTO, "first exchange: a userauth message refused");
	CHECK(handle(s, newkeys, sizeof newkeys, &a) == SSH_ERR_PROTO, "NEWKEYS before any KEXINIT refused");
	s->strict_kex = 1;
	CHECK(handle(s, ignore, sizeof ignore, &a) == SSH_ERR_PROTO, "first exchange under strict KEX: IGNORE refused");
	memconn_free(s);

	/* as after the first exchange */
	s = memconn_new(&env->cfg[0], &env->log);
	transport_install(s, NULL);
	s->strict_kex = 1;
	transport_kex_done(s);
	CHECK(handle(s, ignore, sizeof ignore, &a) == SSH_OK, "between exchanges: IGNORE passes under strict KEX");
	CHECK(handle(s, newkeys, sizeof newkeys, &a) == SSH_ERR_PROTO, "between exchanges: NEWKEYS refused");
	CHECK(handle(s, userauth, sizeof userauth, &a) == SSH_OK && a == SSH_MSG_UNIMPLEMENTED,
	      "a userauth message before ssh-userauth: UNIMPLEMENTED");
	CHECK(handle(s, global, sizeof global, &a) == SSH_OK && a == SSH_MSG_UNIMPLEMENTED,
	      "the connection protocol before authentication: UNIMPLEMENTED");
	CHECK(handle(s, service, sizeof service, &a) == SSH_ERR_SERVICE, "SERVICE_REQUEST for no service: refused");
	memconn_free(s);
}

/* ---- the matrix ---- */

static int setup(struct env *env)
{
	static const enum algs_kind kinds[] = {ALGS_KEX, ALGS_CIPHER, ALGS_MAC, ALGS_SIG};
	static const char *const kw[] = {"KexAlgorithms", "Ciphers", "MACs", "HostKeyAlgorithms"};
	static const enum keytype types[] = {KEY_ED25519, KEY_ECDSA_P256, KEY_ECDSA_P384, KEY_ECDSA_P521, KEY_RSA};
	char names[2048], line[2200], err[256];
	for (int c = 0; c < 3; c++) {
		struct config *cfg = &env->cfg[c];
		config_defaults(cfg);
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
			algs_names(kinds[i], 1, names, sizeof names);
			snprintf(line, sizeof line, "%s %s", kw[i], names);
			if (config_set(cfg, line, err, sizeof err) < 0)
				return -1;
		}
		/* the built-in groups, whatever /etc/ssh/moduli holds */
		if (config_set(cfg, "ModuliFile /nonexistent/moduli", err, sizeof err) < 0 ||
		    config_set(cfg, c == COMP_NO ? "Compression no" : c == COMP_YES ? "Compression yes" : "Compression zlib",
			       err, sizeof err) < 0 ||
		    config_finish(cfg, algs_names, err, sizeof err) < 0)
			return -1;
	}
	env->log = (struct logger){LOG_ERR, 1, -1, 0};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (hostkey_generate(&env->keys[env->nkeys++], types[i], types[i] == KEY_RSA ? 2048 : 0) != SSH_OK)
			return -1;
	return 0;
}

/* every cipher, and with the others every MAC, in turn */
static struct pkt_algs algs_nth(int i)
{
	int nc = 0, nm = 0;
	while (ciphers[nc])
		nc++;
	while (macs[nm])
		nm++;
	const struct cipher *ci = ciphers[i % nc];
	return (struct pkt_algs){ci, ci->taglen ? NULL : macs[(i / nc) % nm], NULL};
}

static const struct compression *comp_row(int comp)
{
	const char *n = comp_name(comp);
	return comp_find(n, strlen(n));
}

int main(void)
{
	static struct env env;
	const struct sigalg *ed25519 = sigalg_find((const uint8_t *)"ssh-ed25519", 11);
	int n = 0, nmethods = 0;

	if (crypto_init() < 0 || setup(&env) < 0) {
		CHECK(0, "set-up: configuration and host keys");
		return 1;
	}
	for (int i = 0; kex_methods[i]; i++, nmethods++) {
		for (int comp = COMP_NO; comp <= COMP_PREAUTH; comp++) {
			for (int strict = 0; strict < 2; strict++, n++) {
				struct opts o = {kex_methods[i], comp, strict, ed25519, algs_nth(n), 0, n % 2};
				o.algs.comp = comp_row(comp);
				/* a wrong guess now and then: the method is not the server's first */
				o.guess = i > 0 && n % 5 == 0;
				run(&env, &o);
			}
		}
	}
	CHECK(nmethods >= 16, "every method in kex/methods.c ran (%d)", nmethods);
	predicate();
	gate_rules(&env);
	/* each signature algorithm over H, with one method */
	for (int i = 0; sigalgs[i].name; i++, n++) {
		struct opts o = {kex_methods[0], COMP_NO, 1, &sigalgs[i], algs_nth(n), 0, n % 2};
		o.algs.comp = comp_row(COMP_NO);
		run(&env, &o);
	}
	for (int i = 0; i < env.nkeys; i++)
		hostkey_free(&env.keys[i]);
	for (int c = 0; c < 3; c++)
		config_free(&env.cfg[c]);
	return t_done();
}
