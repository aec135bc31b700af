/* Key exchange: the method table, KEXINIT negotiation (RFC 4253 7.1) and
 * the server side of every exchange, driven by the transport's dispatch
 * (kex/kex_run.c). The transport asks it three things: start an exchange
 * (kex_start), take the handlers for 20-49 (kex_install), and whether a
 * message may arrive now (kex_allows); the exchange changes keys only
 * through the transport's pkt_newkeys and reports the end with
 * transport_kex_done. */
#ifndef SSHL_KEX_H
#define SSHL_KEX_H

#include <stddef.h>
#include <stdint.h>

#include "kex/agree.h"
#include "transport/buf.h"
#include "transport/conn.h"

struct conn;

struct kex_method {
	const char *name;
	const char *hash;       /* libtomcrypt hash for H and key derivation */
	int legacy;             /* off unless enabled by name in KexAlgorithms */
	int gex;                /* RFC 4419 group exchange */
	const struct agree *agree;
	const void *param;
};

/* NULL-terminated, in the server's order of preference */
extern const struct kex_method *const kex_methods[];
const struct kex_method *kex_method_find(const char *name, size_t len);

struct hostcert_alg; /* kex/hostcert.h */

/* what KEXINIT negotiated, each direction on its own */
struct kex_algs {
	const struct kex_method *kex;
	const struct sigalg *hostkey;  /* the signature algorithm */
	const struct hostcert_alg *hostcert; /* a certificate algorithm, or NULL */
	struct pkt_algs dir[2]; /* [0] client->server (PKT_RX), [1] server->client (PKT_TX) */
};

/* Where an exchange stands, from our KEXINIT to the client's NEWKEYS;
 * kex_allows() says what may arrive in each. */
enum kex_phase {
	KEX_INIT_SENT,          /* our KEXINIT is out, the client's not yet in */
	KEX_GUESS,              /* its KEXINIT announced a wrong guess: dropped */
	KEX_WANT_INIT,          /* 30: KEXDH_INIT, KEX_ECDH_INIT or a hybrid's C_INIT */
	KEX_WANT_GEX_REQUEST,   /* 34 KEX_DH_GEX_REQUEST, or 30 as REQUEST_OLD */
	KEX_WANT_GEX_INIT,      /* 32 KEX_DH_GEX_INIT, after our GEX_GROUP */
	KEX_NEWKEYS_SENT,       /* our reply and NEWKEYS are out: the client's NEWKEYS */
};

/* the state of one key exchange, from KEXINIT to NEWKEYS; c->kex is NULL
 * between exchanges */
struct kex {
	enum kex_phase phase;
	int rekey;              /* not the first: the client's data may cross our KEXINIT */
	int ext_info_c;         /* the first KEXINIT asked for EXT_INFO */
	struct buf i_c, i_s;    /* both KEXINIT payloads, for H */
	struct kex_algs algs;
	int gex_old;            /* the group was asked for with REQUEST_OLD */
	uint32_t gex_min, gex_n, gex_max;
	struct dh_group group;  /* chosen by GEX_REQUEST(_OLD) */
	int have_group;
	/* derived keys for each direction, installed at NEWKEYS */
	struct pkt_keys keys[2];
};

/* Starts a key exchange from the server side: sends our KEXINIT, unless
 * an exchange is under way already. */
int kex_start(struct conn *c);
/* Installs the KEX message handlers (20, 21, 30-49) in the dispatch table. */
void kex_install(struct conn *c);
/* The exchange's rule for message type arriving now, with k the running
 * exchange or NULL between exchanges: 1 when it may, 0 when it is a
 * protocol error (RFC 4253 7.1: during an exchange only 1-4 and the
 * exchange's next message; between exchanges 20-49 only as KEXINIT). */
int kex_allows(const struct kex *k, uint8_t type);
void kex_free(struct kex *k);

/* Signs data with host key k, one of c->keys: through the monitor when
 * this process holds only public halves (c->sign), else here */
int kex_host_sign(struct conn *c, const struct hostkey *k, const struct sigalg *alg, const uint8_t *data,
		  size_t len, struct buf *out);

/* A signature algorithm's wire name, and the row of a name (NULL when
 * none): for the transport, which reaches kex/ only through this header
 * (transport/handover.c moves c->hostkey_alg by name) */
const char *kex_sigalg_name(const struct sigalg *a);
const struct sigalg *kex_sigalg_find(const uint8_t *name, size_t len);
/* k's place in c->keys, -1 when it is not one of them; and the key at i
 * (NULL out of range): the initial host key moves as an index */
int kex_hostkey_index(const struct conn *c, const struct hostkey *k);
const struct hostkey *kex_hostkey_at(const struct conn *c, int i);

/* negotiation, exposed for tests: picks the first of the client's names
 * that the server also has (RFC 4253 7.1). Returns the length of the name
 * chosen and sets *name, or 0 when none matches. */
size_t kex_choose(const uint8_t *client, size_t clen, const char *server, const uint8_t **name);

#endif
