/* The monitor's userauth and the user's process (monitor.h): the
 * connection the monitor decides userauth on, the transport state the
 * pre-authentication process hands over, and the process forked for the
 * user, which takes that state and serves the connection. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor/mon_proto.h"
#include "monitor/mon_user.h"
#include "monitor/monitor.h"
#include "services/service.h"
#include "services/userauth.h"
#include "transport/err.h"
#include "transport/handover.h"

struct conn *mon_auth_conn(const struct config *cfg, const struct logger *log, const struct peer *peer,
			   struct hostkey *keys, int nkeys)
{
	struct conn *c = conn_new(-1, -1, cfg, log);
	if (!c)
		return NULL;
	snprintf(c->addr, sizeof c->addr, "%s", peer->addr);
	snprintf(c->laddr, sizeof c->laddr, "%s", peer->laddr);
	c->port = peer->port;
	c->lport = peer->lport;
	c->network_peer = peer->network;
	c->keys = keys;
	c->nkeys = nkeys;
	/* nothing of the user's runs here: success stops at
	 * USERAUTH_SUCCESS, and the user's process goes on */
	c->auth_split = 1;
	transport_install(c, NULL);
	if (conn_match(c, NULL, 0) != SSH_OK || userauth_install(c) != SSH_OK) {
		conn_free(c);
		free(c);
		return NULL;
	}
	return c;
}

int mon_state_part(struct mon_user *u, const uint8_t *q, size_t n)
{
	struct rd r;
	const uint8_t *p;
	size_t pl;
	uint8_t op;

	rd_init(&r, q, n);
	/* byte MON_STATE, string a part of transport_export's blob */
	if (rd_u8(&r, &op) != SSH_OK || op != MON_STATE || rd_string(&r, &p, &pl) != SSH_OK || rd_end(&r) != SSH_OK)
		return SSH_ERR_PROTO;
	if (!u->state.max)
		buf_init(&u->state, MON_MAX_STATE);
	return buf_put(&u->state, p, pl);
}

/* the user's process's host keys: the public halves only, signing through
 * the monitor as the pre-authentication process did */
static int forget_private_keys(struct conn *c)
{
	struct buf blob;
	int e = SSH_OK;
	buf_init(&blob, 0);
	for (int i = 0; i < c->nkeys && e == SSH_OK; i++) {
		blob.len = 0;
		if ((e = hostkey_public_blob(&c->keys[i], &blob)) != SSH_OK)
			break;
		{
			uint8_t *cert = c->keys[i].cert;
			size_t cl = c->keys[i].cert_len;
			c->keys[i].cert = NULL;
			c->keys[i].cert_len = 0;
			hostkey_free(&c->keys[i]);
			e = hostkey_public_only(&c->keys[i], blob.d, blob.len);
			c->keys[i].cert = cert;
			c->keys[i].cert_len = cl;
		}
	}
	buf_free(&blob);
	return e;
}

/* The user's process: the connection as P left it, then served */
static int user_take_over(struct conn *c, struct mon_user *u, const int fds[2])
{
	uint8_t sid[sizeof c->session_id];
	size_t sl = c->session_id_len;
	int e = SSH_OK;

	memcpy(sid, c->session_id, sl);
	if (dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0)
		e = SSH_ERR_IO;
	close(fds[0]);
	close(fds[1]);
	c->rfd = 0;
	c->wfd = 1;
	if (e == SSH_OK)
		e = transport_import(c, u->state.d, u->state.len);
	buf_free(&u->state);
	/* the monitor's session identifier, not P's word */
	if (e == SSH_OK && (c->session_id_len != sl || !ct_eq(c->session_id, sid, sl)))
		e = SSH_ERR_PROTO;
	if (e != SSH_OK) {
		logit(c->log, LOG_ERR, "privsep: bad transport state from the pre-authentication process");
		return e;
	}
	/* RekeyLimit as the user's Match blocks have it, not P's */
	conn_rekey_limits(c, c->cfg);
	if ((e = pkt_start_compression(c, 1)) != SSH_OK || (e = pkt_start_compression(c, 0)) != SSH_OK)
		return e;
	return userauth_enter(c);
}

int mon_user_run(struct conn *c, struct mon_user *u, const int fds[2], int (*end)(struct conn *c, int rc))
{
	int e;
	c->auth_split = 0;
	c->capture = NULL;
	c->monfd = u->monfd;
	c->sign = monitor_sign;
	c->choose_group = monitor_group;
	if (u->rootfd > 0)
		c->rootfd = u->rootfd;
	c->sigfd = u->sigfd;
	if ((e = forget_private_keys(c)) != SSH_OK) {
		logit(c->log, LOG_ERR, "privsep: cannot forget the host keys: %s", ssh_err(e));
		return 255;
	}
	if ((e = user_take_over(c, u, fds)) != SSH_OK)
		return end(c, e);
	return end(c, transport_resume(c));
}
