/* The post-quantum hybrid rows of kex/methods.c on arbitrary KEX_ECDH_INIT
 * payloads. Byte 0 picks the row (mlkem768x25519-sha256,
 * sntrup761x25519-sha512, sntrup761x25519-sha512@openssh.com,
 * mlkem768nistp256-sha256), looked up by name so the target follows the
 * table; the rest is the payload after the message number (string C_INIT).
 *
 * Beyond "no crash": a refusal writes nothing and carries a code the
 * transport maps to a reason; an ML-KEM ek with a coefficient >= q (decoded
 * here, apart from the code under test) is always refused; a success read
 * exactly a C_INIT of the row's length and wrote reply = string S_REPLY of
 * the row's length, hashpart = string C_INIT || string S_REPLY, and secret =
 * string K of the row's hash size. When C_INIT carries the client keys made
 * at start-up (the seeds do), the client's side runs too and must reach K.
 *
 * The seeds come from this target, so they match its keys:
 *   FUZZ_HYBRID_SEEDS=fuzz/corpus/fuzz_hybrid build-fuzz/fuzz_hybrid
 * writes one valid C_INIT per row there and exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tomcrypt.h>
#include <tommath.h>

#include "fuzz/fuzz.h"
#include "kex/ecc_point.h"
#include "kex/ecdh_internal.h"
#include "kex/kex.h"
#include "kex/mlkem768.h"
#include "kex/sntrup761.h"
#include "kex/x25519.h"
#include "transport/crypto.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

#define X25519_LEN 32
#define P256_LEN 65 /* 0x04 || X || Y */
#define K_LEN 32    /* K_PQ and K_CL alike: ML-KEM, sntrup761, X25519, P-256 x */

enum kem { MLKEM, SNTRUP };

struct row {
	const char *name;
	enum kem kem;
	size_t kem_pub, kem_ct; /* ek or public key; ciphertext */
	size_t cl_pub;          /* the classical public value, each way */
	const struct kex_method *m;
};

static struct row rows[] = {
	{"mlkem768x25519-sha256", MLKEM, MLKEM768_EK_LEN, MLKEM768_CT_LEN, X25519_LEN, NULL},
	{"sntrup761x25519-sha512", SNTRUP, SNTRUP761_PUBLICKEYBYTES, SNTRUP761_CIPHERTEXTBYTES, X25519_LEN, NULL},
	{"sntrup761x25519-sha512@openssh.com", SNTRUP, SNTRUP761_PUBLICKEYBYTES, SNTRUP761_CIPHERTEXTBYTES,
	 X25519_LEN, NULL},
	{"mlkem768nistp256-sha256", MLKEM, MLKEM768_EK_LEN, MLKEM768_CT_LEN, P256_LEN, NULL},
};
#define NROWS (sizeof rows / sizeof rows[0])

/* The client's keys, fixed at start-up from the seeded random source (fuzz
 * binaries only; single-threaded) */
static uint8_t ml_ek[MLKEM768_EK_LEN], ml_dk[MLKEM768_DK_LEN];
static uint8_t nt_pk[SNTRUP761_PUBLICKEYBYTES], nt_sk[SNTRUP761_SECRETKEYBYTES];
static uint8_t x_sk[X25519_LEN], x_pub[X25519_LEN];
static uint8_t p_priv[32], p_pub[P256_LEN];
static size_t p_privlen;

static void p256_client(void)
{
	ecc_key key;
	unsigned long qlen = P256_LEN;
	int idx = ec_curve_index(32);
	CHECK(idx >= 0 && ecc_make_key_ex(NULL, idx_prng(), &key, &ltc_ecc_sets[idx]) == CRYPT_OK);
	CHECK(ecc_ansi_x963_export(&key, p_pub, &qlen) == CRYPT_OK && qlen == P256_LEN);
	CHECK(mp_to_ubin(key.k, p_priv, sizeof p_priv, &p_privlen) == MP_OKAY);
	ecc_free(&key);
}

static const uint8_t *kem_pub(const struct row *w) { return w->kem == MLKEM ? ml_ek : nt_pk; }
static const uint8_t *cl_pub(const struct row *w) { return w->cl_pub == P256_LEN ? p_pub : x_pub; }

/* one file per row: the row's byte, then string C_INIT with our keys */
static void write_seeds(const char *dir)
{
	for (size_t i = 0; i < NROWS; i++) {
		const struct row *w = &rows[i];
		char path[4096];
		struct buf b;
		FILE *f;
		buf_init(&b, 0);
		buf_u8(&b, (uint8_t)i);
		buf_u32(&b, (uint32_t)(w->kem_pub + w->cl_pub));
		buf_put(&b, kem_pub(w), w->kem_pub);
		buf_put(&b, cl_pub(w), w->cl_pub);
		snprintf(path, sizeof path, "%s/%s", dir, w->name);
		CHECK(b.err == SSH_OK && (f = fopen(path, "wb")) != NULL);
		CHECK(fwrite(b.d, 1, b.len, f) == b.len && fclose(f) == 0);
		buf_free(&b);
	}
	exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t d[MLKEM768_SEED_LEN] = {1}, z[MLKEM768_SEED_LEN] = {2};
	const char *seeds = getenv("FUZZ_HYBRID_SEEDS");

	(void)argc, (void)argv;
	crypto_init();
	for (size_t i = 0; i < NROWS; i++)
		CHECK((rows[i].m = kex_method_find(rows[i].name, strlen(rows[i].name))) != NULL);
	rand_fuzz_seed(1);
	mlkem768_keygen_derand(ml_ek, ml_dk, d, z);
	sntrup761_keypair(nt_pk, nt_sk, NULL, NULL);
	rand_bytes(x_sk, sizeof x_sk);
	CHECK(x25519_base(x_pub, x_sk) == SSH_OK);
	p256_client();
	if (seeds)
		write_seeds(seeds);
	return 0;
}

/* FIPS 203 7.2's modulus check written out again: every 12-bit value of
 * ByteDecode12 over the first 1152 bytes is below q = 3329 */
static int ek_in_range(const uint8_t *ek)
{
	for (size_t i = 0; i + 3 <= MLKEM768_EK_LEN - 32; i += 3) {
		unsigned a = ek[i] | (unsigned)(ek[i + 1] & 0x0f) << 8;
		unsigned b = ek[i + 1] >> 4 | (unsigned)ek[i + 2] << 4;
		if (a >= 3329 || b >= 3329)
			return 0;
	}
	return 1;
}

/* The client's K from S_REPLY, into h; 0 when C_INIT is not our keys */
static int client_k(const struct row *w, const uint8_t *ci, const uint8_t *sr, uint8_t h[64])
{
	uint8_t k[2 * K_LEN];
	unsigned long hl = 64;
	const uint8_t *scl = sr + w->kem_ct;

	if (memcmp(ci, kem_pub(w), w->kem_pub) != 0 || memcmp(ci + w->kem_pub, cl_pub(w), w->cl_pub) != 0)
		return 0;
	if (w->kem == MLKEM)
		CHECK(mlkem768_decaps(k, sr, w->kem_ct, ml_dk, sizeof ml_dk) == SSH_OK);
	else
		sntrup761_dec(k, sr, nt_sk);
	if (w->cl_pub == P256_LEN)
		CHECK(ecdh_shared_fixed(&ecdh_p256, p_priv, p_privlen, scl, P256_LEN, k + K_LEN) == SSH_OK);
	else
		CHECK(x25519(k + K_LEN, x_sk, scl) == SSH_OK);
	CHECK(hash_memory(find_hash(w->m->hash), k, sizeof k, h, &hl) == CRYPT_OK);
	wipe(k, sizeof k);
	return 1;
}

static void check_ok(const struct row *w, const uint8_t *p, size_t n, const struct buf *reply,
		     const struct buf *hp, const struct buf *secret)
{
	size_t cilen = w->kem_pub + w->cl_pub, srlen = w->kem_ct + w->cl_pub;
	size_t hlen = (size_t)hash_descriptor[find_hash(w->m->hash)].hashsize;
	uint8_t h[64];

	CHECK(n == 4 + cilen && get_u32(p) == cilen);
	CHECK(reply->len == 4 + srlen && get_u32(reply->d) == srlen);
	CHECK(hp->len == n + reply->len && memcmp(hp->d, p, n) == 0 &&
	      memcmp(hp->d + n, reply->d, reply->len) == 0);
	CHECK(secret->len == 4 + hlen && get_u32(secret->d) == hlen);
	if (w->kem == MLKEM)
		CHECK(ek_in_range(p + 4));
	if (client_k(w, p + 4, reply->d + 4, h))
		CHECK(memcmp(secret->d + 4, h, hlen) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct row *w;
	struct buf reply, hp, secret;
	struct rd r;
	size_t n, cilen;
	int e, whole;

	if (size < 1)
		return 0;
	w = &rows[data[0] % NROWS];
	data++, n = size - 1;
	cilen = w->kem_pub + w->cl_pub;
	rand_fuzz_seed(7);
	buf_init(&reply, 0);
	buf_init(&hp, 0);
	buf_init(&secret, 0);
	rd_init(&r, data, n);
	e = w->m->agree->server(w->m->param, &r, &reply, &hp, &secret);
	/* string C_INIT of the row's length and nothing after it */
	whole = n == 4 + cilen && get_u32(data) == cilen;
	if (e == SSH_OK) {
		check_ok(w, data, n, &reply, &hp, &secret);
	} else {
		CHECK(e == SSH_ERR_KEY || e == SSH_ERR_FORMAT || e == SSH_ERR_SHORT || e == SSH_ERR_TOOBIG);
		CHECK(reply.len == 0 && hp.len == 0 && secret.len == 0);
		/* the transport's reasons: 3 for a bad value, 2 for a bad length */
		CHECK((e == SSH_ERR_KEY) == whole);
	}
	if (w->kem == MLKEM && whole && !ek_in_range(data + 4))
		CHECK(e == SSH_ERR_KEY);
	buf_free(&reply);
	buf_free(&hp);
	buf_free(&secret);
	return 0;
}
