/* Match per connection: the layers read c->cfg, so swapping it for the
 * Match-evaluated configuration is all it takes for every keyword whose
 * row is marked KW_MATCH (config/keywords.h) to apply to this connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/config.h"
#include "transport/conn.h"
#include "transport/err.h"
#include "transport/log.h"
#include "transport/version.h"

int conn_match(struct conn *c, const char *user, int invalid_user)
{
	struct match_ctx ctx = {
		.user = user, .invalid_user = invalid_user,
		/* UseDNS is not implemented: the host is the address, as
		 * OpenSSH's with UseDNS no */
		.host = c->addr, .addr = c->addr, .laddr = c->laddr, .lport = c->lport,
		.version = "sshd-lite_" SSHD_LITE_VERSION,
	};
	struct config *m;
	char err[512];
	if (!config_has_match(c->base_cfg))
		return SSH_OK;
	if (!(m = calloc(1, sizeof *m)))
		return SSH_ERR_ALLOC;
	if (config_match(c->base_cfg, &ctx, m, err, sizeof err) < 0) {
		logit(c->log, LOG_ERR, "Match for %s port %d: %s", c->addr, c->port, err);
		config_free(m);
		free(m);
		return SSH_ERR_INTERNAL;
	}
	if (c->match_cfg) {
		config_free(c->match_cfg);
		free(c->match_cfg);
	}
	c->cfg = c->match_cfg = m;
	/* the limits the transport keeps as numbers: RekeyLimit is allowed
	 * in a Match block, and sshd applies it once the user is known */
	conn_rekey_limits(c, m);
	/* LogLevel is allowed in a Match block: the connection logs through
	 * a copy of the logger with the block's level */
	if (m->log_level != c->base_cfg->log_level) {
		c->match_log = *c->log;
		c->match_log.level = m->log_level;
		c->log = &c->match_log;
	}
	logit(c->log, LOG_DEBUG, "Match applied for %s%s from %s port %d", user ? "user " : "connection",
	      user ? user : "", c->addr, c->port);
	return SSH_OK;
}
