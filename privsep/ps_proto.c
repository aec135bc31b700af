/* The records of ps_proto.h, built and parsed through the cursor. */
#include "privsep/ps_proto.h"
#include "transport/err.h"
#include "transport/msg.h"

int ps_parse_msg(const uint8_t *q, size_t n, struct ps_msg *m)
{
	struct rd r;
	uint8_t op, cert;

	if (n > PS_MAX_REC)
		return SSH_ERR_PROTO;
	rd_init(&r, q, n);
	/* the flag is 0 or 1: one encoding for each record */
	if (rd_u8(&r, &op) != SSH_OK || op != PS_MSG || rd_u32(&r, &m->seq) != SSH_OK || rd_u8(&r, &cert) != SSH_OK ||
	    cert > 1 || rd_string(&r, &m->payload, &m->len) != SSH_OK || rd_end(&r) != SSH_OK || m->len == 0)
		return SSH_ERR_PROTO;
	m->hostcert = cert;
	switch (m->payload[0]) {
	case SSH_MSG_SERVICE_REQUEST:
	case SSH_MSG_USERAUTH_REQUEST:
	case SSH_MSG_USERAUTH_INFO_RESPONSE:
		return SSH_OK;
	default:
		return SSH_ERR_PROTO;
	}
}

int ps_build_msg(struct buf *b, uint32_t seq, int hostcert, const uint8_t *payload, size_t len)
{
	if (len > PS_MAX_PAYLOAD)
		return SSH_ERR_TOOBIG;
	buf_reset(b);
	buf_u8(b, PS_MSG);
	buf_u32(b, seq);
	buf_bool(b, hostcert);
	buf_string(b, payload, len);
	return b->err;
}

int ps_parse_reply(const uint8_t *q, size_t n, uint8_t *op, const uint8_t **payload, size_t *len, uint32_t *outcome,
		   int *code)
{
	struct rd r;
	uint32_t v = 0;

	if (n > PS_MAX_REC)
		return SSH_ERR_PROTO;
	rd_init(&r, q, n);
	if (rd_u8(&r, op) != SSH_OK)
		return SSH_ERR_PROTO;
	if (*op == PS_REPLY)
		return rd_string(&r, payload, len) == SSH_OK && *len > 0 && rd_end(&r) == SSH_OK ? SSH_OK : SSH_ERR_PROTO;
	if (*op != PS_END || rd_u32(&r, outcome) != SSH_OK || *outcome > PS_FAIL)
		return SSH_ERR_PROTO;
	if (*outcome == PS_FAIL && rd_u32(&r, &v) != SSH_OK)
		return SSH_ERR_PROTO;
	if (*outcome == PS_FAIL && (v == 0 || v > 0xffff))
		return SSH_ERR_PROTO;
	*code = -(int)v;
	return rd_end(&r);
}
