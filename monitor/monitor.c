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
	buf_init(&reply, MON_MAX_MSG);
	if ((e = mon_request(m, q, n, &reply)) == SSH_OK)
		send_buf(fd, &reply);
	buf_free(&reply);
	return e;
}

/* what the monitor polls, and the server it answers */
struct mon_fds {
	int mon, rec, pre, sig;
	pid_t server;
};

/* Three sockets, so that answers never cross and each side is asked only
 * its own questions: the server's (sign requests, a group exchange's
 * group, the session identifier for userauth; after the login the user's
 * process's for re-keys), whose refusals end the connection; the
 * pre-authentication process's (signatures and groups only), which closes
 * at the handover; and the login recorder's and PAM's, which refuse and
 * go on as the root helper always did. The loop ends when the server's
 * close: the server is gone. */
static void monitor_loop(struct mon_state *m, struct recorder *r, const struct mon_fds *f)
{
	size_t cap = MON_MAX_MSG > recorder_max_request() ? MON_MAX_MSG : recorder_max_request();
	uint8_t *q = malloc(cap);
	struct pollfd p[4] = {{.fd = f->mon, .events = POLLIN}, {.fd = f->rec, .events = POLLIN},
			      {.fd = f->sig, .events = POLLIN}, {.fd = f->pre, .events = POLLIN}};
	struct signalfd_siginfo si;
	ssize_t n;

	while (q) {
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		/* the launcher's SIGTERM or SIGHUP (ssh ending its
		 * ProxyCommand) is the server's to log and act on */
		if ((p[2].revents & POLLIN) && read(f->sig, &si, sizeof si) == (ssize_t)sizeof si)
			kill(f->server, (int)si.ssi_signo);
		if (p[3].revents) {
			m->preauth = 1;
			n = recv_rec(f->pre, q, cap);
			if (n > 0 && mon_one(m, f->pre, q, (size_t)n) != SSH_OK)
				break;
			m->preauth = 0;
			if (n <= 0)
				p[3].fd = -1; /* P is gone: handed over, or ended */
		}
		if (p[0].revents) {
			if ((n = recv_rec(f->mon, q, cap)) <= 0 || mon_one(m, f->mon, q, (size_t)n) != SSH_OK)
				break;
		}
		if (p[1].revents) {
			if ((n = recv_rec(f->rec, q, cap)) <= 0)
				break;
			recorder_request(r, f->rec, q, (size_t)n);
		}
	}
	if (q)
		explicit_bzero(q, cap);
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

static void monitor_run(const struct config *cfg, const struct logger *log, const char *host, struct mon_fds *f)
{
	struct hostkey keys[CONFIG_MAX_LIST];
	struct mon_state m;
	struct logger l = *log;
	struct recorder *r;
	int n;

	memset(keys, 0, sizeof keys);
	/* a hangup or terminate for the whole group must not skip the
	 * logout records and pam_close_session: the monitor hands them to
	 * the server and ends when the server's end of the socket closes,
	 * whatever ended the server */
	f->sig = conn_signals_fd();
	/* before stderr goes: a key error is said where it was before */
	n = monitor_keys(cfg, log, f->mon, keys, CONFIG_MAX_LIST);
	if (n < 0)
		return;
	/* stderr may be the client's socket: the -E file or else syslog */
	l.to_stderr = 0;
	{
		int keep[5 + CONFIG_MAX_LIST], nk = 0;
		keep[nk++] = f->mon;
		keep[nk++] = f->rec;
		keep[nk++] = f->pre;
		keep[nk++] = f->sig;
		keep[nk++] = l.fd;
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
	r = recorder_new(&l, host);
	if (r)
		monitor_loop(&m, r, f);
	recorder_end(r);
	for (int i = 0; i < n; i++)
		hostkey_free(&keys[i]);
	explicit_bzero(&m, sizeof m);
}

static void close2(int *sv)
{
	close(sv[0]);
	close(sv[1]);
}

/* The launcher's process stays root as the monitor; the child is the
 * server. The launcher (systemd's Accept=yes, xinetd, ssh's ProxyCommand)
 * sees the connection end when the monitor exits, after the server, with
 * the server's status. */
static void monitor_parent(const struct config *cfg, const struct logger *log, const char *host, int sv[3][2],
			   pid_t pid)
{
	struct mon_fds f = {sv[0][1], sv[1][1], sv[2][1], -1, pid};
	int st = 0;
	for (int i = 0; i < 3; i++)
		close(sv[i][0]);
	monitor_run(cfg, log, host, &f);
	for (int i = 0; i < 3; i++)
		close(sv[i][1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 255);
}

int monitor_start(const struct config *cfg, const struct logger *log, const char *host, struct hostkey *keys,
		  int max, int *nkeys, int fds[2], char *err, size_t errlen)
{
	int sv[3][2], made = 0;
	pid_t pid = -1;

	/* the server's, the login recorder's, the pre-authentication
	 * process's */
	while (made < 3 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv[made]) == 0)
		made++;
	if (made < 3 || (pid = fork()) < 0) {
		snprintf(err, errlen, "monitor: %s: %s", made < 3 ? "socketpair" : "fork", strerror(errno));
		for (int i = 0; i < made; i++)
			close2(sv[i]);
		return -1;
	}
	if (pid > 0)
		monitor_parent(cfg, log, host, sv, pid);
	for (int i = 0; i < 3; i++)
		close(sv[i][1]);
	if (mon_client_keys(sv[0][0], keys, max, nkeys, err, errlen) != SSH_OK) {
		for (int i = 0; i < 3; i++)
			close(sv[i][0]);
		return -1;
	}
	fds[0] = sv[1][0];
	fds[1] = sv[2][0];
	return sv[0][0];
}
