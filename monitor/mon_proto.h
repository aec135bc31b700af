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
#include "transport/conn.h"
#include "transport/log.h"

#define MON_MAX_MSG (64u * 1024)
/* one connection's signatures: one a key exchange, and re-keys come at
 * most every RekeyLimit; a stream of requests beyond this is not a
 * connection's */
#define MON_MAX_SIGNS 4096

enum {
	MON_OP_FIRST = 0x40,
	/* monitor -> P, once: byte op, uint32 n, n x string public blob;
	 * or MON_KEYS_FAIL, string message */
	MON_KEYS = 0x40,
	MON_KEYS_FAIL = 0x41,
	/* P or the user's process -> monitor: byte op, uint32 key index, string signature
	 * algorithm, string exchange hash. Answer: byte op, string signature
	 * blob */
	MON_SIGN = 0x42,
	/* P or the user's process -> monitor: byte op, uint32 min, want, max bits of a DH
	 * group exchange. Answer: byte op, string p, string g, from the
	 * moduli file, which the sandbox cannot open (OpenSSH's
	 * MONITOR_REQ_MODULI) */
	MON_MODULI = 0x44,
	/* the pre-authentication process -> monitor, the client's
	 * USERAUTH_REQUEST and INFO_RESPONSE: byte op, bool the first
	 * exchange presented its host certificate, then the message's fields
	 * as the client sent them (RFC 4252 5, RFC 4256 3.4). The monitor
	 * decides them with the userauth code on a connection of its own
	 * (auth_split: nothing of the user's runs here). Answer: any number
	 * of MON_AUTH_PACKET, string a payload to send; then MON_AUTH_END,
	 * uint32 outcome (MON_GO_ON, MON_HANDOVER once authenticated,
	 * MON_FAIL), uint32 the error the connection ends with (negated) */
	MON_AUTH_REQUEST = 0x45,
	MON_AUTH_INFO = 0x46,
	MON_AUTH_END = 0x47,
	MON_AUTH_PACKET = 0x4a,
	/* the pre-authentication process -> monitor, after MON_HANDOVER and
	 * once no key exchange runs: MON_STATE, string a part of
	 * transport_export's blob (any number), then MON_STATE_END alone,
	 * with the client's two descriptors (SCM_RIGHTS). No answer: the
	 * monitor forks the user's process, which takes them. */
	MON_STATE = 0x48,
	MON_STATE_END = 0x49,
};

enum { MON_GO_ON = 0, MON_HANDOVER = 1, MON_FAIL = 2 };

/* all of an answer's packets: the Banner file, however long the
 * administrator made it (in 32 KiB messages), and a FAILURE or PK_OK */
#define MON_MAX_ANSWER (16u * 1024 * 1024)
/* userauth requests of one connection: MaxAuthTries bounds the failures,
 * this the rest (PK_OK queries, keyboard-interactive turns) */
#define MON_MAX_AUTH 1024
/* the most transport state: keys, counters and the unread input */
#define MON_MAX_STATE (1024u * 1024)

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
	 * process, the only one that may ask for authentication */
	int preauth;
	/* the monitor's own connection for userauth (auth_split set, the
	 * userauth service installed, no transport), or NULL: no
	 * authentication is asked of this monitor */
	struct conn *ac;
	unsigned nauth;
	/* the reply is several records, each uint32 length and the record
	 * (an authentication answer): the loop sends them one by one */
	int multi;
};

/* Answers one request into reply. SSH_OK with the answer; any other
 * value refuses the request, with a log line said here: the monitor
 * then ends the connection. */
int mon_request(struct mon_state *m, const uint8_t *q, size_t n, struct buf *reply);

/* MON_KEYS for the loaded keys */
int mon_keys_msg(const struct hostkey *keys, int nkeys, struct buf *out);

#endif
