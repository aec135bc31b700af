/* The monitor's requests, parsed and answered without any file
 * descriptor so that a fuzzer and the unit tests drive the same code the
 * monitor runs (monitor.c only moves the bytes).
 *
 * Every request is one SOCK_SEQPACKET record, at most MON_MAX_MSG bytes,
 * its first byte the op; the fields are SSH wire types read through the
 * cursor (transport/buf.h) and the record must end where the last field
 * does. They come on the monitor's own socket; the login recorder's and
 * PAM's records (services/loginrec.h, services/pam.h, ops below
 * MON_OP_FIRST) on a second one, so that answers never cross. */
#ifndef SSHL_MON_PROTO_H
#define SSHL_MON_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "kex/hostkey.h"
#include "transport/buf.h"
#include "transport/log.h"

#define MON_MAX_MSG 16384
/* one connection's signatures: one a key exchange, and re-keys come at
 * most every RekeyLimit; a stream of requests beyond this is not a
 * connection's */
#define MON_MAX_SIGNS 4096

enum {
	MON_OP_FIRST = 0x40,
	/* monitor -> server, once: byte op, uint32 n, n x string public blob;
	 * or MON_KEYS_FAIL, string message */
	MON_KEYS = 0x40,
	MON_KEYS_FAIL = 0x41,
	/* server -> monitor: byte op, uint32 key index, string signature
	 * algorithm, string exchange hash. Answer: byte op, string signature
	 * blob */
	MON_SIGN = 0x42,
	/* the root server process -> monitor, before it answers the first
	 * userauth request under privilege separation: byte op. Answer: byte
	 * op, string session identifier, uint32 index of the key that signed
	 * it. Refused before the first signature: the session identifier the
	 * userauth answers bind to is the monitor's, never the pre-auth
	 * process's word */
	MON_SESSION = 0x43,
	/* server -> monitor: byte op, uint32 min, want, max bits of a DH
	 * group exchange. Answer: byte op, string p, string g, from the
	 * moduli file, which the sandbox cannot open (OpenSSH's
	 * MONITOR_REQ_MODULI) */
	MON_MODULI = 0x44,
};

/* what the monitor knows of the connection, from its own start-up and
 * its own answers, never from what it is told */
struct mon_state {
	const struct logger *log;
	const struct hostkey *keys;  /* with their private halves */
	int nkeys;
	unsigned nsigns;
	/* the first exchange hash signed is the session identifier
	 * (RFC 4253 7.2), which later user authentication answers check */
	uint8_t session_id[64];
	size_t session_id_len;
	uint32_t session_key;  /* the key that signed it */
	const char *moduli_file;
	unsigned nmoduli;      /* group choices so far, bounded as signatures */
	/* the request being answered came from the pre-authentication
	 * process, which may not ask for the session identifier */
	int preauth;
};

/* Answers one request into reply. SSH_OK with the answer; any other
 * value refuses the request, with a log line said here: the monitor
 * then ends the connection. */
int mon_request(struct mon_state *m, const uint8_t *q, size_t n, struct buf *reply);

/* MON_KEYS for the loaded keys */
int mon_keys_msg(const struct hostkey *keys, int nkeys, struct buf *out);

#endif
