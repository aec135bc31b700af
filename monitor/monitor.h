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
 * monitor and never returns from here; the child returns as the
 * pre-authentication process, with keys[0..*nkeys) public-only and its
 * socket to the monitor (signatures, groups, userauth, then the transport
 * state) as the result; or -1 with err set when the monitor could not
 * load the keys or could not start. After authentication the monitor
 * forks the user's process, which serves the connection and ends through
 * end (the entry point's close path). keys[0..max) must be zero: the
 * monitor loads the private keys into its copy. */
struct peer;
int monitor_start(const struct config *cfg, const struct logger *log, const struct peer *peer,
		  struct hostkey *keys, int max, int *nkeys, int (*end)(struct conn *c, int rc), char *err,
		  size_t errlen);

/* the pre-authentication process's userauth: a USERAUTH_REQUEST's or
 * INFO_RESPONSE's fields (op MON_AUTH_REQUEST or MON_AUTH_INFO) to the
 * monitor, which decides them; its packets are sent from c. *outcome is
 * MON_GO_ON or MON_HANDOVER; an error is the one the connection ends
 * with. */
int monitor_auth(struct conn *c, uint8_t op, const uint8_t *fields, size_t n, uint32_t *outcome);

/* conn's sign hook (transport/conn.h): asks the monitor on c->monfd to
 * sign data with k, one of c->keys */
int monitor_sign(struct conn *c, const struct hostkey *k, const struct sigalg *alg, const uint8_t *data,
		 size_t len, struct buf *out);

/* conn's choose_group hook: the monitor picks the group exchange's group
 * from its moduli file (MON_MODULI) */
int monitor_group(struct conn *c, uint32_t min, uint32_t want, uint32_t max, struct dh_group *out);

#endif
