/* Between the pre-authentication process (P) and the root server process
 * (S) under privilege separation (privsep/preauth.c). One SOCK_SEQPACKET
 * record per message, at most PS_MAX_REC bytes, its first byte the op and
 * its fields SSH wire types; each side parses the other's records through
 * the cursor and refuses anything else. The parsers take no descriptor,
 * so a fuzzer drives them (fuzz/fuzz_psproto.c).
 *
 *   P -> S  PS_MSG        uint32 sequence number, bool host key presented
 *                         as its certificate, string payload: a
 *                         USERAUTH_REQUEST, INFO_RESPONSE or SERVICE_REQUEST
 *   S -> P  PS_REPLY      string payload, for P to send (any number)
 *           PS_END        uint32 outcome: PS_GO_ON, PS_HANDOVER (the last
 *                         reply was USERAUTH_SUCCESS), or PS_FAIL and
 *                         uint32 the SSH_ERR_* code the connection ends with
 *   P -> S  PS_STATE      string: a part of transport_export's blob
 *           PS_STATE_END  with the client's descriptors (SCM_RIGHTS)
 */
#ifndef SSHL_PS_PROTO_H
#define SSHL_PS_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "transport/buf.h"

/* the largest record; a USERAUTH_REQUEST beyond this (the biggest real one,
 * an RSA-16384 certificate and signature, is some kilobytes) is refused */
#define PS_MAX_REC (64u * 1024)
#define PS_MAX_PAYLOAD (PS_MAX_REC - 16)
/* the most transport state S takes: keys, counters and the unread input */
#define PS_MAX_STATE (1024u * 1024)

enum { PS_MSG = 1, PS_REPLY = 2, PS_END = 3, PS_STATE = 4, PS_STATE_END = 5 };
enum { PS_GO_ON = 0, PS_HANDOVER = 1, PS_FAIL = 2 };

struct ps_msg {
	uint32_t seq;
	int hostcert;
	const uint8_t *payload; /* inside the record; type byte first */
	size_t len;
};

/* S's parse of P's PS_MSG: SSH_OK, or SSH_ERR_PROTO for anything but a
 * well-formed record whose payload is one of the three messages */
int ps_parse_msg(const uint8_t *q, size_t n, struct ps_msg *m);
int ps_build_msg(struct buf *b, uint32_t seq, int hostcert, const uint8_t *payload, size_t len);

/* P's parse of S's records: op PS_REPLY (payload set) or PS_END (outcome
 * and code set); SSH_ERR_PROTO otherwise */
int ps_parse_reply(const uint8_t *q, size_t n, uint8_t *op, const uint8_t **payload, size_t *len, uint32_t *outcome,
		   int *code);

#endif
