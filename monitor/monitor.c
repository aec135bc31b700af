/* The monitor process (monitor.h): the fork, the host keys, the loop. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "kex/hostkeys.h"
#include "monitor/mon_client.h"
#include "monitor/mon_proto.h"
#include "monitor/monitor.h"
#include "monitor/mon_user.h"
#include "kex/hostcert.h"
#include "services/service.h"
#include "services/userauth.h"
#include "services/loginrec.h"
#include "transport/conn.h"
#include "transport/err.h"

/* everything but the fds in keep[] (the monitor's sockets, the log file,
 * HostKeyAgent connections) goes: above all the client's connection, which
 * must end when the server does */
static void close_inherited(int *keep, int n)
{
	int null = open("/dev/null", O_RDWR);
	unsigned next = 3;

	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (int fd = 0; fd < 3; fd++) {
		int kept = 0;
		for (int i = 0; i < n; i++)
			kept |= keep[i] == fd;
		if (!kept && null >= 0 && fd != null)
			dup2(null, fd);
	}
	/* close_range over the gaps: a loop to RLIMIT_NOFILE was 20,000
	 * close() calls a login */
	for (int i = 0; i < n; i++) {
		if (keep[i] < (int)next)
			continue;
		if ((unsigned)keep[i] > next)
			close_range(next, (unsigned)keep[i] - 1, 0);
		next = (unsigned)keep[i] + 1;
	}
	close_range(next, ~0U, 0);
}

static void send_buf(int fd, const struct buf *b)
{
	if (send(fd, b->d, b->len, MSG_NOSIGNAL) != (ssize_t)b->len)
		(void)0; /* the server is gone: the next recv ends the loop */
}

/* one record from fd into q (cap bytes); its length, 0 at the end */
static ssize_t recv_rec(int fd, uint8_t *q, size_t cap)
{
	ssize_t n;
	do
		n = recv(fd, q, cap, MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	return n < 0 ? 0 : n;
}

/* a record on the monitor's own socket: refused, it ends the connection */
static int mon_one(struct mon_state *m, int fd, const uint8_t *q, size_t n)
{
	struct buf reply;
	int e;
	buf_init(&reply, MON_MAX_ANSWER);
	m->multi = 0;
	if ((e = mon_request(m, q, n, &reply)) == SSH_OK && !m->multi)
		send_buf(fd, &reply);
	if (e == SSH_OK && m->multi) {
		struct rd r;
		const uint8_t *p;
		size_t pl;
		rd_init(&r, reply.d, reply.len);
		while (rd_left(&r) && rd_string(&r, &p, &pl) == SSH_OK)
			if (send(fd, p, pl, MSG_NOSIGNAL) != (ssize_t)pl)
				break;
	}
	buf_free(&reply);
	return e;
}

static int reap(const struct logger *log, pid_t pid, int preauth);

/* the most of a receive buffer of cap + 1 bytes that records filled, with
 * one more of n bytes: only that much is wiped at the end (the whole 64
 * KiB would fault in pages no record reached) */
static size_t filled(size_t used, ssize_t n, size_t cap)
{
	size_t k = n <= 0 ? 0 : (size_t)n < cap + 1 ? (size_t)n : cap + 1;
	return k > used ? k : used;
}

/* what the monitor polls, and the process it answers */
struct mon_fds {
	int pre;      /* P's: keys, its requests, then the transport state */
	int mon, rec; /* the user's process's, after the handover: its
		       * signatures; its login records (-1 with a PAM process) */
	int sig;
	int pam;      /* the PAM process's socket (UsePAM), or -1 */
	/* the login records' keeper; held here, in memory, because the
	 * user's process is forked with a copy of it and ends by _exit
	 * without returning here: a pointer left only in a register would
	 * make that copy a leak to valgrind */
	struct recorder *r;
	pid_t pre_pid, user_pid, pam_pid;
	int (*end)(struct conn *c, int rc);
};

/* the two descriptors of a MON_STATE_END, or -1 with whatever else P
 * sent closed at once: the refusal ends the connection, but the monitor
 * keeps no descriptor of P's choosing until then */
static int take_fds(struct msghdr *mh, int fds[2])
{
	struct cmsghdr *h = CMSG_FIRSTHDR(mh);
	if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS && h->cmsg_len == CMSG_LEN(2 * sizeof(int)) &&
	    !CMSG_NXTHDR(mh, h) && !(mh->msg_flags & MSG_CTRUNC)) {
		memcpy(fds, CMSG_DATA(h), 2 * sizeof(int));
		return 0;
	}
	for (; h; h = CMSG_NXTHDR(mh, h)) {
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS || h->cmsg_len < CMSG_LEN(0))
			continue;
		for (size_t i = 0; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof fd);
			close(fd);
		}
	}
	return -1;
}

/* one record of P's into q, descriptors into fds (-1 when none); its
 * length, 0 at the end */
static ssize_t recv_pre(int fd, uint8_t *q, size_t cap, int fds[2])
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} cm;
	struct iovec iov = {q, cap};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof cm.b};
	ssize_t n;
	fds[0] = fds[1] = -1;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n > 0 && mh.msg_controllen && take_fds(&mh, fds) < 0) {
		/* descriptors P had no business sending: refused below */
		n = (ssize_t)cap + 1;
	}
	if (n > 0 && (size_t)n > cap)
		n = (ssize_t)cap + 1;
	return n < 0 ? 0 : n;
}

/* The user's process, forked at the handover with the monitor's
 * connection (the user's, as userauth left it) and its own sockets */
static int fork_user(struct mon_state *m, struct mon_fds *f, struct mon_user *u, int fds[2])
{
	int mon[2], rec[2] = {-1, -1};
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, mon) != 0)
		return SSH_ERR_INTERNAL;
	if ((f->pam < 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, rec) != 0) || (pid = fork()) < 0) {
		logit(m->log, LOG_ERR, "privsep: cannot start the user's process: %s", strerror(errno));
		close(mon[0]);
		close(mon[1]);
		return SSH_ERR_INTERNAL;
	}
	if (pid == 0) {
		close(mon[1]);
		if (rec[1] >= 0)
			close(rec[1]);
		close(f->pre);
		u->monfd = mon[0];
		u->rootfd = rec[0] >= 0 ? rec[0] : 0;
		u->sigfd = f->sig;
		_exit(mon_user_run(m->ac, u, fds, f->end));
	}
	close(mon[0]);
	if (rec[0] >= 0)
		close(rec[0]);
	close(fds[0]);
	close(fds[1]);
	wipe(u->state.d, u->state.len);
	buf_free(&u->state);
	f->mon = mon[1];
	f->rec = rec[1];
	f->user_pid = pid;
	/* the PAM process ends with the user's process, which holds its
	 * socket now */
	if (f->pam >= 0)
		close(f->pam);
	f->pam = -1;
	m->ac->rootfd = 0;
	return SSH_OK;
}

/* A record from P: a request, or after MON_HANDOVER the transport state
 * and, last, the descriptors, when the user's process starts. SSH_OK to
 * go on, or a refusal. */
static int pre_record(struct mon_state *m, struct mon_fds *f, struct mon_user *u, const uint8_t *q, size_t n,
		      int fds[2])
{
	int handed = m->ac && m->ac->authenticated, e;

	if (fds[0] >= 0 && (!handed || n != 1 || q[0] != MON_STATE_END)) {
		close(fds[0]);
		close(fds[1]);
		logit(m->log, LOG_ERR, "monitor: refused a request: descriptors out of place");
		return SSH_ERR_PROTO;
	}
	if (n && (q[0] == MON_STATE || q[0] == MON_STATE_END) && !handed) {
		logit(m->log, LOG_ERR, "monitor: refused a request: transport state before authentication");
		return SSH_ERR_PROTO;
	}
	if (n && q[0] == MON_STATE) {
		if ((e = mon_state_part(u, q, n)) != SSH_OK)
			logit(m->log, LOG_ERR, "monitor: refused a request: bad transport state");
		return e;
	}
	if (n && q[0] == MON_STATE_END) {
		if (fds[0] < 0) {
			logit(m->log, LOG_ERR, "monitor: refused a request: no descriptors with the transport state");
			return SSH_ERR_PROTO;
		}
		return fork_user(m, f, u, fds);
	}
	m->preauth = 1;
	e = mon_one(m, f->pre, q, n);
	m->preauth = 0;
	return e;
}

/* LoginGraceTime, and a little more: P ends the connection itself when
 * the grace runs out, so this only stops one that hangs before the login
 * (after it, P's socket only waits for P's exit) */
#define GRACE_SLACK_MS 10000

static int poll_timeout(const struct config *cfg, int64_t start, const struct mon_fds *f)
{
	int64_t left;
	if (f->pre < 0 || f->user_pid > 0 || !cfg->login_grace_time)
		return -1;
	left = start + (int64_t)cfg->login_grace_time * 1000 + GRACE_SLACK_MS - conn_now_ms();
	return left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
}

/* Four sockets, so that answers never cross and each side is asked only
 * its own questions: P's (signatures, groups, userauth, then the
 * transport state), which closes at the handover; the user's process's
 * (signatures for re-keys), whose refusals end the connection, and its
 * login records, which refuse and go on as the root helper always did.
 * The loop ends when P ends before a handover, or the user's process
 * closes its socket. */
static void monitor_loop(struct mon_state *m, struct recorder *r, struct mon_fds *f, const struct config *cfg)
{
	size_t cap = MON_MAX_MSG > recorder_max_request() ? MON_MAX_MSG : recorder_max_request();
	uint8_t *q = malloc(cap + 1);
	struct mon_user u;
	struct signalfd_siginfo si;
	int64_t start = conn_now_ms();
	ssize_t n;
	size_t used = 0; /* the most of q a record filled: what is wiped */
	int fds[2];

	memset(&u, 0, sizeof u);
	while (q) {
		struct pollfd p[4] = {{.fd = f->pre, .events = POLLIN}, {.fd = f->mon, .events = POLLIN},
				      {.fd = f->rec, .events = POLLIN}, {.fd = f->sig, .events = POLLIN}};
		int t = poll_timeout(cfg, start, f), k = poll(p, 4, t);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			break;
		if (k == 0) {
			logit(m->log, LOG_ERR, "privsep: the pre-authentication process outlived LoginGraceTime");
			kill(f->pre_pid, SIGKILL);
			break;
		}
		/* the launcher's SIGTERM or SIGHUP (ssh ending its
		 * ProxyCommand) is the serving process's to log and act on */
		if ((p[3].revents & POLLIN) && read(f->sig, &si, sizeof si) == (ssize_t)sizeof si)
			kill(f->user_pid > 0 ? f->user_pid : f->pre_pid, (int)si.ssi_signo);
		if (p[0].revents) {
			n = recv_pre(f->pre, q, cap, fds);
			used = filled(used, n, cap);
			if (n <= 0 && f->user_pid <= 0)
				break; /* P ended the connection, or died */
			if (n <= 0) {
				/* P is done after the handover: no zombie of the
				 * sshd account's outlives it */
				close(f->pre);
				f->pre = -1;
				reap(m->log, f->pre_pid, 0);
				f->pre_pid = 0;
				continue;
			}
			if (f->user_pid > 0 || pre_record(m, f, &u, q, (size_t)n, fds) < 0)
				break;
		}
		if (p[1].revents) {
			n = recv_rec(f->mon, q, cap);
			used = filled(used, n, cap);
			if (n <= 0 || mon_one(m, f->mon, q, (size_t)n) != SSH_OK)
				break;
		}
		if (p[2].revents) {
			n = recv_rec(f->rec, q, cap);
			used = filled(used, n, cap);
			if (n <= 0)
				break;
			recorder_request(r, f->rec, q, (size_t)n);
		}
	}
	buf_free(&u.state);
	if (q)
		explicit_bzero(q, used);
	free(q);
}

/* loads the keys and tells the server their public halves, or why not;
 * the number of keys, or -1 */
static int monitor_keys(const struct config *cfg, const struct logger *log, int fd, struct hostkey *keys, int max)
{
	char err[512];
	struct buf b;
	int n = hostkeys_load(cfg, log, keys, max, err, sizeof err);

	buf_init(&b, MON_MAX_MSG);
	if (n >= 0 && mon_keys_msg(keys, n, &b) != SSH_OK) {
		snprintf(err, sizeof err, "monitor: the host keys do not fit one message");
		n = -1;
	}
	if (n < 0) {
		/* the server logs it, as it does when the monitor cannot start */
		b.len = 0;
		b.err = 0;
		buf_u8(&b, MON_KEYS_FAIL);
		buf_cstring(&b, err);
	}
	send_buf(fd, &b);
	buf_free(&b);
	return n;
}

/* UsePAM: PAM in a root process of its own, forked before any key is
 * read. Its conversation blocks in pam_authenticate while the client
 * answers, which the monitor must not: a re-key in between needs its
 * signature (OpenSSH's PAM "thread" is a process for the same reason).
 * It serves the monitor's userauth, then the user's process, which
 * inherits the socket, and ends when the user's process does: the PAM
 * session closes there. The socket, or -1. */
static int fork_pam(const struct logger *log, const char *host, pid_t *pid)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0 || (*pid = fork()) < 0)
		return -1;
	if (*pid == 0) {
		size_t cap = recorder_max_request();
		uint8_t *q = malloc(cap);
		int keep[2] = {sv[1], log->fd};
		struct logger l = *log;
		struct recorder *r;
		ssize_t n;
		l.to_stderr = 0;
		close_inherited(keep, 2);
		closelog();
		log_open(&l, l.facility);
		r = recorder_new(&l, host);
		while (q && r && (n = recv_rec(sv[1], q, cap)) > 0)
			recorder_request(r, sv[1], q, (size_t)n);
		recorder_end(r);
		if (q)
			explicit_bzero(q, cap);
		_exit(0);
	}
	close(sv[1]);
	return sv[0];
}

static void monitor_serve(const struct config *cfg, struct mon_state *m, struct mon_fds *f,
			  const struct peer *peer, struct hostkey *keys, int n)
{
	struct recorder *r = f->r = recorder_new(m->log, peer->addr);
	hostcerts_load((const char *const *)cfg->host_certificates.v, cfg->host_certificates.n, NULL, keys, n);
	m->ac = mon_auth_conn(cfg, m->log, peer, keys, n);
	if (m->ac && f->pam >= 0)
		m->ac->rootfd = f->pam;
	if (r && m->ac)
		monitor_loop(m, r, f, cfg);
	recorder_end(r);
	f->r = NULL;
	if (m->ac) {
		m->ac->rootfd = 0; /* f->pam, the caller's to close */
		userauth_free(m->ac);
		conn_free(m->ac);
		free(m->ac);
	}
}

/* keys: the launcher's array, zero and never written in this process: a
 * cleared array of its size on this frame would stay in the monitor's
 * stack, and in the user's process's, for the whole session */
static void monitor_run(const struct config *cfg, const struct logger *log, const struct peer *peer,
			struct mon_fds *f, struct hostkey *keys, int max)
{
	struct mon_state m;
	struct logger l = *log;
	int n;

	/* a hangup or terminate for the whole group must not skip the
	 * logout records and pam_close_session: the monitor hands them to
	 * the serving process and ends after it, whatever ended it */
	f->sig = conn_signals_fd();
	if (cfg->use_pam && (f->pam = fork_pam(log, peer->addr, &f->pam_pid)) < 0) {
		logit(log, LOG_ERR, "privsep: cannot start the PAM process: %s", strerror(errno));
		return;
	}
	/* before stderr goes: a key error is said where it was before */
	n = monitor_keys(cfg, log, f->pre, keys, max);
	if (n < 0)
		return;
	/* stderr may be the client's socket: the -E file or else syslog */
	l.to_stderr = 0;
	{
		int keep[4 + CONFIG_MAX_LIST], nk = 0;
		keep[nk++] = f->pre;
		keep[nk++] = f->sig;
		keep[nk++] = l.fd;
		if (f->pam >= 0)
			keep[nk++] = f->pam;
		for (int i = 0; i < n; i++)
			if (keys[i].agent_fd > 0)
				keep[nk++] = keys[i].agent_fd;
		close_inherited(keep, nk);
	}
	closelog();
	log_open(&l, l.facility);
	memset(&m, 0, sizeof m);
	m.log = &l;
	m.keys = keys;
	m.nkeys = n;
	m.moduli_file = cfg->moduli_file;
	monitor_serve(cfg, &m, f, peer, keys, n);
	for (int i = 0; i < n; i++)
		hostkey_free(&keys[i]);
	explicit_bzero(&m, sizeof m);
}

/* a child's exit status as the launcher should see it; a pre-auth
 * process killed by a signal (the sandbox's filter) is logged as
 * OpenSSH's monitor logs it */
static int reap(const struct logger *log, pid_t pid, int preauth)
{
	int st = 0;
	if (pid <= 0)
		return 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st) && preauth)
		logit(log, LOG_ERR, "fatal: privsep_preauth: preauth child terminated by signal %d", WTERMSIG(st));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

/* The launcher's process stays root as the monitor; the child is the
 * pre-authentication process, and after the login the user's process is
 * the monitor's other child. The launcher (systemd's Accept=yes, xinetd,
 * ssh's ProxyCommand) sees the connection end when the monitor exits,
 * after both, with the status of the one that served last. */
static void monitor_parent(const struct config *cfg, const struct logger *log, const struct peer *peer, int sv[2],
			   pid_t pid, int (*end)(struct conn *c, int rc), struct hostkey *keys, int max)
{
	struct mon_fds f = {.pre = sv[1], .mon = -1, .rec = -1, .sig = -1, .pam = -1, .pre_pid = pid, .end = end};
	struct logger l = *log;
	int st;
	close(sv[0]);
	monitor_run(cfg, log, peer, &f, keys, max);
	if (f.pre >= 0)
		close(f.pre);
	if (f.mon >= 0)
		close(f.mon);
	if (f.rec >= 0)
		close(f.rec);
	l.to_stderr = 0;
	st = reap(&l, f.pre_pid, f.user_pid <= 0);
	if (f.user_pid > 0)
		st = reap(&l, f.user_pid, 0);
	if (f.pam >= 0)
		close(f.pam);
	reap(&l, f.pam_pid, 0);
	_exit(st);
}

int monitor_start(const struct config *cfg, const struct logger *log, const struct peer *peer,
		  struct hostkey *keys, int max, int *nkeys, int (*end)(struct conn *c, int rc), char *err,
		  size_t errlen)
{
	int sv[2];
	pid_t pid = -1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0 || (pid = fork()) < 0) {
		snprintf(err, errlen, "monitor: %s: %s", pid ? "socketpair" : "fork", strerror(errno));
		return -1;
	}
	if (pid > 0)
		monitor_parent(cfg, log, peer, sv, pid, end, keys, max);
	close(sv[1]);
	if (mon_client_keys(sv[0], keys, max, nkeys, err, errlen) != SSH_OK) {
		close(sv[0]);
		return -1;
	}
	return sv[0];
}
