/* The "publickey" method (RFC 4252 7): queries answered with PK_OK, signed
 * requests verified over session id and request, keys looked up in the
 * AuthorizedKeysFile list with their options. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kex/base64.h"
#include "kex/hostkey.h"
#include "services/cert.h"
#include "services/privdrop.h"
#include "services/userauth.h"
#include "transport/msg.h"
#include "transport/namelist.h"

struct pkalg {
	const char *name;    /* algorithm in the request */
	const char *keytype; /* type at the start of the key blob */
	const char *logtype; /* as OpenSSH names it in log lines */
	int sk;              /* security key: PROTOCOL.u2f signatures */
	/* certificates: the row of the certified key's own algorithm, whose
	 * signature the user makes; NULL for plain keys */
	const char *plain;
};

/* certificates first, as in OpenSSH's default list */
static const struct pkalg pkalgs[] = {
	{"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com", "ED25519-CERT", 0, "ssh-ed25519"},
	{"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA-CERT", 0,
	 "ecdsa-sha2-nistp256"},
	{"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ECDSA-CERT", 0,
	 "ecdsa-sha2-nistp384"},
	{"ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ECDSA-CERT", 0,
	 "ecdsa-sha2-nistp521"},
	{"sk-ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com", "ED25519-SK-CERT", 1,
	 "sk-ssh-ed25519@openssh.com"},
	{"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA-SK-CERT",
	 1, "sk-ecdsa-sha2-nistp256@openssh.com"},
	{"rsa-sha2-512-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", "RSA-CERT", 0, "rsa-sha2-512"},
	{"rsa-sha2-256-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", "RSA-CERT", 0, "rsa-sha2-256"},
	{"ssh-rsa-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", "RSA-CERT", 0, "ssh-rsa"},
	{"ssh-ed25519", "ssh-ed25519", "ED25519", 0, NULL},
	{"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", "ECDSA", 0, NULL},
	{"ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384", "ECDSA", 0, NULL},
	{"ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521", "ECDSA", 0, NULL},
	{"rsa-sha2-512", "ssh-rsa", "RSA", 0, NULL},
	{"rsa-sha2-256", "ssh-rsa", "RSA", 0, NULL},
	{"ssh-rsa", "ssh-rsa", "RSA", 0, NULL},
	{"sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519@openssh.com", "ED25519-SK", 1, NULL},
	{"sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK", 1, NULL},
	{NULL, NULL, NULL, 0, NULL},
};

int auth_pubkey_enabled(const struct conn *c) { return c->cfg->pubkey_authentication; }

static const struct pkalg *pkalg_find(const uint8_t *name, size_t n)
{
	for (const struct pkalg *a = pkalgs; a->name; a++)
		if (name_eq(a->name, name, n))
			return a;
	return NULL;
}

static int alg_allowed(const struct config *cfg, const struct pkalg *a)
{
	const char *l = cfg->pubkey_alg_list;
	return l && namelist_has(l, strlen(l), a->name, strlen(a->name));
}

void pubkey_alg_names(int all, char *out, size_t outlen)
{
	out[0] = 0;
	for (const struct pkalg *a = pkalgs; a->name; a++) {
		const char *sn = a->plain ? a->plain : a->name;
		const struct sigalg *s = sigalg_find((const uint8_t *)sn, strlen(sn));
		if (all || !s || !s->legacy)
			namelist_append(out, outlen, a->name, strlen(a->name));
	}
}

/* RSA moduli under 1024 bits are refused before any file is read */
/* the bit length of a big-endian magnitude */
static size_t mag_bits(const uint8_t *p, size_t n)
{
	while (n && !*p)
		p++, n--;
	return n ? (n - 1) * 8 + (size_t)(32 - __builtin_clz((unsigned)p[0])) : 0;
}

/* Before any arithmetic on a key from the network (an unknown user's
 * included): the modulus within [RequiredRSASize, 16384] bits, and, as
 * OpenSSL insists, an exponent of at most 64 bits once the modulus is over
 * 3072 bits, so that one request cannot cost the server seconds. NULL when
 * acceptable, else why not. */
static const char *rsa_refused(const struct config *cfg, const uint8_t *blob, size_t len)
{
	struct rd r;
	const uint8_t *n, *e;
	size_t nl, el, nbits;
	/* string "ssh-rsa", mpint e, mpint n */
	rd_init(&r, blob, len);
	if (rd_string(&r, NULL, NULL) != SSH_OK || rd_mpint(&r, 16384 / 8, &e, &el) != SSH_OK ||
	    rd_mpint(&r, 16384 / 8, &n, &nl) != SSH_OK || rd_end(&r) != SSH_OK)
		return "Invalid key length";
	nbits = mag_bits(n, nl);
	if (nbits < (size_t)(cfg->required_rsa_size > 1024 ? cfg->required_rsa_size : 1024) || nbits > 16384)
		return "Invalid key length";
	if (nbits > 3072 && mag_bits(e, el) > 64)
		return "public exponent over 64 bits";
	return NULL;
}

/* AuthorizedKeysFile tokens (userauth.h) */
int ua_expand_path(const char *f, const struct user *u, char *out, size_t cap)
{
	size_t o = 0;
	int n;
	if (*f != '/') {
		n = snprintf(out, cap, "%s/", u->home);
		if (n < 0 || (size_t)n >= cap)
			return -1;
		o = (size_t)n;
	}
	for (; *f; f++) {
		const char *add;
		char num[24], one[2] = {*f, 0};
		if (*f != '%') {
			add = one;
		} else {
			switch (*++f) {
			case '%': add = "%"; break;
			case 'u': add = u->name; break;
			case 'h': add = u->home; break;
			case 'U':
				snprintf(num, sizeof num, "%lu", (unsigned long)u->uid);
				add = num;
				break;
			default: return -1;
			}
		}
		n = snprintf(out + o, cap - o, "%s", add);
		if (n < 0 || (size_t)n >= cap - o)
			return -1;
		o += (size_t)n;
	}
	return 0;
}

int ua_options_ok(struct conn *c, struct userauth *u, const char *path, unsigned long line)
{
	struct authkey *k = u->key;
	if (k->from && !authkey_from_match(k->from, c->addr)) {
		logit(c->log, LOG_INFO,
		      "Authentication tried for %s with correct key but not from a permitted host (host=%s, ip=%s).",
		      u->logname, c->addr, c->addr);
		return 0;
	}
	if (k->has_expiry && time(NULL) >= k->expiry) {
		logit(c->log, LOG_INFO, "%s:%lu: key for %s has expired (expiry-time)", path, line, u->logname);
		return 0;
	}
	return 1;
}

/* whether a line is looked at: a certificate (ca set, blob its CA) only
 * by cert-authority lines, a plain key only by plain lines */
static int line_matches(const struct authkey *k, int ca, const uint8_t *blob, size_t len)
{
	return k->cert_authority == ca && k->blob.len == len && !memcmp(k->blob.d, blob, len);
}

/* 1 when the file has an usable line for blob (left in u->key), 0 if not */
int ua_scan_keys(struct conn *c, struct userauth *u, int fd, const char *path, int ca, const uint8_t *blob,
		 size_t len)
{
	const char *line, *why;
	size_t n;
	int toolong, e;

	lr_init(u->lr, fd);
	while ((e = lr_next(u->lr, &line, &n, &toolong)) == 1) {
		if (toolong) {
			logit(c->log, LOG_INFO, "%s:%lu: line too long, skipped", path, u->lr->lineno);
			continue;
		}
		e = authkey_parse(u->key, line, n, &why);
		if (e < 0) {
			logit(c->log, LOG_INFO, "%s:%lu: %s, line skipped", path, u->lr->lineno, why);
			continue;
		}
		if (e != AUTHKEY_KEY || !line_matches(u->key, ca, blob, len))
			continue;
		if (ua_options_ok(c, u, path, u->lr->lineno) && (!ca || cert_line_ok(c, u, path, u->lr->lineno)))
			return 1;
	}
	return 0;
}

/* An unknown user costs the same lookups as a known one without keys
 * (OpenSSH's fake account): each file is looked for under a fixed name and a
 * home that does not exist. The client's name never reaches a path. */
static void files_for_nobody(const struct conn *c)
{
	const struct strlist *files = &c->cfg->authorized_keys_files;
	struct user fake = {.name = "NOUSER", .home = "/nonexist"};
	char path[PATH_MAX];
	struct stat st;
	for (int i = 0; i < files->n; i++)
		if (strcmp(files->v[i], "none") && ua_expand_path(files->v[i], &fake, path, sizeof path) >= 0)
			(void)stat(path, &st);
}

int ua_keybufs(struct userauth *u)
{
	if (!u->key) {
		if (!(u->key = malloc(sizeof *u->key)))
			return SSH_ERR_ALLOC;
		authkey_init(u->key);
	}
	if (!u->lr && !(u->lr = malloc(sizeof *u->lr)))
		return SSH_ERR_ALLOC;
	return SSH_OK;
}

/* Looks through each AuthorizedKeysFile, read as the user, for blob (a
 * certificate's CA with ca set). 1 found, 0 not, or a fatal error
 * (identity could not be restored). */
static int key_allowed(struct conn *c, struct userauth *u, int ca, const uint8_t *blob, size_t len)
{
	const struct strlist *files = &c->cfg->authorized_keys_files;
	char path[PATH_MAX], err[PATH_MAX + 64];
	struct privtemp pt;
	int found = 0, e;

	if (!u->user.valid) {
		files_for_nobody(c);
		return 0;
	}
	/* the command first, then the files, as OpenSSH */
	if ((found = ua_keys_command(c, u, ca, blob, len)) != 0)
		return found;
	for (int i = 0; i < files->n && !found; i++) {
		int fd;
		if (!strcmp(files->v[i], "none"))
			continue;
		if (ua_expand_path(files->v[i], &u->user, path, sizeof path) < 0) {
			logit(c->log, LOG_ERR, "AuthorizedKeysFile %s: bad token or too long", files->v[i]);
			continue;
		}
		if ((e = priv_temp_user(c, &pt, &u->user)) != SSH_OK)
			return e;
		fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0) {
			struct stat st;
			if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
				logit(c->log, LOG_INFO, "Authentication refused: %s is not a regular file", path);
			else if (c->cfg->strict_modes && secure_file(fd, path, u->user.uid, u->user.home, err, sizeof err) != SSH_OK)
				logit(c->log, LOG_INFO, "Authentication refused: %s", err);
			else if (fcntl(fd, F_SETFL, 0) == 0)
				found = ua_scan_keys(c, u, fd, path, ca, blob, len);
			close(fd);
		} else if (errno != ENOENT) {
			/* the usual cause of a refusal nobody can explain: a
			 * directory on the way the user may not enter */
			logit(c->log, LOG_INFO, "Could not open user '%s' authorized keys '%s': %s",
			      u->user.name, path, strerror(errno));
		}
		if (priv_temp_restore(&pt) != SSH_OK) {
			logit(c->log, LOG_ERR, "cannot return to root after reading %s", path);
			return SSH_ERR_INTERNAL;
		}
	}
	return found;
}

static int dup_list(char **dst, int *n, const char *const *src, int sn)
{
	for (*n = 0; *n < sn; (*n)++)
		if (!(dst[*n] = strdup(src[*n])))
			return SSH_ERR_ALLOC;
	return SSH_OK;
}

/* the options of the key that succeeded, for the connection layer */
static int keep_options(struct conn *c, struct userauth *u)
{
	const struct authkey *k = u->key;
	struct auth_result *a = &u->res;
	int e = SSH_OK;
	a->no_pty = k->no_pty;
	a->no_port_forwarding = k->no_port_forwarding;
	a->no_agent_forwarding = k->no_agent_forwarding;
	a->no_x11_forwarding = k->no_x11_forwarding;
	a->no_user_rc = k->no_user_rc;
	if (k->command && !(a->command = strdup(k->command)))
		return SSH_ERR_ALLOC;
	if (e == SSH_OK)
		e = dup_list(a->permitopen, &a->npermitopen, k->permitopen, k->npermitopen);
	if (e == SSH_OK)
		e = dup_list(a->permitlisten, &a->npermitlisten, k->permitlisten, k->npermitlisten);
	/* environment= only counts when PermitUserEnvironment allows it; its
	 * pattern-list is applied when the session's environment is built */
	if (e == SSH_OK && c->cfg->permit_user_env)
		e = dup_list(a->environment, &a->nenvironment, k->environment, k->nenvironment);
	return e;
}

static int signed_data(struct conn *c, struct userauth *u, const struct pkalg *a, const uint8_t *blob, size_t len)
{
	struct buf *b = &u->scratch;
	buf_reset(b);
	buf_string(b, c->session_id, c->session_id_len);
	buf_u8(b, SSH_MSG_USERAUTH_REQUEST);
	buf_string(b, u->name, u->namelen);
	buf_string(b, u->service, u->servicelen);
	buf_cstring(b, u->hostbound ? "publickey-hostbound-v00@openssh.com" : "publickey");
	buf_bool(b, 1);
	buf_cstring(b, a->name);
	buf_string(b, blob, len);
	if (u->hostbound)
		buf_string(b, u->hostkey, u->hostkeylen);
	return b->err;
}

/* the certified key's own row and blob for a certificate, else a's */
static const struct pkalg *signer(const struct userauth *u, const struct pkalg *a, const uint8_t **blob,
				  size_t *len)
{
	if (!a->plain)
		return a;
	*blob = u->cert->key.d;
	*len = u->cert->key.len;
	return pkalg_find((const uint8_t *)a->plain, strlen(a->plain));
}

static int verify(struct conn *c, struct userauth *u, const struct pkalg *a, int found, const uint8_t *blob,
		  size_t len, const uint8_t *sig, size_t siglen)
{
	const struct pkalg *v;
	int e;
	/* the signature covers the algorithm and blob as sent */
	if ((e = signed_data(c, u, a, blob, len)) != SSH_OK)
		return e;
	if (!(v = signer(u, a, &blob, &len)))
		return SSH_ERR_SIG;
	if (!v->sk) {
		const struct sigalg *sa = sigalg_find((const uint8_t *)v->name, strlen(v->name));
		return sa ? key_verify(sa, blob, len, u->scratch.d, u->scratch.len, sig, siglen) : SSH_ERR_SIG;
	}
	/* a touch unless the key's line waives it and PubkeyAuthOptions does
	 * not insist; verification when either asks for it */
	e = sk_verify(v->name, blob, len, u->scratch.d, u->scratch.len, sig, siglen,
		      !found || !u->key->no_touch_required || (c->cfg->pubkey_auth_options & PKOPT_TOUCH_REQUIRED),
		      (found && u->key->verify_required) || (c->cfg->pubkey_auth_options & PKOPT_VERIFY_REQUIRED));
	if (e == SSH_ERR_AUTH)
		logit(c->log, LOG_INFO,
		      "public key %s signature for %s from %s port %d rejected: user presence or verification "
		      "requirement not met",
		      a->logtype, u->logname, c->addr, c->port);
	return e;
}

/* RevokedKeys for a key (with ct, the certificate it is the key of), logged
 * as OpenSSH does: the type and the fingerprint of the plain key */
static int revoked(struct conn *c, struct userauth *u, const char *type, const uint8_t *kb, size_t kl,
		   const struct cert *ct)
{
	char fp[64] = "(null)";
	if (!key_revoked(c, u, kb, kl, ct))
		return 0;
	(void)key_fingerprint(kb, kl, fp, sizeof fp);
	logit(c->log, LOG_INFO, "Authentication key %s %s revoked by file %s (user %s)", type, fp,
	      c->cfg->revoked_keys, u->logname);
	return 1;
}

/* ExposeAuthInfo's line for the key that authenticated: "publickey", the
 * key type and the blob in base64, as OpenSSH writes it */
static int record_key(struct userauth *u, const struct pkalg *a, const uint8_t *blob, size_t len)
{
	struct buf b;
	size_t pre = strlen("publickey ") + strlen(a->keytype) + 1;
	int e;
	buf_init(&b, pre + len * 2 + 8);
	if ((e = buf_put(&b, "publickey ", 10)) == SSH_OK && (e = buf_put(&b, a->keytype, strlen(a->keytype))) == SSH_OK &&
	    (e = buf_put(&b, " ", 1)) == SSH_OK && (e = b64_encode(blob, len, 1, &b)) == SSH_OK) {
		free(u->res.auth_info);
		if ((u->res.auth_info = calloc(1, b.len + 1)))
			memcpy(u->res.auth_info, b.d, b.len);
		else
			e = SSH_ERR_ALLOC;
	}
	buf_free(&b);
	return e;
}

/* The key's checks before any file of the user's: a certificate parsed
 * and its CA's signature checked, the log line's tail, RSA sizes (the
 * key's and an RSA CA's),
 * RevokedKeys for the key and the CA. SSH_OK, SSH_ERR_AUTH (refused,
 * logged) or a fatal error. */
static int precheck(struct conn *c, struct userauth *u, const struct pkalg *a, const uint8_t *blob, size_t len)
{
	const uint8_t *kb = blob;
	size_t kl = len;
	char fp[64];
	const char *why;
	int e;
	if (a->plain && (e = cert_begin(c, u, blob, len)) != SSH_OK)
		return e;
	(void)signer(u, a, &kb, &kl);
	if (!a->plain && key_fingerprint(blob, len, fp, sizeof fp) == SSH_OK)
		snprintf(u->extra, sizeof u->extra, ": %s %s", a->logtype, fp);
	/* an RSA CA is bounded as a user key is, before its signature costs
	 * anything: the client chose it */
	if ((!strncmp(a->keytype, "ssh-rsa", 7) && (why = rsa_refused(c->cfg, kb, kl)) != NULL) ||
	    (a->plain && !strcmp(cert_key_logtype(u->cert->ca, u->cert->ca_len), "RSA") &&
	     (why = rsa_refused(c->cfg, u->cert->ca, u->cert->ca_len)) != NULL)) {
		/* OpenSSH's words: "refusing RSA key: Invalid key length" */
		logit(c->log, LOG_INFO, "refusing RSA key: %s (user %s)", why, u->logname);
		return SSH_ERR_AUTH;
	}
	if (a->plain && (e = cert_signed(c, u, blob)) != SSH_OK)
		return e;
	if ((e = ua_keybufs(u)) != SSH_OK)
		return e;
	if (revoked(c, u, a->logtype, kb, kl, a->plain ? u->cert : NULL) ||
	    (a->plain && revoked(c, u, cert_key_logtype(u->cert->ca, u->cert->ca_len), u->cert->ca, u->cert->ca_len,
				 NULL)))
		return SSH_ERR_AUTH;
	return SSH_OK;
}

/* 1 when an authorized_keys line (a cert-authority line for a certificate)
 * or TrustedUserCAKeys allows the key, 0 if not, or a fatal error */
static int allowed(struct conn *c, struct userauth *u, const struct pkalg *a, const uint8_t *blob, size_t len)
{
	int found;
	if (!a->plain)
		return key_allowed(c, u, 0, blob, len);
	found = key_allowed(c, u, 1, u->cert->ca, u->cert->ca_len);
	if (found == 0 && u->user.valid)
		found = cert_trusted(c, u);
	return found;
}

/* publickey-hostbound-v00: the host key blob after the user's key must be
 * the one the first key exchange was signed with (PROTOCOL 2.5); anything
 * else is an attack on the binding and ends the connection, as in OpenSSH */
static int hostbound_key(struct conn *c, struct userauth *u, struct rd *r)
{
	struct buf want;
	int e, same;
	u->hostkey = NULL;
	u->hostkeylen = 0;
	if (!u->hostbound)
		return SSH_OK;
	/* server host key */
	if ((e = rd_string(r, &u->hostkey, &u->hostkeylen)) != SSH_OK)
		return e;
	if (!c->initial_hostkey) {
		logit(c->log, LOG_ERR, "userauth_pubkey: internal error: initial hostkey not recorded");
		return SSH_ERR_INTERNAL;
	}
	buf_init(&want, 0);
	e = c->initial_hostcert ? buf_put(&want, c->initial_hostkey->cert, c->initial_hostkey->cert_len)
				: hostkey_public_blob(c->initial_hostkey, &want);
	same = e == SSH_OK && want.len == u->hostkeylen && !memcmp(want.d, u->hostkey, want.len);
	buf_free(&want);
	if (e != SSH_OK)
		return e;
	if (!same) {
		logit(c->log, LOG_ERR, "userauth_pubkey: publickey-hostbound-v00@openssh.com packet contained wrong host key");
		return SSH_ERR_PROTO;
	}
	return SSH_OK;
}

int auth_pubkey(struct conn *c, struct userauth *u, struct rd *r)
{
	const uint8_t *an, *blob, *sig = NULL, *bt, *kb;
	size_t al, len, siglen = 0, btl, kl;
	const struct pkalg *a;
	struct rd br;
	struct buf *b;
	int has_sig, e, found, ok;

	/* has signature, algorithm name, key blob[, host key][, signature] */
	if ((e = rd_bool(r, &has_sig)) != SSH_OK || (e = rd_text(r, &an, &al)) != SSH_OK ||
	    (e = rd_string(r, &blob, &len)) != SSH_OK || (e = hostbound_key(c, u, r)) != SSH_OK)
		return e;
	if (has_sig && (e = rd_string(r, &sig, &siglen)) != SSH_OK)
		return e;
	if ((e = rd_end(r)) != SSH_OK)
		return e;
	a = pkalg_find(an, al);
	if (!a || !alg_allowed(c->cfg, a)) {
		logit(c->log, LOG_INFO, "publickey algorithm %.*s for %s not accepted", (int)(al > 60 ? 60 : al), an,
		      u->logname);
		return UA_FAILURE;
	}
	/* the blob's own type must be the algorithm's key type */
	rd_init(&br, blob, len);
	if (rd_text(&br, &bt, &btl) != SSH_OK || !name_eq(a->keytype, bt, btl)) {
		logit(c->log, LOG_INFO, "publickey for %s: key blob does not match algorithm %s", u->logname, a->name);
		return UA_FAILURE;
	}
	if ((e = precheck(c, u, a, blob, len)) != SSH_OK)
		return e == SSH_ERR_AUTH ? UA_FAILURE : e;
	kb = blob;
	kl = len;
	(void)signer(u, a, &kb, &kl);
	/* publickey,publickey wants two keys: each may pass once (a
	 * certificate counts as the key it certifies) */
	if (am_key_used(&u->am, kb, kl)) {
		logit(c->log, LOG_INFO, "refusing previously-used %s key", a->logtype);
		return UA_FAILURE;
	}
	u->offered = blob;
	u->offered_len = len;
	u->offered_type = a->keytype;
	if ((found = allowed(c, u, a, blob, len)) < 0)
		return found;
	ok = found && u->user.allowed && ua_root_allowed(c, u, "publickey", u->key->command != NULL);
	if (!has_sig) {
		if (!ok)
			return UA_FAILURE;
		/* PK_OK: algorithm name, key blob */
		if ((e = pkt_begin(c, SSH_MSG_USERAUTH_PK_OK, &b)) != SSH_OK)
			return e;
		buf_string(b, an, al);
		buf_string(b, blob, len);
		return (e = pkt_send(c)) != SSH_OK ? e : UA_POSTPONED;
	}
	/* verified whether or not the key is authorized, so that the answer
	 * takes as long either way */
	e = verify(c, u, a, found, blob, len, sig, siglen);
	if (e == SSH_ERR_ALLOC || e == SSH_ERR_CRYPTO)
		return e;
	if (e != SSH_OK || !ok)
		return UA_FAILURE;
	logit(c->log, LOG_DEBUG, "publickey signature %s verified", a->name);
	am_key_add(&u->am, kb, kl);
	if ((e = keep_options(c, u)) != SSH_OK || (e = record_key(u, a, blob, len)) != SSH_OK)
		return e;
	return UA_SUCCESS;
}
