/* AuthorizedKeysCommand: split, expand, check, run with a time limit, and
 * keep the output in an anonymous file for the authorized_keys reader. */
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

#include "services/authkeys_cmd.h"
#include "services/user.h"
#include "transport/err.h"

#define AKC_ARGS 64
#define AKC_CHARS 8192

struct words {
	char *v[AKC_ARGS + 2];
	int n;
	char store[AKC_CHARS];
	size_t used;
};

/* OpenSSH's argv_split: blanks separate words; '...' and "..." quote,
 * a backslash escapes the next character. -1 when it does not fit or a
 * quote is left open. */
static int split(const char *s, struct words *w)
{
	w->n = 0;
	w->used = 0;
	while (*s) {
		char q = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (w->n == AKC_ARGS)
			return -1;
		w->v[w->n++] = w->store + w->used;
		for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (w->used + 2 >= sizeof w->store)
				return -1;
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
			return -1;
		w->store[w->used++] = 0;
	}
	w->v[w->n] = NULL;
	return 0;
}

/* one word with its tokens replaced; -1 for an unknown token or overflow */
static int expand(const char *in, const struct akc_tokens *t, char *out, size_t cap)
{
	size_t o = 0;
	for (; *in; in++) {
		const char *add;
		char one[2] = {*in, 0};
		if (*in != '%') {
			add = one;
		} else {
			switch (*++in) {
			case '%': add = "%"; break;
			case 'C': add = t->conn; break;
			case 'D': add = t->rdomain; break;
			case 'f': add = t->fp; break;
			case 'h': add = t->home; break;
			case 'k': add = t->key; break;
			case 't': add = t->type; break;
			case 'U': add = t->uid; break;
			case 'u': add = t->user; break;
			default: return -1;
			}
		}
		if (!add || strlen(add) >= cap - o)
			return -1;
		memcpy(out + o, add, strlen(add) + 1);
		o += strlen(add);
	}
	out[o] = 0;
	return 0;
}

/* the words of the command with their tokens, into w */
static int prepare(const char *cmdline, const struct akc_tokens *t, struct words *w, char *why, size_t whylen)
{
	struct words raw;
	if (split(cmdline, &raw) < 0 || raw.n == 0) {
		snprintf(why, whylen, "cannot be split into words (an open quote?)");
		return SSH_ERR_FILE;
	}
	/* no arguments: the user name is the one (sshd_config(5)) */
	if (raw.n == 1) {
		raw.v[1] = "%u";
		raw.n = 2;
	}
	w->n = 0;
	w->used = 0;
	for (int i = 0; i < raw.n; i++) {
		/* the program's own path takes no tokens */
		static const struct akc_tokens none;
		w->v[w->n] = w->store + w->used;
		if (expand(raw.v[i], i ? t : &none, w->v[w->n], sizeof w->store - w->used) < 0) {
			snprintf(why, whylen, "bad token or too long in \"%s\"", raw.v[i]);
			return SSH_ERR_FILE;
		}
		w->used += strlen(w->v[w->n++]) + 1;
	}
	w->v[w->n] = NULL;
	return SSH_OK;
}

/* as OpenSSH: the program must be an absolute path that only root could
 * have written, along every directory up to "/" */
static int program_safe(const char *path, char *why, size_t whylen)
{
	char err[512];
	int fd, e;
	if (!path || path[0] != '/') {
		snprintf(why, whylen, "is unsafe: path is not absolute");
		return SSH_ERR_FILE;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		snprintf(why, whylen, "cannot be opened: %s", strerror(errno));
		return SSH_ERR_FILE;
	}
	e = secure_file(fd, path, 0, "/", err, sizeof err);
	close(fd);
	if (e != SSH_OK)
		snprintf(why, whylen, "is unsafe: %s", err);
	return e;
}

/* the child: the user's identity, output to out, nothing else open */
static void child(char *const *argv, const struct passwd *pw, int out)
{
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
	closefrom(3);
	if (setsid() < 0 || initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0 || (pw->pw_uid != 0 && setuid(0) == 0))
		_exit(127);
	execve(argv[0], argv, (char *[]){"PATH=/usr/bin:/bin:/usr/sbin:/sbin", NULL});
	_exit(127);
}

static long ms_left(const struct timespec *end)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* the command's output into mem until it closes its end; SSH_OK, or
 * SSH_ERR_TIMEOUT / SSH_ERR_LIMIT / SSH_ERR_IO */
static int collect(int in, int mem, int timeout_ms)
{
	struct timespec end;
	char buf[8192];
	size_t total = 0;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	for (;;) {
		struct pollfd p = {in, POLLIN, 0};
		long left = ms_left(&end);
		ssize_t n;
		if (left <= 0)
			return SSH_ERR_TIMEOUT;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return SSH_ERR_IO;
		if (!p.revents)
			continue;
		n = read(in, buf, sizeof buf);
		if (n == 0)
			return SSH_OK;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return SSH_ERR_IO;
		if (n < 0)
			continue;
		if ((total += (size_t)n) > AKC_OUTPUT_MAX)
			return SSH_ERR_LIMIT;
		if (write(mem, buf, (size_t)n) != n)
			return SSH_ERR_IO;
	}
}

/* waits for pid, at most a moment once it was killed; its status text */
static int reap(pid_t pid, int killed, char *why, size_t whylen)
{
	int st = 0;
	if (killed) {
		/* its group too: what it started may hold the pipe open */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return SSH_ERR_INTERNAL;
	if (killed)
		return SSH_ERR_TIMEOUT;
	if (WIFSIGNALED(st)) {
		snprintf(why, whylen, "exited on signal %d", WTERMSIG(st));
		return SSH_ERR_FILE;
	}
	if (WEXITSTATUS(st)) {
		snprintf(why, whylen, "failed, status %d", WEXITSTATUS(st));
		return SSH_ERR_FILE;
	}
	return SSH_OK;
}

static int runas_user(const char *runas, const struct akc_tokens *t, struct passwd **pw, char *why, size_t whylen)
{
	char name[256];
	struct akc_tokens only = {.user = t->user, .uid = t->uid, .home = t->home};
	if (expand(runas, &only, name, sizeof name) < 0) {
		snprintf(why, whylen, "not run: AuthorizedKeysCommandUser \"%s\": bad token", runas);
		return SSH_ERR_FILE;
	}
	if (!(*pw = getpwnam(name))) {
		snprintf(why, whylen, "not run: AuthorizedKeysCommandUser \"%s\" not found", name);
		return SSH_ERR_FILE;
	}
	return SSH_OK;
}

int akc_run(const char *cmdline, const char *runas, const struct akc_tokens *t, int timeout_ms, int *fd, char *why,
	    size_t whylen)
{
	struct words *w = malloc(sizeof *w);
	struct passwd *pw;
	int p[2], mem = -1, e;
	pid_t pid;

	*fd = -1;
	if (!w)
		return SSH_ERR_ALLOC;
	if ((e = prepare(cmdline, t, w, why, whylen)) != SSH_OK || (e = program_safe(w->v[0], why, whylen)) != SSH_OK ||
	    (e = runas_user(runas, t, &pw, why, whylen)) != SSH_OK)
		goto out;
	e = SSH_ERR_INTERNAL;
	snprintf(why, whylen, "cannot start: %s", strerror(errno));
	if ((mem = memfd_create("sshl-akc", MFD_CLOEXEC)) < 0 || pipe2(p, O_CLOEXEC) < 0)
		goto out;
	if ((pid = fork()) == 0)
		child(w->v, pw, p[1]);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		goto out;
	}
	e = collect(p[0], mem, timeout_ms);
	close(p[0]);
	if (e == SSH_ERR_TIMEOUT)
		snprintf(why, whylen, "timed out after %d ms, killed", timeout_ms);
	else if (e == SSH_ERR_LIMIT)
		snprintf(why, whylen, "printed more than %u bytes, killed", AKC_OUTPUT_MAX);
	/* keys count only from a command that ended well (OpenSSH's rule) */
	if (reap(pid, e != SSH_OK, why, whylen) != SSH_OK && e == SSH_OK)
		e = SSH_ERR_FILE;
	if (e == SSH_OK && lseek(mem, 0, SEEK_SET) == 0) {
		*fd = mem;
		mem = -1;
	}
out:
	if (mem >= 0)
		close(mem);
	free(w);
	return *fd >= 0 ? SSH_OK : e == SSH_OK ? SSH_ERR_IO : e;
}
