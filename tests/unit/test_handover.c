/* The transport handover (transport/handover.c) between two connections in
 * memory: for every cipher and MAC row, on the accelerated code and on
 * libtomcrypt alone, a client and a server exchange packets both ways; the
 * server is left with a packet it has not read and one it has half read
 * (its first block decrypted in place), its state is exported, imported
 * into a fresh connection, and the exchange goes on with that one: every
 * packet decrypts, the sequence numbers and counters go on, the half-read
 * packet completes. Then what export refuses (a key exchange, held or
 * unsent output, started compression) and what import refuses (every
 * truncation, unknown names, library contexts that do not fit their row,
 * too much input, trailing bytes). */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "kex/hostkey.h"
#include "kex/kex.h"
#include "memconn.h"
#include "t.h"
#include "transport/crypto.h"
#include "transport/handover.h"
#include "wiring.h"

struct env {
	struct config cfg;
	struct logger log;
	struct hostkey keys[2]; /* the importer's list: only their places count */
};

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
	if (n)
		p[0] = 94; /* a service message number */
}

static int send_msg(struct conn *a, size_t n, uint32_t seed)
{
	uint8_t *p = malloc(n);
	struct buf *b;
	int e;
	if (!p || n == 0) {
		free(p);
		return SSH_ERR_ALLOC;
	}
	fill(p, n, seed);
	e = pkt_begin(a, p[0], &b);
	if (e == SSH_OK)
		e = buf_put(b, p + 1, n - 1);
	if (e == SSH_OK)
		e = pkt_send(a);
	free(p);
	return e;
}

/* reads one packet and checks it is the payload send_msg(n, seed) sent */
static int expect_msg(struct conn *b, size_t n, uint32_t seed)
{
	uint8_t *p = malloc(n);
	const uint8_t *q;
	size_t m;
	int e = p ? pkt_read(b, &q, &m) : SSH_ERR_ALLOC;
	if (e == SSH_OK) {
		fill(p, n, seed);
		e = m == n && !memcmp(p, q, n) ? SSH_OK : SSH_ERR_INTERNAL;
	}
	free(p);
	return e;
}

/* the first n bytes of what a has queued move to b's input */
static void carry_part(struct conn *a, struct conn *b, size_t n)
{
	buf_put(&b->in, a->out.d, n);
	memmove(a->out.d, a->out.d + n, a->out.len - n);
	a->out.len -= n;
}

static const size_t sizes[] = {1, 17, 100, 1000, 35000, 5};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* k rounds of every size each way, seeds from base */
static int exchange(struct conn *cl, struct conn *sv, uint32_t base)
{
	int bad = 0;
	for (size_t i = 0; i < NSIZES; i++) {
		if (send_msg(cl, sizes[i], base + (uint32_t)i) != SSH_OK || memconn_carry(cl, sv) != SSH_OK ||
		    expect_msg(sv, sizes[i], base + (uint32_t)i) != SSH_OK)
			bad++;
		if (send_msg(sv, sizes[i], base + 50 + (uint32_t)i) != SSH_OK || memconn_carry(sv, cl) != SSH_OK ||
		    expect_msg(cl, sizes[i], base + 50 + (uint32_t)i) != SSH_OK)
			bad++;
	}
	return bad;
}

/* a server past its first key exchange, keyed with the client both ways */
static int pair(const struct env *env, const struct cipher *ci, const struct mac *m, const char *comp,
		struct conn **clp, struct conn **svp)
{
	struct conn *cl = memconn_new(&env->cfg, &env->log), *sv = memconn_new(&env->cfg, &env->log);
	const struct compression *z = comp_find(comp, strlen(comp));
	int e = memconn_set_keys(&cl->tx, ci, m, 0);
	if (e == SSH_OK)
		e = memconn_set_keys(&sv->rx, ci, m, 0);
	if (e == SSH_OK)
		e = memconn_set_keys(&sv->tx, ci, m, 9);
	if (e == SSH_OK)
		e = memconn_set_keys(&cl->rx, ci, m, 9);
	cl->tx.comp = cl->rx.comp = sv->rx.comp = sv->tx.comp = z;
	sv->kex_count = 1;
	sv->strict_kex = 1;
	memset(sv->session_id, 0x5a, 32);
	sv->session_id_len = 32;
	strcpy(sv->client_version, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
	sv->keys = (struct hostkey *)env->keys;
	sv->nkeys = 2;
	sv->initial_hostkey = &sv->keys[1];
	sv->initial_hostcert = 1;
	sv->hostkey_alg = kex_sigalg_find((const uint8_t *)"rsa-sha2-512", 12);
	sv->last_kex_ms -= 5000;
	*clp = cl;
	*svp = sv;
	return e == SSH_OK && z ? SSH_OK : SSH_ERR_INTERNAL;
}

/* the fresh connection the state goes to, with the same key list */
static struct conn *fresh(const struct env *env)
{
	struct conn *c = memconn_new(&env->cfg, &env->log);
	c->keys = (struct hostkey *)env->keys;
	c->nkeys = 2;
	return c;
}

static int same_dir(const struct direction *a, const struct direction *b)
{
	return a->cipher == b->cipher && a->mac == b->mac && a->comp == b->comp && a->seq == b->seq &&
	       a->bytes == b->bytes && a->kpackets == b->kpackets && a->total == b->total && a->packets == b->packets;
}

static int same_conn(const struct conn *a, const struct conn *b)
{
	return same_dir(&a->rx, &b->rx) && same_dir(&a->tx, &b->tx) && a->kex_count == b->kex_count &&
	       a->strict_kex == b->strict_kex && a->session_id_len == b->session_id_len &&
	       !memcmp(a->session_id, b->session_id, a->session_id_len) && a->rx_cur_seq == b->rx_cur_seq &&
	       a->rekey_bytes == b->rekey_bytes && a->rekey_seconds == b->rekey_seconds &&
	       !strcmp(a->client_version, b->client_version) && !strcmp(a->server_version, b->server_version) &&
	       a->initial_hostkey == b->initial_hostkey && a->initial_hostcert == b->initial_hostcert &&
	       a->hostkey_alg == b->hostkey_alg && a->rx_len == b->rx_len &&
	       a->in.len - a->in_off == b->in.len - b->in_off &&
	       !memcmp(a->in.d + a->in_off, b->in.d + b->in_off, b->in.len - b->in_off) &&
	       /* the clocks: ages kept to the millisecond, give or take a tick */
	       llabs((long long)((a->last_kex_ms - a->start_ms) - (b->last_kex_ms - b->start_ms))) <= 2;
}

/* the server half-way through packets from the client: read_first reads
 * the first of them first, so the second's first block is decrypted in
 * place (rx_len set); otherwise both wait unread */
static void leave_partial(struct conn *cl, struct conn *sv, int read_first, uint32_t seed, int *bad)
{
	size_t first;
	const uint8_t *q;
	size_t n;
	send_msg(cl, 300, seed);
	first = cl->out.len;
	send_msg(cl, 2000, seed + 1);
	/* the first packet, and the second's first 40 bytes (past any
	 * cipher's first block) */
	carry_part(cl, sv, first + 40);
	if (read_first) {
		if (expect_msg(sv, 300, seed) != SSH_OK || pkt_read(sv, &q, &n) != SSH_ERR_SHORT || sv->rx_len == 0)
			(*bad)++;
	}
}

/* the rest of what leave_partial started, once the state has moved */
static int finish_partial(struct conn *cl, struct conn *sv, int read_first, uint32_t seed)
{
	int bad = 0;
	memconn_carry(cl, sv);
	if (!read_first && expect_msg(sv, 300, seed) != SSH_OK)
		bad++;
	if (expect_msg(sv, 2000, seed + 1) != SSH_OK)
		bad++;
	return bad;
}

static int counters_match(const struct conn *cl, const struct conn *sv)
{
	return cl->tx.seq == sv->rx.seq && cl->rx.seq == sv->tx.seq && cl->tx.packets == sv->rx.packets &&
	       cl->rx.packets == sv->tx.packets && cl->tx.total == sv->rx.total && cl->rx.total == sv->tx.total &&
	       cl->tx.bytes == sv->rx.bytes && cl->tx.kpackets == sv->rx.kpackets;
}

/* one row pair: exchange, half-read, move, go on; 0 when all went well */
static int handover_once(const struct env *env, const struct cipher *ci, const struct mac *m, const char *comp,
			 int read_first)
{
	struct conn *cl, *sv, *nv;
	struct buf blob;
	int bad = 0;
	if (pair(env, ci, m, comp, &cl, &sv) != SSH_OK)
		return 1000;
	bad += exchange(cl, sv, 1);
	leave_partial(cl, sv, read_first, 500, &bad);
	buf_init(&blob, 0);
	nv = fresh(env);
	if (transport_export(sv, &blob) != SSH_OK || transport_import(nv, blob.d, blob.len) != SSH_OK ||
	    !same_conn(sv, nv))
		bad += 100;
	buf_free(&blob); /* wipes: it holds the keys */
	memconn_free(sv);
	bad += finish_partial(cl, nv, read_first, 500);
	if (!strcmp(comp, "zlib@openssh.com")) {
		/* delayed compression starts in the importer, both ends at once */
		cl->authenticated = nv->authenticated = 1;
		if (pkt_start_compression(nv, 1) || pkt_start_compression(nv, 0) || pkt_start_compression(cl, 1) ||
		    pkt_start_compression(cl, 0) || !nv->rx.z.active || !nv->tx.z.active)
			bad++;
	}
	bad += exchange(cl, nv, 1000);
	if (!counters_match(cl, nv))
		bad += 10;
	memconn_free(cl);
	memconn_free(nv);
	return bad;
}

static void every_row(const struct env *env, int portable)
{
	int n = 0, bad_rows = 0;
	accel_force_portable(portable);
	for (int i = 0; ciphers[i]; i++) {
		for (int j = 0; macs[j]; j++) {
			const struct cipher *ci = ciphers[i];
			int bad;
			if (ci->taglen && j > 0)
				break; /* AEAD: no MAC */
			bad = handover_once(env, ci, macs[j], j % 2 ? "none" : "zlib@openssh.com", (i + j) % 2);
			if (bad) {
				bad_rows++;
				printf("# %s %s: %d failures\n", ci->name, ci->taglen ? "<implicit>" : macs[j]->name, bad);
			}
			n++;
		}
	}
	CHECK(n > 100 && bad_rows == 0, "%s: %d cipher x MAC rows handed over mid-packet, %d failed",
	      portable ? "libtomcrypt alone" : accel_flags() ? "accelerated code where the CPU has it"
							     : "no accelerated code on this CPU: libtomcrypt", n, bad_rows);
	/* both forms of the half-read packet, on the rows with a first block
	 * decrypted in place (CBC) and with the length in the clear */
	CHECK(handover_once(env, &cipher_aes256_cbc, macs[2], "none", 1) == 0 &&
		      handover_once(env, &cipher_aes256_cbc, macs[2], "none", 0) == 0 &&
		      handover_once(env, &cipher_chachapoly, NULL, "none", 1) == 0 &&
		      handover_once(env, &cipher_aes128_gcm, NULL, "none", 0) == 0,
	      "%s: an unread packet and a half-read one complete after the handover",
	      portable ? "libtomcrypt alone" : "accelerated");
	accel_force_portable(0);
}

static int export_err(struct conn *sv)
{
	struct buf blob;
	int e;
	buf_init(&blob, 0);
	e = transport_export(sv, &blob);
	if (e != SSH_OK && blob.len != 0)
		e = SSH_ERR_INTERNAL; /* a refusal appends nothing */
	buf_free(&blob);
	return e;
}

/* export waits for a quiet transport: no exchange, nothing held or unsent,
 * no compression stream */
static void export_refusals(const struct env *env)
{
	struct conn *cl, *sv;
	pair(env, &cipher_chachapoly, NULL, "zlib@openssh.com", &cl, &sv);
	exchange(cl, sv, 1);
	CHECK(export_err(sv) == SSH_OK, "export: a quiet connection exports");
	sv->kex = calloc(1, sizeof *sv->kex);
	CHECK(export_err(sv) == SSH_ERR_PROTO, "export refused while a key exchange runs");
	kex_free(sv->kex);
	sv->kex = NULL;
	sv->tx_hold = 1;
	CHECK(export_err(sv) == SSH_ERR_PROTO, "export refused while service messages wait for NEWKEYS");
	sv->tx_hold = 0;
	buf_string(&sv->deferred, "\x5e", 1);
	CHECK(export_err(sv) == SSH_ERR_PROTO, "export refused with deferred replies");
	buf_reset(&sv->deferred);
	send_msg(sv, 10, 3);
	CHECK(export_err(sv) == SSH_ERR_PROTO, "export refused with output not yet written");
	sv->out_off = sv->out.len - 1;
	CHECK(export_err(sv) == SSH_ERR_PROTO, "export refused with one byte not yet written");
	memconn_carry(sv, cl);
	CHECK(export_err(sv) == SSH_OK, "export once the output is written");
	sv->authenticated = 1;
	pkt_start_compression(sv, 1);
	CHECK(sv->tx.z.active && export_err(sv) == SSH_ERR_PROTO, "export refused once compression has started");
	memconn_free(cl);
	memconn_free(sv);
}

/* a server state with a half-read packet and what it exported */
struct sample {
	struct buf blob;
	size_t unread;
};

static int sample(const struct env *env, const struct cipher *ci, const struct mac *m, const char *comp,
		  void (*tamper)(struct conn *), struct sample *s)
{
	struct conn *cl, *sv;
	int bad = 0, e;
	buf_init(&s->blob, 0);
	s->unread = 0;
	if (pair(env, ci, m, comp, &cl, &sv) != SSH_OK)
		return SSH_ERR_INTERNAL;
	exchange(cl, sv, 1);
	leave_partial(cl, sv, 1, 500, &bad);
	if (tamper)
		tamper(sv);
	s->unread = sv->in.len - sv->in_off;
	e = transport_export(sv, &s->blob);
	memconn_free(cl);
	memconn_free(sv);
	return bad ? SSH_ERR_INTERNAL : e;
}

/* import into a fresh connection; a refusal must leave no keys behind */
static int import_err(const struct env *env, const uint8_t *p, size_t n, int nkeys)
{
	struct conn *nv = fresh(env);
	int e;
	nv->nkeys = nkeys;
	e = transport_import(nv, p, n);
	if (e != SSH_OK && (nv->rx.cipher != &cipher_none || nv->tx.cipher != &cipher_none || nv->in.len ||
			    nv->session_id_len || nv->kex_count))
		e = SSH_ERR_INTERNAL - 1000;
	memconn_free(nv);
	return e;
}

/* the blob with the first occurrence of from replaced by to (same length) */
static int import_renamed(const struct env *env, const struct buf *b, const char *from, const char *to)
{
	uint8_t *q = malloc(b->len), *at;
	int e = SSH_ERR_INTERNAL;
	memcpy(q, b->d, b->len);
	at = memmem(q, b->len, from, strlen(from));
	if (at) {
		memcpy(at, to, strlen(to));
		e = import_err(env, q, b->len, 2);
	}
	wipe(q, b->len);
	free(q);
	return e;
}

static void truncations(const struct env *env)
{
	struct sample s;
	size_t bad = 0, cut;
	int e = sample(env, &cipher_aes128_ctr, macs[2], "none", NULL, &s);
	CHECK(e == SSH_OK && import_err(env, s.blob.d, s.blob.len, 2) == SSH_OK, "import: the whole blob (%zu bytes)",
	      s.blob.len);
	for (cut = 0; cut < s.blob.len; cut++) {
		/* refused, and not by the check in import_err for left-over keys */
		int r = import_err(env, s.blob.d, cut, 2);
		if (r >= SSH_OK || r < SSH_ERR_INTERNAL - 100)
			bad++;
	}
	CHECK(bad == 0, "import refuses the blob cut at each of %zu lengths, and leaves no keys (%zu not)",
	      s.blob.len, bad);
	buf_u8(&s.blob, 0);
	CHECK(import_err(env, s.blob.d, s.blob.len, 2) == SSH_ERR_FORMAT, "import refuses a trailing byte");
	s.blob.len--;
	s.blob.d[0]++;
	CHECK(import_err(env, s.blob.d, s.blob.len, 2) == SSH_ERR_VERSION, "import refuses another version");
	s.blob.d[0]--;
	CHECK(import_renamed(env, &s.blob, "aes128-ctr", "aes128-ctx") == SSH_ERR_NOALG,
	      "import refuses an unknown cipher name");
	CHECK(import_renamed(env, &s.blob, "hmac-sha2-256", "hmac-sha2-25x") == SSH_ERR_NOALG,
	      "import refuses an unknown MAC name");
	CHECK(import_renamed(env, &s.blob, "rsa-sha2-512", "rsa-sha2-51x") == SSH_ERR_NOALG,
	      "import refuses an unknown host key algorithm");
	CHECK(import_err(env, s.blob.d, s.blob.len, 1) == SSH_ERR_KEY,
	      "import refuses an initial host key index past the importer's keys");
	/* the input last: rx_len and a string; one byte over the buffer's cap */
	s.blob.len -= 8 + s.unread;
	buf_u32(&s.blob, 0);
	buf_u32(&s.blob, PKT_MAX_LEN + 2 * READ_BLOCK + 1);
	buf_reserve(&s.blob, PKT_MAX_LEN + 2 * READ_BLOCK + 1, NULL);
	CHECK(import_err(env, s.blob.d, s.blob.len, 2) == SSH_ERR_TOOBIG,
	      "import refuses more input than the buffer takes");
	buf_free(&s.blob);
	e = sample(env, &cipher_chachapoly, NULL, "zlib", NULL, &s);
	CHECK(e == SSH_OK && import_err(env, s.blob.d, s.blob.len, 2) == SSH_ERR_COMP,
	      "import refuses plain zlib (its stream cannot move)");
	buf_free(&s.blob);
}

/* one library context changed before the export; import must refuse */
static void t_ctr_index(struct conn *c) { c->rx.cc.u.ctr.cipher = find_cipher("3des"); }
static void t_ctr_rounds(struct conn *c) { c->rx.cc.u.ctr.key.rijndael.Nr = 14; }
static void t_ctr_padlen(struct conn *c) { c->rx.cc.u.ctr.padlen = 17; }
static void t_ctr_blocklen(struct conn *c) { c->tx.cc.u.ctr.blocklen = 32; }
static void t_accel_2(struct conn *c) { c->rx.cc.accel = 2; }
static void t_accel_1(struct conn *c) { c->tx.cc.accel = 1; }
static void t_ni_rounds(struct conn *c) { c->rx.cc.u.actr.k.rounds = 60; }
static void t_ni_wide(struct conn *c) { c->rx.cc.u.actr.k.wide = 2; }
static void t_gcm_index(struct conn *c) { c->rx.cc.u.gcm.st.cipher = find_cipher("3des"); }
static void t_gcm_rounds(struct conn *c) { c->tx.cc.u.gcm.st.K.rijndael.Nr = 12; }
static void t_agcm_rounds(struct conn *c) { c->rx.cc.u.agcm.g.k.rounds = 13; }
static void t_cbc_index(struct conn *c) { c->rx.cc.u.cbc.cipher = find_cipher("3des"); }
static void t_3des_index(struct conn *c) { c->rx.cc.u.cbc.cipher = find_cipher("aes"); }
static void t_cbc_blocklen(struct conn *c) { c->rx.cc.u.cbc.blocklen = 8; }
static void t_chacha_rounds(struct conn *c) { c->rx.cc.u.cp.main.rounds = 8; }
static void t_chacha_ksleft(struct conn *c) { c->tx.cc.u.cp.hdr.ksleft = 65; }
static void t_mac_index(struct conn *c) { c->rx.mc.hidx = find_hash("sha512"); }
static void t_mac_curlen(struct conn *c) { c->rx.mc.inner.sha256.curlen = 200; }
static void t_mac_ni(struct conn *c) { c->tx.mc.ni = 1; }
static void t_umac_taglen(struct conn *c) { c->rx.mc.umac.taglen = 16; }
static void t_umac_rounds(struct conn *c) { c->rx.mc.umac.pdf.rijndael.Nr = 100; }
static void t_none_rx(struct conn *c) { c->rx.cipher = &cipher_none; c->rx.mac = NULL; }
static void t_zero_kex(struct conn *c) { c->kex_count = 0; }
static void t_session_id(struct conn *c) { c->session_id_len = 31; }
static void t_rx_len(struct conn *c) { c->rx_len = 7; }
static void t_counters(struct conn *c) { c->tx.kpackets = c->tx.packets + 1; }
static void t_version(struct conn *c) { strcpy(c->client_version, "SSH-1.5-old"); }

struct tamper {
	const char *what;
	const struct cipher *ci;
	const char *mac;
	void (*f)(struct conn *);
	int portable; /* sample on libtomcrypt alone */
	int want;     /* -1: refused where the CPU has AES-NI */
};

static const struct tamper tampers[] = {
	{"CTR context with 3DES's cipher index", &cipher_aes128_ctr, "hmac-sha2-256", t_ctr_index, 1, SSH_ERR_CRYPTO},
	{"AES-128 CTR schedule with 14 rounds", &cipher_aes128_ctr, "hmac-sha2-256", t_ctr_rounds, 1, SSH_ERR_CRYPTO},
	{"CTR pad offset past the pad", &cipher_aes256_ctr, "hmac-sha2-256", t_ctr_padlen, 1, SSH_ERR_CRYPTO},
	{"CTR block length 32", &cipher_aes192_ctr, "hmac-sha1", t_ctr_blocklen, 1, SSH_ERR_CRYPTO},
	{"accel byte 2", &cipher_aes128_ctr, "hmac-sha2-256", t_accel_2, 0, SSH_ERR_CRYPTO},
	{"accel byte 1 on a portable CTR context", &cipher_aes128_ctr, "hmac-sha2-256", t_accel_1, 1, SSH_ERR_CRYPTO},
	{"accel byte 1 on CBC, which has no accelerated form", &cipher_aes128_cbc,
	 "hmac-sha2-256", t_accel_1, 0, SSH_ERR_CRYPTO},
	{"AES-NI schedule with 60 rounds", &cipher_aes128_ctr, "hmac-sha2-256", t_ni_rounds, 0, -1},
	{"AES-NI wide flag 2", &cipher_aes256_ctr, "hmac-sha2-256", t_ni_wide, 0, -1},
	{"GCM context with 3DES's cipher index", &cipher_aes128_gcm, NULL, t_gcm_index, 1, SSH_ERR_CRYPTO},
	{"AES-256 GCM schedule with 12 rounds", &cipher_aes256_gcm, NULL, t_gcm_rounds, 1, SSH_ERR_CRYPTO},
	{"AES-NI GCM schedule with 13 rounds", &cipher_aes256_gcm, NULL, t_agcm_rounds, 0, -1},
	{"aes-cbc context with 3DES's cipher index", &cipher_aes128_cbc, "hmac-sha1", t_cbc_index, 1, SSH_ERR_CRYPTO},
	{"3des-cbc context with AES's cipher index", &cipher_3des_cbc, "hmac-sha1", t_3des_index, 1, SSH_ERR_CRYPTO},
	{"aes-cbc block length 8", &cipher_aes256_cbc, "hmac-sha1", t_cbc_blocklen, 1, SSH_ERR_CRYPTO},
	{"ChaCha20 with 8 rounds", &cipher_chachapoly, NULL, t_chacha_rounds, 1, SSH_ERR_CRYPTO},
	{"ChaCha20 keystream offset past its block", &cipher_chachapoly, NULL, t_chacha_ksleft, 1, SSH_ERR_CRYPTO},
	{"HMAC-SHA-256 with SHA-512's hash index", &cipher_aes128_ctr, "hmac-sha2-256", t_mac_index, 1, SSH_ERR_CRYPTO},
	{"HMAC midstate with bytes buffered", &cipher_aes128_ctr,
	 "hmac-sha2-256-etm@openssh.com", t_mac_curlen, 1, SSH_ERR_CRYPTO},
	{"SHA extensions on HMAC-SHA-1", &cipher_aes128_ctr, "hmac-sha1", t_mac_ni, 0, SSH_ERR_CRYPTO},
	{"umac-64 context with a 16-byte tag", &cipher_aes128_ctr,
	 "umac-64@openssh.com", t_umac_taglen, 1, SSH_ERR_CRYPTO},
	{"UMAC's AES with 100 rounds", &cipher_aes128_ctr,
	 "umac-128-etm@openssh.com", t_umac_rounds, 1, SSH_ERR_CRYPTO},
	{"no cipher after a key exchange", &cipher_aes128_ctr, "hmac-sha2-256", t_none_rx, 1, SSH_ERR_NOALG},
	{"keys before any key exchange", &cipher_chachapoly, NULL, t_zero_kex, 1, SSH_ERR_FORMAT},
	{"a 31-byte session identifier", &cipher_chachapoly, NULL, t_session_id, 1, SSH_ERR_FORMAT},
	{"a half-read packet of 7 bytes", &cipher_chachapoly, NULL, t_rx_len, 1, SSH_ERR_FORMAT},
	{"more packets since the exchange than in all", &cipher_chachapoly, NULL, t_counters, 1, SSH_ERR_FORMAT},
	{"an SSH-1.5 client version", &cipher_chachapoly, NULL, t_version, 1, SSH_ERR_VERSION},
};

static void refused_states(const struct env *env)
{
	for (size_t i = 0; i < sizeof tampers / sizeof tampers[0]; i++) {
		const struct tamper *t = &tampers[i];
		const struct mac *m = t->mac ? mac_find(t->mac, strlen(t->mac)) : NULL;
		int want = t->want, e;
		struct sample s;
		accel_force_portable(t->portable);
		/* a row's accelerated form where this CPU has it; else the
		 * context is portable and the check below has nothing to see */
		if (want == -1)
			want = accel_flags() & ACCEL_AES ? SSH_ERR_CRYPTO : SSH_OK;
		e = sample(env, t->ci, m, "none", t->f, &s);
		/* the importer runs on what this CPU has */
		accel_force_portable(0);
		if (e == SSH_OK)
			e = import_err(env, s.blob.d, s.blob.len, 2);
		if (t->portable || (accel_flags() & ACCEL_AES) || want != SSH_OK)
			CHECK(e == want, "import refuses %s (%s, %s)", t->what, t->ci->name, ssh_err(e));
		buf_free(&s.blob);
	}
}

/* SSHL_HANDOVER_SEEDS=DIR: real exports for fuzz/corpus/fuzz_handover,
 * on libtomcrypt alone so that they import on any CPU */
static void write_seeds(const struct env *env, const char *dir)
{
	static const struct {
		const char *name;
		const struct cipher *ci;
		const char *mac, *comp;
	} rows[] = {
		{"chacha-halfread", &cipher_chachapoly, NULL, "none"},
		{"ctr-etm", &cipher_aes128_ctr, "hmac-sha2-256-etm@openssh.com", "zlib@openssh.com"},
		{"cbc-sha1", &cipher_aes256_cbc, "hmac-sha1", "none"},
		{"ctr-umac", &cipher_aes192_ctr, "umac-64@openssh.com", "none"},
		{"3des-md5", &cipher_3des_cbc, "hmac-md5-96", "none"},
	};
	accel_force_portable(1);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct mac *m = rows[i].mac ? mac_find(rows[i].mac, strlen(rows[i].mac)) : NULL;
		char path[4096];
		struct sample s;
		FILE *f;
		snprintf(path, sizeof path, "%s/%s", dir, rows[i].name);
		if (sample(env, rows[i].ci, m, rows[i].comp, NULL, &s) == SSH_OK && (f = fopen(path, "wb"))) {
			fwrite(s.blob.d, 1, s.blob.len, f);
			fclose(f);
		}
		buf_free(&s.blob);
	}
	accel_force_portable(0);
}

/* before the first NEWKEYS there are no keys, no session identifier and no
 * host key yet: that state moves too, in plaintext */
static void before_kex(const struct env *env)
{
	struct conn *cl = memconn_new(&env->cfg, &env->log), *sv = memconn_new(&env->cfg, &env->log), *nv;
	struct buf blob;
	int bad = exchange(cl, sv, 7), read_bad = 0, e;
	leave_partial(cl, sv, 1, 700, &read_bad);
	buf_init(&blob, 0);
	nv = fresh(env);
	e = transport_export(sv, &blob);
	if (e == SSH_OK)
		e = transport_import(nv, blob.d, blob.len);
	CHECK(e == SSH_OK && same_conn(sv, nv) && nv->rx.cipher == &cipher_none && !nv->initial_hostkey,
	      "before any key exchange: the plaintext state moves (%s)", ssh_err(e));
	buf_free(&blob);
	memconn_free(sv);
	bad += read_bad + finish_partial(cl, nv, 1, 700) + exchange(cl, nv, 900);
	CHECK(bad == 0 && counters_match(cl, nv), "before any key exchange: the exchange goes on after it");
	memconn_free(cl);
	memconn_free(nv);
}

int main(void)
{
	struct env env;
	char err[256];
	if (crypto_init() < 0)
		return 1;
	config_defaults(&env.cfg);
	if (config_finish(&env.cfg, algs_names, err, sizeof err) < 0)
		return 1;
	/* the refusals' log lines would be thousands: errors stay quiet */
	env.log = (struct logger){LOG_CRIT, 1, -1, 0};
	memset(env.keys, 0, sizeof env.keys);
	if (getenv("SSHL_HANDOVER_SEEDS")) {
		write_seeds(&env, getenv("SSHL_HANDOVER_SEEDS"));
		config_free(&env.cfg);
		return 0;
	}
	every_row(&env, 1);
	every_row(&env, 0);
	before_kex(&env);
	export_refusals(&env);
	truncations(&env);
	refused_states(&env);
	config_free(&env.cfg);
	return t_done();
}
