/* The pre-authentication process (preauth.h): the sandbox, the loop, and
 * the handover of the connection to the monitor once USERAUTH_SUCCESS is
 * out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor/mon_proto.h"
#include "privsep/preauth.h"
#include "privsep/sandbox.h"
#include "services/userauth.h"
#include "transport/err.h"
#include "transport/handover.h"
#include "transport/log.h"

/* descriptors the pre-authentication loop polls: the client's two and
 * main's signalfd, and one spare */
#define PREAUTH_POLL_FDS 4

/* the transport state in MON_STATE records, at most a record's worth each */
static int state_send(struct conn *c)
{
	struct buf st;
	int e;
	buf_init(&st, MON_MAX_STATE);
	e = transport_export(c, &st);
	for (size_t off = 0; e == SSH_OK && off < st.len; off += MON_MAX_MSG - 16) {
		struct buf rec;
		size_t n = st.len - off < MON_MAX_MSG - 16 ? st.len - off : MON_MAX_MSG - 16;
		buf_init(&rec, MON_MAX_MSG);
		buf_u8(&rec, MON_STATE);
		buf_string(&rec, st.d + off, n);
		if (rec.err || send(c->monfd, rec.d, rec.len, MSG_NOSIGNAL) != (ssize_t)rec.len)
			e = SSH_ERR_INTERNAL;
		wipe(rec.d, rec.len);
		buf_free(&rec);
	}
	wipe(st.d, st.len);
	buf_free(&st);
	return e;
}

/* the client's descriptors and the transport state to the monitor, once
 * USERAUTH_SUCCESS is out and no key exchange runs */
static int handover_send(struct conn *c)
{
	int fds[2] = {c->rfd, c->wfd};
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof fds)];
	} cm;
	uint8_t op = MON_STATE_END;
	struct iovec iov = {&op, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof cm.b};
	int e;

	if ((e = state_send(c)) != SSH_OK)
		return e;
	memset(&cm, 0, sizeof cm);
	cm.h.cmsg_level = SOL_SOCKET;
	cm.h.cmsg_type = SCM_RIGHTS;
	cm.h.cmsg_len = CMSG_LEN(sizeof fds);
	memcpy(CMSG_DATA(&cm.h), fds, sizeof fds);
	return sendmsg(c->monfd, &mh, MSG_NOSIGNAL) == 1 ? SSH_OK : SSH_ERR_INTERNAL;
}

static void free_conn(struct conn *c)
{
	userauth_free(c);
	conn_free(c);
	free(c);
}

int privsep_preauth(struct conn *c, struct sandbox *sb, int (*end)(struct conn *c, int rc))
{
	char err[256];
	int rc;

	sb->log_fd = c->log->fd;
	if (sandbox_enter(sb, PREAUTH_POLL_FDS, err, sizeof err) != SSH_OK) {
		logit(c->log, LOG_ERR, "fatal: %s [preauth]", err);
		free_conn(c);
		return 255;
	}
	rc = transport_run(c, preauth_services);
	/* _exit, as after the handover below; and in a sanitizer build,
	 * LeakSanitizer's check at exit needs calls the sandbox refuses
	 * (prctl, then a tracer thread): it was killed by the filter */
	if (rc != SSH_OK || !c->handover)
		_exit(end(c, rc));
	if (handover_send(c) != SSH_OK) {
		logit(c->log, LOG_ERR, "privsep: cannot hand the connection over [preauth]");
		free_conn(c);
		return 255;
	}
	free_conn(c);
	/* done: the rest of an exit (the configuration freed, the
	 * libraries' destructors) would write to pages still shared with the
	 * monitor, each write a copy-on-write fault, for nothing */
	_exit(0);
}
