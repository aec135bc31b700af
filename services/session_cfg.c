/* The sshd_config keywords that shape a session once the user is known:
 * ForceCommand replaces what the client asked to run (and authorized_keys'
 * command=, as in OpenSSH: the administrator's command wins);
 * ExposeAuthInfo writes what authenticated the user to a file that
 * SSH_USER_AUTH names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config/config.h"
#include "services/auth.h"
#include "services/session.h"
#include "transport/conn.h"
#include "transport/err.h"
#include "transport/log.h"

int session_forced(const struct conn *c)
{
	return c->cfg->force_command && strcasecmp(c->cfg->force_command, "none") != 0;
}

int session_force_command(struct conn *c, struct auth_result *a)
{
	char *copy;
	if (!session_forced(c))
		return SSH_OK;
	if (!(copy = strdup(c->cfg->force_command)))
		return SSH_ERR_ALLOC;
	free(a->command);
	a->command = copy;
	return SSH_OK;
}

/* ExposeAuthInfo: a file only the user can read, made once per connection
 * (as the user: privileges are dropped by now) and removed when the
 * connection ends (auth_result_clear). NULL when it cannot be made (a
 * chroot without /tmp, say), which is logged. */
const char *session_auth_info_file(struct conn *c)
{
	struct auth_result *a = c->auth;
	size_t n;
	int fd;
	if (!c->cfg->expose_auth_info || !a)
		return NULL;
	if (a->auth_info_file[0])
		return a->auth_info_file;
	snprintf(a->auth_info_file, sizeof a->auth_info_file, "/tmp/sshauth.XXXXXXXXXXXXXXX");
	if ((fd = mkstemp(a->auth_info_file)) < 0) {
		logit(c->log, LOG_ERR, "ExposeAuthInfo: mkstemp: %s", strerror(errno));
		a->auth_info_file[0] = 0;
		return NULL;
	}
	n = strlen(a->auth_info);
	if (write(fd, a->auth_info, n) != (ssize_t)n || write(fd, "\n", 1) != 1) {
		logit(c->log, LOG_ERR, "ExposeAuthInfo: write %s: %s", a->auth_info_file, strerror(errno));
		close(fd);
		unlink(a->auth_info_file);
		a->auth_info_file[0] = 0;
		return NULL;
	}
	close(fd);
	return a->auth_info_file;
}
