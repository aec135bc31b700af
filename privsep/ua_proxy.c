/* The pre-authentication process's ssh-userauth (privsep/preauth.h): it
 * knows no user, file or password. Each USERAUTH_REQUEST and INFO_RESPONSE
 * goes, its fields as they came, to the monitor, which decides it with the
 * userauth code (services/userauth.c) on a connection of its own; the
 * answer's packets are sent from here. */
#include <string.h>

#include "monitor/mon_proto.h"
#include "monitor/monitor.h"
#include "privsep/preauth.h"
#include "services/userauth.h"
#include "transport/err.h"
#include "transport/log.h"
#include "transport/msg.h"

static int forward(struct conn *c, uint8_t type, struct rd *r)
{
	uint32_t outcome;
	int e;

	/* RFC 4252 5.1: requests after success are ignored */
	if (c->handover)
		return SSH_OK;
	e = monitor_auth(c, type == SSH_MSG_USERAUTH_REQUEST ? MON_AUTH_REQUEST : MON_AUTH_INFO, r->p + r->off,
			 rd_left(r), &outcome);
	if (e == SSH_OK && outcome == MON_HANDOVER)
		c->handover = 1;
	return e;
}

/* RFC 4252 5.1: after success nothing more of userauth's is answered */
static int service_again(struct conn *c, uint8_t type, struct rd *r)
{
	return c->handover ? SSH_OK : userauth_service_again(c, type, r);
}

static int proxy_install(struct conn *c)
{
	c->dispatch[SSH_MSG_USERAUTH_REQUEST] = forward;
	c->dispatch[SSH_MSG_USERAUTH_INFO_RESPONSE] = forward;
	c->dispatch[SSH_MSG_SERVICE_REQUEST] = service_again;
	return SSH_OK;
}

const struct service preauth_services[] = {
	{"ssh-userauth", proxy_install},
	{NULL, NULL},
};
