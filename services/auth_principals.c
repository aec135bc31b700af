/* Which principals a certificate trusted through TrustedUserCAKeys may
 * use: AuthorizedPrincipalsFile (read as the user, StrictModes), then
 * AuthorizedPrincipalsCommand (run as AuthorizedPrincipalsCommandUser with
 * OpenSSH's tokens). Each line is "[options] principal", the options as in
 * authorized_keys, applied when the line matches (OpenSSH does that). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kex/base64.h"
#include "kex/hostkey.h"
#include "services/authcmd.h"
#include "services/cert.h"
#include "services/privdrop.h"
#include "services/userauth.h"

/* the command's time limit: a hung helper must not hold the login */
#define PRINCIPALS_COMMAND_MS 30000

/* one line: 1 when it names one of the certificate's principals and its
 * options (if any) parse, which are then in u->key; 0 if not */
static int principal_line(struct conn *c, struct userauth *u, const char *where, unsigned long lineno,
			  const char *line, size_t n)
{
	char name[256];
	const char *why;
	size_t i;
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
		n--;
	if (!n || *line == '#')
		return 0;
	/* the principal is the last word; what is before it, options */
	for (i = n; i > 0 && line[i - 1] != ' ' && line[i - 1] != '\t'; i--)
		;
	if (n - i >= sizeof name || memchr(line + i, 0, n - i))
		return 0;
	memcpy(name, line + i, n - i);
	name[n - i] = 0;
	if (!cert_has_principal(u->cert, NULL, name))
		return 0;
	if (i == 0) {
		authkey_reset(u->key);
		u->key->no_touch_required = 1;
		return 1;
	}
	if (authkey_parse_options(u->key, line, i, &why) != SSH_OK) {
		logit(c->log, LOG_INFO, "%s line %lu: bad principals options: %s", where, lineno, why);
		return 0;
	}
	return 1;
}

static int listed_in(struct conn *c, struct userauth *u, int fd, const char *path)
{
	const char *line;
	size_t n;
	int toolong;
	lr_init(u->lr, fd);
	while (lr_next(u->lr, &line, &n, &toolong) == 1)
		if (!toolong && principal_line(c, u, path, u->lr->lineno, line, n))
			return 1;
	return 0;
}

/* AuthorizedPrincipalsFile, read as the user with StrictModes */
static int principals_file(struct conn *c, struct userauth *u, const char *file)
{
	char path[PATH_MAX], err[PATH_MAX + 64];
	struct privtemp pt;
	struct stat st;
	int fd, found = 0, e;
	if (ua_expand_path(file, &u->user, path, sizeof path) < 0) {
		logit(c->log, LOG_ERR, "AuthorizedPrincipalsFile %s: bad token or too long", file);
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
			found = listed_in(c, u, fd, path);
		close(fd);
	}
	if (priv_temp_restore(&pt) != SSH_OK)
		return SSH_ERR_INTERNAL;
	return found;
}

/* base64 of a blob as a C string in b */
static const char *b64(struct buf *b, const uint8_t *p, size_t n)
{
	buf_reset(b);
	b64_encode(p, n, 1, b);
	buf_u8(b, 0);
	return b->err ? "" : (const char *)b->d;
}

/* the type name a key blob starts with, as a C string in out */
static const char *blob_type(const uint8_t *p, size_t n, char *out, size_t cap)
{
	struct rd r;
	const uint8_t *t;
	size_t tl;
	rd_init(&r, p, n);
	out[0] = 0;
	if (rd_text(&r, &t, &tl) == SSH_OK && tl < cap) {
		memcpy(out, t, tl);
		out[tl] = 0;
	}
	return out;
}

/* AuthorizedPrincipalsCommand with OpenSSH's tokens */
static int principals_command(struct conn *c, struct userauth *u, const char *command)
{
	const struct cert *ct = u->cert;
	char conn[200], uid[24], serial[24], keyid[1024], fp[64] = "", cafp[64] = "", ctype[64], catype[64];
	struct buf kb, cab;
	int fd, e;
	if (!c->cfg->authorized_principals_command_user) {
		logit(c->log, LOG_ERR, "No user for AuthorizedPrincipalsCommand specified, skipping");
		return 0;
	}
	snprintf(conn, sizeof conn, "%s %d %s %d", c->addr, c->port, c->laddr, c->lport);
	snprintf(uid, sizeof uid, "%lu", (unsigned long)u->user.uid);
	snprintf(serial, sizeof serial, "%llu", (unsigned long long)ct->serial);
	snprintf(keyid, sizeof keyid, "%.*s", (int)(ct->key_id_len < 1000 ? ct->key_id_len : 1000),
		 (const char *)ct->key_id);
	(void)key_fingerprint(ct->key.d, ct->key.len, fp, sizeof fp);
	(void)key_fingerprint(ct->ca, ct->ca_len, cafp, sizeof cafp);
	buf_init(&kb, 0);
	buf_init(&cab, 0);
	const struct authcmd_token tokens[] = {
		{'C', conn}, {'D', ""}, {'F', cafp}, {'f', fp}, {'h', u->user.home}, {'i', keyid},
		{'K', b64(&cab, ct->ca, ct->ca_len)}, {'k', b64(&kb, ct->blob, ct->blob_len)}, {'s', serial},
		{'T', blob_type(ct->ca, ct->ca_len, catype, sizeof catype)},
		{'t', blob_type(ct->blob, ct->blob_len, ctype, sizeof ctype)}, {'U', uid}, {'u', u->user.name},
		{0, NULL},
	};
	const struct authcmd a = {
		.what = "AuthorizedPrincipalsCommand", .command = command,
		.runas = c->cfg->authorized_principals_command_user, .tokens = tokens,
		.timeout_ms = c->cfg->login_grace_time > 0 && c->cfg->login_grace_time * 500 < PRINCIPALS_COMMAND_MS
				      ? c->cfg->login_grace_time * 500 : PRINCIPALS_COMMAND_MS,
	};
	e = authcmd_run(c, &a, &fd);
	buf_free(&kb);
	buf_free(&cab);
	if (e != 1)
		return e;
	e = listed_in(c, u, fd, "AuthorizedPrincipalsCommand");
	close(fd);
	return e;
}

int cert_principals(struct conn *c, struct userauth *u)
{
	const char *pf = c->cfg->authorized_principals_file, *pc = c->cfg->authorized_principals_command;
	int found = 0;
	if (pf && strcmp(pf, "none"))
		found = principals_file(c, u, pf);
	if (found == 0 && pc && strcmp(pc, "none"))
		found = principals_command(c, u, pc);
	if (found == 0)
		logit(c->log, LOG_INFO, "Certificate invalid: name is not a listed principal (user %s)", u->logname);
	return found;
}
