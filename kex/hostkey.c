/* The tables of signature algorithms and key types, and the entry points
 * that dispatch through them. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tomcrypt.h>
#include <tommath.h>

#include "kex/base64.h"
#include "kex/hostkey.h"
#include "transport/crypto.h"
#include "transport/namelist.h"

/* far above any real key file (a 16384-bit RSA key is about 13 KiB) */
#define KEYFILE_MAX (256u * 1024)

const struct sigalg sigalgs[] = {
	{"ssh-ed25519", KEY_ED25519, 0, NULL, 0},
	{"ecdsa-sha2-nistp256", KEY_ECDSA_P256, 0, "sha256", 0},
	{"ecdsa-sha2-nistp384", KEY_ECDSA_P384, 0, "sha384", 0},
	{"ecdsa-sha2-nistp521", KEY_ECDSA_P521, 0, "sha512", 0},
	{"rsa-sha2-512", KEY_RSA, 0, "sha512", 4},
	{"rsa-sha2-256", KEY_RSA, 0, "sha256", 2},
	{"ssh-rsa", KEY_RSA, 1, "sha1", 0},
	{NULL, KEY_NONE, 0, NULL, 0},
};

static const struct keyops *const keytypes[] = {
	&keyops_ed25519, &keyops_ecdsa_p256, &keyops_ecdsa_p384,
	&keyops_ecdsa_p521, &keyops_rsa, NULL,
};

const struct sigalg *sigalg_find(const uint8_t *name, size_t len)
{
	const struct sigalg *a;
	for (a = sigalgs; a->name; a++)
		if (name_eq(a->name, name, len))
			return a;
	return NULL;
}

const char *kex_sigalg_name(const struct sigalg *a) { return a->name; }
const struct sigalg *kex_sigalg_find(const uint8_t *name, size_t len) { return sigalg_find(name, len); }

const struct keyops *keyops_get(enum keytype t)
{
	const struct keyops *const *o;
	for (o = keytypes; *o; o++)
		if ((*o)->type == t)
			return *o;
	return NULL;
}

const struct keyops *keyops_by_name(const uint8_t *name, size_t len)
{
	const struct keyops *const *o;
	for (o = keytypes; *o; o++)
		if (name_eq((*o)->name, name, len))
			return *o;
	return NULL;
}

const char *keytype_name(enum keytype t)
{
	const struct keyops *o = keyops_get(t);
	return o ? o->name : NULL;
}

static int read_file(const char *path, struct buf *out)
{
	struct stat st;
	uint8_t *p;
	size_t got = 0;
	int e = SSH_ERR_FILE;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return SSH_ERR_FILE;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	if (st.st_size < 0 || (uintmax_t)st.st_size > KEYFILE_MAX) {
		e = SSH_ERR_KEY;
		goto out;
	}
	e = buf_reserve(out, (size_t)st.st_size, &p);
	while (e == SSH_OK && got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			e = SSH_ERR_FILE;
		else
			got += (size_t)r;
	}
out:
	close(fd);
	return e;
}

int hostkey_load(const char *path, struct hostkey *k)
{
	struct buf file, der;
	const char *label;
	size_t ll, off = 0, used;
	int e;

	memset(k, 0, sizeof *k);
	if (crypto_init() != 0)
		return SSH_ERR_CRYPTO;
	buf_init(&file, 0);
	buf_init(&der, 0);
	e = read_file(path, &file);
	/* openssl ecparam -genkey puts an "EC PARAMETERS" block first */
	while (e == SSH_OK) {
		buf_reset(&der);
		e = pem_decode(file.d + off, file.len - off, &label, &ll, &der, &used);
		if (e != SSH_OK || !name_eq("EC PARAMETERS", label, ll))
			break;
		off += used;
	}
	if (e == SSH_OK) {
		if (name_eq("OPENSSH PRIVATE KEY", label, ll))
			e = keyfile_openssh_read(der.d, der.len, k);
		else
			e = keyfile_pem_read(label, ll, der.d, der.len, k);
	}
	if (e == SSH_OK && !(k->path = strdup(path)))
		e = SSH_ERR_ALLOC;
	/* the contract has one code for every kind of bad content */
	if (e != SSH_OK && e != SSH_ERR_FILE && e != SSH_ERR_ENCRYPTED && e != SSH_ERR_ALLOC && e != SSH_ERR_UNSUPPORTED)
		e = SSH_ERR_KEY;
	if (e != SSH_OK)
		hostkey_free(k);
	buf_free(&file);
	buf_free(&der);
	return e;
}

int hostkey_generate(struct hostkey *k, enum keytype type, int bits)
{
	const struct keyops *o;
	int e;

	memset(k, 0, sizeof *k);
	if (crypto_init() != 0)
		return SSH_ERR_CRYPTO;
	/* for ECDSA, bits names the curve; 0 keeps the type's own */
	if (bits && (type == KEY_ECDSA_P256 || type == KEY_ECDSA_P384 || type == KEY_ECDSA_P521)) {
		if (bits == 256)
			type = KEY_ECDSA_P256;
		else if (bits == 384)
			type = KEY_ECDSA_P384;
		else if (bits == 521)
			type = KEY_ECDSA_P521;
		else
			return SSH_ERR_UNSUPPORTED;
	}
	o = keyops_get(type);
	if (!o)
		return SSH_ERR_UNSUPPORTED;
	e = o->generate(type, bits, &k->priv);
	if (e == SSH_OK)
		k->type = type;
	return e;
}

void hostkey_free(struct hostkey *k)
{
	const struct keyops *o = keyops_get(k->type);
	if (o && k->priv)
		o->free(k->priv);
	if (k->agent_fd > 0)
		close(k->agent_fd);
	free(k->agent_blob);
	k->agent_blob = NULL;
	k->agent_fd = 0;
	free(k->path);
	free(k->cert);
	k->cert = NULL;
	k->cert_len = 0;
	free(k->pub);
	k->type = KEY_NONE;
	k->priv = NULL;
	k->path = NULL;
	k->pub = NULL;
	k->publen = 0;
}

int hostkey_public_only(struct hostkey *k, const uint8_t *blob, size_t len)
{
	struct rd r;
	const uint8_t *name;
	size_t nl;
	const struct keyops *o;

	rd_init(&r, blob, len);
	/* string key type: the rest is the monitor's, which made it */
	if (rd_string(&r, &name, &nl) != SSH_OK || !(o = keyops_by_name(name, nl)))
		return SSH_ERR_KEY;
	memset(k, 0, sizeof *k);
	if (!(k->pub = malloc(len)))
		return SSH_ERR_ALLOC;
	memcpy(k->pub, blob, len);
	k->publen = len;
	k->type = o->type;
	return SSH_OK;
}

int hostkey_public_blob(const struct hostkey *k, struct buf *out)
{
	const struct keyops *o = keyops_get(k->type);
	size_t start = out->len;
	int e;

	if (k->agent_blob)
		return buf_put(out, k->agent_blob, k->agent_bloblen);
	if (k->pub)
		return buf_put(out, k->pub, k->publen);
	if (!o || !k->priv)
		return SSH_ERR_KEY;
	e = buf_cstring(out, o->name);
	if (e == SSH_OK)
		e = o->put_public(k->priv, out);
	if (e != SSH_OK)
		out->len = start;
	return e;
}

int hostkey_sign(const struct hostkey *k, const struct sigalg *alg, const uint8_t *data,
		 size_t len, struct buf *out)
{
	const struct keyops *o = keyops_get(k->type);
	size_t start = out->len, mark;
	int e;

	if (k->agent_blob && alg->type == k->type)
		return hostkey_agent_sign(k, alg, data, len, out);
	if (!o || !k->priv || alg->type != k->type)
		return SSH_ERR_KEY;
	e = buf_cstring(out, alg->name);
	if (e == SSH_OK)
		e = buf_string_begin(out, &mark);
	if (e == SSH_OK)
		e = o->sign(k->priv, alg, data, len, out);
	if (e == SSH_OK)
		buf_string_end(out, mark);
	else
		out->len = start;
	return e;
}

int hostkey_selftest(const struct hostkey *k)
{
	static const uint8_t msg[] = "sshd-lite host key self-test";
	struct buf blob, sig;
	int e = SSH_ERR_KEY;

	buf_init(&blob, 0);
	buf_init(&sig, 0);
	if (hostkey_public_blob(k, &blob) != SSH_OK || blob.err)
		goto out;
	for (int i = 0; sigalgs[i].name; i++) {
		if (sigalgs[i].type != k->type)
			continue;
		buf_reset(&sig);
		if ((e = hostkey_sign(k, &sigalgs[i], msg, sizeof msg - 1, &sig)) != SSH_OK)
			goto out;
		if ((e = key_verify(&sigalgs[i], blob.d, blob.len, msg, sizeof msg - 1, sig.d, sig.len)) != SSH_OK)
			goto out;
	}
out:
	buf_free(&blob);
	buf_free(&sig);
	return e;
}

int key_verify(const struct sigalg *alg, const uint8_t *blob, size_t bloblen,
	       const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	const struct keyops *o;
	struct rd b, s;
	const uint8_t *name, *raw;
	size_t nlen, rawlen;
	int e;

	if (crypto_init() != 0)
		return SSH_ERR_CRYPTO;
	rd_init(&b, blob, bloblen);
	if ((e = rd_text(&b, &name, &nlen)) != SSH_OK)
		return SSH_ERR_FORMAT;
	o = keyops_by_name(name, nlen);
	if (!o || o->type != alg->type)
		return SSH_ERR_KEY;
	/* signature blob: string algorithm name, string raw signature */
	rd_init(&s, sig, siglen);
	if (rd_text(&s, &name, &nlen) != SSH_OK || rd_string(&s, &raw, &rawlen) != SSH_OK ||
	    rd_end(&s) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (!name_eq(alg->name, name, nlen))
		return SSH_ERR_SIG;
	return o->verify(alg->type, alg, &b, data, len, raw, rawlen);
}

int key_fingerprint(const uint8_t *blob, size_t bloblen, char *out, size_t outlen)
{
	uint8_t h[32];
	unsigned long hl = sizeof h;
	struct buf b;
	int e;

	if (crypto_init() != 0 || hash_memory(idx_sha256(), blob, bloblen, h, &hl) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	buf_init(&b, 0);
	e = buf_put(&b, "SHA256:", 7);
	if (e == SSH_OK)
		e = b64_encode(h, hl, 0, &b);
	if (e == SSH_OK && b.len >= outlen)
		e = SSH_ERR_TOOBIG;
	if (e == SSH_OK) {
		memcpy(out, b.d, b.len);
		out[b.len] = 0;
	}
	buf_free(&b);
	return e;
}

int sig_digest(const char *hash, const uint8_t *data, size_t len, uint8_t *out, size_t *outlen)
{
	int idx = find_hash(hash);
	unsigned long n = *outlen;

	if (idx < 0 || hash_memory(idx, data, len, out, &n) != CRYPT_OK)
		return SSH_ERR_CRYPTO;
	*outlen = n;
	return SSH_OK;
}

int mp_put_fixed(const void *mp, uint8_t *out, size_t len)
{
	size_t n = mp_ubin_size(mp);
	if (n > len)
		return SSH_ERR_TOOBIG;
	memset(out, 0, len - n);
	return mp_to_ubin(mp, out + len - n, n, NULL) == MP_OKAY ? SSH_OK : SSH_ERR_CRYPTO;
}

int mp_put_mpint(struct buf *out, const void *mp)
{
	size_t n = mp_ubin_size(mp);
	uint8_t *tmp = malloc(n + 1);
	int e;

	if (!tmp)
		return SSH_ERR_ALLOC;
	e = mp_put_fixed(mp, tmp, n);
	if (e == SSH_OK)
		e = buf_mpint(out, tmp, n);
	/* private exponents and primes pass through here */
	wipe(tmp, n + 1);
	free(tmp);
	return e;
}
