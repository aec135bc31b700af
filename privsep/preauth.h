/* Privilege separation's process split (docs/ARCHITECTURE.md,
 * "Processes"). Started as root, after the monitor holds the host keys
 * and the connection struct is set up, the server process S forks the
 * pre-authentication process P, which enters the sandbox
 * (privsep/sandbox.h) before it reads a byte of the client's and then runs
 * the version exchange, the packets and the key exchanges (signing
 * through the monitor). Its ssh-userauth (ua_proxy.c) hands each userauth
 * message to S, which answers it with the userauth code as root, its
 * packets captured (conn's capture). After USERAUTH_SUCCESS, S, already
 * the user (chroot, groups, uid), takes the client's descriptors and the
 * transport state from P (transport/handover.c) and serves the
 * connection; P exits. */
#ifndef SSHL_PREAUTH_H
#define SSHL_PREAUTH_H

#include "transport/conn.h"

/* the rows the pre-authentication process's SERVICE_REQUEST may start */
extern const struct service preauth_services[];

/* Runs connection c separated; premon is the pre-authentication process's
 * own socket to the monitor (monitor_start's fds[1]). end(c, rc) is the
 * unseparated server's close path (the close log line, freeing): the
 * process that ends the connection calls it. Returns the process's exit
 * status. */
int privsep_serve(struct conn *c, int premon, int (*end)(struct conn *c, int rc));

#endif
