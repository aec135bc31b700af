/* Shared set-up for the libFuzzer targets in fuzz/: a configuration, a host
 * key and a connection built the way sshd-lite.c builds them, so each target
 * exercises the real code rather than a re-creation of it. */
#ifndef SSHL_FUZZ_H
#define SSHL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "kex/hostkey.h"
#include "transport/conn.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* every algorithm the server supports enabled (legacy ones too), so the
 * fuzzer can reach each code path; compression on */
void fuzz_config(struct config *cfg);
/* a logger that formats every line (debug level) into /dev/null, or to
 * stderr when FUZZ_LOG is set */
const struct logger *fuzz_logger(void);
/* one ed25519 host key, generated once from the fixed random seed */
struct hostkey *fuzz_hostkey(void);
/* a connection on the given fds with cfg and the host key, as main() sets
 * one up */
void fuzz_conn(struct conn *c, int rfd, int wfd, const struct config *cfg);
/* A connection as the transport hands it to a service: past its first key
 * exchange, the random stream seeded; fuzz_service_install puts the
 * service's handlers in (userauth_install, or connection_install once
 * c->auth and c->authenticated are set as userauth leaves them), as
 * SERVICE_REQUEST or a finished userauth does. fuzz_service_end releases
 * what the connection's owner would, c->auth included. */
struct conn *fuzz_service_conn(const struct config *cfg, uint64_t seed);
void fuzz_service_install(struct conn *c, int (*install)(struct conn *c));
void fuzz_service_end(struct conn *c);
/* Hands records (u16 big-endian length, then a payload with the message
 * number first) to the handlers in c->dispatch, as the transport would,
 * skipping those keep() refuses; stops at a handler's error or want_close.
 * Each payload is copied first: the server may wipe what it read. */
void fuzz_dispatch(struct conn *c, const uint8_t *data, size_t size,
		   int (*keep)(const uint8_t *p, size_t n));
/* writes data to an anonymous file and returns its /proc/self/fd path in
 * path; the fd is returned (close it when done) or -1 */
int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t pathlen);

#endif
