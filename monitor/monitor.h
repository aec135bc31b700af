/* Privilege separation's root side (docs/ARCHITECTURE.md, "Processes").
 *
 * When sshd-lite is started as root, a monitor is forked first, while the
 * process is small and before any host key is read: the monitor loads the
 * host keys, keeps their private halves, and hands the server only the
 * public blobs. It answers the server's fixed requests over a
 * SOCK_SEQPACKET socketpair (mon_proto.h): signatures of exchange hashes,
 * and, as the root helper did, login records, group lists and PAM
 * (services/loginrec.h). The server, and the process that becomes the user
 * after authentication, never hold a host private key. */
#ifndef SSHL_MONITOR_H
#define SSHL_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "kex/hostkey.h"
#include "transport/buf.h"
#include "transport/log.h"

struct conn;
struct dh_group; /* kex/agree.h */

/* Forks (only as root: callers check): the calling process becomes the
 * monitor and never returns from here; the child returns as the server.
 * Returns the server's end of the monitor's own socket (sign, moduli and
 * session requests), with keys[0..*nkeys) public-only, fds[0] the end of
 * the login recorder's and PAM's socket (services/loginrec.h: conn's
 * rootfd) and fds[1] the end for the pre-authentication process, which
 * may only ask for signatures and groups; or -1 with err set when the
 * monitor could not load the keys or could not start. */
int monitor_start(const struct config *cfg, const struct logger *log, const char *host, struct hostkey *keys,
		  int max, int *nkeys, int fds[2], char *err, size_t errlen);

/* conn's sign hook (transport/conn.h): asks the monitor on c->monfd to
 * sign data with k, one of c->keys */
int monitor_sign(struct conn *c, const struct hostkey *k, const struct sigalg *alg, const uint8_t *data,
		 size_t len, struct buf *out);

/* Under privilege separation, before the root server process answers
 * userauth: the session identifier and the key of the first exchange, as
 * the monitor signed them, into c (session_id, initial_hostkey) */
int monitor_session(struct conn *c);

/* conn's choose_group hook: the monitor picks the group exchange's group
 * from its moduli file (MON_MODULI) */
int monitor_group(struct conn *c, uint32_t min, uint32_t want, uint32_t max, struct dh_group *out);

#endif
