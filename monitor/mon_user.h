/* Inside the monitor (monitor.c): its userauth connection and the user's
 * process it forks at the handover (mon_user.c). */
#ifndef SSHL_MON_USER_H
#define SSHL_MON_USER_H

#include "config/config.h"
#include "config/peer.h"
#include "kex/hostkey.h"
#include "transport/buf.h"
#include "transport/conn.h"
#include "transport/log.h"

/* what the user's process gets besides the monitor's connection */
struct mon_user {
	struct buf state; /* transport_export's blob, as P sent it */
	int monfd;        /* its socket for signatures */
	int rootfd;       /* its socket for login records, or 0: keep c's */
	int sigfd;
};

/* The connection userauth runs on in the monitor: the peer's addresses
 * for Match and from=, the keys with their private halves, auth_split
 * set and the userauth service installed; no transport. NULL when it
 * cannot be made. */
struct conn *mon_auth_conn(const struct config *cfg, const struct logger *log, const struct peer *peer,
			   struct hostkey *keys, int nkeys);

/* A MON_STATE record appended to u->state: SSH_OK, or an error for a
 * malformed record or too much state */
int mon_state_part(struct mon_user *u, const uint8_t *q, size_t n);

/* In the process forked for the user: forgets the host keys' private
 * halves, takes the client's descriptors fds and u->state, enters the
 * user's session (userauth_enter) and serves the connection to its end
 * through end, the entry point's close path. Returns the exit status. */
int mon_user_run(struct conn *c, struct mon_user *u, const int fds[2], int (*end)(struct conn *c, int rc));

#endif
