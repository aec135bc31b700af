/* Helper programs run during authentication, as OpenSSH's subprocess():
 * checked path, split arguments, the configured user, no stdin, no stderr,
 * an empty environment. The time limit is ours: a helper that hangs must
 * not hold the login until LoginGraceTime ends it. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "services/authcmd.h"
#include "services/user.h"
#include "transport/conn.h"

#define AUTHCMD_ARGS 64
#define AUTHCMD_OUTPUT_MAX (1024 * 1024)

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* appends one character, keeping room for the final NUL */
static int put(char *store, size_t cap, size_t *n, char ch)
{
	if (*n + 1 >= cap)
		return -1;
	store[(*n)++] = ch;
	return 0;
}

/* %X in an argument: the token's value, %% a percent */
static int expand(const struct authcmd_token *t, char letter, char *store, size_t cap, size_t *n)
{
	if (letter == '%')
		return put(store, cap, n, '%');
	for (; t && t->letter; t++)
		if (t->letter == letter) {
			for (const char *v = t->value ? t->value : ""; *v; v++)
				if (put(store, cap, n, *v) < 0)
					return -1;
			return 0;
		}
	return -2;
}

int authcmd_split(const char *s, const struct authcmd_token *tokens, char **argv, int max, char *store, size_t cap,
		  const char **why)
{
	size_t n = 0;
	int argc = 0, e;
	char q;
	*why = "argument list too long";
	while (*s) {
		for (; *s == ' ' || *s == '\t'; s++)
			;
		if (!*s)
			break;
		if (argc == max - 1)
			return -1;
		argv[argc++] = store + n;
		for (q = 0; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (!q && (*s == '"' || *s == '\'')) {
				q = *s;
			} else if (q && *s == q) {
				q = 0;
			} else if (*s == '\\' && s[1] && q != '\'') {
				if (put(store, cap, &n, *++s) < 0)
					return -1;
			} else if (*s == '%' && argc > 1) {
				if ((e = expand(tokens, s[1], store, cap, &n)) != 0) {
					*why = e == -2 ? "unknown token" : "argument list too long";
					return -1;
				}
				s++;
			} else if (put(store, cap, &n, *s) < 0) {
				return -1;
			}
		}
		if (q) {
			*why = "unterminated quote";
			return -1;
		}
		if (put(store, cap, &n, 0) < 0)
			return -1;
	}
	argv[argc] = NULL;
	if (!argc)
		*why = "empty command";
	return argc ? argc : -1;
}

/* the child: the user's ids, nothing inherited but stdout, then exec */
static void child(const struct passwd *pw, int out, char **argv)
{
	static char path[] = "PATH=/usr/bin:/bin:/usr/sbin:/sbin";
	char *env[] = {path, NULL};
	sigset_t set;
	int devnull = open("/dev/null", O_RDWR);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(devnull, 2) < 0)
		_exit(127);
	closefrom(3);
	/* the server's blocked signals (its signalfd) and ignored SIGPIPE
	 * must not reach the program */
	sigemptyset(&set);
	(void)sigprocmask(SIG_SETMASK, &set, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)setsid();
	if (getuid() == 0 && (initgroups(pw->pw_name, pw->pw_gid) != 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
			      setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0))
		_exit(127);
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		_exit(127);
	if (chdir("/") != 0)
		_exit(127);
	execve(argv[0], argv, env);
	_exit(127);
}

/* the output until EOF, the limit or the deadline: 1 EOF, 0 not */
static int collect(int fd, long long deadline, char *out, size_t *len)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0 || *len >= AUTHCMD_OUTPUT_MAX)
			return 0;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return 0;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, out + *len, AUTHCMD_OUTPUT_MAX - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0;
		*len += (size_t)n;
	}
}

/* the exit status once the child is gone, killing its group at the
 * deadline: 1 exited 0, 0 not (logged) */
static int reap(struct conn *c, const struct authcmd *a, pid_t pid, long long deadline, int eof)
{
	int st = 0;
	pid_t r;
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && eof && now_ms() < deadline)
		(void)poll(NULL, 0, 10);
	if (r == 0) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		logit(c->log, LOG_ERR, "%s %s timed out after %d ms, killed", a->what, a->command, a->timeout_ms);
		return 0;
	}
	if (r < 0)
		logit(c->log, LOG_ERR, "%s %s: waitpid: %s", a->what, a->command, strerror(errno));
	else if (WIFSIGNALED(st))
		logit(c->log, LOG_ERR, "%s %s exited on signal %d", a->what, a->command, WTERMSIG(st));
	else if (WEXITSTATUS(st) != 0)
		logit(c->log, LOG_ERR, "%s %s failed, status %d", a->what, a->command, WEXITSTATUS(st));
	return r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* argv[0]: absolute, root's, in directories only root may write */
static int safe_program(struct conn *c, const struct authcmd *a, const char *path)
{
	char err[512];
	int fd, ok;
	if (path[0] != '/') {
		logit(c->log, LOG_ERR, "%s \"%s\" contains relative path", a->what, path);
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
		logit(c->log, LOG_ERR, "Could not stat %s \"%s\": %s", a->what, path, strerror(errno));
		return 0;
	}
	ok = secure_file(fd, path, 0, NULL, err, sizeof err) == SSH_OK;
	close(fd);
	if (!ok)
		logit(c->log, LOG_ERR, "Unsafe %s \"%s\": %s", a->what, path, err);
	return ok;
}

/* hands each line of out to a->line */
static void lines(const struct authcmd *a, char *out, size_t len)
{
	size_t i = 0;
	while (i < len) {
		char *nl = memchr(out + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (out + i)) : len - i;
		a->line(a->arg, out + i, n);
		i += n + 1;
	}
}

int authcmd_run(struct conn *c, const struct authcmd *a)
{
	char store[4096], *argv[AUTHCMD_ARGS], *out;
	const char *why;
	struct passwd *pw;
	size_t len = 0;
	int fds[2], eof, ok;
	long long deadline;
	pid_t pid;
	if (authcmd_split(a->command, a->tokens, argv, AUTHCMD_ARGS, store, sizeof store, &why) < 0) {
		logit(c->log, LOG_ERR, "%s \"%s\": %s", a->what, a->command, why);
		return 0;
	}
	if (!safe_program(c, a, argv[0]))
		return 0;
	if (!(pw = getpwnam(a->runas))) {
		logit(c->log, LOG_ERR, "%s: user \"%s\" not found", a->what, a->runas);
		return 0;
	}
	if (getuid() != 0 && pw->pw_uid != getuid()) {
		logit(c->log, LOG_ERR, "%s: cannot run as \"%s\" without root", a->what, a->runas);
		return 0;
	}
	if (!(out = malloc(AUTHCMD_OUTPUT_MAX)))
		return SSH_ERR_ALLOC;
	if (pipe2(fds, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		logit(c->log, LOG_ERR, "%s: cannot start: %s", a->what, strerror(errno));
		free(out);
		return 0;
	}
	if (pid == 0)
		child(pw, fds[1], argv);
	close(fds[1]);
	deadline = now_ms() + a->timeout_ms;
	eof = collect(fds[0], deadline, out, &len);
	close(fds[0]);
	if ((ok = reap(c, a, pid, deadline, eof)) == 1)
		lines(a, out, len);
	wipe(out, len);
	free(out);
	return ok;
}
