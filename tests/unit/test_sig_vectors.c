/* Signature known answers through the SSH layer: Wycheproof ECDSA, RSA and
 * Ed25519 verification via key_verify (vectors turned into SSH key and
 * signature blobs), RSA PKCS#1 v1.5 and Ed25519 signing via hostkey_sign
 * (both deterministic, so the signature must match exactly).
 * RSA policy: "acceptable" MissingNull (DigestInfo without the NULL
 * parameters) is rejected, since the verifier compares against the one
 * encoding with NULL, as OpenSSH's does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kex/hostkey.h"
#include "transport/crypto.h"
#include "t.h"
#include "vec.h"

static char tmpdir[] = "/tmp/sshl-sigvec.XXXXXX";

static const struct sigalg *alg(const char *name)
{
	return sigalg_find((const uint8_t *)name, strlen(name));
}

/* one vector file: its cursor, scratch blobs, and the tally */
struct run {
	const char *file;
	struct vec *v;
	struct buf blob, sig;
	int bad, total;
};

static void run_open(struct run *r, const char *file)
{
	r->file = file;
	r->v = vec_open(file);
	buf_init(&r->blob, 0);
	buf_init(&r->sig, 0);
	r->bad = r->total = 0;
}

static int run_next(struct run *r)
{
	if (!r->v || !vec_next(r->v))
		return 0;
	buf_reset(&r->blob);
	buf_reset(&r->sig);
	r->total++;
	return 1;
}

static void run_fail(struct run *r, const char *why)
{
	if (++r->bad <= 5)
		printf("# %s tcId %s (%s): %s\n", r->file, vec_str(r->v, "tcId"), vec_str(r->v, "comment"), why);
}

static void run_close(struct run *r)
{
	BATCH(r->file, r->bad, r->total);
	vec_close(r->v);
	buf_free(&r->blob);
	buf_free(&r->sig);
}

/* valid vectors must verify, all others must not */
static void judge(struct run *r, int rc)
{
	int valid = !strcmp(vec_str(r->v, "result"), "valid");
	if (valid != (rc == SSH_OK))
		run_fail(r, valid ? "valid, rejected" : "invalid, accepted");
}

/* Wycheproof integers may carry a two's-complement sign byte */
static int fixed(const uint8_t *p, size_t n, uint8_t *out, size_t size)
{
	while (n > size && p[0] == 0) {
		p++;
		n--;
	}
	if (n > size)
		return 0;
	memset(out, 0, size - n);
	memcpy(out + size - n, p, n);
	return 1;
}

static void sig_blob(struct buf *b, const char *name, const uint8_t *raw, size_t n)
{
	buf_cstring(b, name);
	buf_string(b, raw, n);
}

/* the raw signature inside a blob made by hostkey_sign */
static int sig_raw(const struct buf *b, const uint8_t **p, size_t *n)
{
	struct rd r;
	rd_init(&r, b->d, b->len);
	return rd_text(&r, NULL, NULL) || rd_string(&r, p, n) || rd_end(&r);
}

static void ecdsa_file(const char *file, const char *name, size_t size)
{
	const struct sigalg *a = alg(name);
	struct run r;
	struct buf raw;

	buf_init(&raw, 0);
	run_open(&r, file);
	while (run_next(&r)) {
		size_t xl, yl, ml, sl, mark;
		const uint8_t *x = vec_hex(r.v, "publicKey.wx", &xl), *y = vec_hex(r.v, "publicKey.wy", &yl);
		const uint8_t *m = vec_hex(r.v, "msg", &ml), *s = vec_hex(r.v, "sig", &sl);
		uint8_t *q;
		/* blob: string type, string curve, string 04 || X || Y */
		buf_cstring(&r.blob, name);
		buf_cstring(&r.blob, name + strlen("ecdsa-sha2-"));
		buf_string_begin(&r.blob, &mark);
		buf_u8(&r.blob, 4);
		buf_reserve(&r.blob, 2 * size, &q);
		if (!fixed(x, xl, q, size) || !fixed(y, yl, q + size, size))
			run_fail(&r, "odd key size");
		buf_string_end(&r.blob, mark);
		/* P1363 r || s becomes mpint r, mpint s; a length other than
		 * 2 * size has no SSH form and is passed on raw */
		buf_reset(&raw);
		if (sl == 2 * size) {
			buf_mpint(&raw, s, size);
			buf_mpint(&raw, s + size, size);
		} else {
			buf_put(&raw, s, sl);
		}
		sig_blob(&r.sig, name, raw.d, raw.len);
		judge(&r, key_verify(a, r.blob.d, r.blob.len, m, ml, r.sig.d, r.sig.len));
	}
	run_close(&r);
	buf_free(&raw);
}

static void rsa_verify_file(const char *file, const char *name)
{
	const struct sigalg *a = alg(name);
	struct run r;
	int acc = 0, acc_taken = 0;

	run_open(&r, file);
	while (run_next(&r)) {
		size_t nl, el, ml, sl;
		const uint8_t *n = vec_hex(r.v, "publicKey.modulus", &nl);
		const uint8_t *e = vec_hex(r.v, "publicKey.publicExponent", &el);
		const uint8_t *m = vec_hex(r.v, "msg", &ml), *s = vec_hex(r.v, "sig", &sl);
		int rc;
		/* blob: string "ssh-rsa", mpint e, mpint n */
		buf_cstring(&r.blob, "ssh-rsa");
		buf_mpint(&r.blob, e, el);
		buf_mpint(&r.blob, n, nl);
		sig_blob(&r.sig, name, s, sl);
		rc = key_verify(a, r.blob.d, r.blob.len, m, ml, r.sig.d, r.sig.len);
		if (!strcmp(vec_str(r.v, "result"), "acceptable")) {
			acc++;
			acc_taken += rc == SSH_OK;
			r.total--;
			continue;
		}
		judge(&r, rc);
	}
	run_close(&r);
	CHECK(acc_taken == 0, "%s: %d acceptable (MissingNull) vectors, %d accepted (policy: reject)",
	      file, acc, acc_taken);
}

static int load_pem_text(const char *pem, struct hostkey *k)
{
	char path[sizeof tmpdir + 8];
	FILE *f;
	int rc;
	snprintf(path, sizeof path, "%s/key", tmpdir);
	f = fopen(path, "w");
	if (!f)
		return SSH_ERR_FILE;
	fputs(pem, f);
	fclose(f);
	rc = hostkey_load(path, k);
	unlink(path);
	return rc;
}

/* SHA-256 and SHA-512 groups; the key comes from its PKCS#1 PEM text */
static void rsa_sign_file(const char *file)
{
	struct hostkey k = {0};
	struct run r;
	char *pem = NULL;

	run_open(&r, file);
	while (run_next(&r)) {
		const char *sha = vec_str(r.v, "sha"), *kp = vec_str(r.v, "privateKeyPem");
		const struct sigalg *a = !strcmp(sha, "SHA-256") ? alg("rsa-sha2-256") :
					 !strcmp(sha, "SHA-512") ? alg("rsa-sha2-512") : NULL;
		size_t ml, wl, rl;
		const uint8_t *m = vec_hex(r.v, "msg", &ml), *want = vec_hex(r.v, "sig", &wl), *raw;
		if (!a) {
			r.total--;
			continue;
		}
		if (!pem || strcmp(pem, kp)) {
			hostkey_free(&k);
			free(pem);
			pem = strdup(kp);
			if (load_pem_text(pem, &k) != SSH_OK)
				run_fail(&r, "key does not load");
		}
		hostkey_public_blob(&k, &r.blob);
		if (hostkey_sign(&k, a, m, ml, &r.sig) != SSH_OK || sig_raw(&r.sig, &raw, &rl) || rl != wl ||
		    memcmp(raw, want, wl) ||
		    key_verify(a, r.blob.d, r.blob.len, m, ml, r.sig.d, r.sig.len) != SSH_OK)
			run_fail(&r, "signature differs");
	}
	run_close(&r);
	hostkey_free(&k);
	free(pem);
}

static void ed25519_verify_file(void)
{
	const struct sigalg *a = alg("ssh-ed25519");
	struct run r;

	run_open(&r, "wycheproof/ed25519_test.json");
	while (run_next(&r)) {
		size_t pl, ml, sl;
		const uint8_t *pk = vec_hex(r.v, "publicKey.pk", &pl);
		const uint8_t *m = vec_hex(r.v, "msg", &ml), *s = vec_hex(r.v, "sig", &sl);
		buf_cstring(&r.blob, "ssh-ed25519");
		buf_string(&r.blob, pk, pl);
		sig_blob(&r.sig, "ssh-ed25519", s, sl);
		judge(&r, key_verify(a, r.blob.d, r.blob.len, m, ml, r.sig.d, r.sig.len));
	}
	run_close(&r);
}

/* the valid vectors, signed again from the seed */
static void ed25519_sign_file(void)
{
	const struct sigalg *a = alg("ssh-ed25519");
	struct run r;

	run_open(&r, "wycheproof/v0/eddsa_test.json");
	while (run_next(&r)) {
		size_t sl, pl, ml, wl, rl;
		const uint8_t *seed = vec_hex(r.v, "key.sk", &sl), *pk = vec_hex(r.v, "key.pk", &pl);
		const uint8_t *m = vec_hex(r.v, "msg", &ml), *want = vec_hex(r.v, "sig", &wl), *raw;
		struct hostkey k = {.type = KEY_ED25519};
		if (strcmp(vec_str(r.v, "result"), "valid")) {
			r.total--;
			continue;
		}
		if (ed25519_key_from_seed(seed, sl, NULL, &k.priv) != SSH_OK ||
		    hostkey_public_blob(&k, &r.blob) != SSH_OK || r.blob.len != 4 + 11 + 4 + pl ||
		    memcmp(r.blob.d + r.blob.len - pl, pk, pl) ||
		    hostkey_sign(&k, a, m, ml, &r.sig) != SSH_OK || sig_raw(&r.sig, &raw, &rl) || rl != wl ||
		    memcmp(raw, want, wl))
			run_fail(&r, "signature differs");
		hostkey_free(&k);
	}
	run_close(&r);
}

int main(void)
{
	if (crypto_init() != 0 || !mkdtemp(tmpdir)) {
		CHECK(0, "setup");
		return 1;
	}
	ecdsa_file("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json", "ecdsa-sha2-nistp256", 32);
	ecdsa_file("wycheproof/ecdsa_secp384r1_sha384_p1363_test.json", "ecdsa-sha2-nistp384", 48);
	ecdsa_file("wycheproof/ecdsa_secp521r1_sha512_p1363_test.json", "ecdsa-sha2-nistp521", 66);
	rsa_verify_file("wycheproof/rsa_signature_2048_sha256_test.json", "rsa-sha2-256");
	rsa_verify_file("wycheproof/rsa_signature_2048_sha512_test.json", "rsa-sha2-512");
	rsa_verify_file("wycheproof/rsa_signature_3072_sha256_test.json", "rsa-sha2-256");
	rsa_verify_file("wycheproof/rsa_signature_3072_sha512_test.json", "rsa-sha2-512");
	rsa_verify_file("wycheproof/rsa_signature_4096_sha256_test.json", "rsa-sha2-256");
	rsa_verify_file("wycheproof/rsa_signature_4096_sha512_test.json", "rsa-sha2-512");
	rsa_sign_file("wycheproof/rsa_pkcs1_2048_sig_gen_test.json");
	rsa_sign_file("wycheproof/rsa_pkcs1_4096_sig_gen_test.json");
	ed25519_verify_file();
	ed25519_sign_file();
	rmdir(tmpdir);
	return t_done();
}
