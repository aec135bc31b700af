/* Host keys against ssh-keygen: loading every file format it writes,
 * public blobs and fingerprints equal to its own, sign/verify round trips
 * for every algorithm, encrypted, missing, truncated and corrupted files,
 * and keys generated and saved here that ssh-keygen reads back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kex/base64.h"
#include "kex/hostkey.h"
#include "transport/crypto.h"
#include "t.h"

static char dir[] = "/tmp/sshl-hostkey.XXXXXX";

static const struct sigalg *alg(const char *name)
{
	return sigalg_find((const uint8_t *)name, strlen(name));
}

/* first line of a command's output, without the newline */
static int run(const char *cmd, char *out, size_t outlen)
{
	FILE *p = popen(cmd, "r");
	int ok;
	if (!p)
		return 0;
	out[0] = 0;
	if (!fgets(out, (int)outlen, p))
		out[0] = 0;
	out[strcspn(out, "\n")] = 0;
	ok = pclose(p) == 0;
	return ok;
}

static int read_all(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	uint8_t tmp[4096];
	size_t n;
	if (!f)
		return 0;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_put(b, tmp, n);
	fclose(f);
	return 1;
}

static int write_all(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(p, 1, n, f);
	return fclose(f) == 0;
}

/* the blob of a "type base64 [comment]" line */
static int pub_line_blob(const char *line, struct buf *blob)
{
	const char *b = strchr(line, ' ');
	size_t n;
	if (!b)
		return 0;
	b++;
	n = strcspn(b, " \n");
	return b64_decode(b, n, blob) == SSH_OK;
}

static int pub_file_blob(const char *path, struct buf *blob)
{
	char line[8192];
	FILE *f = fopen(path, "r");
	int ok = f && fgets(line, sizeof line, f) && pub_line_blob(line, blob);
	if (f)
		fclose(f);
	return ok;
}

/* signs with every algorithm of the key's type and verifies the result;
 * also checks that altered data and a foreign algorithm name fail */
static void round_trips(const char *what, const struct hostkey *k, const struct buf *blob)
{
	static const uint8_t data[] = "exchange hash stand-in";
	const struct sigalg *a;
	struct buf sig;
	int n = 0;

	buf_init(&sig, 0);
	for (a = sigalgs; a->name; a++) {
		if (a->type != k->type)
			continue;
		n++;
		buf_reset(&sig);
		CHECK(hostkey_sign(k, a, data, sizeof data, &sig) == SSH_OK &&
			      key_verify(a, blob->d, blob->len, data, sizeof data, sig.d, sig.len) == SSH_OK,
		      "%s: %s sign and verify", what, a->name);
		CHECK(key_verify(a, blob->d, blob->len, data, sizeof data - 1, sig.d, sig.len) == SSH_ERR_SIG,
		      "%s: %s rejects other data", what, a->name);
		sig.d[sig.len - 1] ^= 1;
		CHECK(key_verify(a, blob->d, blob->len, data, sizeof data, sig.d, sig.len) != SSH_OK,
		      "%s: %s rejects a flipped bit", what, a->name);
	}
	CHECK(n > 0, "%s: has signature algorithms", what);
	buf_free(&sig);
}

static void fingerprint(const char *what, const char *pubpath, const struct buf *blob)
{
	char cmd[512], out[512], fp[64];
	snprintf(cmd, sizeof cmd, "ssh-keygen -l -E sha256 -f '%s'", pubpath);
	CHECK(run(cmd, out, sizeof out) && key_fingerprint(blob->d, blob->len, fp, sizeof fp) == SSH_OK &&
		      !strncmp(strchr(out, ' ') + 1, fp, strlen(fp)) && strchr(out, ' ')[1 + strlen(fp)] == ' ',
	      "%s: fingerprint %s as ssh-keygen prints it", what, fp);
}

struct spec {
	const char *name, *args, *header;
};

static const struct spec specs[] = {
	{"ed25519", "-t ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----"},
	{"ecdsa256", "-t ecdsa -b 256", "-----BEGIN OPENSSH PRIVATE KEY-----"},
	{"ecdsa384", "-t ecdsa -b 384", "-----BEGIN OPENSSH PRIVATE KEY-----"},
	{"ecdsa521", "-t ecdsa -b 521", "-----BEGIN OPENSSH PRIVATE KEY-----"},
	{"rsa2048", "-t rsa -b 2048", "-----BEGIN OPENSSH PRIVATE KEY-----"},
	{"ecdsa256-pem", "-t ecdsa -b 256 -m PEM", "-----BEGIN EC PRIVATE KEY-----"},
	{"ecdsa384-pem", "-t ecdsa -b 384 -m PEM", "-----BEGIN EC PRIVATE KEY-----"},
	{"ecdsa521-pem", "-t ecdsa -b 521 -m PEM", "-----BEGIN EC PRIVATE KEY-----"},
	{"rsa2048-pem", "-t rsa -b 2048 -m PEM", "-----BEGIN RSA PRIVATE KEY-----"},
	{"ecdsa256-pkcs8", "-t ecdsa -b 256 -m PKCS8", "-----BEGIN PRIVATE KEY-----"},
	{"ecdsa384-pkcs8", "-t ecdsa -b 384 -m PKCS8", "-----BEGIN PRIVATE KEY-----"},
	{"ecdsa521-pkcs8", "-t ecdsa -b 521 -m PKCS8", "-----BEGIN PRIVATE KEY-----"},
	{"rsa2048-pkcs8", "-t rsa -b 2048 -m PKCS8", "-----BEGIN PRIVATE KEY-----"},
	{"rsa1024", "-t rsa -b 1024", "-----BEGIN OPENSSH PRIVATE KEY-----"},
};

static void keygen_path(char *path, size_t n, const char *name)
{
	snprintf(path, n, "%s/%s", dir, name);
}

static int keygen(const char *name, const char *args, const char *pass)
{
	char path[256], cmd[512], out[256];
	keygen_path(path, sizeof path, name);
	snprintf(cmd, sizeof cmd, "ssh-keygen -q -N '%s' %s -f '%s' </dev/null 2>&1", pass, args, path);
	return run(cmd, out, sizeof out);
}

static void load_generated(void)
{
	size_t i;
	for (i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		const struct spec *s = &specs[i];
		char path[256], pub[300];
		struct buf want, blob, file;
		struct hostkey k;
		int rc;

		buf_init(&want, 0);
		buf_init(&blob, 0);
		buf_init(&file, 0);
		keygen_path(path, sizeof path, s->name);
		snprintf(pub, sizeof pub, "%s.pub", path);
		if (!keygen(s->name, s->args, "")) {
			CHECK(0, "%s: ssh-keygen %s", s->name, s->args);
			continue;
		}
		CHECK(read_all(path, &file) && file.len > strlen(s->header) &&
			      !memcmp(file.d, s->header, strlen(s->header)),
		      "%s: ssh-keygen wrote %s", s->name, s->header);
		rc = hostkey_load(path, &k);
		CHECK(rc == SSH_OK, "%s: loads (%d)", s->name, rc);
		if (rc == SSH_OK) {
			CHECK(k.path && !strcmp(k.path, path), "%s: remembers its path", s->name);
			CHECK(pub_file_blob(pub, &want) && hostkey_public_blob(&k, &blob) == SSH_OK &&
				      blob.len == want.len && !memcmp(blob.d, want.d, want.len),
			      "%s: public blob equals the .pub file's", s->name);
			round_trips(s->name, &k, &blob);
			fingerprint(s->name, pub, &blob);
			hostkey_free(&k);
		}
		CHECK(k.priv == NULL && k.path == NULL, "%s: freed", s->name);
		buf_free(&want);
		buf_free(&blob);
		buf_free(&file);
	}
}

static void encrypted(void)
{
	static const struct spec enc[] = {
		{"enc-ed25519", "-t ed25519", NULL},
		{"enc-rsa-pem", "-t rsa -b 2048 -m PEM", NULL},
		{"enc-ecdsa-pkcs8", "-t ecdsa -b 256 -m PKCS8", NULL},
	};
	size_t i;
	for (i = 0; i < sizeof enc / sizeof enc[0]; i++) {
		char path[256];
		struct hostkey k;
		int rc = -100;
		keygen_path(path, sizeof path, enc[i].name);
		if (keygen(enc[i].name, enc[i].args, "secret"))
			rc = hostkey_load(path, &k);
		CHECK(rc == SSH_ERR_ENCRYPTED, "%s: passphrase-protected key refused (%d)", enc[i].name, rc);
	}
}

/* openssl ecparam -genkey writes the curve in a block of its own first */
static void ec_parameters_block(void)
{
	static const char params[] = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
	char path[256], pub[300];
	struct buf text, want, blob;
	struct hostkey k;
	int rc;

	buf_init(&text, 0);
	buf_init(&want, 0);
	buf_init(&blob, 0);
	keygen_path(path, sizeof path, "ecdsa256-pem");
	snprintf(pub, sizeof pub, "%s.pub", path);
	buf_put(&text, params, strlen(params));
	read_all(path, &text);
	keygen_path(path, sizeof path, "ecparams");
	write_all(path, text.d, text.len);
	rc = hostkey_load(path, &k);
	CHECK(rc == SSH_OK && pub_file_blob(pub, &want) && hostkey_public_blob(&k, &blob) == SSH_OK &&
		      blob.len == want.len && !memcmp(blob.d, want.d, want.len),
	      "EC PARAMETERS block before the key is skipped (%d)", rc);
	if (rc == SSH_OK)
		hostkey_free(&k);
	buf_free(&text);
	buf_free(&want);
	buf_free(&blob);
}

static void bad_files(void)
{
	char path[256];
	struct hostkey k;
	uint8_t junk[512];

	keygen_path(path, sizeof path, "missing");
	CHECK(hostkey_load(path, &k) == SSH_ERR_FILE, "missing file: SSH_ERR_FILE");
	CHECK(hostkey_load(dir, &k) == SSH_ERR_FILE, "directory: SSH_ERR_FILE");
	keygen_path(path, sizeof path, "junk");
	write_all(path, junk, 0);
	CHECK(hostkey_load(path, &k) == SSH_ERR_KEY, "empty file: SSH_ERR_KEY");
	rand_bytes(junk, sizeof junk);
	write_all(path, junk, sizeof junk);
	CHECK(hostkey_load(path, &k) == SSH_ERR_KEY, "random bytes: SSH_ERR_KEY");
	write_all(path, (const uint8_t *)"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", 75);
	CHECK(hostkey_load(path, &k) == SSH_ERR_KEY, "armor around junk: SSH_ERR_KEY");
	write_all(path, (const uint8_t *)"-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n", 67);
	CHECK(hostkey_load(path, &k) == SSH_ERR_KEY, "unsupported label: SSH_ERR_KEY");
}

/* Every truncation of the text, and every truncation and every corrupted
 * byte of the decoded key re-armored: no crash, and only a complete file
 * (or one missing just its final newline) loads. */
static void truncations(const char *name)
{
	char path[256], cut[300];
	struct buf file, bin, text;
	const char *label;
	char lab[64];
	size_t ll, n, i;
	int bad = 0, corrupt_ok = 0, total = 0;
	struct hostkey k;

	buf_init(&file, 0);
	buf_init(&bin, 0);
	buf_init(&text, 0);
	keygen_path(path, sizeof path, name);
	snprintf(cut, sizeof cut, "%s.cut", path);
	if (!read_all(path, &file) || pem_decode(file.d, file.len, &label, &ll, &bin, NULL) != SSH_OK ||
	    ll >= sizeof lab) {
		CHECK(0, "%s: readable for truncation", name);
		return;
	}
	memcpy(lab, label, ll);
	lab[ll] = 0;
	for (n = 0; n < file.len; n++) {
		int rc, want = n + 1 >= file.len ? SSH_OK : SSH_ERR_KEY;
		write_all(cut, file.d, n);
		rc = hostkey_load(cut, &k);
		if (rc == SSH_OK)
			hostkey_free(&k);
		if (rc != want && ++bad <= 3)
			printf("# %s: text cut at %zu gives %d\n", name, n, rc);
		total++;
	}
	for (n = 0; n < bin.len; n++) {
		int rc;
		buf_reset(&text);
		pem_encode(lab, bin.d, n, &text);
		write_all(cut, text.d, text.len);
		rc = hostkey_load(cut, &k);
		if (rc != SSH_ERR_KEY && ++bad <= 3)
			printf("# %s: key cut at %zu gives %d\n", name, n, rc);
		total++;
	}
	for (i = 0; i < bin.len; i++) {
		int rc;
		bin.d[i] ^= 0x41;
		buf_reset(&text);
		pem_encode(lab, bin.d, bin.len, &text);
		bin.d[i] ^= 0x41;
		write_all(cut, text.d, text.len);
		rc = hostkey_load(cut, &k);
		/* a flipped comment (or RSA's iqmp, which is recomputed)
		 * may still load; a changed cipher name reads as
		 * encryption with an unknown cipher */
		if (rc == SSH_ERR_ENCRYPTED && !strcmp(lab, "OPENSSH PRIVATE KEY") && i >= 19 && i < 23)
			rc = SSH_ERR_KEY;
		/* and a changed key type name as a type we do not sign with */
		if (rc == SSH_ERR_UNSUPPORTED && !strcmp(lab, "OPENSSH PRIVATE KEY"))
			rc = SSH_ERR_KEY;
		if (rc == SSH_OK) {
			corrupt_ok++;
			hostkey_free(&k);
		} else if (rc != SSH_ERR_KEY && ++bad <= 3) {
			printf("# %s: byte %zu flipped gives %d\n", name, i, rc);
		}
		total++;
	}
	unlink(cut);
	CHECK(bad == 0, "%s: %d truncated and corrupted files, %d bad results (%d corrupted still load)",
	      name, total, bad, corrupt_ok);
	buf_free(&file);
	buf_free(&bin);
	buf_free(&text);
}

/* ssh-keygen writes Ed25519 only as openssh-key-v1, so the PKCS#8 forms
 * (RFC 8410 7, RFC 5958 v2 with the public key) are built here around the
 * RFC 8032 7.1 test 1 key. */
static void ed25519_pkcs8(void)
{
	static const uint8_t seed[32] = {
		0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
		0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
	static const uint8_t pk[32] = {
		0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
		0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
	static const uint8_t v1[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03,
				     0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
	static const uint8_t v2[] = {0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03,
				     0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
	static const uint8_t v2pub[] = {0x81, 0x21, 0x00};
	char path[256];
	int form;

	keygen_path(path, sizeof path, "ed25519-pkcs8");
	for (form = 1; form <= 2; form++) {
		struct buf der, text, blob;
		struct hostkey k;
		int rc;
		buf_init(&der, 0);
		buf_init(&text, 0);
		buf_init(&blob, 0);
		buf_put(&der, form == 1 ? v1 : v2, sizeof v1);
		buf_put(&der, seed, 32);
		if (form == 2) {
			buf_put(&der, v2pub, sizeof v2pub);
			buf_put(&der, pk, 32);
		}
		pem_encode("PRIVATE KEY", der.d, der.len, &text);
		write_all(path, text.d, text.len);
		rc = hostkey_load(path, &k);
		CHECK(rc == SSH_OK && hostkey_public_blob(&k, &blob) == SSH_OK && blob.len == 4 + 11 + 4 + 32 &&
			      !memcmp(blob.d + blob.len - 32, pk, 32),
		      "ed25519 PKCS#8 v%d loads with the RFC 8032 public key (%d)", form, rc);
		if (rc == SSH_OK)
			hostkey_free(&k);
		/* one byte more inside the outer SEQUENCE is not DER of this shape */
		der.d[1]++;
		buf_u8(&der, 0);
		buf_reset(&text);
		pem_encode("PRIVATE KEY", der.d, der.len, &text);
		write_all(path, text.d, text.len);
		CHECK(hostkey_load(path, &k) == SSH_ERR_KEY, "ed25519 PKCS#8 v%d with a stray byte refused", form);
		buf_free(&der);
		buf_free(&text);
		buf_free(&blob);
	}
}

static void generate_and_save(void)
{
	static const struct {
		const char *name;
		enum keytype type;
		int bits;
	} g[] = {
		{"gen-ed25519", KEY_ED25519, 0},
		{"gen-ecdsa256", KEY_ECDSA_P256, 0},
		{"gen-ecdsa384", KEY_ECDSA_P256, 384},
		{"gen-ecdsa521", KEY_ECDSA_P521, 0},
		{"gen-rsa2048", KEY_RSA, 2048},
	};
	size_t i;
	for (i = 0; i < sizeof g / sizeof g[0]; i++) {
		char path[256], pub[300], cmd[600], out[8192];
		struct buf blob, want, back;
		struct hostkey k, r;
		struct stat st;
		int rc;

		buf_init(&blob, 0);
		buf_init(&want, 0);
		buf_init(&back, 0);
		keygen_path(path, sizeof path, g[i].name);
		snprintf(pub, sizeof pub, "%s.pub", path);
		rc = hostkey_generate(&k, g[i].type, g[i].bits);
		CHECK(rc == SSH_OK, "%s: generated (%d)", g[i].name, rc);
		if (rc != SSH_OK)
			continue;
		CHECK(hostkey_save(&k, path) == SSH_OK, "%s: saved", g[i].name);
		CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "%s: file mode 0600", g[i].name);
		hostkey_public_blob(&k, &blob);
		CHECK(pub_file_blob(pub, &want) && want.len == blob.len && !memcmp(want.d, blob.d, blob.len),
		      "%s: .pub holds the public blob", g[i].name);
		snprintf(cmd, sizeof cmd, "ssh-keygen -y -f '%s' 2>&1", path);
		buf_reset(&want);
		CHECK(run(cmd, out, sizeof out) && pub_line_blob(out, &want) && want.len == blob.len &&
			      !memcmp(want.d, blob.d, blob.len),
		      "%s: ssh-keygen -y derives the same public key", g[i].name);
		rc = hostkey_load(path, &r);
		CHECK(rc == SSH_OK && r.type == k.type && hostkey_public_blob(&r, &back) == SSH_OK &&
			      back.len == blob.len && !memcmp(back.d, blob.d, blob.len),
		      "%s: reloads (%d)", g[i].name, rc);
		if (rc == SSH_OK) {
			round_trips(g[i].name, &r, &blob);
			hostkey_free(&r);
		}
		hostkey_free(&k);
		truncations(g[i].name);
		buf_free(&blob);
		buf_free(&want);
		buf_free(&back);
	}
}

static void refusals(void)
{
	struct hostkey k;
	struct buf blob, sig;
	uint8_t n[127];
	static const uint8_t data[] = "x";

	CHECK(hostkey_generate(&k, KEY_RSA, 1024) == SSH_ERR_KEY, "RSA generation under 2048 bits refused");
	CHECK(hostkey_generate(&k, KEY_ECDSA_P256, 255) == SSH_ERR_UNSUPPORTED, "unknown ECDSA size refused");
	buf_init(&blob, 0);
	buf_init(&sig, 0);
	/* a 1016-bit modulus: too small to verify with */
	memset(n, 0xc5, sizeof n);
	buf_cstring(&blob, "ssh-rsa");
	buf_mpint(&blob, (const uint8_t *)"\x01\x00\x01", 3);
	buf_mpint(&blob, n, sizeof n);
	buf_cstring(&sig, "rsa-sha2-256");
	buf_string(&sig, n, sizeof n);
	CHECK(key_verify(alg("rsa-sha2-256"), blob.d, blob.len, data, 1, sig.d, sig.len) == SSH_ERR_KEY,
	      "RSA key under 1024 bits refused by key_verify");

	if (hostkey_generate(&k, KEY_ED25519, 0) == SSH_OK) {
		buf_reset(&blob);
		buf_reset(&sig);
		hostkey_public_blob(&k, &blob);
		hostkey_sign(&k, alg("ssh-ed25519"), data, 1, &sig);
		CHECK(key_verify(alg("ecdsa-sha2-nistp256"), blob.d, blob.len, data, 1, sig.d, sig.len) == SSH_ERR_KEY,
		      "key blob of another type: SSH_ERR_KEY");
		CHECK(hostkey_sign(&k, alg("rsa-sha2-256"), data, 1, &sig) == SSH_ERR_KEY,
		      "signing with another type's algorithm refused");
		buf_u8(&sig, 0);
		CHECK(key_verify(alg("ssh-ed25519"), blob.d, blob.len, data, 1, sig.d, sig.len) == SSH_ERR_FORMAT,
		      "trailing byte after the signature: SSH_ERR_FORMAT");
		sig.len--;
		buf_u8(&blob, 0);
		CHECK(key_verify(alg("ssh-ed25519"), blob.d, blob.len, data, 1, sig.d, sig.len) == SSH_ERR_FORMAT,
		      "trailing byte after the key: SSH_ERR_FORMAT");
		hostkey_free(&k);
	}
	if (hostkey_generate(&k, KEY_RSA, 2048) == SSH_OK) {
		buf_reset(&blob);
		buf_reset(&sig);
		hostkey_public_blob(&k, &blob);
		hostkey_sign(&k, alg("rsa-sha2-256"), data, 1, &sig);
		CHECK(key_verify(alg("rsa-sha2-512"), blob.d, blob.len, data, 1, sig.d, sig.len) == SSH_ERR_SIG,
		      "signature named for another algorithm: SSH_ERR_SIG");
		CHECK(key_verify(alg("ssh-rsa"), blob.d, blob.len, data, 1, sig.d, sig.len) == SSH_ERR_SIG,
		      "rsa-sha2-256 signature is not an ssh-rsa one");
		hostkey_free(&k);
	}
	buf_free(&blob);
	buf_free(&sig);
}

/* an openssh-key-v1 file's decoded body, and writing one back */
static int key_der(const char *path, struct buf *der)
{
	struct buf file;
	const char *label;
	size_t ll;
	int ok;
	buf_init(&file, 0);
	ok = read_all(path, &file) && pem_decode(file.d, file.len, &label, &ll, der, NULL) == SSH_OK;
	buf_free(&file);
	return ok;
}

static int put_der(const char *path, const struct buf *der)
{
	struct buf file;
	int ok;
	buf_init(&file, 0);
	ok = pem_encode("OPENSSH PRIVATE KEY", der->d, der->len, &file) == SSH_OK &&
	     write_all(path, file.d, file.len);
	buf_free(&file);
	return ok;
}

/* replaces every copy of from (n bytes) with to, or only the last one */
static int replace(struct buf *b, const uint8_t *from, const uint8_t *to, size_t n, int last_only)
{
	int count = 0;
	size_t at = SIZE_MAX;
	for (size_t i = 0; i + n <= b->len; i++) {
		if (memcmp(b->d + i, from, n))
			continue;
		at = i;
		if (!last_only) {
			memcpy(b->d + i, to, n);
			count++;
		}
	}
	if (last_only && at != SIZE_MAX) {
		memcpy(b->d + at, to, n);
		count++;
	}
	return count;
}

/* Loading takes the public half a file stores as it is (deriving it again
 * was most of a connection's work); hostkey_selftest, which sshd-lite -t
 * runs, catches a file whose halves do not belong together. */
/* a stored public half (ed25519, ECDSA) that is not the secret's: caught
 * by the self-test, or refused on loading where the file holds two copies
 * or a point off the curve; pl is the raw public key's length */
static void stored_half(enum keytype t, const char *n, size_t pl)
{
	struct hostkey a, b, k;
	struct buf ba, bb, der, bad;
	char path[256];

	buf_init(&ba, 0);
	buf_init(&bb, 0);
	buf_init(&der, 0);
	buf_init(&bad, 0);
	snprintf(path, sizeof path, "%s/halves-%s", dir, n);
	if (hostkey_generate(&a, t, 0) != SSH_OK || hostkey_generate(&b, t, 0) != SSH_OK ||
	    hostkey_save(&a, path) != SSH_OK || hostkey_public_blob(&a, &ba) != SSH_OK ||
	    hostkey_public_blob(&b, &bb) != SSH_OK || !key_der(path, &der)) {
		CHECK(0, "%s: two keys made and one saved", n);
		return;
	}
	CHECK(hostkey_selftest(&a) == SSH_OK, "%s: self-test passes for a sound key", n);
	CHECK(hostkey_load(path, &k) == SSH_OK && hostkey_selftest(&k) == SSH_OK,
	      "%s: self-test passes for the key read back", n);
	hostkey_free(&k);

	/* every copy of the public key swapped for another key's */
	buf_put(&bad, der.d, der.len);
	CHECK(replace(&bad, ba.d + ba.len - pl, bb.d + bb.len - pl, pl, 0) >= 2 && put_der(path, &bad),
	      "%s: file with another key's public half written", n);
	CHECK(hostkey_load(path, &k) == SSH_OK, "%s: a well-formed stored public key is taken as it is", n);
	CHECK(hostkey_selftest(&k) != SSH_OK, "%s: self-test catches the public half of another key", n);
	hostkey_free(&k);

	buf_reset(&bad);
	buf_put(&bad, der.d, der.len);
	if (t == KEY_ED25519) {
		/* the copy inside the 64-byte secret disagrees with the other */
		replace(&bad, ba.d + ba.len - pl, bb.d + bb.len - pl, pl, 1);
		CHECK(put_der(path, &bad) && hostkey_load(path, &k) != SSH_OK,
		      "%s: stored public copies that disagree refused", n);
	} else {
		/* Q moved off the curve: its last byte changed */
		uint8_t q[65];
		memcpy(q, ba.d + ba.len - pl, pl);
		q[pl - 1] ^= 1;
		CHECK(replace(&bad, ba.d + ba.len - pl, q, pl, 0) >= 2 && put_der(path, &bad) &&
			      hostkey_load(path, &k) != SSH_OK,
		      "%s: stored point not on the curve refused", n);
	}
	hostkey_free(&a);
	hostkey_free(&b);
	buf_free(&ba);
	buf_free(&bb);
	buf_free(&der);
	buf_free(&bad);
}

/* RSA: the stored qInv is used once checked; a wrong one would make
 * CRT signatures that give away a factor */
static void stored_rsa_qinv(void)
{
	struct hostkey a, k = {0};
	struct buf der;
	struct rd r, priv;
	const uint8_t *p, *iq;
	size_t l, iql;
	uint32_t u;
	char path[256];
	int ok;

	buf_init(&der, 0);
	snprintf(path, sizeof path, "%s/halves-rsa", dir);
	ok = hostkey_generate(&a, KEY_RSA, 2048) == SSH_OK && hostkey_save(&a, path) == SSH_OK &&
	     key_der(path, &der);
	rd_init(&r, der.d, der.len);
	/* magic, cipher, kdf, kdf options, count, public blob, private */
	ok = ok && rd_bytes(&r, 15, &p) == SSH_OK && rd_string(&r, &p, &l) == SSH_OK &&
	     rd_string(&r, &p, &l) == SSH_OK && rd_string(&r, &p, &l) == SSH_OK && rd_u32(&r, &u) == SSH_OK &&
	     rd_string(&r, &p, &l) == SSH_OK && rd_string(&r, &p, &l) == SSH_OK;
	rd_init(&priv, p, l);
	/* check ints, type, n, e, d, iqmp */
	ok = ok && rd_u32(&priv, &u) == SSH_OK && rd_u32(&priv, &u) == SSH_OK &&
	     rd_string(&priv, &p, &l) == SSH_OK && rd_mpint(&priv, 1024, &p, &l) == SSH_OK &&
	     rd_mpint(&priv, 1024, &p, &l) == SSH_OK && rd_mpint(&priv, 1024, &p, &l) == SSH_OK &&
	     rd_mpint(&priv, 1024, &iq, &iql) == SSH_OK && iql > 1;
	CHECK(ok && hostkey_load(path, &k) == SSH_OK && hostkey_selftest(&k) == SSH_OK,
	      "rsa: key with its stored qInv loads and passes the self-test");
	hostkey_free(&k);
	if (ok) {
		der.d[(size_t)(iq - der.d) + iql - 1] ^= 2;
		CHECK(put_der(path, &der) && hostkey_load(path, &k) != SSH_OK, "rsa: a wrong stored qInv refused");
		hostkey_free(&k);
	}
	hostkey_free(&a);
	buf_free(&der);
}

static void stored_public_halves(void)
{
	stored_half(KEY_ED25519, "ed25519", 32);
	stored_half(KEY_ECDSA_P256, "ecdsa", 65);
	stored_rsa_qinv();
}

static void tables(void)
{
	static const char *order[] = {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
				      "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", NULL};
	int i, ok = 1;
	for (i = 0; order[i]; i++)
		ok &= sigalgs[i].name && !strcmp(sigalgs[i].name, order[i]) && alg(order[i]) == &sigalgs[i] &&
		      sigalgs[i].legacy == !strcmp(order[i], "ssh-rsa");
	CHECK(ok && !sigalgs[i].name, "sigalgs in preference order, only ssh-rsa legacy");
	CHECK(!strcmp(keytype_name(KEY_RSA), "ssh-rsa") && !strcmp(keytype_name(KEY_ECDSA_P384), "ecdsa-sha2-nistp384") &&
		      keytype_name(KEY_NONE) == NULL,
	      "keytype_name");
	CHECK(alg("ssh-dss") == NULL && sigalg_find((const uint8_t *)"ssh-rsa", 6) == NULL, "unknown names not found");
}

static void base64(void)
{
	static const struct {
		const char *in;
		int ok;
	} dec[] = {
		{"", 1}, {"QQ==", 1}, {"QUI=", 1}, {"QUJD", 1}, {"QR==", 0}, {"QUJ=", 0},
		{"QQ=", 0}, {"QQ", 0}, {"Q===", 0}, {"QQ==QUJD", 0}, {"QU JD", 0}, {"QU*D", 0},
	};
	uint8_t p[64];
	struct buf a, b;
	size_t i, n;
	int ok = 1;

	buf_init(&a, 0);
	buf_init(&b, 0);
	for (i = 0; i < sizeof dec / sizeof dec[0]; i++) {
		buf_reset(&a);
		CHECK((b64_decode(dec[i].in, strlen(dec[i].in), &a) == SSH_OK) == dec[i].ok, "base64 \"%s\" %s",
		      dec[i].in, dec[i].ok ? "accepted" : "refused");
	}
	buf_reset(&a);
	CHECK(b64_decode("QUJD\n", 5, &a) == SSH_ERR_FORMAT, "base64 with a line break refused outside PEM");
	for (n = 0; n <= sizeof p; n++) {
		rand_bytes(p, n);
		buf_reset(&a);
		buf_reset(&b);
		ok &= b64_encode(p, n, 1, &a) == SSH_OK && a.len == (n + 2) / 3 * 4 &&
		      b64_decode((const char *)a.d, a.len, &b) == SSH_OK && b.len == n && (n == 0 || !memcmp(b.d, p, n));
	}
	CHECK(ok, "base64 round trips for 0..64 bytes");
	buf_reset(&a);
	CHECK(b64_encode((const uint8_t *)"\xfb\xff", 2, 0, &a) == SSH_OK && a.len == 3 && !memcmp(a.d, "+/8", 3),
	      "base64 alphabet ends in +/ and padding can be left out");
	buf_free(&a);
	buf_free(&b);
}

int main(void)
{
	char out[256];
	if (crypto_init() != 0 || !mkdtemp(dir)) {
		CHECK(0, "setup");
		return 1;
	}
	tables();
	base64();
	if (!run("command -v ssh-keygen", out, sizeof out)) {
		CHECK(0, "ssh-keygen is installed");
	} else {
		load_generated();
		encrypted();
		bad_files();
		truncations("ed25519");
		truncations("rsa2048-pem");
		truncations("ecdsa384-pkcs8");
		truncations("rsa2048-pkcs8");
		truncations("ecdsa521-pem");
		ed25519_pkcs8();
		ec_parameters_block();
		generate_and_save();
		stored_public_halves();
	}
	refusals();
	snprintf(out, sizeof out, "rm -rf '%s'", dir);
	if (system(out) != 0)
		CHECK(0, "temporary directory removed");
	return t_done();
}
