/* The pre-authentication process P (docs/ARCHITECTURE.md, "Processes"):
 * the monitor's child, started as root, with the host keys' public halves
 * and the connection struct set up. It enters the sandbox
 * (privsep/sandbox.h) before it reads a byte of the client's, then runs
 * the version exchange, the packets and the key exchanges (signing
 * through the monitor). Its ssh-userauth (ua_proxy.c) hands each userauth
 * message to the monitor, which decides it. After USERAUTH_SUCCESS, P
 * hands the client's descriptors and the transport state
 * (transport/handover.c) to the monitor, whose process for the user takes
 * them over; P exits. */
#ifndef SSHL_PREAUTH_H
#define SSHL_PREAUTH_H

#include "privsep/sandbox.h"
#include "transport/conn.h"

/* the rows the pre-authentication process's SERVICE_REQUEST may start */
extern const struct service preauth_services[];

/* Runs connection c as P, from the sandbox on (sb: sandbox_prepare's,
 * made before the fork, so that P does no account lookup of its own);
 * c->monfd is its socket to the monitor. end(c, rc) is the close path
 * (the close log line, freeing), for a connection that ends here. Returns
 * the process's exit status, or exits after a handover. */
int privsep_preauth(struct conn *c, struct sandbox *sb, int (*end)(struct conn *c, int rc));

#endif
