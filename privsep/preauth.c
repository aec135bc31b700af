/* The process split of privilege separation (preauth.h): the fork, the
 * pre-authentication process's start and end, and the root server
 * process's side: answering userauth, then taking the connection over. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/monitor.h"
#include "privsep/preauth.h"
#include "privsep/ps_proto.h"
#include "privsep/sandbox.h"
#include "services/userauth.h"
#include "transport/err.h"
#include "transport/handover.h"
#include "transport/log.h"
#include "transport/msg.h"

/* descriptors the pre-authentication loop polls: the client's two and
 * main's signalfd, and one spare */
#define PREAUTH_POLL_FDS 4

/* P: the client's descriptors and the transport state to S, once
 * USERAUTH_SUCCESS is out and no key exchange runs */
static int handover_send(struct conn *c)
{
	struct buf st;
	int fds[2] = {c->rfd, c->wfd};
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof fds)];
	} cm;
	uint8_t op = PS_STATE_END;
	struct iovec iov = {&op, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof cm.b};
	int e;

	buf_init(&st, PS_MAX_STATE);
	e = transport_export(c, &st);
	for (size_t off = 0; e == SSH_OK && off < st.len; off += PS_MAX_PAYLOAD) {
		struct buf rec;
		size_t n = st.len - off < PS_MAX_PAYLOAD ? st.len - off : PS_MAX_PAYLOAD;
		buf_init(&rec, PS_MAX_REC);
		buf_u8(&rec, PS_STATE);
		buf_string(&rec, st.d + off, n);
		if (rec.err || send(c->authfd, rec.d, rec.len, MSG_NOSIGNAL) != (ssize_t)rec.len)
			e = SSH_ERR_INTERNAL;
		buf_free(&rec);
	}
	buf_free(&st);
	if (e != SSH_OK)
		return e;
	memset(&cm, 0, sizeof cm);
	cm.h.cmsg_level = SOL_SOCKET;
	cm.h.cmsg_type = SCM_RIGHTS;
	cm.h.cmsg_len = CMSG_LEN(sizeof fds);
	memcpy(CMSG_DATA(&cm.h), fds, sizeof fds);
	return sendmsg(c->authfd, &mh, MSG_NOSIGNAL) == 1 ? SSH_OK : SSH_ERR_INTERNAL;
}

/* P, from the fork to its _exit: what it returns is its exit status */
static int preauth_child(struct conn *c, struct sandbox *sb, int (*end)(struct conn *c, int rc))
{
	char err[256];
	int rc;

	sb->log_fd = c->log->fd;

	/* the login recorder's and PAM's socket is S's alone */
	if (c->rootfd > 0)
		close(c->rootfd);
	c->rootfd = 0;
	if (sandbox_enter(sb, PREAUTH_POLL_FDS, err, sizeof err) != SSH_OK) {
		logit(c->log, LOG_ERR, "fatal: %s [preauth]", err);
		return 255;
	}
	rc = transport_run(c, preauth_services);
	if (rc != SSH_OK || !c->handover)
		return end(c, rc);
	if (handover_send(c) != SSH_OK) {
		logit(c->log, LOG_ERR, "privsep: cannot hand the connection over [preauth]");
		return 255;
	}
	return 0;
}

static int send_rec(int fd, uint8_t op, const uint8_t *p, size_t n, uint32_t outcome, int code)
{
	struct buf b;
	int e;
	buf_init(&b, PS_MAX_REC);
	buf_u8(&b, op);
	if (op == PS_REPLY) {
		buf_string(&b, p, n);
	} else {
		buf_u32(&b, outcome);
		if (outcome == PS_FAIL)
			buf_u32(&b, (uint32_t)-code);
	}
	e = b.err || send(fd, b.d, b.len, MSG_NOSIGNAL) != (ssize_t)b.len ? SSH_ERR_INTERNAL : SSH_OK;
	buf_free(&b);
	return e;
}

/* S: one of P's messages through the userauth code. Its packets go to P
 * up to USERAUTH_SUCCESS; any after it (the connection service's first)
 * wait in post for the compression that starts after the handover. */
static int s_answer(struct conn *c, struct buf *cap, struct buf *post, const uint8_t *q, size_t n)
{
	struct ps_msg m;
	struct rd r;
	const uint8_t *p;
	size_t pl;
	int e, after = 0;

	if (ps_parse_msg(q, n, &m) != SSH_OK) {
		logit(c->log, LOG_ERR, "privsep: malformed message from the pre-authentication process");
		return SSH_ERR_PROTO;
	}
	if (!c->session_id_len) {
		if ((e = monitor_session(c)) != SSH_OK)
			return e;
		c->initial_hostcert = m.hostcert;
	}
	c->rx_cur_seq = m.seq;
	buf_reset(cap);
	e = transport_handle(c, m.payload, m.len);
	rd_init(&r, cap->d, cap->len);
	while (rd_left(&r) && rd_string(&r, &p, &pl) == SSH_OK) {
		if (after) {
			buf_string(post, p, pl);
		} else if (send_rec(c->authfd, PS_REPLY, p, pl, 0, 0) != SSH_OK) {
			return SSH_ERR_INTERNAL;
		}
		after |= c->authenticated && p[0] == SSH_MSG_USERAUTH_SUCCESS;
	}
	if (e == SSH_OK && c->authenticated && !after)
		e = SSH_ERR_INTERNAL;
	if (e < 0)
		return send_rec(c->authfd, PS_END, NULL, 0, PS_FAIL, e) == SSH_OK ? 1 : SSH_ERR_INTERNAL;
	return send_rec(c->authfd, PS_END, NULL, 0, c->authenticated ? PS_HANDOVER : PS_GO_ON, 0);
}

/* S waits for P this long past LoginGraceTime: P ends the connection
 * itself when the grace runs out, so this only stops one that hangs */
#define GRACE_SLACK_MS 10000

static int s_wait(struct conn *c, pid_t pid)
{
	struct pollfd p[2] = {{c->authfd, POLLIN, 0}, {c->sigfd, POLLIN, 0}};
	int64_t left = -1;
	int n;
	for (;;) {
		/* afresh each time: a forwarded signal must not restart it */
		if (c->cfg->login_grace_time) {
			left = c->start_ms + (int64_t)c->cfg->login_grace_time * 1000 + GRACE_SLACK_MS - conn_now_ms();
			if (left < 0)
				left = 0;
		}
		n = poll(p, c->sigfd > 0 ? 2 : 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return SSH_ERR_TIMEOUT;
		if (c->sigfd > 0 && (p[1].revents & POLLIN)) {
			/* a launcher's SIGTERM: P ends the connection, and logs it */
			struct signalfd_siginfo si;
			if (read(c->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
				kill(pid, (int)si.ssi_signo);
		}
		if (p[0].revents)
			return SSH_OK;
	}
}

/* S answers P until USERAUTH_SUCCESS (SSH_OK), or P is gone (1) */
static int s_auth(struct conn *c, pid_t pid, struct buf *post)
{
	uint8_t *q = malloc(PS_MAX_REC + 1);
	struct buf *cap = calloc(1, sizeof *cap);
	ssize_t n;
	size_t used = 0;
	int e = q && cap ? SSH_OK : SSH_ERR_ALLOC;

	if (cap)
		buf_init(cap, 0);
	c->capture = cap;
	while (e == SSH_OK && !c->authenticated) {
		if ((e = s_wait(c, pid)) != SSH_OK) {
			logit(c->log, LOG_ERR, "privsep: the pre-authentication process outlived LoginGraceTime");
			break;
		}
		do
			n = recv(c->authfd, q, PS_MAX_REC + 1, MSG_TRUNC);
		while (n < 0 && errno == EINTR);
		if (n > 0 && (size_t)n > used)
			used = (size_t)n > PS_MAX_REC + 1 ? PS_MAX_REC + 1 : (size_t)n;
		if (n <= 0)
			e = 1;
		else
			e = s_answer(c, cap, post, q, (size_t)n);
		/* P ends the connection after a refusal, as the unseparated
		 * server would: its DISCONNECT and its log line */
		if (e == 1 && n > 0)
			e = SSH_OK;
	}
	c->capture = NULL;
	if (cap)
		buf_free(cap);
	free(cap);
	if (q)
		wipe(q, used);
	free(q);
	return e;
}

/* the descriptors of a PS_STATE_END, exactly two */
static int take_fds(struct msghdr *mh, int fds[2])
{
	struct cmsghdr *h = CMSG_FIRSTHDR(mh);
	if (!h || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS || h->cmsg_len != CMSG_LEN(2 * sizeof(int)))
		return SSH_ERR_PROTO;
	memcpy(fds, CMSG_DATA(h), 2 * sizeof(int));
	return SSH_OK;
}

/* S: the transport state's parts into st, then the client's descriptors */
static int take_state(struct conn *c, struct buf *st, int fds[2])
{
	uint8_t *q = malloc(PS_MAX_REC + 1);
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} cm;
	struct iovec iov = {q, PS_MAX_REC + 1};
	struct msghdr mh;
	const uint8_t *p;
	size_t pl;
	struct rd r;
	uint8_t op;
	ssize_t n;
	size_t used = 0;
	int e = q ? SSH_ERR_PROTO : SSH_ERR_ALLOC;

	while (q) {
		memset(&mh, 0, sizeof mh);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof cm.b;
		do
			n = recvmsg(c->authfd, &mh, MSG_CMSG_CLOEXEC);
		while (n < 0 && errno == EINTR);
		if (n > 0 && (size_t)n > used)
			used = (size_t)n > PS_MAX_REC + 1 ? PS_MAX_REC + 1 : (size_t)n;
		if (n <= 0 || n > (ssize_t)PS_MAX_REC || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
			break;
		rd_init(&r, q, (size_t)n);
		if (rd_u8(&r, &op) != SSH_OK)
			break;
		if (op == PS_STATE_END) {
			e = rd_end(&r) == SSH_OK ? take_fds(&mh, fds) : SSH_ERR_PROTO;
			break;
		}
		if (op != PS_STATE || mh.msg_controllen || rd_string(&r, &p, &pl) != SSH_OK || rd_end(&r) != SSH_OK ||
		    buf_put(st, p, pl) != SSH_OK)
			break;
	}
	if (q)
		wipe(q, used);
	free(q);
	return e;
}

/* S, the user now: the connection as P left it, then served to its end */
static int s_take_over(struct conn *c, struct buf *post)
{
	uint8_t sid[sizeof c->session_id];
	size_t sl = c->session_id_len;
	struct buf st;
	struct rd r;
	const uint8_t *p;
	size_t pl;
	int fds[2], e;

	memcpy(sid, c->session_id, sl);
	buf_init(&st, PS_MAX_STATE);
	if ((e = take_state(c, &st, fds)) != SSH_OK) {
		buf_free(&st);
		logit(c->log, LOG_ERR, "privsep: no transport state from the pre-authentication process");
		return e;
	}
	if (dup2(fds[0], c->rfd) < 0 || dup2(fds[1], c->wfd) < 0)
		e = SSH_ERR_IO;
	close(fds[0]);
	close(fds[1]);
	if (e == SSH_OK)
		e = transport_import(c, st.d, st.len);
	buf_free(&st);
	/* the monitor's session identifier, not P's word */
	if (e == SSH_OK && (c->session_id_len != sl || !ct_eq(c->session_id, sid, sl)))
		e = SSH_ERR_PROTO;
	if (e != SSH_OK) {
		logit(c->log, LOG_ERR, "privsep: bad transport state from the pre-authentication process");
		return e;
	}
	c->capture = NULL;
	/* RekeyLimit as the user's Match blocks have it, not P's */
	conn_rekey_limits(c, c->cfg);
	if ((e = pkt_start_compression(c, 1)) != SSH_OK || (e = pkt_start_compression(c, 0)) != SSH_OK)
		return e;
	rd_init(&r, post->d, post->len);
	while (e == SSH_OK && rd_left(&r) && rd_string(&r, &p, &pl) == SSH_OK) {
		struct buf *b;
		if ((e = pkt_begin(c, p[0], &b)) == SSH_OK && (e = buf_put(b, p + 1, pl - 1)) == SSH_OK)
			e = pkt_send(c);
	}
	return e;
}

/* S after P is gone without a handover: P logged the end */
static int preauth_status(struct conn *c, pid_t pid)
{
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st)) {
		logit(c->log, LOG_ERR, "fatal: privsep_preauth: preauth child terminated by signal %d", WTERMSIG(st));
		return 255;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static void free_conn(struct conn *c)
{
	userauth_free(c);
	conn_free(c);
	free(c);
}

/* Only P holds the client's socket until the handover: S's fds 0 and 1
 * point at /dev/null, or where there is no /dev (a bare chroot or mount
 * namespace) at a pipe's ends, so that they stay taken */
static int park_fds(struct conn *c)
{
	int p[2], e = SSH_OK, n = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (n >= 0) {
		p[0] = p[1] = n;
	} else if (pipe2(p, O_CLOEXEC) != 0) {
		return SSH_ERR_IO;
	}
	if (dup2(p[0], c->rfd) < 0 || dup2(p[1], c->wfd) < 0)
		e = SSH_ERR_IO;
	for (int i = 0; i < 2; i++)
		if (p[i] > 2 && (i == 0 || p[1] != p[0]))
			close(p[i]);
	return e;
}

/* S from the fork on */
static int server_side(struct conn *c, pid_t pid, int (*end)(struct conn *c, int rc))
{
	struct buf post;
	int e;

	if (park_fds(c) != SSH_OK) {
		logit(c->log, LOG_ERR, "privsep: cannot let go of the client's socket: %s", strerror(errno));
		kill(pid, SIGKILL);
	}
	buf_init(&post, 0);
	/* the transport's and the key exchange's handlers, for after the
	 * handover; until then P's messages reach only userauth's */
	transport_install(c, NULL);
	e = userauth_install(c);
	if (e == SSH_OK)
		e = s_auth(c, pid, &post);
	if (e == 1) {
		buf_free(&post);
		e = preauth_status(c, pid);
		free_conn(c);
		return e;
	}
	if (e == SSH_OK)
		e = s_take_over(c, &post);
	buf_free(&post);
	if (e != SSH_OK) {
		/* as the user now, S may not be able to stop P: then it does
		 * not wait for it either */
		if (kill(pid, SIGKILL) == 0)
			preauth_status(c, pid);
		free_conn(c);
		return 255;
	}
	preauth_status(c, pid);
	return end(c, transport_resume(c));
}

int privsep_serve(struct conn *c, int premon, int (*end)(struct conn *c, int rc))
{
	struct sandbox sb;
	char err[256];
	int sv[2];
	pid_t pid;

	if (sandbox_prepare(&sb, err, sizeof err) != SSH_OK) {
		logit(c->log, LOG_ERR, "%s", err);
		close(premon);
		free_conn(c);
		return 255;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0 || (pid = fork()) < 0) {
		logit(c->log, LOG_ERR, "privsep: cannot start the pre-authentication process: %s", strerror(errno));
		free_conn(c);
		return 255;
	}
	if (pid == 0) {
		/* its own socket to the monitor, which answers it fewer questions */
		close(sv[0]);
		close(c->monfd);
		c->monfd = premon;
		c->authfd = sv[1];
		_exit(preauth_child(c, &sb, end));
	}
	close(premon);
	close(sv[1]);
	c->authfd = sv[0];
	return server_side(c, pid, end);
}
