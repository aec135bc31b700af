/* Key exchange: the method table, KEXINIT negotiation (RFC 4253 7.1) and
 * the server side of every exchange, driven by the transport's dispatch
 * (kex/kex_run.c). */
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

/* what KEXINIT negotiated, each direction on its own */
struct kex_algs {
	const struct kex_method *kex;
	const struct sigalg *hostkey;
	struct pkt_algs dir[2]; /* [0] client->server (PKT_RX), [1] server->client (PKT_TX) */
};

/* the state of one key exchange, from KEXINIT to NEWKEYS */
struct kex {
	struct buf i_c, i_s;    /* both KEXINIT payloads, for H */
	struct kex_algs algs;
	int sent_kexinit;
	int got_kexinit;
	int ignore_guess;       /* drop the next KEX packet: the client guessed wrong */
	int expect;             /* next method message: 30, 32 or 34; 21 for NEWKEYS */
	int gex_old;            /* the group was asked for with REQUEST_OLD */
	uint32_t gex_min, gex_n, gex_max;
	struct dh_group group;  /* chosen by GEX_REQUEST(_OLD) */
	int have_group;
	int sent_newkeys;
	/* derived keys for each direction, installed at NEWKEYS */
	struct pkt_keys keys[2];
};

/* Starts a key exchange from the server side (re-key limit reached). */
int kex_start(struct conn *c);
/* Installs the KEX message handlers (20, 21, 30-34) in the dispatch table. */
void kex_install(struct conn *c);
void kex_free(struct kex *k);

/* negotiation, exposed for tests: picks the first of the client's names
 * that the server also has (RFC 4253 7.1). Returns the length of the name
 * chosen and sets *name, or 0 when none matches. */
size_t kex_choose(const uint8_t *client, size_t clen, const char *server, const uint8_t **name);

#endif
