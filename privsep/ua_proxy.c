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
#include "transport/namelist.h"

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

/* Clients may ask for ssh-userauth again until they succeed (paramiko
 * does before each method): nothing to decide, so answered here */
static int service_again(struct conn *c, uint8_t type, struct rd *r)
{
	const uint8_t *name;
	size_t n;
	struct buf *b;
	int e;
	(void)type;
	if (c->handover)
		return SSH_OK;
	/* service name */
	if ((e = rd_text(r, &name, &n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (!name_eq("ssh-userauth", name, n)) {
		char s[130];
		ua_log_safe(s, sizeof s, name, n > 32 ? 32 : n);
		logit(c->log, LOG_INFO, "Client from %s port %d requested unknown service %s", c->addr, c->port, s);
		return SSH_ERR_SERVICE;
	}
	if ((e = pkt_begin(c, SSH_MSG_SERVICE_ACCEPT, &b)) != SSH_OK)
		return e;
	buf_cstring(b, "ssh-userauth");
	return pkt_send(c);
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
