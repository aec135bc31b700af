/* Connections in memory for the unit tests that run two ends against each
 * other (test_packet, test_kex_mem): no sockets; memconn_carry moves one
 * end's output into the other's input as a socket would. */
#ifndef SSHL_MEMCONN_H
#define SSHL_MEMCONN_H

#include "transport/conn.h"

/* a connection with no fds on cfg and log; aborts when out of memory */
struct conn *memconn_new(const struct config *cfg, const struct logger *log);
void memconn_free(struct conn *c);
/* what a has queued moves into b's input; what b has read is dropped
 * first, as io_fill does */
int memconn_carry(struct conn *a, struct conn *b);
/* keys one direction with fixed key material, distinct per salt (the
 * same salt on both ends of a direction) */
int memconn_set_keys(struct direction *d, const struct cipher *ci, const struct mac *m, uint8_t salt);

#endif
