/* AuthorizedKeysCommand for the key of a publickey request: the tokens
 * from the connection and the key, the command run (authcmd.c), its
 * output read as an authorized_keys file. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kex/base64.h"
#include "kex/hostkey.h"
#include "services/authcmd.h"
#include "services/userauth.h"

/* how long the command may take before it is killed and its keys ignored */
#define AKC_TIMEOUT_MS 10000

static int configured(const char *v) { return v && *v && strcmp(v, "none"); }

int ua_keys_command(struct conn *c, struct userauth *u, int ca, const uint8_t *blob, size_t len)
{
	const struct config *cfg = c->cfg;
	char conn[160], fp[80], uid[24];
	struct buf k64;
	int fd, e, found;

	if (!configured(cfg->authorized_keys_command) || !u->offered)
		return 0;
	if (!configured(cfg->authorized_keys_command_user)) {
		logit(c->log, LOG_ERR, "No user for AuthorizedKeysCommand specified, skipping");
		return 0;
	}
	buf_init(&k64, 64 * 1024);
	if (b64_encode(u->offered, u->offered_len, 1, &k64) != SSH_OK || (buf_u8(&k64, 0), k64.err) ||
	    key_fingerprint(u->offered, u->offered_len, fp, sizeof fp) != SSH_OK) {
		buf_free(&k64);
		return 0;
	}
	snprintf(conn, sizeof conn, "%s %d %s %d", c->addr, c->port, c->laddr, c->lport);
	snprintf(uid, sizeof uid, "%lu", (unsigned long)u->user.uid);
	const struct authcmd_token tokens[] = {
		{'C', conn}, {'D', ""}, {'f', fp}, {'h', u->user.home}, {'k', (const char *)k64.d},
		{'t', u->offered_type}, {'U', uid}, {'u', u->user.name}, {0, NULL},
	};
	/* no arguments: the user name is the one (sshd_config(5)) */
	const struct authcmd a = {
		.what = "AuthorizedKeysCommand", .command = cfg->authorized_keys_command,
		.runas = cfg->authorized_keys_command_user, .tokens = tokens, .default_arg = "%u",
		.timeout_ms = AKC_TIMEOUT_MS,
	};
	e = authcmd_run(c, &a, &fd);
	buf_free(&k64);
	if (e != 1)
		return e;
	found = ua_scan_keys(c, u, fd, "AuthorizedKeysCommand", ca, blob, len);
	close(fd);
	return found;
}
