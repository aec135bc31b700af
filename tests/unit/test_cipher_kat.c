/* Known answers for the packet ciphers and MACs.
 *
 * - AES-GCM: no Wycheproof vector has SSH's 4-byte AAD, so the Wycheproof
 *   file (96-bit IV, 128-bit tag, 128/256-bit keys) runs through the cipher
 *   row's init and then libtomcrypt's gcm_reset/add_iv/add_aad/process/done,
 *   the calls cipher_gcm.c makes; the SSH shape (length as AAD, IV counter
 *   across packets and its 2^64 wrap) is checked through seal/open against
 *   answers computed by OpenSSL (tests/unit/cipher_kat_gen.py).
 * - ChaCha20-Poly1305: Wycheproof tests RFC 8439's AEAD, which SSH does not
 *   use, so the AEAD is built here from the libtomcrypt blocks that
 *   cipher_chachapoly.c uses (chacha_, poly1305_); the 64-bit-counter nonce
 *   form SSH uses is tied to the 96-bit one; the OpenSSH construction itself
 *   is checked through seal/open/getlen against OpenSSL-computed answers.
 * - aes*-cbc and 3des-cbc (legacy rows): the rows' crypt and decrypt, the
 *   chaining going on across calls as across packets, against answers
 *   computed by OpenSSL (tests/unit/cipher_kat_gen.py).
 * - HMAC-MD5, HMAC-SHA-1 and their -96 truncations: RFC 2202's cases
 *   through mac_compute.
 * - HMAC-SHA-256/512: Wycheproof through hmac_oneshot, and through
 *   mac_init/mac_compute (whose input starts with the 4-byte sequence
 *   number, taken from the message's first 4 bytes) when the key length is
 *   the SSH one.
 * Each runs on libtomcrypt (accel_force_portable) and, where the CPU has
 * them, on the accelerated primitives (transport/accel.h): the GCM and
 * RFC 8439 vectors through aesni_gcm_* and chacha_simd_xor/poly1305_64,
 * the SSH-shaped answers through the rows with both paths chosen. */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "transport/cipher.h"
#include "transport/crypto.h"
#include "transport/buf.h"
#include "transport/mac.h"
#include "vec.h"

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s) / 2;
	if (n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned x;
		if (sscanf(s + 2 * i, "%2x", &x) != 1)
			return 0;
		out[i] = (uint8_t)x;
	}
	return n;
}

/* one Wycheproof AEAD test; 0 when a field is missing */
struct aead_vec {
	const uint8_t *key, *iv, *aad, *msg, *ct, *tag;
	size_t kl, il, al, ml, cl, tl;
	int valid;
};

static int aead_read(struct vec *v, struct aead_vec *a)
{
	const char *res = vec_str(v, "result");
	a->key = vec_hex(v, "key", &a->kl);
	a->iv = vec_hex(v, "iv", &a->il);
	a->aad = vec_hex(v, "aad", &a->al);
	a->msg = vec_hex(v, "msg", &a->ml);
	a->ct = vec_hex(v, "ct", &a->cl);
	a->tag = vec_hex(v, "tag", &a->tl);
	a->valid = res && !strcmp(res, "valid");
	return a->key && a->iv && a->aad && a->msg && a->ct && a->tag && res;
}

/* ---- AES-GCM ---- */

static int gcm_one(const struct aead_vec *a)
{
	const struct cipher *ci = a->kl == 16 ? &cipher_aes128_gcm : &cipher_aes256_gcm;
	struct cipher_ctx *c = malloc(sizeof *c);
	size_t n = a->ml;
	uint8_t *buf = malloc(n + 1), t[16];
	unsigned long tl = 16;
	int bad = 0;

	if (!c || !buf || ci->init(c, a->key, a->iv) != SSH_OK)
		bad = 1;
	for (int dir = GCM_ENCRYPT; !bad && dir <= GCM_DECRYPT; dir++) {
		memcpy(buf, dir == GCM_ENCRYPT ? a->msg : a->ct, n);
		if (gcm_reset(&c->u.gcm.st) != CRYPT_OK || gcm_add_iv(&c->u.gcm.st, c->u.gcm.iv, 12) != CRYPT_OK ||
		    gcm_add_aad(&c->u.gcm.st, a->aad, (unsigned long)a->al) != CRYPT_OK ||
		    gcm_process(&c->u.gcm.st, buf, (unsigned long)n, buf, dir) != CRYPT_OK ||
		    gcm_done(&c->u.gcm.st, t, &tl) != CRYPT_OK) {
			bad = 1;
			break;
		}
		if (a->valid && !(ct_eq(buf, dir == GCM_ENCRYPT ? a->ct : a->msg, n) && ct_eq(t, a->tag, 16)))
			bad = 1;
		if (!a->valid && dir == GCM_DECRYPT && ct_eq(t, a->tag, 16))
			bad = 1; /* a forged tag must not verify */
	}
	free(c);
	free(buf);
	return bad;
}

/* the same vector on the AES-NI/PCLMULQDQ code */
static int gcm_one_accel(const struct aead_vec *a)
{
	struct aesni_gcm *g = malloc(sizeof *g);
	uint8_t *buf = malloc(a->ml + 1), t[16];
	int bad = !g || !buf;
	if (!bad) {
		aesni_gcm_init(g, a->key, (int)a->kl);
		memcpy(buf, a->msg, a->ml);
		aesni_gcm_seal(g, a->iv, a->aad, a->al, buf, a->ml, t);
		if (a->valid && !(ct_eq(buf, a->ct, a->ml) && ct_eq(t, a->tag, 16)))
			bad = 1;
		memcpy(buf, a->ct, a->ml);
		if ((aesni_gcm_open(g, a->iv, a->aad, a->al, buf, a->ml, a->tag) == 0) != a->valid)
			bad = 1;
		if (a->valid && !ct_eq(buf, a->msg, a->ml))
			bad = 1;
	}
	free(g);
	free(buf);
	return bad;
}

static void gcm_wycheproof(int accel)
{
	struct vec *v = vec_open("wycheproof/aes_gcm_test.json");
	int total = 0, bad = 0;
	if (!v) {
		CHECK(0, "aes_gcm_test.json: open");
		return;
	}
	while (vec_next(v)) {
		struct aead_vec a;
		if (!aead_read(v, &a)) {
			bad++;
			continue;
		}
		/* SSH uses only 12-byte IVs, full tags, 128- and 256-bit keys */
		if (a.il != 12 || a.tl != 16 || (a.kl != 16 && a.kl != 32))
			continue;
		total++;
		if (a.ml != a.cl || (accel ? gcm_one_accel(&a) : gcm_one(&a))) {
			bad++;
			printf("# aes-gcm tcId %s failed\n", vec_str(v, "tcId"));
		}
	}
	vec_close(v);
	BATCH(accel ? "wycheproof aes_gcm (ivSize 96, keySize 128/256) on AES-NI and PCLMULQDQ"
		    : "wycheproof aes_gcm (ivSize 96, keySize 128/256) via the cipher's key schedule",
	      bad, total);
}

struct ssh_kat {
	const char *key, *iv;
	uint32_t seq;
	const char *pkt;
	const char *out[3]; /* successive packets sealed with one context */
};

static const struct ssh_kat gcm_kats[] = {
	{"102132435465768798a9bacbdcedfe0f", "00112233fffffffffffffffe", 0,
	 "00000020105e67636d207061636b6574206f6e65b0b1b2b3b4b5b6b7b8b9babbbcbdbebf",
	 {"00000020d43a69a86962ce66aaab329f1c05956d8235a1a796c87063b9aad5da45d2e1701b2d53d870d16524bc486904f20d12d2",
	  "000000208659f8337a6ae90407bb45b1b80e230608b512899de14ffd6ebefb248dca50305bf93558e0d92b5c2593d0679acd1a96",
	  "000000209183731dfba2e70e803f0cf378f639706abd78ded1595d935d852021579349c8fa064c55e43a21e956fbc94af4d7390f"}},
	{"2031425364758697a8b9cadbecfd0e1f30415263748596a7b8c9daebfc0d1e2f", "00112233fffffffffffffffe", 0,
	 "00000020105e67636d207061636b6574206f6e65b0b1b2b3b4b5b6b7b8b9babbbcbdbebf",
	 {"00000020b99fecaa8f20be3cd801b0e76c9b40e283e2bcdf17642942afc9709a2dd463f90016c4e88010203b080e8011ae5d8903",
	  "000000203fe67ff56b010724fa59f7b88083521c945e9a967e153d0016ed34441906665a18e155a4f6465bceb4d28f67e45df8fe",
	  "0000002070707592a9fb3b8700a5dad57c84c8b053dbd8424e6aa51b75bf1324606bbc341f67225cfd79344d18921beac5bef3e7"}},
};

static const struct ssh_kat chacha_kats[] = {
	{"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	 "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f", NULL, 7,
	 "0000001c095e737368642d6c6974652063686163686121a0a1a2a3a4a5a6a7a8",
	 {"989af4c95fb07a8b57d617cdb47e87ffc3843ca153a9b30ea8eb6e95a69465472a3d1391fda41973d1d986857ed641ed"}},
	{"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	 "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f", NULL, 0xfffffffe,
	 "0000001c095e737368642d6c6974652063686163686121a0a1a2a3a4a5a6a7a8",
	 {"758f3d4133345daa54ae0b71192017dd720c2c4b0ab7d2469f583ce8ed416735a101e74095f49f7ca7b40cd9f245c482"}},
	{"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	 "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f", NULL, 3,
	 "000000640a00070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b4249"
	 "50575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a616800000000000000000000",
	 {"5838b9645b0c5da7c2597054098370cdf91e91a99ba5a63054b3a9fa3cc4801668af9437430db4a1bad8852b03a4307d4c68f6e8"
	  "8ad043472246ffca20bc1297b7878dca279ce6b2d1b90b8da5e8f3f951df98e22362cad66ecfdc55559a12ae20e6d9783654d91c"
	  "54e50af325fee7b4b8d652a161f693ef"}},
};

/* seal each packet and compare; open each answer with a second context,
 * and a forged copy with a fresh one; AEAD getlen must return the length from the wire */
static int ssh_kat_run(const struct cipher *ci, const struct ssh_kat *k)
{
	struct cipher_ctx *tx = malloc(sizeof *tx), *rx = malloc(sizeof *rx);
	uint8_t key[64], iv[12], pkt[256], want[256 + 16], buf[256 + 16];
	size_t n = unhex(k->pkt, pkt, sizeof pkt), kl = unhex(k->key, key, sizeof key);
	uint32_t len;
	int bad = 0;

	memset(iv, 0, sizeof iv);
	if (k->iv)
		unhex(k->iv, iv, sizeof iv);
	if (!tx || !rx || kl != ci->keylen || ci->init(tx, key, iv) != SSH_OK || ci->init(rx, key, iv) != SSH_OK)
		bad = 100;
	for (int i = 0; !bad && i < 3 && k->out[i]; i++) {
		uint32_t seq = k->seq + (uint32_t)i;
		if (unhex(k->out[i], want, sizeof want) != n + 16)
			return 101;
		memcpy(buf, pkt, n);
		if (ci->seal(tx, seq, buf, n) != SSH_OK || memcmp(buf, want, n + 16))
			bad++;
		if (ci->getlen(rx, seq, want, &len) != SSH_OK || len != get_u32(pkt))
			bad++;
		memcpy(buf, want, n + 16);
		if (ci->open(rx, seq, buf, n) != SSH_OK || memcmp(buf, pkt, n))
			bad++;
	}
	/* the first answer with one tag bit flipped, on a fresh context */
	if (!bad && ci->init(rx, key, iv) == SSH_OK) {
		unhex(k->out[0], buf, sizeof buf);
		buf[n + 15] ^= 0x40;
		if (ci->open(rx, k->seq, buf, n) != SSH_ERR_MAC)
			bad++;
	}
	free(tx);
	free(rx);
	return bad;
}

static void ssh_shaped(const char *path)
{
	for (size_t i = 0; i < sizeof gcm_kats / sizeof gcm_kats[0]; i++) {
		const struct cipher *ci = i == 0 ? &cipher_aes128_gcm : &cipher_aes256_gcm;
		CHECK(ssh_kat_run(ci, &gcm_kats[i]) == 0, "%s (%s): 3 packets, IV counter wraps 2^64 (OpenSSL answers)",
		      ci->name, path);
	}
	for (size_t i = 0; i < sizeof chacha_kats / sizeof chacha_kats[0]; i++)
		CHECK(ssh_kat_run(&cipher_chachapoly, &chacha_kats[i]) == 0,
		      "chacha20-poly1305@openssh.com (%s) seq %u, %zu-byte packet (OpenSSL answers)", path,
		      chacha_kats[i].seq, strlen(chacha_kats[i].pkt) / 2);
}

/* ---- ChaCha20-Poly1305 (RFC 8439 2.8) from libtomcrypt's blocks ---- */

static int rfc8439_seal(const uint8_t *key, const uint8_t *nonce, size_t nlen, const uint8_t *aad, size_t alen,
			const uint8_t *msg, size_t n, uint8_t *ct, uint8_t tag[16])
{
	static const uint8_t zeros[16];
	chacha_state st;
	poly1305_state ps;
	uint8_t otk[64], lens[16];
	unsigned long tl = 16;
	int ok;

	/* only 96-bit nonces exist here; libtomcrypt's argument checks abort */
	if (nlen != 12)
		return SSH_ERR_CRYPTO;
	ok = chacha_setup(&st, key, 32, 20) == CRYPT_OK && chacha_ivctr32(&st, nonce, (unsigned long)nlen, 0) == CRYPT_OK &&
	     chacha_keystream(&st, otk, 64) == CRYPT_OK && chacha_ivctr32(&st, nonce, (unsigned long)nlen, 1) == CRYPT_OK &&
	     chacha_crypt(&st, msg, (unsigned long)n, ct) == CRYPT_OK;
	/* little-endian aad and ciphertext lengths close the MAC input */
	for (int i = 0; i < 8; i++) {
		lens[i] = (uint8_t)((uint64_t)alen >> (8 * i));
		lens[8 + i] = (uint8_t)((uint64_t)n >> (8 * i));
	}
	ok = ok && poly1305_init(&ps, otk, 32) == CRYPT_OK && poly1305_process(&ps, aad, (unsigned long)alen) == CRYPT_OK &&
	     poly1305_process(&ps, zeros, (unsigned long)((16 - alen % 16) % 16)) == CRYPT_OK &&
	     poly1305_process(&ps, ct, (unsigned long)n) == CRYPT_OK &&
	     poly1305_process(&ps, zeros, (unsigned long)((16 - n % 16) % 16)) == CRYPT_OK &&
	     poly1305_process(&ps, lens, 16) == CRYPT_OK && poly1305_done(&ps, tag, &tl) == CRYPT_OK;
	return ok ? SSH_OK : SSH_ERR_CRYPTO;
}

/* the same AEAD on chacha_simd_xor and poly1305_64: the 96-bit nonce's
 * first word is the high half of the 64-bit counter */
static int rfc8439_seal_accel(const uint8_t *key, const uint8_t *nonce, size_t nlen, const uint8_t *aad, size_t alen,
			      const uint8_t *msg, size_t n, uint8_t *ct, uint8_t tag[16])
{
	size_t pa = (alen + 15) & ~(size_t)15, pn = (n + 15) & ~(size_t)15;
	uint8_t otk[64], *mac;
	uint64_t hi;
	if (nlen != 12 || !(mac = calloc(1, pa + pn + 16)))
		return SSH_ERR_CRYPTO;
	hi = (uint64_t)(nonce[0] | nonce[1] << 8 | nonce[2] << 16 | (uint32_t)nonce[3] << 24) << 32;
	memset(otk, 0, sizeof otk);
	chacha_simd_xor(key, nonce + 4, hi, otk, sizeof otk);
	memcpy(ct, msg, n);
	chacha_simd_xor(key, nonce + 4, hi | 1, ct, n);
	memcpy(mac, aad, alen);
	memcpy(mac + pa, ct, n);
	for (int i = 0; i < 8; i++) {
		mac[pa + pn + i] = (uint8_t)((uint64_t)alen >> (8 * i));
		mac[pa + pn + 8 + i] = (uint8_t)((uint64_t)n >> (8 * i));
	}
	poly1305_64(otk, mac, pa + pn + 16, tag);
	free(mac);
	return SSH_OK;
}

static void chacha_wycheproof(int accel)
{
	struct vec *v = vec_open("wycheproof/chacha20_poly1305_test.json");
	int total = 0, bad = 0;
	if (!v) {
		CHECK(0, "chacha20_poly1305_test.json: open");
		return;
	}
	while (vec_next(v)) {
		struct aead_vec a;
		uint8_t *out = NULL, t[16];
		int e, same;
		total++;
		if (!aead_read(v, &a) || a.kl != 32 || !(out = malloc(a.ml + 1))) {
			bad++;
			continue;
		}
		e = (accel ? rfc8439_seal_accel : rfc8439_seal)(a.key, a.iv, a.il, a.aad, a.al, a.msg, a.ml, out, t);
		same = e == SSH_OK && a.cl == a.ml && !memcmp(out, a.ct, a.ml) && a.tl == 16 && ct_eq(t, a.tag, 16);
		/* an invalid vector fails either at setup (nonce size) or by tag */
		if (same != a.valid) {
			bad++;
			printf("# chacha20-poly1305 tcId %s failed\n", vec_str(v, "tcId"));
		}
		free(out);
	}
	vec_close(v);
	BATCH(accel ? "wycheproof chacha20_poly1305 (RFC 8439 from chacha_simd_xor/poly1305_64)"
		    : "wycheproof chacha20_poly1305 (RFC 8439 from chacha_/poly1305_)",
	      bad, total);
}

/* cipher_chachapoly.c's 64-bit counter and 8-byte nonce are the 96-bit
 * form's with the counter's high half as the nonce's first word */
static void chacha_nonce_forms(void)
{
	chacha_state a, b;
	uint8_t key[32], n8[8], n12[12], ka[200], kb[200];
	int same = 1;
	memset(key, 0x42, sizeof key);
	for (uint32_t seq = 0; seq < 3; seq++) {
		uint32_t s = seq ? 0xfffffff0u + seq : 0;
		put_u64(n8, s);
		memset(n12, 0, 4);
		memcpy(n12 + 4, n8, 8);
		chacha_setup(&a, key, 32, 20);
		chacha_setup(&b, key, 32, 20);
		chacha_ivctr64(&a, n8, 8, 1);
		chacha_ivctr32(&b, n12, 12, 1);
		chacha_keystream(&a, ka, sizeof ka);
		chacha_keystream(&b, kb, sizeof kb);
		same &= !memcmp(ka, kb, sizeof ka);
	}
	CHECK(same, "chacha 64-bit counter/8-byte nonce matches the 96-bit nonce form tested above");
}

/* ---- HMAC ---- */

static void hmac_wycheproof(const char *file, const char *hash, const char *ssh_name)
{
	const struct mac *m = mac_find(ssh_name, strlen(ssh_name));
	struct vec *v = vec_open(file);
	int total = 0, bad = 0, viamac = 0;
	if (!v || !m) {
		CHECK(0, "%s: open", file);
		return;
	}
	while (vec_next(v)) {
		size_t kl, ml, tl, ol = 0;
		const uint8_t *key = vec_hex(v, "key", &kl), *msg = vec_hex(v, "msg", &ml), *tag = vec_hex(v, "tag", &tl);
		const char *res = vec_str(v, "result");
		uint8_t out[64];
		int valid, e;
		total++;
		if (!key || !msg || !tag || !res || tl > sizeof out) {
			bad++;
			continue;
		}
		valid = !strcmp(res, "valid");
		/* a truncated tag is the full one's prefix */
		e = hmac_oneshot(hash, key, kl, msg, ml, out, &ol);
		if (e != SSH_OK || ol != m->maclen || ct_eq(out, tag, tl) != valid) {
			bad++;
			printf("# %s tcId %s (%s) failed in hmac_oneshot\n", file, vec_str(v, "tcId"), res);
		}
		if (kl == m->keylen && ml >= 4) {
			struct mac_ctx mc;
			viamac++;
			memset(out, 0, sizeof out);
			if (mac_init(&mc, m, key) != SSH_OK ||
			    mac_compute(&mc, get_u32(msg), msg + 4, ml - 4, out) != SSH_OK ||
			    ct_eq(out, tag, tl) != valid) {
				bad++;
				printf("# %s tcId %s (%s) failed in mac_compute\n", file, vec_str(v, "tcId"), res);
			}
		}
	}
	vec_close(v);
	CHECK(bad == 0 && total > 0 && viamac > 0, "%s: %d of %d vectors failed (%d also through %s's mac_compute)", file,
	      bad, total, viamac, ssh_name);
}

/* ---- CBC ---- */

static const struct {
	const char *name, *key, *iv, *ct;
} cbc_vecs[] = {
	{"aes128-cbc", "10355a7fa4c9ee13385d82a7ccf1163b", "013c77b2ed28639ed9144f8ac5003b76",
	 "602e7952891e82d9dd0355aaaea3b7b657243336fe7c4a0ca570a5692e9296c01b068c72c085af9cd3893efa05703f2412feeee65d70a209cc3d1a5c57629cac62607a8c65b0e7676ae9f37357e93e583e46cecae5ba5458e4fd6cf839e9a009"},
	{"aes192-cbc", "183d6287acd1f61b40658aafd4f91e43688db2d7fc21466b", "013c77b2ed28639ed9144f8ac5003b76",
	 "ba0ba7fbbe3a07d5ff718decbba80630797108b384994b0934a12e34041a4d51d2252334acc66c5f680b395341350e837017a770ac3a3302fab47a432144c15387dc74bcdd1887ef56c9ec25a74307fe845047f98ef1c65c8d408bfb1053f777"},
	{"aes256-cbc", "20456a8fb4d9fe23486d92b7dc01264b7095badf04294e7398bde2072c51769b", "013c77b2ed28639ed9144f8ac5003b76",
	 "23e661e0e208b553bbd453ae40d8a124e46307ef0991481bb604ede99a7f21e11af6b59ff17735e78e02fe072202a12ac01728af27c162e6dc7c125de198ba81463b5b7fcf0b13c11dcbb81e9b32abceda172345e9bd188bd0a7e4ab39a30c8a"},
	{"3des-cbc", "183d6287acd1f61b40658aafd4f91e43688db2d7fc21466b", "013c77b2ed28639e",
	 "59d5e5799e4605d4136f848d0dfc8027ecff3525937567d7febde463070cc704ef494d7a6b573b2e0df860953df55a693201dc6f2128081b24ff8ef8da2d51b9a387e3757b27b90c7f94505a48af61f983a0237fc03e3806c8ac5c04f90abb39"},
};

/* 96 bytes as 48 + 48 (two packets); decrypted as the packet layer does,
 * first block alone, then the rest */
static void cbc_kat(void)
{
	for (size_t v = 0; v < sizeof cbc_vecs / sizeof cbc_vecs[0]; v++) {
		const struct cipher *ci = cipher_find(cbc_vecs[v].name, strlen(cbc_vecs[v].name));
		static struct cipher_ctx tx, rx;
		uint8_t key[32], iv[16], want[96], pt[96], buf[96];
		int ok = ci && ci->legacy && ci->decrypt;
		for (int i = 0; i < 96; i++)
			pt[i] = (uint8_t)(i * 13 + 5);
		ok = ok && unhex(cbc_vecs[v].key, key, sizeof key) == ci->keylen &&
		     unhex(cbc_vecs[v].iv, iv, sizeof iv) == ci->ivlen && unhex(cbc_vecs[v].ct, want, sizeof want) == 96;
		memcpy(buf, pt, 96);
		ok = ok && ci->init(&tx, key, iv) == SSH_OK && ci->crypt(&tx, buf, 48) == SSH_OK &&
		     ci->crypt(&tx, buf + 48, 48) == SSH_OK && !memcmp(buf, want, 96);
		ok = ok && ci->init(&rx, key, iv) == SSH_OK && ci->decrypt(&rx, buf, ci->blocksize) == SSH_OK &&
		     ci->decrypt(&rx, buf + ci->blocksize, 48 - ci->blocksize) == SSH_OK &&
		     ci->decrypt(&rx, buf + 48, 48) == SSH_OK && !memcmp(buf, pt, 96);
		CHECK(ok, "%s: OpenSSL's answer, and back", cbc_vecs[v].name);
	}
}

/* RFC 2202 through mac_compute: the message's first 4 bytes play the
 * sequence number; the -96 rows are the first 12 bytes of the answer */
static void hmac_rfc2202(void)
{
	static const struct {
		const char *name;
		uint8_t keybyte;
		const char *msg, *want;
	} v[] = {
		{"hmac-md5", 0x0b, "Hi There", "9294727a3638bb1c13f48ef8158bfc9d"},
		{"hmac-md5-etm@openssh.com", 0x0b, "Hi There", "9294727a3638bb1c13f48ef8158bfc9d"},
		{"hmac-md5-96", 0x0c, "Test With Truncation", "56461ef2342edc00f9bab995"},
		{"hmac-md5-96-etm@openssh.com", 0x0c, "Test With Truncation", "56461ef2342edc00f9bab995"},
		{"hmac-sha1-96", 0x0c, "Test With Truncation", "4c1a03424b55e07fe7f27be1"},
		{"hmac-sha1-96-etm@openssh.com", 0x0c, "Test With Truncation", "4c1a03424b55e07fe7f27be1"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		const struct mac *m = mac_find(v[i].name, strlen(v[i].name));
		struct mac_ctx mc;
		uint8_t key[20], out[20], want[20];
		const uint8_t *msg = (const uint8_t *)v[i].msg;
		size_t wl = unhex(v[i].want, want, sizeof want);
		memset(key, v[i].keybyte, sizeof key);
		memset(out, 0xee, sizeof out);
		CHECK(m && m->legacy && m->maclen == wl && mac_init(&mc, m, key) == SSH_OK &&
			      mac_compute(&mc, get_u32(msg), msg + 4, strlen(v[i].msg) - 4, out) == SSH_OK &&
			      !memcmp(out, want, wl) && (wl == 20 || out[wl] == 0xee),
		      "%s: RFC 2202 through mac_compute, %zu bytes written", v[i].name, wl);
	}
}

/* RFC 2202 test case 1, for the one HMAC without a Wycheproof file */
static void hmac_sha1(void)
{
	const struct mac *m = mac_find("hmac-sha1", 9);
	struct mac_ctx mc;
	uint8_t key[20], out[20], want[20];
	memset(key, 0x0b, sizeof key);
	unhex("b617318655057264e28bc0b6fb378c8ef146be00", want, sizeof want);
	/* "Hi There": its first 4 bytes play the sequence number */
	CHECK(m && mac_init(&mc, m, key) == SSH_OK &&
		      mac_compute(&mc, get_u32((const uint8_t *)"Hi T"), (const uint8_t *)"here", 4, out) == SSH_OK &&
		      !memcmp(out, want, 20),
	      "hmac-sha1 RFC 2202 case 1 through mac_compute");
}

int main(void)
{
	unsigned f;
	if (crypto_init() < 0)
		return 1;
	accel_force_portable(1);
	gcm_wycheproof(0);
	ssh_shaped("portable");
	chacha_wycheproof(0);
	accel_force_portable(0);
	f = accel_flags();
	if ((f & (ACCEL_AES | ACCEL_CLMUL)) == (ACCEL_AES | ACCEL_CLMUL))
		gcm_wycheproof(1);
	if (f & ACCEL_SSE2) {
		chacha_wycheproof(1);
		ssh_shaped("accelerated");
	}
	chacha_nonce_forms();
	hmac_wycheproof("wycheproof/hmac_sha256_test.json", "sha256", "hmac-sha2-256");
	hmac_wycheproof("wycheproof/hmac_sha512_test.json", "sha512", "hmac-sha2-512");
	hmac_sha1();
	hmac_rfc2202();
	cbc_kat();
	return t_done();
}
