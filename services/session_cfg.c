/* The sshd_config keywords that shape a session once the user is known:
 * ForceCommand replaces what the client asked to run (and authorized_keys'
 * command=, as in OpenSSH: the administrator's command wins). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "services/auth.h"
#include "services/session.h"
#include "transport/conn.h"
#include "transport/err.h"

int session_force_command(struct conn *c, struct auth_result *a)
{
	const char *fc = c->cfg->force_command;
	char *copy;
	if (!fc || !strcasecmp(fc, "none"))
		return SSH_OK;
	if (!(copy = strdup(fc)))
		return SSH_ERR_ALLOC;
	free(a->command);
	a->command = copy;
	return SSH_OK;
}
