/* ssh-userauth (RFC 4252). Interim: answers every request with the list of
 * methods, so the transport can be exercised end to end. */
#include "services/service.h"
#include "transport/conn.h"
#include "transport/msg.h"

static int h_request(struct conn *c, uint8_t type, struct rd *r)
{
	struct buf *b;
	int e;
	(void)type, (void)r;
	if ((e = pkt_begin(c, SSH_MSG_USERAUTH_FAILURE, &b)) != SSH_OK)
		return e;
	buf_cstring(b, "publickey");
	buf_bool(b, 0);
	return pkt_send(c);
}

int userauth_install(struct conn *c)
{
	c->dispatch[SSH_MSG_USERAUTH_REQUEST] = h_request;
	return SSH_OK;
}

int connection_install(struct conn *c)
{
	(void)c;
	return SSH_ERR_UNSUPPORTED;
}
