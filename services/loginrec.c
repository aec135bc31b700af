/* The root helper (see loginrec.h). The privileged child trusts nothing
 * it reads once the server has given up root: requests are fixed-size
 * records over a SOCK_SEQPACKET pair; the user is named once, before the
 * drop, and from then on only LOGIN and LOGOUT are taken; the tty must look
 * like a terminal name and belong to the user, and a LOGOUT only closes a
 * line this connection logged in. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>
#include <utmpx.h>

#include "services/auth.h"
#include "services/loginrec.h"
#include "services/pam.h"
#include "transport/conn.h"
#include "transport/log.h"

#ifndef _PATH_WTMPX
#define _PATH_WTMPX "/var/log/wtmp"
#endif
#define LASTLOG_PATH "/var/log/lastlog"
/* a connection has at most MaxSessions ptys; more lines than this are
 * not recorded rather than overflowing anything */
#define MAX_LINES 64

/* a group list longer than this is looked up in the server itself */
#define MAX_GROUPS 4096

enum { LR_LOGIN = 1, LR_LOGOUT = 2, LR_USER = 3, LR_GROUPS = 4, LR_TTY = 5 };

struct lr_msg {
	uint8_t op;
	uint8_t pad[3];
	int32_t pid;   /* LOGIN */
	uint32_t id;   /* USER: uid; GROUPS: primary gid */
	uint32_t gid;  /* USER: primary gid */
	char line[32]; /* "pts/N" or "ttyN", NUL-terminated */
	char name[64]; /* USER, GROUPS: the user, NUL-terminated */
};

/* what the helper knows from the fork or from the server while it was
 * still root; never from the unprivileged side */
struct recorder {
	const struct logger *log;
	char user[64];         /* empty until USER */
	uid_t uid;
	gid_t gid;
	char host[64];
	struct {
		char line[32];
		int32_t pid;
	} open[MAX_LINES];
	int nopen;
	struct pam_side *pam; /* UsePAM: the PAM handle lives here */
};

/* copies src into a fixed-width record field, NUL-padded, maybe unterminated */
static void field(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	memset(dst, 0, cap);
	memcpy(dst, src, n < cap ? n : cap);
}

static int all_digits(const char *p, size_t max)
{
	size_t n = strlen(p);
	if (n == 0 || n > max)
		return 0;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/* "pts/N" or "ttyN", a character device that belongs to the user. The
 * ownership check applies to ttyN too: this server only hands out ptys,
 * and a console line the user is not on is not theirs to record. */
static int line_ok(const struct recorder *r, const char *line)
{
	char path[48];
	struct stat st;
	if (!((!strncmp(line, "pts/", 4) && all_digits(line + 4, 7)) ||
	      (!strncmp(line, "tty", 3) && all_digits(line + 3, 3))))
		return 0;
	snprintf(path, sizeof path, "/dev/%s", line);
	return lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_uid == r->uid;
}

static void write_utmp(const struct recorder *r, short type, const char *line, int32_t pid)
{
	struct utmpx u;
	struct timeval tv;
	size_t n = strlen(line);

	memset(&u, 0, sizeof u);
	u.ut_type = type;
	u.ut_pid = pid;
	field(u.ut_line, sizeof u.ut_line, line);
	/* the id is the line's last four characters, as login(1) makes it */
	field(u.ut_id, sizeof u.ut_id, line + (n > sizeof u.ut_id ? n - sizeof u.ut_id : 0));
	if (type == USER_PROCESS) {
		field(u.ut_user, sizeof u.ut_user, r->user);
		field(u.ut_host, sizeof u.ut_host, r->host);
	}
	gettimeofday(&tv, NULL);
	u.ut_tv.tv_sec = (int32_t)tv.tv_sec;
	u.ut_tv.tv_usec = (int32_t)tv.tv_usec;
	setutxent();
	if (!pututxline(&u))
		logit(r->log, LOG_DEBUG, "utmp: %s: %s", line, strerror(errno));
	endutxent();
	updwtmpx(_PATH_WTMPX, &u);
}

/* the user's slot at uid * sizeof(struct lastlog), only in an existing file */
static void write_lastlog(const struct recorder *r, const char *line)
{
	struct lastlog ll;
	struct stat st;
	int fd = open(LASTLOG_PATH, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	memset(&ll, 0, sizeof ll);
	ll.ll_time = (int32_t)time(NULL);
	field(ll.ll_line, sizeof ll.ll_line, line);
	field(ll.ll_host, sizeof ll.ll_host, r->host);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    pwrite(fd, &ll, sizeof ll, (off_t)r->uid * (off_t)sizeof ll) != (ssize_t)sizeof ll)
		logit(r->log, LOG_DEBUG, "lastlog: %s", strerror(errno));
	close(fd);
}

static int find_line(const struct recorder *r, const char *line)
{
	for (int i = 0; i < r->nopen; i++)
		if (!strcmp(r->open[i].line, line))
			return i;
	return -1;
}

static void logout_at(struct recorder *r, int i)
{
	write_utmp(r, DEAD_PROCESS, r->open[i].line, r->open[i].pid);
	r->open[i] = r->open[--r->nopen];
}

/* getgrouplist for the server, which then needs none of the NSS modules
 * it would load (Debian's systemd one and its libraries, ~700 KB) */
static void groups(const struct recorder *r, int fd, const struct lr_msg *m)
{
	struct {
		int32_t n;
		gid_t g[MAX_GROUPS];
	} rep;
	int n = MAX_GROUPS;
	rep.n = getgrouplist(m->name, (gid_t)m->id, rep.g, &n) < 0 ? -1 : n;
	if (rep.n < 0)
		logit(r->log, LOG_DEBUG, "root helper: no group list for %s", m->name);
	send(fd, &rep, sizeof rep.n + (rep.n > 0 ? (size_t)rep.n * sizeof rep.g[0] : 0), MSG_NOSIGNAL);
}

/* OpenSSH's pty_setowner: the user's, group tty, 0620 (so write(1) and
 * wall reach it, nobody else reads it); without a tty group the user's
 * own group and 0600. Whatever the devpts mount options gave. The answer
 * is one byte: 0 done, 1 refused. */
static void tty_setowner(const struct recorder *r, int fd, const char *line)
{
	char path[48];
	const struct group *g = getgrnam("tty");
	gid_t gid = g ? g->gr_gid : r->gid;
	mode_t mode = g ? 0620 : 0600;
	uint8_t res = 1;

	snprintf(path, sizeof path, "/dev/%s", line);
	/* line_ok: a character device the user already owns (lstat, no link) */
	if (line_ok(r, line) && chown(path, r->uid, gid) == 0 && chmod(path, mode) == 0)
		res = 0;
	else
		logit(r->log, LOG_ERR, "root helper: cannot set the owner of %s for %s", path, r->user);
	send(fd, &res, 1, MSG_NOSIGNAL);
}

static void handle(struct recorder *r, int fd, const struct lr_msg *m)
{
	int i = find_line(r, m->line);
	if (!r->user[0]) {
		/* the server is still root: it names the user, asks for groups */
		if (m->op == LR_GROUPS)
			groups(r, fd, m);
		else if (m->op == LR_USER && m->name[0]) {
			snprintf(r->user, sizeof r->user, "%s", m->name);
			r->uid = (uid_t)m->id;
			r->gid = (gid_t)m->gid;
		} else
			logit(r->log, LOG_INFO, "root helper: refused a request before the login");
		return;
	}
	if (m->op == LR_TTY) {
		tty_setowner(r, fd, m->line);
	} else if (m->op == LR_LOGIN && m->pid > 0 && line_ok(r, m->line)) {
		if (i < 0 && r->nopen == MAX_LINES)
			return;
		if (i < 0)
			i = r->nopen++;
		snprintf(r->open[i].line, sizeof r->open[i].line, "%s", m->line);
		r->open[i].pid = m->pid;
		write_utmp(r, USER_PROCESS, m->line, m->pid);
		write_lastlog(r, m->line);
	} else if (m->op == LR_LOGOUT && i >= 0) {
		logout_at(r, i);
	} else {
		logit(r->log, LOG_INFO, "login recorder: refused a request for %s", r->user);
	}
}

/* a request: an lr_msg, or before the login a PAM record (pam.h) */
union lr_req {
	struct lr_msg m;
	struct pam_req p;
};

size_t recorder_max_request(void) { return sizeof(union lr_req); }

struct recorder *recorder_new(const struct logger *log, const char *host)
{
	struct recorder *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->log = log;
	snprintf(r->host, sizeof r->host, "%s", host);
	return r;
}

void recorder_request(struct recorder *r, int fd, const void *req, size_t n)
{
	const union lr_req *q = req;
	if (n >= 1 && q->p.op >= LR_PAM_START && !r->user[0]) {
		/* the server is still root: only it can ask for PAM */
		if (!r->pam)
			r->pam = pam_side_new(r->log, r->host);
		pam_side_request(r->pam, fd, &q->p, n);
		return;
	}
	if (n != sizeof q->m || !memchr(q->m.line, 0, sizeof q->m.line) ||
	    !memchr(q->m.name, 0, sizeof q->m.name)) {
		logit(r->log, LOG_INFO, "login recorder: malformed request for %s", r->user);
		return;
	}
	handle(r, fd, &q->m);
}

void recorder_end(struct recorder *r)
{
	if (!r)
		return;
	/* the connection is over: close what is still open */
	while (r->nopen > 0)
		logout_at(r, r->nopen - 1);
	pam_side_end(r->pam);
	free(r->pam);
	free(r);
}

void loginrec_start(struct conn *c, struct auth_result *a)
{
	struct lr_msg m;
	int fd = c->rootfd;

	a->recorder = 0;
	if (fd <= 0)
		return;
	c->rootfd = 0;
	memset(&m, 0, sizeof m);
	m.op = LR_USER;
	m.id = (uint32_t)a->uid;
	m.gid = (uint32_t)a->gid;
	snprintf(m.name, sizeof m.name, "%s", a->user);
	if (send(fd, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m) {
		logit(c->log, LOG_ERR, "root helper: %s: logins not recorded", strerror(errno));
		close(fd);
		return;
	}
	a->recorder = fd;
}

int loginrec_groups_ask(struct conn *c, const char *name, gid_t gid)
{
	struct lr_msg m;
	if (c->rootfd <= 0 || strlen(name) >= sizeof m.name)
		return SSH_ERR_INTERNAL;
	memset(&m, 0, sizeof m);
	m.op = LR_GROUPS;
	m.id = (uint32_t)gid;
	snprintf(m.name, sizeof m.name, "%s", name);
	return send(c->rootfd, &m, sizeof m, MSG_NOSIGNAL) == (ssize_t)sizeof m ? SSH_OK : SSH_ERR_INTERNAL;
}

int loginrec_groups_get(struct conn *c, gid_t **out, int *n)
{
	struct {
		int32_t n;
		gid_t g[MAX_GROUPS];
	} rep;
	ssize_t r;

	if (c->rootfd <= 0)
		return SSH_ERR_INTERNAL;
	do
		r = recv(c->rootfd, &rep, sizeof rep, MSG_TRUNC);
	while (r < 0 && errno == EINTR);
	if (r < (ssize_t)sizeof rep.n || (size_t)r > sizeof rep || rep.n <= 0 ||
	    (size_t)r != sizeof rep.n + (size_t)rep.n * sizeof rep.g[0])
		return SSH_ERR_INTERNAL;
	if (!(*out = malloc((size_t)rep.n * sizeof **out)))
		return SSH_ERR_ALLOC;
	memcpy(*out, rep.g, (size_t)rep.n * sizeof **out);
	*n = rep.n;
	return SSH_OK;
}

static void send_req(struct conn *c, int op, const char *pty, int pid)
{
	struct lr_msg m;
	int fd = c->auth ? c->auth->recorder : 0;
	if (fd <= 0) {
		logit(c->log, LOG_DEBUG, "no login recorder: %s not recorded", pty);
		return;
	}
	memset(&m, 0, sizeof m);
	m.op = (uint8_t)op;
	m.pid = pid;
	snprintf(m.line, sizeof m.line, "%s", strncmp(pty, "/dev/", 5) ? pty : pty + 5);
	/* never stall the connection for a record: a full queue loses it */
	if (send(fd, &m, sizeof m, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof m)
		logit(c->log, LOG_DEBUG, "login recorder: %s not recorded: %s", pty, strerror(errno));
}

void loginrec_login(struct conn *c, const char *pty, int pid) { send_req(c, LR_LOGIN, pty, pid); }

int loginrec_tty(struct conn *c, const char *pty)
{
	struct pollfd pfd;
	uint8_t res = 1;
	int fd = c->auth ? c->auth->recorder : 0;
	/* not started as root: the pty is ours, as it is the user's */
	if (fd <= 0)
		return SSH_OK;
	send_req(c, LR_TTY, pty, 0);
	/* the shell must not start on a terminal others may still open */
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) == 1 && recv(fd, &res, 1, 0) == 1 && res == 0)
		return SSH_OK;
	return SSH_ERR_INTERNAL;
}

void loginrec_logout(struct conn *c, const char *pty) { send_req(c, LR_LOGOUT, pty, 0); }

void loginrec_last(uid_t uid, char *out, size_t outlen)
{
	struct lastlog ll;
	char when[64], host[sizeof ll.ll_host + 1];
	time_t t;
	struct tm tm;
	int fd = open(LASTLOG_PATH, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	out[0] = '\0';
	if (fd < 0)
		return;
	if (pread(fd, &ll, sizeof ll, (off_t)uid * (off_t)sizeof ll) == (ssize_t)sizeof ll && ll.ll_time != 0) {
		t = ll.ll_time;
		/* ctime(3)'s form, as OpenSSH prints it */
		if (localtime_r(&t, &tm) && strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm)) {
			memcpy(host, ll.ll_host, sizeof ll.ll_host);
			host[sizeof ll.ll_host] = '\0';
			if (host[0])
				snprintf(out, outlen, "Last login: %s from %s\r\n", when, host);
			else
				snprintf(out, outlen, "Last login: %s\r\n", when);
		}
	}
	close(fd);
}
