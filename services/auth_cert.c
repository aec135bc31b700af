/* User certificates in the "publickey" method: which CA is trusted
 * (cert-authority lines, TrustedUserCAKeys), which principals count
 * (principals=, auth_principals.c, else the user name), the log line
 * OpenSSH writes, and RevokedKeys. The certificate itself is cert.c's. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kex/hostkey.h"
#include "services/cert.h"
#include "services/krl.h"
#include "services/privdrop.h"
#include "services/userauth.h"

/* a KRL revoking a few million keys is a few tens of MiB */
#define KRL_FILE_MAX (64u * 1024 * 1024)

void cert_state_free(struct userauth *u)
{
	if (u->cert) {
		cert_free(u->cert);
		free(u->cert);
		u->cert = NULL;
	}
	wipe(u->certcmd, sizeof u->certcmd);
}

/* the tail of OpenSSH's "Accepted publickey" line for a certificate:
 * "ED25519-CERT SHA256:... ID id (serial 1) CA ED25519 SHA256:..." */
static void log_tail(struct userauth *u)
{
	const struct cert *ct = u->cert;
	char fp[64] = "(null)", cafp[64] = "(null)", id[256];
	size_t idl = ct->key_id_len > 60 ? 60 : ct->key_id_len;
	(void)key_fingerprint(ct->key.d, ct->key.len, fp, sizeof fp);
	(void)key_fingerprint(ct->ca, ct->ca_len, cafp, sizeof cafp);
	ua_log_safe(id, sizeof id, ct->key_id, idl);
	snprintf(u->extra, sizeof u->extra, ": %s %s ID %s (serial %llu) CA %s %s", ct->logtype, fp, id,
		 (unsigned long long)ct->serial, cert_key_logtype(ct->ca, ct->ca_len), cafp);
}

int cert_begin(struct conn *c, struct userauth *u, const uint8_t *blob, size_t len)
{
	const char *why;
	if (!u->cert) {
		if (!(u->cert = malloc(sizeof *u->cert)))
			return SSH_ERR_ALLOC;
		cert_init(u->cert);
	}
	if (cert_parse(u->cert, blob, len, &why) != SSH_OK) {
		logit(c->log, LOG_INFO, "publickey for %s: refusing certificate: %s", u->logname, why);
		return SSH_ERR_AUTH;
	}
	log_tail(u);
	return SSH_OK;
}

int cert_signed(struct conn *c, struct userauth *u, const uint8_t *blob)
{
	const char *why;
	if (cert_verify(u->cert, blob, c->cfg->ca_sig_list, &why) == SSH_OK)
		return SSH_OK;
	logit(c->log, LOG_INFO, "publickey for %s: refusing certificate: %s", u->logname, why);
	return SSH_ERR_AUTH;
}

/* the user certificate valid now, for principal (NULL: checked elsewhere) */
static int valid_now(struct conn *c, struct userauth *u, const char *principal)
{
	const char *why;
	if (cert_check(u->cert, (uint64_t)time(NULL), principal, &why) == SSH_OK)
		return 1;
	logit(c->log, LOG_INFO, "%s (user %s)", why, u->logname);
	return 0;
}

/* the certificate's options folded into u->key's */
static int merge_options(struct conn *c, struct userauth *u)
{
	const char *why;
	if (cert_apply_options(u->cert, u->key, c->addr, u->certcmd, sizeof u->certcmd, &why) == SSH_OK)
		return 1;
	logit(c->log, LOG_INFO, "Refused certificate for %s from %s: %s", u->logname, c->addr, why);
	return 0;
}

int cert_line_ok(struct conn *c, struct userauth *u, const char *path, unsigned long line)
{
	const struct authkey *k = u->key;
	if (!valid_now(c, u, k->principals ? NULL : u->user.name))
		return 0;
	if (k->principals && !cert_has_principal(u->cert, k->principals, NULL)) {
		logit(c->log, LOG_INFO, "%s:%lu: certificate for %s has no principal in principals=", path, line,
		      u->logname);
		return 0;
	}
	return merge_options(c, u);
}

/* 1 when the key file at path (read as the current user) lists blob */
static int file_lists(struct userauth *u, int fd, const uint8_t *blob, size_t len)
{
	const char *line, *why;
	size_t n;
	int toolong;
	lr_init(u->lr, fd);
	while (lr_next(u->lr, &line, &n, &toolong) == 1)
		if (!toolong && authkey_parse(u->key, line, n, &why) == AUTHKEY_KEY && u->key->blob.len == len &&
		    !memcmp(u->key->blob.d, blob, len))
			return 1;
	return 0;
}

int cert_trusted(struct conn *c, struct userauth *u)
{
	const char *cafile = c->cfg->trusted_user_ca_keys, *pf = c->cfg->authorized_principals_file;
	const char *pc = c->cfg->authorized_principals_command;
	int fd, listed, use_ap = (pf && strcmp(pf, "none")) || (pc && strcmp(pc, "none"));
	if (!cafile || !strcmp(cafile, "none") || !u->key)
		return 0;
	/* read as root, as sshd does: it is the administrator's file */
	if ((fd = open(cafile, O_RDONLY | O_NOCTTY | O_CLOEXEC)) < 0) {
		logit(c->log, LOG_ERR, "TrustedUserCAKeys %s: %s", cafile, strerror(errno));
		return 0;
	}
	listed = file_lists(u, fd, u->cert->ca, u->cert->ca_len);
	close(fd);
	if (!listed) {
		logit(c->log, LOG_INFO, "certificate CA for %s is not listed in %s", u->logname, cafile);
		return 0;
	}
	if (!valid_now(c, u, use_ap ? NULL : u->user.name))
		return 0;
	/* no authorized_keys line: only the certificate restricts, so touch
	 * is waived when it says so; a principals line's options count */
	authkey_reset(u->key);
	u->key->no_touch_required = 1;
	if (use_ap && (listed = cert_principals(c, u)) != 1)
		return listed;
	if (use_ap && !ua_options_ok(c, u, "principals", 0))
		return 0;
	return merge_options(c, u);
}

/* the whole of an open file into b (at most KRL_FILE_MAX bytes) */
static int slurp(int fd, struct buf *b)
{
	uint8_t *p;
	ssize_t n;
	for (;;) {
		if (buf_grow(b, 65536) != SSH_OK)
			return SSH_ERR_TOOBIG;
		p = b->d + b->len;
		n = read(fd, p, b->cap - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return SSH_ERR_FILE;
		if (n == 0)
			return SSH_OK;
		b->len += (size_t)n;
	}
}

/* a binary KRL: 1 revoked or unusable (OpenSSH refuses every key when
 * the list is malformed), 0 not revoked, -1 not a KRL */
static int krl_lists(struct conn *c, const char *path, int fd, const uint8_t *blob, size_t len,
		     const struct cert *ct)
{
	struct buf b;
	const char *why = "read error";
	int e, ret = 1;
	buf_init(&b, KRL_FILE_MAX);
	if ((e = slurp(fd, &b)) == SSH_OK && !krl_is_krl(b.d, b.len))
		ret = -1;
	else if (e == SSH_OK && (e = krl_check(b.d, b.len, blob, len, ct, &why)) >= 0)
		ret = e == KRL_REVOKED;
	else
		logit(c->log, LOG_ERR, "Error checking authentication key: RevokedKeys %s: %s", path,
		      e == SSH_ERR_TOOBIG ? "file too large" : why);
	buf_free(&b);
	return ret;
}

int key_revoked(struct conn *c, struct userauth *u, const uint8_t *blob, size_t len, const struct cert *ct)
{
	const char *path = c->cfg->revoked_keys;
	int fd, listed;
	if (!path || !strcmp(path, "none"))
		return 0;
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) < 0) {
		/* OpenSSH refuses every key when the list cannot be read */
		logit(c->log, LOG_ERR, "Error checking authentication key: RevokedKeys %s: %s", path, strerror(errno));
		return 1;
	}
	/* a KRL when it starts with the magic, else a plain list of keys */
	if ((listed = krl_lists(c, path, fd, blob, len, ct)) < 0)
		listed = lseek(fd, 0, SEEK_SET) == 0 ? file_lists(u, fd, blob, len) : 1;
	close(fd);
	return listed;
}
