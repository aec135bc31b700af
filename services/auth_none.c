/* The "none" method (RFC 4252 5.2): normally a way for the client to learn
 * which methods can continue. With PipeAuthentication it logs in the user
 * who started the server, when the client is at the other end of a pipe
 * rather than a socket: that client could run anything as that user anyway. */
#include <unistd.h>

#include "services/userauth.h"

/* A local pipe only: not a socket, and not a relay's pipe whose launcher
 * says a network client is behind it (tcpserver, sslh: TCPREMOTEIP); the
 * entry point knows, from the descriptor it was started with, since the
 * process deciding may hold none (the monitor) */
static int pipe_peer(const struct conn *c) { return !c->network_peer; }

int auth_none(struct conn *c, struct userauth *u, struct rd *r)
{
	int e;
	/* no method-specific fields */
	if ((e = rd_end(r)) != SSH_OK)
		return e;
	/* never a step of AuthenticationMethods */
	if (c->cfg->pipe_auth && u->am.n == 0 && u->user.allowed && u->user.uid == getuid() && pipe_peer(c) &&
	    (u->user.uid != 0 || c->cfg->pipe_auth_root))
		return UA_SUCCESS;
	/* the customary first probe is not held against the client */
	return u->attempts == 1 ? UA_UNCOUNTED : UA_FAILURE;
}
