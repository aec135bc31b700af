/* The pre-authentication sandbox: the account and directory checks
 * (sandbox_prepare) and the steps into it (sandbox_enter). The filter
 * itself is privsep/sandbox_seccomp.c. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "privsep/sandbox.h"
#include "privsep/sandbox_seccomp.h"

/* memcheck runs the program's system calls and its own from one process:
 * under a filter its own (executable mappings of translated code among
 * them) would be killed, and it refuses RLIMIT_NOFILE below its own
 * descriptors, so t_valgrind's servers go without those two; the account,
 * chroot, no_new_privs and the other limits stay */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

/* the compiled-in name unless a test overrides it (PRIVSEP_*_ENV) */
static const char *setting(const char *env, const char *dflt)
{
	const char *v = getenv(env);
	return v && *v ? v : dflt;
}

int sandbox_violation_wanted(void)
{
	const char *v = getenv(PRIVSEP_VIOLATE_ENV);
	return v && *v && strcmp(v, "0") != 0;
}

static int account(struct sandbox *s, char *err, size_t errlen)
{
	const char *name = setting(PRIVSEP_USER_ENV, PRIVSEP_USER);
	struct passwd *pw;

	if (strlen(name) >= sizeof s->user) {
		snprintf(err, errlen, "Privilege separation user name is too long");
		return -1;
	}
	pw = getpwnam(name);
	if (!pw) {
		snprintf(err, errlen, "Privilege separation user %s does not exist (make install creates it)", name);
		return -1;
	}
	/* a sandbox as root would confine nothing */
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		snprintf(err, errlen, "Privilege separation user %s must not have uid or gid 0", name);
		return -1;
	}
	snprintf(s->user, sizeof s->user, "%s", name);
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	return 0;
}

static int directory(struct sandbox *s, char *err, size_t errlen)
{
	const char *dir = setting(PRIVSEP_DIR_ENV, PRIVSEP_DIR);
	struct stat st;

	if (dir[0] != '/' || strlen(dir) >= sizeof s->dir) {
		snprintf(err, errlen, "Privilege separation directory %s: not an absolute path of at most %zu bytes",
			 dir, sizeof s->dir - 1);
		return -1;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "Missing privilege separation directory: %s (make install creates it: "
			 "mkdir -m 0755 %s)", dir, dir);
		return -1;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "%s must be owned by root and not group or world-writable.", dir);
		return -1;
	}
	snprintf(s->dir, sizeof s->dir, "%s", dir);
	return 0;
}

int sandbox_prepare(struct sandbox *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->log_fd = -1;
	if (account(s, err, errlen) < 0 || directory(s, err, errlen) < 0)
		return -1;
	s->violate = sandbox_violation_wanted();
	return 0;
}

/* the chroot needs CAP_SYS_CHROOT, so it comes before the uid change
 * (OpenSSH's order too); then groups, gid, uid, and proof that root is
 * gone for good */
static int drop(const struct sandbox *s, char *err, size_t errlen)
{
	const char *step = NULL;

	if (chroot(s->dir) < 0)
		step = "chroot";
	else if (chdir("/") < 0)
		step = "chdir";
	else if (setgroups(0, NULL) < 0)
		step = "setgroups";
	else if (setresgid(s->gid, s->gid, s->gid) < 0)
		step = "setresgid";
	else if (setresuid(s->uid, s->uid, s->uid) < 0)
		step = "setresuid";
	if (step) {
		snprintf(err, errlen, "sandbox: %s: %s", step, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || setgid(0) == 0 || geteuid() != s->uid || getegid() != s->gid) {
		snprintf(err, errlen, "sandbox: could restore root after dropping to %s", s->user);
		return -1;
	}
	return 0;
}

static int regular_file(int fd)
{
	struct stat st;
	return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* no file grows (FSIZE, unless the log is a file), no new processes
 * (NPROC), no core dump of a process that held session keys, and no fd
 * numbers past max_fd */
static int limits(const struct sandbox *s, int max_fd, char *err, size_t errlen)
{
	static const struct {
		int res;
		const char *name;
	} zero[] = {{RLIMIT_FSIZE, "RLIMIT_FSIZE"}, {RLIMIT_NPROC, "RLIMIT_NPROC"}, {RLIMIT_CORE, "RLIMIT_CORE"}};
	struct rlimit rl = {0, 0};
	size_t first = regular_file(2) || regular_file(s->log_fd) ? 1 : 0;

	for (size_t i = first; i < sizeof zero / sizeof zero[0]; i++)
		if (setrlimit(zero[i].res, &rl) < 0) {
			snprintf(err, errlen, "sandbox: setrlimit(%s, 0): %s", zero[i].name, strerror(errno));
			return -1;
		}
	rl.rlim_cur = rl.rlim_max = (rlim_t)max_fd;
	/* valgrind keeps descriptors of its own above the program's and
	 * refuses a limit below them */
	if (!UNDER_VALGRIND() && setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(err, errlen, "sandbox: setrlimit(RLIMIT_NOFILE, %d): %s", max_fd, strerror(errno));
		return -1;
	}
	return 0;
}

void sandbox_violate(void)
{
	/* getpgid is on no row of the allow-list */
	syscall(SYS_getpgid, 0);
}

int sandbox_enter(const struct sandbox *s, int max_fd, char *err, size_t errlen)
{
	if (max_fd < 1) {
		snprintf(err, errlen, "sandbox: RLIMIT_NOFILE of %d would stop poll", max_fd);
		return -1;
	}
	/* log lines keep local time: libc reads /etc/localtime once, here,
	 * since the chroot hides it and the filter refuses the open */
	tzset();
	if (drop(s, err, errlen) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	if (limits(s, max_fd, err, errlen) < 0 || (!UNDER_VALGRIND() && sandbox_seccomp_install(err, errlen) < 0))
		return -1;
	if (s->violate)
		sandbox_violate();
	return 0;
}
