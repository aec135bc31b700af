/* The services, as rows keyed by name (struct service, transport/conn.h):
 * the entry point hands the transport the ones SERVICE_REQUEST may start,
 * and userauth starts one of its own after success. */
#ifndef SSHL_SERVICE_H
#define SSHL_SERVICE_H

#include "transport/conn.h"

/* the services a client may ask for by SERVICE_REQUEST */
extern const struct service transport_services[];
/* the services userauth may start after success (RFC 4252 5) */
extern const struct service auth_services[];

int userauth_install(struct conn *c);
/* After USERAUTH_SUCCESS, in the process that serves the user: login
 * records, ForceCommand, ChrootDirectory, the user's identity, then the
 * service c->auth names. userauth's success runs it itself, except on a
 * connection with auth_split set (the monitor's), where the process forked
 * for the user does. */
int userauth_enter(struct conn *c);
int connection_install(struct conn *c);

#endif
