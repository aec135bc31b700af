/* Host certificates: loading HostCertificate files and pairing each with
 * its private key. The certificate is not checked here (its CA, validity
 * and principals are the client's business, as in sshd); only that it is
 * well-formed enough to name the key it certifies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kex/base64.h"
#include "kex/hostcert.h"
#include "transport/namelist.h"

const struct hostcert_alg hostcert_algs[] = {
	{"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519"},
	{"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256"},
	{"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384"},
	{"ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521"},
	{"rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512"},
	{"rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256"},
	{NULL, NULL},
};

/* certificate blob type, the plain key type, its key fields */
static const struct {
	const char *cert, *plain;
	int nfields;
} certkeys[] = {
	{"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", 1},
	{"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256", 2},
	{"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384", 2},
	{"ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521", 2},
	{"ssh-rsa-cert-v01@openssh.com", "ssh-rsa", 2},
};

const struct hostcert_alg *hostcert_alg_find(const uint8_t *name, size_t len)
{
	for (const struct hostcert_alg *a = hostcert_algs; a->name; a++)
		if (name_eq(a->name, name, len))
			return a;
	return NULL;
}

int hostcert_plain_blob(const uint8_t *cert, size_t len, struct buf *out)
{
	struct rd r;
	const uint8_t *t, *f;
	size_t tl, fl;
	uint32_t type;
	uint64_t serial;
	rd_init(&r, cert, len);
	/* type, nonce */
	if (rd_text(&r, &t, &tl) != SSH_OK || rd_string(&r, NULL, NULL) != SSH_OK)
		return SSH_ERR_FORMAT;
	for (size_t i = 0; i < sizeof certkeys / sizeof certkeys[0]; i++) {
		if (!name_eq(certkeys[i].cert, t, tl))
			continue;
		buf_cstring(out, certkeys[i].plain);
		/* the key's fields, copied as they are */
		for (int j = 0; j < certkeys[i].nfields; j++) {
			if (rd_string(&r, &f, &fl) != SSH_OK)
				return SSH_ERR_FORMAT;
			buf_string(out, f, fl);
		}
		/* serial, type: a host certificate */
		if (rd_u64(&r, &serial) != SSH_OK || rd_u32(&r, &type) != SSH_OK || type != 2)
			return SSH_ERR_FORMAT;
		return out->err;
	}
	return SSH_ERR_FORMAT;
}

/* the certificate blob of a .pub line in b (replaced by the blob) */
static int read_cert(const char *path, struct buf *b)
{
	char line[16384], *sp, *end;
	FILE *f = fopen(path, "re");
	int ok;
	if (!f)
		return SSH_ERR_FILE;
	ok = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	if (!ok || !(sp = strchr(line, ' ')))
		return SSH_ERR_FORMAT;
	sp++;
	end = sp + strcspn(sp, " \t\r\n");
	buf_reset(b);
	return b64_decode(sp, (size_t)(end - sp), b) == SSH_OK ? SSH_OK : SSH_ERR_FORMAT;
}

/* the key among keys whose public blob is plain, or -1 */
static int key_of(struct hostkey *keys, int nkeys, const struct buf *plain)
{
	struct buf pub;
	int found = -1;
	buf_init(&pub, 0);
	for (int i = 0; i < nkeys && found < 0; i++) {
		buf_reset(&pub);
		if (hostkey_public_blob(&keys[i], &pub) == SSH_OK && pub.len == plain->len &&
		    !memcmp(pub.d, plain->d, pub.len))
			found = i;
	}
	buf_free(&pub);
	return found;
}

void hostcerts_load(const char *const *files, int nfiles, const struct logger *log, struct hostkey *keys,
		    int nkeys)
{
	struct buf cert, plain;
	int i, k, e;
	buf_init(&cert, 0);
	buf_init(&plain, 0);
	for (i = 0; i < nfiles; i++) {
		buf_reset(&plain);
		if ((e = read_cert(files[i], &cert)) != SSH_OK) {
			logit(log, LOG_ERR, "Could not load host certificate \"%s\": %s", files[i],
			      e == SSH_ERR_FILE ? strerror(errno) : "invalid format");
		} else if (hostcert_plain_blob(cert.d, cert.len, &plain) != SSH_OK) {
			logit(log, LOG_ERR, "Certificate file is not a host certificate: %s", files[i]);
		} else if ((k = key_of(keys, nkeys, &plain)) < 0) {
			logit(log, LOG_ERR, "No matching private key for certificate: %s", files[i]);
		} else {
			free(keys[k].cert);
			if ((keys[k].cert = malloc(cert.len)) != NULL) {
				memcpy(keys[k].cert, cert.d, cert.len);
				keys[k].cert_len = cert.len;
			}
		}
	}
	buf_free(&cert);
	buf_free(&plain);
}
