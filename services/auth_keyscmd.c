/* AuthorizedKeysCommand for the key of a publickey request: the tokens
 * from the connection and the key, the command run (authkeys_cmd.c), its
 * output read as an authorized_keys file, and OpenSSH's log lines. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kex/base64.h"
#include "kex/hostkey.h"
#include "services/authkeys_cmd.h"
#include "services/userauth.h"

static int configured(const char *v) { return v && *v && strcmp(v, "none"); }

int ua_keys_command(struct conn *c, struct userauth *u, int ca, const uint8_t *blob, size_t len)
{
	const struct config *cfg = c->cfg;
	char conn[160], fp[80], uid[24], why[512];
	struct akc_tokens t;
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
	t = (struct akc_tokens){.conn = conn, .rdomain = "", .fp = fp, .home = u->user.home,
				.key = (const char *)k64.d, .type = u->offered_type, .uid = uid, .user = u->user.name};
	e = akc_run(cfg->authorized_keys_command, cfg->authorized_keys_command_user, &t, AKC_TIMEOUT_MS, &fd, why,
		    sizeof why);
	buf_free(&k64);
	if (e == SSH_ERR_ALLOC)
		return e;
	if (e != SSH_OK) {
		logit(c->log, LOG_ERR, "AuthorizedKeysCommand %s %s", cfg->authorized_keys_command, why);
		return 0;
	}
	found = ua_scan_keys(c, u, fd, "AuthorizedKeysCommand", ca, blob, len);
	close(fd);
	return found;
}
