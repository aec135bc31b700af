/* The transport state of a connection as one blob, for privilege
 * separation (issue 13): the unprivileged pre-authentication process
 * exports it once USERAUTH_SUCCESS is out, and the process that runs as
 * the user imports it into a fresh connection and goes on where the other
 * stopped: the same keys, IVs, sequence numbers and counters, and the
 * bytes the client sent that were not handled yet.
 *
 * The blob is a version byte and SSH wire types (transport/handover.c
 * lists them). It holds the session keys: wipe it after use. It comes
 * from a process that may have been taken over, so the importer parses it
 * like anything from the network: through the cursor, every length and
 * count checked, every library context checked by its row (ctx_ok,
 * mac_ctx_ok) before it is used, and anything odd refused. */
#ifndef SSHL_HANDOVER_H
#define SSHL_HANDOVER_H

#include <stddef.h>
#include <stdint.h>

#include "transport/buf.h"
#include "transport/conn.h"

#define HANDOVER_VERSION 1

/* Appends c's transport state to out. Refused (SSH_ERR_PROTO, with a log
 * line, nothing appended) while a key exchange runs, while service
 * messages are held for one, with output not yet written (the caller
 * drains c->out first) or with compression started (plain zlib cannot
 * move; zlib@openssh.com starts after the handover). */
int transport_export(const struct conn *c, struct buf *out);

/* Puts the state in p (n bytes) into c, which conn_init made and which
 * has read nothing yet; c->keys and c->nkeys must already hold the same
 * host keys, in the same order, as the exporter's (the monitor's public
 * keys), since the initial host key moves as an index. Compression is
 * left not started: once c->authenticated is set, the caller starts
 * zlib@openssh.com with pkt_start_compression. SSH_OK, or an SSH_ERR_*
 * with a log line and c's directions wiped back to no keys. */
int transport_import(struct conn *c, const uint8_t *p, size_t n);

#endif
