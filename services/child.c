/* Starting a session's process: the user's shell, as a login shell or with
 * -c, with the environment OpenSSH users expect; and reaping children
 * whose channel is already gone. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/pattern.h"
#include "services/auth.h"
#include "services/channel.h"
#include "services/forward.h"
#include "services/loginrec.h"
#include "services/session.h"
#include "services/x11.h"
#include "transport/conn.h"

/* how long a hung-up session may take to end before SIGTERM, and how long
 * after that we still wait for it at the end of the connection */
#define CHILD_HUP_GRACE_MS 2000
#define CHILD_TERM_GRACE_MS 1000
#define CHILD_REAP_POLL_MS 100

/* OpenSSH's limit on the lines of ~/.ssh/environment */
#define ENV_FILE_LINES 1000
#define ENV_MAX (SESSION_ENV_MAX + AUTH_MAX_LIST + 16 + ENV_FILE_LINES)
#define PASSWD_PROGRAM "/usr/bin/passwd"

struct env {
	char *v[ENV_MAX + 1];
	int n;
	/* what building it has to tell the session on its stderr, and the
	 * status the session ends with instead of running, 0 for none (the
	 * child writes and exits: after vfork it may not format or allocate) */
	char note[4096];
	size_t notelen;
	int fatal;
	const char *rc; /* rc_file's */
	char lastlog[384]; /* PrintLastLog's line for a login shell on a pty */
};

/* sets NAME=value, replacing an earlier NAME; a failed allocation just
 * leaves the variable out */
static void env_put(struct env *e, const char *name, size_t nlen, const char *value)
{
	size_t vlen = strlen(value);
	char *s = malloc(nlen + vlen + 2);
	int i;
	if (!s)
		return;
	memcpy(s, name, nlen);
	s[nlen] = '=';
	memcpy(s + nlen + 1, value, vlen + 1);
	for (i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], s, nlen + 1))
			break;
	if (i == e->n) {
		if (e->n == ENV_MAX) {
			free(s);
			return;
		}
		e->n++;
	} else {
		free(e->v[i]);
	}
	e->v[i] = s;
	e->v[e->n] = NULL;
}

static void env_set(struct env *e, const char *name, const char *value)
{
	env_put(e, name, strlen(name), value);
}

/* "NAME=value" as a whole */
static void env_assign(struct env *e, const char *nv)
{
	const char *eq = strchr(nv, '=');
	if (eq && eq != nv)
		env_put(e, nv, (size_t)(eq - nv), eq + 1);
}

static void env_note(struct env *e, unsigned lineno, const char *path)
{
	int n = snprintf(e->note + e->notelen, sizeof e->note - e->notelen, "Bad line %u in %.100s\n", lineno, path);
	if (n > 0 && (size_t)n < sizeof e->note - e->notelen)
		e->notelen += (size_t)n;
}

/* PermitUserEnvironment: yes, or a name its pattern-list accepts */
static int user_env_ok(const struct conn *c, const char *name, size_t len)
{
	const char *allow = c->cfg->permit_user_env;
	char n[256];
	if (!allow || !len || len >= sizeof n)
		return 0;
	memcpy(n, name, len);
	n[len] = '\0';
	return !strcmp(allow, "yes") || pat_match_list(n, allow, 0) == 1;
}

/* ~/.ssh/environment as OpenSSH reads it, as the user (this process is
 * the user by now): NAME=value lines, blank lines and '#' comments
 * skipped, a line without '=' named on the session's stderr and skipped;
 * more lines than OpenSSH's limit end the session */
static void env_file(struct conn *c, struct env *e)
{
	char path[600], *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/.ssh/environment", c->auth->home);
	if (!(f = fopen(path, "re")))
		return;
	while (getline(&line, &cap, f) != -1) {
		char *p = line + strspn(line, " \t"), *eq;
		if (++lineno > ENV_FILE_LINES) {
			logit(c->log, LOG_CRIT, "Too many lines in environment file %s", path);
			e->fatal = 255;
			break;
		}
		if (!*p || *p == '#' || *p == '\n')
			continue;
		p[strcspn(p, "\n")] = '\0';
		if (!(eq = strchr(p, '=')))
			env_note(e, lineno, path);
		else if (user_env_ok(c, p, (size_t)(eq - p)))
			env_assign(e, p);
	}
	free(line);
	fclose(f);
}

/* what the account may set for itself: the key's environment= and
 * ~/.ssh/environment, both only with PermitUserEnvironment and through
 * its pattern-list */
static void env_user(struct conn *c, struct env *e)
{
	const struct auth_result *a = c->auth;
	if (!c->cfg->permit_user_env)
		return;
	for (int i = 0; i < a->nenvironment; i++)
		if (user_env_ok(c, a->environment[i], strcspn(a->environment[i], "=")))
			env_assign(e, a->environment[i]);
	env_file(c, e);
}

#define NOLOGIN_PATH "/etc/nologin"

int child_nologin(const struct conn *c)
{
	struct stat st;
	return !c->cfg->use_pam && c->auth->uid != 0 && stat(NOLOGIN_PATH, &st) == 0;
}

/* before the environment (OpenSSH's order): what that said is not shown */
static void nologin(struct conn *c, struct env *e)
{
	ssize_t n;
	int fd;
	if (!child_nologin(c))
		return;
	logit(c->log, LOG_INFO, "User %.100s not allowed because %s exists", c->auth->user, NOLOGIN_PATH);
	e->fatal = 254;
	e->notelen = 0;
	if ((fd = open(NOLOGIN_PATH, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, e->note + e->notelen, sizeof e->note - e->notelen);
	if (n > 0)
		e->notelen += (size_t)n;
	close(fd);
}

static void build_env(struct conn *c, const struct child_spec *sp, const char *shell, struct env *e)
{
	const struct auth_result *a = c->auth;
	const char *tz;
	char buf[512];
	int unknown = !strcmp(c->addr, "UNKNOWN");

	e->n = 0;
	e->v[0] = NULL;
	e->notelen = 0;
	e->fatal = 0;
	/* OpenSSH's do_setup_env order: what AcceptEnv let through first, so
	 * that the account's own variables replace it */
	for (int i = 0; i < sp->s->nenv; i++)
		env_assign(e, sp->s->env[i]);
	env_set(e, "USER", a->user);
	env_set(e, "LOGNAME", a->user);
	env_set(e, "HOME", a->home);
	env_set(e, "PATH", a->uid == 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
				       : "/usr/local/bin:/usr/bin:/bin");
	/* with PAM, pam_mail's to set */
	if (!c->cfg->use_pam) {
		snprintf(buf, sizeof buf, "/var/mail/%s", a->user);
		env_set(e, "MAIL", buf);
	}
	env_set(e, "SHELL", shell);
	if ((tz = getenv("TZ")))
		env_set(e, "TZ", tz);
	/* before what the account, PAM and SetEnv may set, as OpenSSH */
	if (sp->s->have_pty)
		env_set(e, "TERM", sp->s->term ? sp->s->term : "dumb");
	if (fwd_x11_display(sp->s))
		env_set(e, "DISPLAY", fwd_x11_display(sp->s));
	if (fwd_agent_path(sp->s))
		env_set(e, "SSH_AUTH_SOCK", fwd_agent_path(sp->s));
	env_user(c, e);
	/* then PAM's, as OpenSSH's do_setup_env */
	for (int i = 0; i < a->npam_env; i++)
		env_assign(e, a->pam_env[i]);
	/* SetEnv overrides what the client sent and the key's environment= */
	for (int i = 0; i < c->cfg->set_env.n; i++)
		env_assign(e, c->cfg->set_env.v[i]);
	/* last, so that neither can forge them */
	if (unknown) {
		/* a pipe has no addresses: say so as OpenSSH does */
		env_set(e, "SSH_CLIENT", "UNKNOWN 65535 65535");
		env_set(e, "SSH_CONNECTION", "UNKNOWN 65535 UNKNOWN 65535");
	} else {
		snprintf(buf, sizeof buf, "%s %d %d", c->addr, c->port, c->lport);
		env_set(e, "SSH_CLIENT", buf);
		snprintf(buf, sizeof buf, "%s %d %s %d", c->addr, c->port, c->laddr, c->lport);
		env_set(e, "SSH_CONNECTION", buf);
	}
	if (session_auth_info_file(c))
		env_set(e, "SSH_USER_AUTH", session_auth_info_file(c));
	if (sp->s->have_pty)
		env_set(e, "SSH_TTY", sp->s->pty.name);
	if (sp->orig_command)
		env_set(e, "SSH_ORIGINAL_COMMAND", sp->orig_command);
}

/* PAM's session messages (pam_motd, pam_echo) before the shell, as
 * OpenSSH prints its loginmsg; ~/.hushlogin keeps them quiet there too */
static void login_msg(const char *m)
{
	struct stat st;
	size_t l = m ? strlen(m) : 0;
	if (!l || stat(".hushlogin", &st) == 0)
		return;
	if (write(1, m, l) != (ssize_t)l)
		return;
}

/* /etc/motd for interactive logins, unless ~/.hushlogin exists */
static void motd(void)
{
	char buf[4096];
	ssize_t n;
	int fd;
	struct stat st;
	if (stat(".hushlogin", &st) == 0 || (fd = open("/etc/motd", O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(1, buf, (size_t)n) != n)
			break;
	close(fd);
}

#define SYSTEM_RC "/etc/ssh/sshrc"
#define USER_RC ".ssh/rc"

/* the rc file OpenSSH's do_rc_files runs before the shell or command:
 * ~/.ssh/rc unless the key's no-user-rc, PermitUserRC no, a subsystem or
 * ForceCommand rule it out, else /etc/ssh/sshrc; NULL for none. The child
 * runs it from the home directory, hence ~/.ssh/rc's relative path. */
static const char *rc_file(const struct conn *c, const struct child_spec *sp)
{
	char path[600];
	struct stat st;
	if (!c->auth->no_user_rc && c->cfg->permit_user_rc && !sp->no_user_rc) {
		snprintf(path, sizeof path, "%s/.ssh/rc", c->auth->home);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return USER_RC;
	}
	return stat(SYSTEM_RC, &st) == 0 && S_ISREG(st.st_mode) ? SYSTEM_RC : NULL;
}

void rc_command(const char *rc, const char *shell, const char **path, char *argv[4])
{
	if (strcmp(rc, SYSTEM_RC) != 0) {
		*path = shell;
		argv[0] = (char *)shell;
		argv[1] = "-c";
		argv[2] = "/bin/sh " USER_RC;
		argv[3] = NULL;
	} else {
		*path = "/bin/sh";
		argv[0] = "sh";
		argv[1] = (char *)rc;
		argv[2] = NULL;
	}
}

/* the rc file as OpenSSH runs it (rc_command), in the home directory,
 * with the session's environment and output, before the shell or
 * command; its stdin is empty so it cannot eat the session's input */
static void run_rc(const char *rc, const char *shell, char *const env[])
{
	struct stat st;
	pid_t pid;
	/* a home directory we could not enter has no ~/.ssh/rc */
	if (stat(rc, &st) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		const char *path;
		char *argv[4];
		int null = open("/dev/null", O_RDONLY);
		if (null > 0) {
			dup2(null, 0);
			close(null);
		}
		rc_command(rc, shell, &path, argv);
		execve(path, argv, env);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void fail(const char *what, const char *arg)
{
	dprintf(2, "%s %s: %s\r\n", what, arg, strerror(errno));
}

/* PAM said the password expired (force_pwchange): instead of what was
 * asked for, passwd on the terminal, OpenSSH's words; the user logs in
 * again afterwards. Without a terminal there is nothing to ask on. */
static void pwchange(const struct child_spec *sp, char *const env[])
{
	static const char warn[] = "WARNING: Your password has expired.\n";
	static const char now[] = "You must change your password now and login again!\n";
	static const char notty[] = "Password change required but no TTY available.\n";
	char *argv[] = {"passwd", NULL};

	if (write(2, warn, sizeof warn - 1) < 0)
		_exit(1);
	if (!sp->s->have_pty) {
		if (write(2, notty, sizeof notty - 1) < 0)
			_exit(1);
		_exit(1);
	}
	if (write(2, now, sizeof now - 1) < 0)
		_exit(1);
	execve(PASSWD_PROGRAM, argv, env);
	fail("Cannot execute", PASSWD_PROGRAM);
	_exit(1);
}

/* the child, after vfork or fork: never returns. After vfork it shares
 * the server's memory until execve, so it only makes system calls on its
 * own stack: everything it needs was built before (env). */
static void run_child(struct conn *c, const struct child_spec *sp, const char *shell, const int fds[3],
		      const struct env *e)
{
	char *const *env = e->v;
	const struct auth_result *a = c->auth;
	const char *base = strrchr(shell, '/');
	char argv0[sizeof c->auth->shell + 1];
	char *argv[4];
	int fd[3] = {fds[0], fds[1], fds[2]};
	sigset_t none;

	if (sp->s->have_pty) {
		if (pty_make_controlling(sp->s->pty.slave) < 0)
			_exit(1);
	} else {
		/* out of the way of 0-2 first, in case one of ours is among them */
		for (int i = 0; i < 3; i++)
			if ((fd[i] = fcntl(fd[i], F_DUPFD, 3)) < 0)
				_exit(1);
		for (int i = 0; i < 3; i++)
			if (dup2(fd[i], i) < 0)
				_exit(1);
		/* a process group of its own, so a hangup reaches all of it */
		setsid();
	}
	/* the server ignores SIGPIPE and blocks the signals it reads through
	 * a signalfd; a shell must start with neither */
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	closefrom(3);
	if (a->force_pwchange)
		pwchange(sp, env);
	if (e->notelen && write(2, e->note, e->notelen) < 0)
		_exit(1);
	if (e->fatal)
		_exit(e->fatal);

	base = base ? base + 1 : shell;
	if (chdir(a->home) < 0) {
		fail("Could not chdir to home directory", a->home);
		if (chdir("/") < 0)
			_exit(1);
	}
	/* with X11 the rc gets the cookie, or xauth does */
	if (sp->s->x11)
		x11_child_setup(c, sp->s, e->rc, shell, env);
	else if (e->rc)
		run_rc(e->rc, shell, env);
	if (sp->command) {
		snprintf(argv0, sizeof argv0, "%s", base);
		argv[0] = argv0;
		argv[1] = "-c";
		argv[2] = (char *)sp->command;
		argv[3] = NULL;
	} else {
		/* a login shell: argv[0] "-sh" */
		snprintf(argv0, sizeof argv0, "-%s", base);
		argv[0] = argv0;
		argv[1] = NULL;
		/* OpenSSH's loginmsg: PAM's messages, then the last login */
		login_msg(a->pam_msg);
		login_msg(e->lastlog);
		if (c->cfg->print_motd)
			motd();
	}
	execve(shell, argv, env);
	fail("Cannot execute", shell);
	_exit(127);
}

/* vfork: no copy of the server's page tables and no copy-on-write faults
 * after, which made fork the largest cost of a short session. ~/.ssh/rc
 * needs a child of the child, and so a real fork. Kept apart so that the
 * caller's variables cannot be clobbered by the child. */
static pid_t start(struct conn *c, const struct child_spec *sp, const char *shell, const int fds[3],
		   const struct env *e, int real_fork)
{
	pid_t k;
	if (real_fork) {
		k = fork();
	} else {
		k = vfork();
	}
	if (k == 0)
		run_child(c, sp, shell, fds, e);
	return k;
}

int child_spawn(struct conn *c, const struct child_spec *sp, int *pid, int *in, int *out, int *err)
{
	const char *shell = c->auth->shell[0] ? c->auth->shell : "/bin/sh";
	int p[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}}, child[3], rc = SSH_ERR_IO;
	struct env e;
	pid_t k;

	*in = *out = *err = -1;
	if (!sp->s->have_pty) {
		for (int i = 0; i < 3; i++)
			if (pipe2(p[i], O_CLOEXEC) < 0)
				goto out;
	}
	child[0] = p[0][0], child[1] = p[1][1], child[2] = p[2][1];
	build_env(c, sp, shell, &e);
	nologin(c, &e);
	e.rc = rc_file(c, sp);
	/* before this login's record replaces it (loginrec_login) */
	e.lastlog[0] = '\0';
	if (sp->s->have_pty && !sp->command && c->cfg->print_last_log)
		loginrec_last(c->auth->uid, e.lastlog, sizeof e.lastlog);
	/* an rc file and xauth need a child of the child: a real fork */
	k = start(c, sp, shell, child, &e, e.rc || sp->s->x11);
	for (int i = 0; i < e.n; i++)
		free(e.v[i]);
	if (k < 0)
		goto out;
	*pid = k;
	if (!sp->s->have_pty) {
		*in = p[0][1], *out = p[1][0], *err = p[2][0];
		p[0][1] = p[1][0] = p[2][0] = -1;
		fcntl(*in, F_SETFL, O_NONBLOCK);
		fcntl(*out, F_SETFL, O_NONBLOCK);
		fcntl(*err, F_SETFL, O_NONBLOCK);
	}
	rc = SSH_OK;
out:
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (p[i][j] >= 0)
				close(p[i][j]);
	return rc;
}

int child_pidfd(int pid)
{
#ifdef SYS_pidfd_open
	long fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
		return (int)fd;
	}
#else
	(void)pid;
#endif
	return -1;
}

void child_orphan(struct conn *c, int pid)
{
	struct connection *s = c->connection;
	/* the client is gone from this session: hang up all it started, as a
	 * terminal would (the child made itself a process group leader) */
	kill(-pid, SIGHUP);
	/* without room to remember it, it stays a zombie until we exit */
	if (s->norphans < (int)(sizeof s->orphans / sizeof s->orphans[0]))
		s->orphans[s->norphans++] = (struct orphan){pid, chan_now_ms(), 0};
}

/* whether anything of the group is left that we may signal; a member that
 * changed its uid is out of our reach and of our responsibility */
static int group_alive(int pgid)
{
	return kill(-pgid, 0) == 0;
}

void child_reap_orphans(struct conn *c)
{
	struct connection *s = c->connection;
	int64_t now = chan_now_ms();
	for (int i = 0; i < s->norphans;) {
		struct orphan *o = &s->orphans[i];
		int st;
		/* the leader's zombie would keep the group alive */
		waitpid(o->pid, &st, WNOHANG);
		if (!group_alive(o->pid)) {
			*o = s->orphans[--s->norphans];
			continue;
		}
		if (!o->termed && now - o->hup_ms >= CHILD_HUP_GRACE_MS) {
			logit(c->log, LOG_INFO, "session process group %d outlived SIGHUP: sending SIGTERM", o->pid);
			kill(-o->pid, SIGTERM);
			o->termed = 1;
		} else if (o->termed && now - o->hup_ms >= CHILD_HUP_GRACE_MS + CHILD_TERM_GRACE_MS) {
			/* it handles SIGTERM itself: its business now, as with OpenSSH */
			logit(c->log, LOG_INFO, "session process group %d outlived SIGTERM: left running", o->pid);
			*o = s->orphans[--s->norphans];
			continue;
		}
		i++;
	}
}

int child_orphans_timeout(struct conn *c)
{
	struct connection *s = c->connection;
	/* nothing wakes us when they end: look now and then */
	return s->norphans ? CHILD_REAP_POLL_MS : -1;
}

void child_linger(struct conn *c)
{
	struct connection *s = c->connection;
	/* bounded: the grace times, then every group is gone or given up */
	for (child_reap_orphans(c); s->norphans; child_reap_orphans(c))
		poll(NULL, 0, CHILD_REAP_POLL_MS);
}
