/* Helper programs run during authentication, as OpenSSH's subprocess():
 * checked path, split arguments, the configured user, no stdin, no stderr,
 * an empty environment. The time limit is ours: a helper that hangs must
 * not hold the login until LoginGraceTime ends it. The output goes to an
 * anonymous file, so that it is read as the key and principals files are. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "services/authcmd.h"
#include "services/user.h"
#include "transport/conn.h"

#define AUTHCMD_ARGS 64
#define AUTHCMD_CHARS 8192

struct words {
	char *v[AUTHCMD_ARGS + 2];
	int n;
	char store[AUTHCMD_CHARS];
	size_t used;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* OpenSSH's argv_split: blanks separate words; '...' and "..." quote,
 * a backslash escapes the next character. NULL, or why it failed. */
static const char *split(const char *s, struct words *w)
{
	w->n = 0;
	w->used = 0;
	while (*s) {
		char q = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (w->n == AUTHCMD_ARGS)
			return "argument list too long";
		w->v[w->n++] = w->store + w->used;
		for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (w->used + 2 >= sizeof w->store)
				return "argument list too long";
			if (*s == '\\' && s[1] && q != '\'')
				w->store[w->used++] = *++s;
			else if (q && *s == q)
				q = 0;
			else if (!q && (*s == '\'' || *s == '"'))
				q = *s;
			else
				w->store[w->used++] = *s;
		}
		if (q)
			return "unterminated quote";
		w->store[w->used++] = 0;
	}
	w->v[w->n] = NULL;
	return NULL;
}

/* the value of %letter, or NULL for an unknown token */
static const char *token(const struct authcmd_token *t, char letter)
{
	if (letter == '%')
		return "%";
	for (; t && t->letter; t++)
		if (t->letter == letter)
			return t->value ? t->value : "";
	return NULL;
}

/* one word with its tokens replaced, into out (cap bytes); NULL, or why not */
static const char *expand(const char *in, const struct authcmd_token *t, char *out, size_t cap)
{
	size_t o = 0, n;
	if (!cap)
		return "argument list too long";
	for (; *in; in++) {
		char one[2] = {*in, 0};
		const char *add = one;
		if (*in == '%' && !(add = token(t, *++in)))
			return "unknown token";
		if ((n = strlen(add)) >= cap - o)
			return "argument list too long";
		memcpy(out + o, add, n);
		o += n;
	}
	out[o] = 0;
	return NULL;
}

/* the words of the command, tokens expanded in all but the program's path
 * (as OpenSSH), into w; 0, or -1 logged */
static int prepare(struct conn *c, const struct authcmd *a, struct words *w)
{
	struct words raw;
	const char *why = split(a->command, &raw);
	w->n = 0;
	w->used = 0;
	if (!why && raw.n == 1 && a->default_arg)
		raw.v[raw.n++] = (char *)a->default_arg;
	for (int i = 0; !why && i < raw.n; i++) {
		char *out = w->store + w->used;
		size_t cap = sizeof w->store - w->used;
		/* the path is the first word: it fits, as it did in raw */
		if (i == 0)
			snprintf(out, cap, "%s", raw.v[0]);
		else if ((why = expand(raw.v[i], a->tokens, out, cap)) != NULL)
			break;
		w->v[w->n++] = out;
		w->used += strlen(out) + 1;
	}
	w->v[w->n] = NULL;
	if (!why && !w->n)
		why = "empty command";
	if (why)
		logit(c->log, LOG_ERR, "%s \"%s\": %s", a->what, a->command, why);
	return why ? -1 : 0;
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

/* the output into mem until EOF, the limit or the deadline: SSH_OK at
 * EOF, else SSH_ERR_TIMEOUT, SSH_ERR_LIMIT or SSH_ERR_IO */
static int collect(int in, int mem, long long deadline)
{
	struct pollfd p = {.fd = in, .events = POLLIN};
	char buf[8192];
	size_t total = 0;
	ssize_t n;
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return SSH_ERR_TIMEOUT;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return SSH_ERR_IO;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(in, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return n == 0 ? SSH_OK : SSH_ERR_IO;
		if ((total += (size_t)n) > AUTHCMD_OUTPUT_MAX)
			return SSH_ERR_LIMIT;
		if (write(mem, buf, (size_t)n) != n)
			return SSH_ERR_IO;
	}
}

/* the exit status once the child is gone; after EOF it may take until the
 * deadline, otherwise (or then) its group is killed: 1 exited 0, 0 not
 * (logged) */
static int reap(struct conn *c, const struct authcmd *a, pid_t pid, long long deadline, int e)
{
	int st = 0;
	pid_t r;
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && e == SSH_OK && now_ms() < deadline)
		(void)poll(NULL, 0, 10);
	if (r == 0) {
		/* its group too: what it started may hold the pipe open */
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (e == SSH_ERR_LIMIT)
			logit(c->log, LOG_ERR, "%s %s printed more than %u bytes, killed", a->what, a->command,
			      AUTHCMD_OUTPUT_MAX);
		else if (e == SSH_ERR_IO)
			logit(c->log, LOG_ERR, "%s %s: cannot keep its output, killed", a->what, a->command);
		else
			logit(c->log, LOG_ERR, "%s %s timed out after %d ms, killed", a->what, a->command, a->timeout_ms);
		return 0;
	}
	if (r < 0)
		logit(c->log, LOG_ERR, "%s %s: waitpid: %s", a->what, a->command, strerror(errno));
	else if (WIFSIGNALED(st))
		logit(c->log, LOG_ERR, "%s %s exited on signal %d", a->what, a->command, WTERMSIG(st));
	else if (WEXITSTATUS(st) != 0)
		logit(c->log, LOG_ERR, "%s %s failed, status %d", a->what, a->command, WEXITSTATUS(st));
	return r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && e == SSH_OK;
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

/* the user it runs as, %u %U %h expanded (OpenSSH expands %u); NULL logged */
static struct passwd *runas_user(struct conn *c, const struct authcmd *a)
{
	struct authcmd_token only[4] = {{0, NULL}};
	char name[256];
	struct passwd *pw;
	int n = 0;
	for (const struct authcmd_token *t = a->tokens; t && t->letter; t++)
		if (n < 3 && (t->letter == 'u' || t->letter == 'U' || t->letter == 'h'))
			only[n++] = *t;
	if (expand(a->runas, only, name, sizeof name)) {
		logit(c->log, LOG_ERR, "%sUser \"%s\": bad token or too long", a->what, a->runas);
		return NULL;
	}
	if (!(pw = getpwnam(name))) {
		logit(c->log, LOG_ERR, "%sUser \"%s\" not found", a->what, name);
		return NULL;
	}
	if (getuid() != 0 && pw->pw_uid != getuid()) {
		logit(c->log, LOG_ERR, "%s: cannot run as \"%s\" without root", a->what, name);
		return NULL;
	}
	return pw;
}

/* starts the program with its output to a pipe, and keeps what it prints
 * in mem: 1 it exited 0, 0 not (logged) */
static int run(struct conn *c, const struct authcmd *a, const struct passwd *pw, char **argv, int mem)
{
	long long deadline;
	int p[2], e;
	pid_t pid;
	if (pipe2(p, O_CLOEXEC) != 0) {
		logit(c->log, LOG_ERR, "%s: cannot start: %s", a->what, strerror(errno));
		return 0;
	}
	if ((pid = fork()) == 0)
		child(pw, p[1], argv);
	close(p[1]);
	if (pid < 0) {
		logit(c->log, LOG_ERR, "%s: cannot start: %s", a->what, strerror(errno));
		close(p[0]);
		return 0;
	}
	deadline = now_ms() + a->timeout_ms;
	e = collect(p[0], mem, deadline);
	close(p[0]);
	return reap(c, a, pid, deadline, e);
}

int authcmd_run(struct conn *c, const struct authcmd *a, int *fd)
{
	struct words *w;
	struct passwd *pw;
	int mem, ok = 0;
	*fd = -1;
	if (!(w = malloc(sizeof *w)))
		return SSH_ERR_ALLOC;
	if (prepare(c, a, w) == 0 && safe_program(c, a, w->v[0]) && (pw = runas_user(c, a)) != NULL) {
		if ((mem = memfd_create("sshl-authcmd", MFD_CLOEXEC)) < 0)
			logit(c->log, LOG_ERR, "%s: cannot start: %s", a->what, strerror(errno));
		else if ((ok = run(c, a, pw, w->v, mem)) == 1 && lseek(mem, 0, SEEK_SET) == 0)
			*fd = mem;
		else
			close(mem);
	}
	free(w);
	return *fd >= 0;
}
