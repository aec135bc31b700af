/* OpenSSH certificate blobs (PROTOCOL.certkeys), read through the cursor:
 * the certified key is rebuilt as a plain key blob so that the existing
 * signature code checks the user's signature, and the CA's signature is
 * checked by key_verify over the bytes before it. */
#include <string.h>

#include "config/config.h"
#include "kex/hostkey.h"
#include "services/cert.h"
#include "services/userauth.h"
#include "transport/namelist.h"

/* one row per certificate type: the key fields (strings or mpints, copied
 * as they are) between the nonce and the serial */
struct certtype {
	const char *name;
	const char *plain;
	const char *logtype;
	int nfields;
};

static const struct certtype certtypes[] = {
	{"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", "ED25519-CERT", 1},
	{"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256", "ECDSA-CERT", 2},
	{"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384", "ECDSA-CERT", 2},
	{"ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521", "ECDSA-CERT", 2},
	{"ssh-rsa-cert-v01@openssh.com", "ssh-rsa", "RSA-CERT", 2},
	/* public key, application */
	{"sk-ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com", "ED25519-SK-CERT", 2},
	/* curve, Q, application */
	{"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK-CERT", 3},
	{NULL, NULL, NULL, 0},
};

/* OpenSSH's sshkey_type names for plain keys, for the CA in log lines */
static const char *const plain_logtypes[][2] = {
	{"ssh-ed25519", "ED25519"},
	{"ecdsa-sha2-nistp256", "ECDSA"},
	{"ecdsa-sha2-nistp384", "ECDSA"},
	{"ecdsa-sha2-nistp521", "ECDSA"},
	{"ssh-rsa", "RSA"},
	{"sk-ssh-ed25519@openssh.com", "ED25519-SK"},
	{"sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK"},
	{NULL, NULL},
};

static const struct certtype *certtype_find(const uint8_t *name, size_t len)
{
	for (const struct certtype *t = certtypes; t->name; t++)
		if (name_eq(t->name, name, len))
			return t;
	return NULL;
}

int cert_type_known(const uint8_t *name, size_t len) { return certtype_find(name, len) != NULL; }

const char *cert_key_logtype(const uint8_t *blob, size_t len)
{
	struct rd r;
	const uint8_t *n;
	size_t nl;
	rd_init(&r, blob, len);
	if (rd_text(&r, &n, &nl) == SSH_OK)
		for (int i = 0; plain_logtypes[i][0]; i++)
			if (name_eq(plain_logtypes[i][0], n, nl))
				return plain_logtypes[i][1];
	return "unknown";
}

void cert_init(struct cert *c)
{
	memset(c, 0, sizeof *c);
	buf_init(&c->key, 64 * 1024);
}

void cert_free(struct cert *c) { buf_free(&c->key); }

/* a packed list of (string name, string data) pairs; names are text and
 * appear at most once, so that a repeated option cannot say two things */
static int pairs_ok(const uint8_t *p, size_t len)
{
	struct rd r, s;
	const uint8_t *n, *m;
	size_t nl, ml;
	rd_init(&r, p, len);
	while (rd_left(&r)) {
		size_t at = r.off;
		if (rd_text(&r, &n, &nl) != SSH_OK || rd_string(&r, NULL, NULL) != SSH_OK)
			return 0;
		rd_init(&s, p, at);
		while (rd_left(&s))
			if (rd_text(&s, &m, &ml) != SSH_OK || rd_string(&s, NULL, NULL) != SSH_OK ||
			    (ml == nl && !memcmp(m, n, nl)))
				return 0;
	}
	return 1;
}

/* packed strings, each text */
static int strings_ok(const uint8_t *p, size_t len)
{
	struct rd r;
	rd_init(&r, p, len);
	while (rd_left(&r))
		if (rd_text(&r, NULL, NULL) != SSH_OK)
			return 0;
	return 1;
}

/* type name, nonce, key fields: the plain key blob is built as they go */
static int parse_key(struct cert *c, struct rd *r, const char **why)
{
	const uint8_t *n, *f;
	size_t nl, fl;
	const struct certtype *t;
	if (rd_text(r, &n, &nl) != SSH_OK || !(t = certtype_find(n, nl))) {
		*why = "not a certificate type sshd-lite reads";
		return SSH_ERR_FORMAT;
	}
	c->plain = t->plain;
	c->logtype = t->logtype;
	buf_reset(&c->key);
	buf_cstring(&c->key, t->plain);
	/* nonce */
	if (rd_string(r, NULL, NULL) != SSH_OK) {
		*why = "truncated nonce";
		return SSH_ERR_FORMAT;
	}
	for (int i = 0; i < t->nfields; i++) {
		if (rd_string(r, &f, &fl) != SSH_OK) {
			*why = "truncated key";
			return SSH_ERR_FORMAT;
		}
		buf_string(&c->key, f, fl);
	}
	return c->key.err;
}

int cert_parse(struct cert *c, const uint8_t *blob, size_t len, const char **why)
{
	struct rd r;
	int e;
	rd_init(&r, blob, len);
	c->blob = blob;
	c->blob_len = len;
	if ((e = parse_key(c, &r, why)) != SSH_OK)
		return e;
	*why = "truncated certificate";
	/* serial, type, key id, valid principals, valid after, valid before,
	 * critical options, extensions, reserved */
	if (rd_u64(&r, &c->serial) != SSH_OK || rd_u32(&r, &c->type) != SSH_OK ||
	    rd_text(&r, &c->key_id, &c->key_id_len) != SSH_OK ||
	    rd_string(&r, &c->principals, &c->principals_len) != SSH_OK || rd_u64(&r, &c->valid_after) != SSH_OK ||
	    rd_u64(&r, &c->valid_before) != SSH_OK || rd_string(&r, &c->crit, &c->crit_len) != SSH_OK ||
	    rd_string(&r, &c->ext, &c->ext_len) != SSH_OK || rd_string(&r, NULL, NULL) != SSH_OK)
		return SSH_ERR_FORMAT;
	/* signature key, then the signature over everything before it */
	if (rd_string(&r, &c->ca, &c->ca_len) != SSH_OK)
		return SSH_ERR_FORMAT;
	c->signed_len = r.off;
	if (rd_string(&r, &c->sig, &c->sig_len) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (rd_end(&r) != SSH_OK) {
		*why = "trailing bytes after the signature";
		return SSH_ERR_FORMAT;
	}
	if (c->type != CERT_USER && c->type != CERT_HOST) {
		*why = "unknown certificate type";
		return SSH_ERR_FORMAT;
	}
	if (!strings_ok(c->principals, c->principals_len)) {
		*why = "malformed principals";
		return SSH_ERR_FORMAT;
	}
	if (!pairs_ok(c->crit, c->crit_len) || !pairs_ok(c->ext, c->ext_len)) {
		*why = "malformed or repeated options";
		return SSH_ERR_FORMAT;
	}
	return SSH_OK;
}

/* a security-key CA: its type name when the CA key is one, else NULL */
static const char *sk_ca(const uint8_t *n, size_t nl)
{
	static const char *const sk[] = {"sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"};
	for (size_t i = 0; i < sizeof sk / sizeof sk[0]; i++)
		if (name_eq(sk[i], n, nl))
			return sk[i];
	return NULL;
}

int cert_verify(const struct cert *c, const uint8_t *blob, const char *ca_algs, const char **why)
{
	struct rd r;
	const uint8_t *n, *sn;
	size_t nl, snl;
	const struct sigalg *sa = NULL;
	const char *sk;
	int e;
	/* the CA key must be a plain key: a certificate as CA is refused */
	rd_init(&r, c->ca, c->ca_len);
	if (rd_text(&r, &n, &nl) != SSH_OK || (!keyops_by_name(n, nl) && !sk_ca(n, nl))) {
		*why = "CA key is not a plain key of a known type";
		return SSH_ERR_KEY;
	}
	sk = sk_ca(n, nl);
	/* the signature's algorithm name: a security key's is its key type */
	rd_init(&r, c->sig, c->sig_len);
	if (rd_text(&r, &sn, &snl) != SSH_OK || (sk ? !name_eq(sk, sn, snl) : !(sa = sigalg_find(sn, snl))) ||
	    !ca_algs || !namelist_has(ca_algs, strlen(ca_algs), sn, snl)) {
		*why = "CA signature algorithm not allowed by CASignatureAlgorithms";
		return SSH_ERR_SIG;
	}
	/* a security key CA signs without the user-presence rules of a login,
	 * as OpenSSH checks certificate signatures */
	e = sk ? sk_verify(sk, c->ca, c->ca_len, blob, c->signed_len, c->sig, c->sig_len, 0, 0)
	       : key_verify(sa, c->ca, c->ca_len, blob, c->signed_len, c->sig, c->sig_len);
	if (e != SSH_OK)
		*why = "CA signature does not verify";
	return e;
}

int cert_check(const struct cert *c, uint64_t now, const char *principal, const char **why)
{
	if (c->type != CERT_USER)
		*why = "Certificate invalid: not a user certificate";
	else if (now < c->valid_after)
		*why = "Certificate invalid: not yet valid";
	else if (now >= c->valid_before)
		*why = "Certificate invalid: expired";
	else if (!c->principals_len)
		*why = "Certificate lacks principal list";
	else if (principal && !cert_has_principal(c, NULL, principal))
		*why = "Certificate invalid: name is not a listed principal";
	else
		return SSH_OK;
	return SSH_ERR_AUTH;
}

int cert_has_principal(const struct cert *c, const char *list, const char *name)
{
	struct rd r;
	const uint8_t *p;
	size_t pl;
	rd_init(&r, c->principals, c->principals_len);
	while (rd_text(&r, &p, &pl) == SSH_OK)
		if (list ? namelist_has(list, strlen(list), p, pl) : name_eq(name, p, pl))
			return 1;
	return 0;
}
