/* User certificates in the "publickey" method: which CA is trusted
 * (cert-authority lines, TrustedUserCAKeys), which principals count
 * (principals=, AuthorizedPrincipalsFile, else the user name), the log line
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
#include "services/privdrop.h"
#include "services/userauth.h"

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
	if (cert_verify(u->cert, blob, c->cfg->ca_signature_algorithms, &why) == SSH_OK)
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

/* 1 when a line of the open principals file names one of the
 * certificate's principals; blank lines and comments skipped */
static int principals_listed(struct userauth *u, int fd)
{
	const char *line;
	size_t n;
	int toolong;
	char name[256];
	lr_init(u->lr, fd);
	while (lr_next(u->lr, &line, &n, &toolong) == 1) {
		while (n && (*line == ' ' || *line == '\t'))
			line++, n--;
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
			n--;
		if (toolong || !n || *line == '#' || n >= sizeof name)
			continue;
		memcpy(name, line, n);
		name[n] = 0;
		if (cert_has_principal(u->cert, NULL, name))
			return 1;
	}
	return 0;
}

/* AuthorizedPrincipalsFile, read as the user with StrictModes */
static int principals_file(struct conn *c, struct userauth *u)
{
	char path[PATH_MAX], err[PATH_MAX + 64];
	struct privtemp pt;
	struct stat st;
	int fd, found = 0, e;
	if (ua_expand_path(c->cfg->authorized_principals_file, &u->user, path, sizeof path) < 0) {
		logit(c->log, LOG_ERR, "AuthorizedPrincipalsFile %s: bad token or too long",
		      c->cfg->authorized_principals_file);
		return 0;
	}
	if ((e = priv_temp_user(c, &pt, &u->user)) != SSH_OK)
		return e;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
			logit(c->log, LOG_INFO, "Authentication refused: %s is not a regular file", path);
		else if (c->cfg->strict_modes && secure_file(fd, path, u->user.uid, u->user.home, err, sizeof err) != SSH_OK)
			logit(c->log, LOG_INFO, "Authentication refused: %s", err);
		else if (fcntl(fd, F_SETFL, 0) == 0)
			found = principals_listed(u, fd);
		close(fd);
	}
	if (priv_temp_restore(&pt) != SSH_OK)
		return SSH_ERR_INTERNAL;
	if (!found)
		logit(c->log, LOG_INFO, "Certificate invalid: name is not a listed principal (user %s, %s)",
		      u->logname, path);
	return found;
}

int cert_trusted(struct conn *c, struct userauth *u)
{
	const char *cafile = c->cfg->trusted_user_ca_keys, *pf = c->cfg->authorized_principals_file;
	int fd, listed, use_pf = pf && strcmp(pf, "none");
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
	if (!valid_now(c, u, use_pf ? NULL : u->user.name))
		return 0;
	if (use_pf && (listed = principals_file(c, u)) != 1)
		return listed;
	/* no authorized_keys line: only the certificate restricts, so touch
	 * is waived when it says so */
	authkey_reset(u->key);
	u->key->no_touch_required = 1;
	return merge_options(c, u);
}

int key_revoked(struct conn *c, struct userauth *u, const uint8_t *blob, size_t len)
{
	const char *path = c->cfg->revoked_keys;
	char magic[8];
	int fd, listed;
	if (!path || !strcmp(path, "none"))
		return 0;
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) < 0) {
		/* OpenSSH refuses every key when the list cannot be read */
		logit(c->log, LOG_ERR, "Error checking authentication key: RevokedKeys %s: %s", path, strerror(errno));
		return 1;
	}
	/* a binary KRL (PROTOCOL.krl) is not read yet: refusing is the safe
	 * answer, since it may revoke this key */
	if (pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic && !memcmp(magic, "SSHKRL\n\0", 8)) {
		logit(c->log, LOG_ERR, "RevokedKeys %s: binary KRL format not supported, refusing", path);
		close(fd);
		return 1;
	}
	listed = file_lists(u, fd, blob, len);
	close(fd);
	return listed;
}
