/* The openssh-key-v1 private key format (OpenSSH PROTOCOL.key), without
 * encryption, and hostkey_save, which writes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kex/base64.h"
#include "kex/hostkey.h"
#include "transport/crypto.h"
#include "transport/namelist.h"

/* the magic includes its terminating NUL */
static const char magic[] = "openssh-key-v1";
#define MAGIC_LEN sizeof magic
/* cipher "none" pads the private section to multiples of 8 */
#define BLOCK 8

/* the public blob derived from the private key must be the stored one */
static int same_public(const struct hostkey *k, const uint8_t *pub, size_t len)
{
	struct buf b;
	int e;
	buf_init(&b, 0);
	e = hostkey_public_blob(k, &b);
	if (e == SSH_OK && (b.len != len || memcmp(b.d, pub, len)))
		e = SSH_ERR_KEY;
	buf_free(&b);
	return e;
}

int keyfile_openssh_read(const uint8_t *p, size_t len, struct hostkey *k)
{
	struct rd r, priv;
	const uint8_t *cipher, *kdf, *kdfopt, *pub, *type, *comment;
	size_t cl, kl, kol, pl, tl, col;
	uint32_t nkeys, check1, check2;
	const struct keyops *o;
	uint8_t pad, want = 1;
	int e;

	if (len < MAGIC_LEN || memcmp(p, magic, MAGIC_LEN))
		return SSH_ERR_KEY;
	/* string ciphername, string kdfname, string kdfoptions,
	 * uint32 number of keys, string public key, string private section */
	rd_init(&r, p + MAGIC_LEN, len - MAGIC_LEN);
	if ((e = rd_text(&r, &cipher, &cl)) != SSH_OK || (e = rd_text(&r, &kdf, &kl)) != SSH_OK ||
	    (e = rd_string(&r, &kdfopt, &kol)) != SSH_OK)
		return e;
	if (!name_eq("none", cipher, cl))
		return SSH_ERR_ENCRYPTED;
	if (!name_eq("none", kdf, kl) || kol != 0)
		return SSH_ERR_KEY;
	if ((e = rd_u32(&r, &nkeys)) != SSH_OK || (e = rd_string(&r, &pub, &pl)) != SSH_OK ||
	    (e = rd_sub(&r, &priv)) != SSH_OK || (e = rd_end(&r)) != SSH_OK)
		return e;
	if (nkeys != 1 || rd_left(&priv) % BLOCK)
		return SSH_ERR_KEY;
	/* private section: uint32 checkint twice, string type, the type's
	 * fields, string comment, padding 1, 2, 3, ... */
	if ((e = rd_u32(&priv, &check1)) != SSH_OK || (e = rd_u32(&priv, &check2)) != SSH_OK ||
	    (e = rd_text(&priv, &type, &tl)) != SSH_OK)
		return e;
	if (check1 != check2)
		return SSH_ERR_KEY;
	/* a well-formed key of a type we do not sign with (ssh-dss) */
	if (!(o = keyops_by_name(type, tl)))
		return SSH_ERR_UNSUPPORTED;
	if ((e = o->get_private(o->type, &priv, &k->priv)) != SSH_OK)
		return e;
	k->type = o->type;
	if ((e = rd_string(&priv, &comment, &col)) != SSH_OK)
		return e;
	while (rd_left(&priv) > 0) {
		if ((e = rd_u8(&priv, &pad)) != SSH_OK)
			return e;
		if (pad != want++)
			return SSH_ERR_KEY;
	}
	return same_public(k, pub, pl);
}

static int openssh_encode(const struct hostkey *k, struct buf *out)
{
	const struct keyops *o = keyops_get(k->type);
	size_t pubmark, privmark, start;
	uint32_t check;
	uint8_t pad = 1;
	int e;

	if (!o || !k->priv)
		return SSH_ERR_KEY;
	rand_bytes(&check, sizeof check);
	e = buf_put(out, magic, MAGIC_LEN);
	if (e == SSH_OK)
		e = buf_cstring(out, "none");
	if (e == SSH_OK)
		e = buf_cstring(out, "none");
	if (e == SSH_OK)
		e = buf_string(out, NULL, 0);
	if (e == SSH_OK)
		e = buf_u32(out, 1);
	if (e == SSH_OK)
		e = buf_string_begin(out, &pubmark);
	if (e == SSH_OK)
		e = hostkey_public_blob(k, out);
	if (e == SSH_OK) {
		buf_string_end(out, pubmark);
		e = buf_string_begin(out, &privmark);
	}
	start = out->len;
	if (e == SSH_OK)
		e = buf_u32(out, check);
	if (e == SSH_OK)
		e = buf_u32(out, check);
	if (e == SSH_OK)
		e = buf_cstring(out, o->name);
	if (e == SSH_OK)
		e = o->put_private(k->priv, out);
	if (e == SSH_OK)
		e = buf_string(out, NULL, 0); /* comment */
	while (e == SSH_OK && (out->len - start) % BLOCK)
		e = buf_u8(out, pad++);
	if (e == SSH_OK)
		buf_string_end(out, privmark);
	return e;
}

/* Writes through a temporary file and a rename, so a crash never leaves a
 * half-written key under the real name. */
static int write_file(const char *path, const uint8_t *p, size_t n, mode_t mode)
{
	size_t plen = strlen(path), done = 0;
	char *tmp = malloc(plen + 8);
	int fd, e = SSH_ERR_FILE;

	if (!tmp)
		return SSH_ERR_ALLOC;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	fd = mkstemp(tmp); /* creates the file with mode 0600 */
	if (fd < 0) {
		free(tmp);
		return SSH_ERR_FILE;
	}
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done == n && fchmod(fd, mode) == 0 && fsync(fd) == 0)
		e = SSH_OK;
	if (close(fd) != 0)
		e = SSH_ERR_FILE;
	if (e == SSH_OK && rename(tmp, path) != 0)
		e = SSH_ERR_FILE;
	if (e != SSH_OK)
		unlink(tmp);
	free(tmp);
	return e;
}

/* the .pub line: type and base64 blob, no comment */
static int public_line(const struct hostkey *k, struct buf *out)
{
	const char *name = keytype_name(k->type);
	struct buf blob;
	int e;

	buf_init(&blob, 0);
	e = hostkey_public_blob(k, &blob);
	if (e == SSH_OK)
		e = buf_put(out, name, strlen(name));
	if (e == SSH_OK)
		e = buf_u8(out, ' ');
	if (e == SSH_OK)
		e = b64_encode(blob.d, blob.len, 1, out);
	if (e == SSH_OK)
		e = buf_u8(out, '\n');
	buf_free(&blob);
	return e;
}

int hostkey_save(const struct hostkey *k, const char *path)
{
	struct buf bin, text, pub;
	char *pubpath = malloc(strlen(path) + 5);
	int e = pubpath ? SSH_OK : SSH_ERR_ALLOC;

	buf_init(&bin, 0);
	buf_init(&text, 0);
	buf_init(&pub, 0);
	if (e == SSH_OK)
		e = openssh_encode(k, &bin);
	if (e == SSH_OK)
		e = pem_encode("OPENSSH PRIVATE KEY", bin.d, bin.len, &text);
	if (e == SSH_OK)
		e = public_line(k, &pub);
	if (e == SSH_OK) {
		sprintf(pubpath, "%s.pub", path);
		e = write_file(path, text.d, text.len, 0600);
	}
	if (e == SSH_OK)
		e = write_file(pubpath, pub.d, pub.len, 0644);
	free(pubpath);
	buf_free(&bin);
	buf_free(&text);
	buf_free(&pub);
	return e;
}
