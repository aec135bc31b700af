/* The pre-authentication process's ssh-userauth (privsep/preauth.h): it
 * knows no user, file or password. Each userauth message goes, as it came,
 * to the root server process, which answers it with the userauth code of
 * the unseparated server (services/userauth.c); the answer's packets are
 * sent from here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "privsep/preauth.h"
#include "privsep/ps_proto.h"
#include "transport/err.h"
#include "transport/log.h"
#include "transport/msg.h"

static int send_payload(struct conn *c, const uint8_t *p, size_t n)
{
	struct buf *b;
	int e;
	if ((e = pkt_begin(c, p[0], &b)) != SSH_OK || (e = buf_put(b, p + 1, n - 1)) != SSH_OK)
		return e;
	return pkt_send(c);
}

/* S's answer: its packets, then the outcome. *used grows to the most
 * bytes of q a record filled, for the caller's wipe: only the pages
 * touched, since a page fault is what a connection's extra process costs
 * most */
static int answer(struct conn *c, uint8_t *q, size_t *used)
{
	const uint8_t *p;
	size_t n;
	uint32_t outcome;
	uint8_t op;
	ssize_t got;
	int code, e;

	for (;;) {
		do
			got = recv(c->authfd, q, PS_MAX_REC, MSG_TRUNC);
		while (got < 0 && errno == EINTR);
		if (got > 0 && (size_t)got > *used)
			*used = (size_t)got > PS_MAX_REC ? PS_MAX_REC : (size_t)got;
		if (got <= 0 || ps_parse_reply(q, (size_t)got, &op, &p, &n, &outcome, &code) != SSH_OK) {
			logit(c->log, LOG_ERR, "privsep: no answer from the server process [preauth]");
			return SSH_ERR_INTERNAL;
		}
		if (op == PS_REPLY) {
			if ((e = send_payload(c, p, n)) != SSH_OK)
				return e;
			continue;
		}
		if (outcome == PS_FAIL)
			return code;
		if (outcome == PS_HANDOVER)
			c->handover = 1;
		return SSH_OK;
	}
}

static int forward(struct conn *c, uint8_t type, struct rd *r)
{
	struct buf q;
	uint8_t *rec;
	size_t n = rd_left(r), used;
	int e;

	/* RFC 4252 5.1: requests after success are ignored */
	if (c->handover)
		return SSH_OK;
	if (n + 1 > PS_MAX_PAYLOAD)
		return SSH_ERR_TOOBIG;
	if (!(rec = malloc(PS_MAX_REC)))
		return SSH_ERR_ALLOC;
	/* the payload as it came: the type, then what the cursor has left */
	rec[0] = type;
	memcpy(rec + 1, r->p + r->off, n);
	used = n + 1;
	buf_init(&q, PS_MAX_REC);
	e = ps_build_msg(&q, c->rx_cur_seq, c->initial_hostcert, rec, n + 1);
	if (e == SSH_OK && send(c->authfd, q.d, q.len, MSG_NOSIGNAL) != (ssize_t)q.len)
		e = SSH_ERR_INTERNAL;
	buf_free(&q);
	if (e == SSH_OK)
		e = answer(c, rec, &used);
	wipe(rec, used);
	free(rec);
	return e;
}

static int proxy_install(struct conn *c)
{
	c->dispatch[SSH_MSG_USERAUTH_REQUEST] = forward;
	c->dispatch[SSH_MSG_USERAUTH_INFO_RESPONSE] = forward;
	c->dispatch[SSH_MSG_SERVICE_REQUEST] = forward;
	return SSH_OK;
}

const struct service preauth_services[] = {
	{"ssh-userauth", proxy_install},
	{NULL, NULL},
};
