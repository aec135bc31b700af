/* The pre-authentication sandbox (privsep/sandbox.h), entered for real by
 * forked children on a scratch chroot with the `sshd` account (root only;
 * skipped with a message otherwise): what /proc shows of a child inside
 * (uid, gid, no groups, chroot, no_new_privs, seccomp, rlimits), what the
 * loop needs still works in it, what it must not do fails or kills it with
 * SIGSYS (the hidden violation switch too), and sandbox_prepare's refusals
 * with their exact log lines. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <stddef.h>

#include "privsep/sandbox.h"
#include "privsep/sandbox_seccomp.h"
#include "t.h"

#define MAX_FD 16

static char scratch[256], chroot_dir[300];

/* a root-owned 0755 scratch directory beside the run's other scratch
 * files (tests/run's SSHL_TESTDIR under /run), never a world-writable /tmp */
static int make_scratch(void)
{
	const char *base = getenv("SSHL_TESTDIR");
	snprintf(scratch, sizeof scratch, "%s/test_sandbox.XXXXXX", base && *base ? base : "/run");
	if (!mkdtemp(scratch) || chmod(scratch, 0755) < 0)
		return -1;
	snprintf(chroot_dir, sizeof chroot_dir, "%s/empty", scratch);
	if (mkdir(chroot_dir, 0755) < 0)
		return -1;
	setenv(PRIVSEP_DIR_ENV, chroot_dir, 1);
	return 0;
}

static void expect_refusal(const char *what, const char *want)
{
	struct sandbox s;
	char err[512] = "";
	int rc = sandbox_prepare(&s, err, sizeof err);
	CHECK(rc < 0 && !strcmp(err, want), "prepare refuses %s: \"%s\"", what, err);
}

static void refusals(const struct passwd *pw)
{
	char path[400], want[1000];

	setenv(PRIVSEP_USER_ENV, "sshl-no-such-user", 1);
	expect_refusal("a missing account", "Privilege separation user sshl-no-such-user does not exist "
			"(make install creates it)");
	unsetenv(PRIVSEP_USER_ENV);
	snprintf(path, sizeof path, "%s/missing", scratch);
	setenv(PRIVSEP_DIR_ENV, path, 1);
	snprintf(want, sizeof want, "Missing privilege separation directory: %s (make install creates it: "
		 "mkdir -m 0755 %s)", path, path);
	expect_refusal("a missing directory", want);
	snprintf(path, sizeof path, "%s/file", scratch);
	close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	setenv(PRIVSEP_DIR_ENV, path, 1);
	snprintf(want, sizeof want, "Missing privilege separation directory: %s (make install creates it: "
		 "mkdir -m 0755 %s)", path, path);
	expect_refusal("a file for a directory", want);
	setenv(PRIVSEP_DIR_ENV, chroot_dir, 1);
	snprintf(want, sizeof want, "%s must be owned by root and not group or world-writable.", chroot_dir);
	chmod(chroot_dir, 0775);
	expect_refusal("a group-writable directory", want);
	chmod(chroot_dir, 0757);
	expect_refusal("a world-writable directory", want);
	chmod(chroot_dir, 0755);
	if (chown(chroot_dir, pw->pw_uid, 0) == 0) {
		expect_refusal("a directory the account owns", want);
		CHECK(chown(chroot_dir, 0, 0) == 0, "the directory is root's again");
	}
	setenv(PRIVSEP_DIR_ENV, "run/sshd", 1);
	expect_refusal("a relative path", "Privilege separation directory run/sshd: not an absolute path of "
			"at most 255 bytes");
	setenv(PRIVSEP_DIR_ENV, chroot_dir, 1);
}

/* the body of a child in the sandbox: what it must still be able to do,
 * as one byte per check sent up the pipe (1 = ok) */
static void inside(int up, int down)
{
	uint8_t r[8] = {0}, b[32];
	struct pollfd p = {down, POLLIN, 0};
	struct timespec ts;
	int q = -1;
	char *m = malloc(4 << 20);

	r[0] = m != NULL && memset(m, 0xa5, 4 << 20) == m;
	m = m ? realloc(m, 8 << 20) : NULL; /* mremap */
	r[1] = m != NULL && (unsigned char)m[(4 << 20) - 1] == 0xa5;
	free(m);
	r[2] = getrandom(b, sizeof b, 0) == (ssize_t)sizeof b;
	r[3] = open("/etc/passwd", O_RDONLY | O_CLOEXEC) < 0 && errno == EACCES;
	r[4] = socket(AF_UNIX, SOCK_STREAM, 0) < 0 && errno == EACCES;
	r[5] = clock_gettime(CLOCK_MONOTONIC, &ts) == 0;
	/* the loop's one ioctl, on an fd it was handed (the pipe: ENOTTY is
	 * the driver's answer, so the call got through the filter) */
	r[6] = ioctl(up, SIOCOUTQ, &q) == 0 || errno == ENOTTY;
	r[7] = 1; /* the parent reading this shows write works */
	(void)!write(up, r, sizeof r);
	/* wait (poll, read) until the parent has looked at /proc */
	if (poll(&p, 1, 20000) == 1 && read(down, b, 1) == 1)
		_exit(0);
	_exit(3);
}

enum act { ACT_LOOK, ACT_FORK, ACT_EXEC_MAP, ACT_IOCTL, ACT_NOTHING, ACT_OVERFLOW, ACT_LOG, ACT_X32, ACT_I386 };

static char log_path[400];

/* forbidden things, each in a child of its own: the filter kills it */
static void forbidden(enum act a, int up)
{
	pid_t g;
	int n = 0;

	switch (a) {
	case ACT_FORK:
		g = fork(); /* clone: no row */
		if (g == 0)
			(void)!write(up, "G", 1);
		_exit(g > 0 ? 4 : 5);
	case ACT_EXEC_MAP:
		(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		_exit(4);
	case ACT_IOCTL:
		(void)ioctl(up, FIONREAD, &n); /* an ioctl other than SIOCOUTQ */
		_exit(4);
#if defined(__x86_64__)
	case ACT_X32:
		/* getpid by x32's number: the kernel accepts x32 calls from a
		 * 64-bit process where it has the ABI */
		(void)syscall(0x40000000 | SYS_getpid);
		_exit(4);
	case ACT_I386: {
		/* getpid (20) by the i386 entry: another architecture's numbers */
		long r = 20;
		__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
		_exit(4);
	}
#endif
#if defined(__SANITIZE_ADDRESS__)
	case ACT_OVERFLOW: {
		/* a sanitizer build's report must get out of the sandbox: a
		 * copy one byte past a heap block (ASan's, not UBSan's) */
		volatile size_t sz = 16; /* a size UBSan's object-size cannot see */
		char *m = calloc(1, sz), d[2];
		memcpy(d, m + 15, 2);
		free(m);
		_exit(d[0] == 0x7f ? 4 : 5);
	}
#endif
	default:
		_exit(0);
	}
}

/* forks a child that prepares and enters the sandbox, then does `a`;
 * *up is the read end of its report pipe, *down the write end the
 * child waits on, *err the read end of its stderr (a pipe: stderr that is
 * a regular file keeps RLIMIT_FSIZE, see sandbox.h) */
static pid_t start(enum act a, int *up, int *down, int *err)
{
	int u[2], d[2], e[2];
	pid_t pid;

	if (pipe2(u, O_CLOEXEC) < 0 || pipe2(d, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		struct sandbox s;
		char msg[512];
		close(u[0]);
		close(d[1]);
		dup2(e[1], 2);
		if (sandbox_prepare(&s, msg, sizeof msg) < 0)
			_exit(2);
		if (a == ACT_LOG)
			s.log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (sandbox_enter(&s, MAX_FD, msg, sizeof msg) < 0) {
			(void)!write(2, msg, strlen(msg));
			_exit(2);
		}
		if (a == ACT_LOOK)
			inside(u[1], d[0]);
		if (a == ACT_LOG)
			_exit(write(s.log_fd, "a log line\n", 11) == 11 ? 0 : 6);
		forbidden(a, u[1]);
	}
	close(u[1]);
	close(d[0]);
	close(e[1]);
	*up = u[0];
	*down = d[1];
	*err = e[0];
	return pid;
}

/* waits for the child and closes the parent's ends; returns its status */
static int finish(pid_t pid, int up, int down, int err)
{
	int st = -1;

	if (pid > 0)
		waitpid(pid, &st, 0);
	close(up);
	close(down);
	close(err);
	return st;
}

/* one line of /proc/PID/status, without its name */
static int status_line(pid_t pid, const char *name, char *out, size_t len)
{
	char path[64], line[256];
	size_t n = strlen(name);
	FILE *f;
	int found = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return 0;
	while (!found && fgets(line, sizeof line, f))
		if (!strncmp(line, name, n) && line[n] == ':') {
			snprintf(out, len, "%s", line + n + 1);
			out[strcspn(out, "\n")] = 0;
			found = 1;
		}
	fclose(f);
	return found;
}

/* soft and hard limit of one line of /proc/PID/limits (readable from
 * outside without CAP_SYS_RESOURCE, which prlimit would need) */
static int limit_is(pid_t pid, const char *name, const char *want)
{
	char path[64], line[256], soft[32], hard[32];
	size_t n = strlen(name);
	FILE *f;
	int ok = 0;

	snprintf(path, sizeof path, "/proc/%d/limits", (int)pid);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, name, n) && line[n] == ' ' && sscanf(line + n, "%31s %31s", soft, hard) == 2)
			ok = !strcmp(soft, want) && !strcmp(hard, want);
	fclose(f);
	return ok;
}

static void look_from_outside(pid_t pid, const struct passwd *pw)
{
	char v[256], ids[128], root[PATH_MAX];
	ssize_t n;

	snprintf(ids, sizeof ids, "\t%u\t%u\t%u\t%u", (unsigned)pw->pw_uid, (unsigned)pw->pw_uid,
		 (unsigned)pw->pw_uid, (unsigned)pw->pw_uid);
	CHECK(status_line(pid, "Uid", v, sizeof v) && !strcmp(v, ids), "Uid (real, effective, saved, fs):%s", v);
	snprintf(ids, sizeof ids, "\t%u\t%u\t%u\t%u", (unsigned)pw->pw_gid, (unsigned)pw->pw_gid,
		 (unsigned)pw->pw_gid, (unsigned)pw->pw_gid);
	CHECK(status_line(pid, "Gid", v, sizeof v) && !strcmp(v, ids), "Gid:%s", v);
	CHECK(status_line(pid, "Groups", v, sizeof v) && strspn(v, " \t") == strlen(v), "no supplementary groups");
	CHECK(status_line(pid, "NoNewPrivs", v, sizeof v) && !strcmp(v, "\t1"), "NoNewPrivs:%s", v);
	CHECK(status_line(pid, "Seccomp", v, sizeof v) && !strcmp(v, "\t2"), "Seccomp:%s (filter)", v);
	snprintf(v, sizeof v, "/proc/%d/root", (int)pid);
	n = readlink(v, root, sizeof root - 1);
	root[n > 0 ? n : 0] = 0;
	CHECK(!strcmp(root, chroot_dir), "its root is the chroot (%s)", root);
	CHECK(limit_is(pid, "Max file size", "0"), "RLIMIT_FSIZE 0");
	CHECK(limit_is(pid, "Max processes", "0"), "RLIMIT_NPROC 0");
	CHECK(limit_is(pid, "Max core file size", "0"), "RLIMIT_CORE 0");
	snprintf(v, sizeof v, "%d", MAX_FD);
	CHECK(limit_is(pid, "Max open files", v), "RLIMIT_NOFILE is the caller's %d", MAX_FD);
}

static void enter_and_look(const struct passwd *pw)
{
	static const char *const what[] = {
		"malloc and touch 4 MiB", "realloc to 8 MiB keeps the bytes", "getrandom", "open fails with EACCES",
		"socket fails with EACCES", "clock_gettime", "ioctl SIOCOUTQ passes the filter", "write",
	};
	uint8_t r[8] = {0};
	int up, down, err, st;
	pid_t pid = start(ACT_LOOK, &up, &down, &err);
	struct pollfd p = {up, POLLIN, 0};

	CHECK(pid > 0 && poll(&p, 1, 20000) == 1 && read(up, r, sizeof r) == (ssize_t)sizeof r,
	      "a child entered the sandbox and reported");
	for (size_t i = 0; i < sizeof r; i++)
		CHECK(r[i] == 1, "inside: %s", what[i]);
	if (pid > 0)
		look_from_outside(pid, pw);
	CHECK(write(down, "g", 1) == 1, "told the child to go on");
	st = finish(pid, up, down, err);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "it polled, read and left with _exit (status %#x)", st);
}

static void killed(enum act a, const char *what)
{
	int up, down, err, st = -1;
	char b;
	pid_t pid = start(a, &up, &down, &err);

	if (pid > 0)
		waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "%s: killed by SIGSYS (status %#x)", what, st);
	/* the read end gives EOF once no process holds the write end: a
	 * grandchild would still hold it, or have written */
	CHECK(read(up, &b, 1) == 0, "%s: nothing else came of it", what);
	finish(-1, up, down, err);
}

/* -E: a log file P already holds keeps taking lines (RLIMIT_FSIZE 0
 * would kill it with SIGXFSZ), and nothing else about it changes */
static void log_file(void)
{
	int up, down, err, st, fd;
	char b[64] = "";
	pid_t pid;

	snprintf(log_path, sizeof log_path, "%s/log", scratch);
	pid = start(ACT_LOG, &up, &down, &err);
	st = finish(pid, up, down, err);
	fd = open(log_path, O_RDONLY | O_CLOEXEC);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && fd >= 0 && read(fd, b, sizeof b - 1) == 11 &&
		      !strcmp(b, "a log line\n"), "a log file opened before the sandbox takes a line (status %#x)", st);
	if (fd >= 0)
		close(fd);
	unlink(log_path);
}

/* a sanitizer build: a report made inside the sandbox gets out, and the
 * process ends with the sanitizer's status, not SIGSYS halfway through */
static void sanitizer_report(void)
{
#if defined(__SANITIZE_ADDRESS__)
	int up, down, err, st;
	char report[4096] = "";
	ssize_t n, got = 0;
	pid_t pid = start(ACT_OVERFLOW, &up, &down, &err);

	while (got < (ssize_t)sizeof report - 1 && (n = read(err, report + got, sizeof report - 1 - got)) > 0)
		got += n;
	st = finish(pid, up, down, err);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 4 && WEXITSTATUS(st) != 5,
	      "ASan's report of an overflow inside the sandbox ends it with ASan's status (status %#x)", st);
	/* with log_path (CI) ASan cannot open its file in the chroot and
	 * says so on stderr instead */
	CHECK(strstr(report, "ERROR: AddressSanitizer") ||
		      (strstr(getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "", "log_path") &&
		       strstr(report, "Can't open file")),
	      "and the report, or ASan's word that it cannot open its log_path, gets out on stderr");
#endif
}

#if defined(__x86_64__)
/* whether int 0x80 works here at all, outside any sandbox (a kernel
 * without IA32 emulation answers it with SIGSEGV) */
static int has_i386_entry(void)
{
	int st = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* the kernel's default for SIGSEGV, past a sanitizer's handler
		 * (whose report of the fault would fail a sanitizer run) */
		struct {
			void (*handler)(int);
			unsigned long flags;
			void (*restorer)(void);
			unsigned long mask;
		} dfl = {SIG_DFL, 0, NULL, 0};
		long r = 20;
		syscall(SYS_rt_sigaction, SIGSEGV, &dfl, NULL, sizeof dfl.mask);
		__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
		_exit(r > 0 ? 0 : 1);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
#endif

/* A classic BPF interpreter for what the builder emits (absolute word
 * loads, forward jumps on constants, returns): the action, or 0xdead
 * for anything else, a load out of struct seccomp_data or a run past the
 * end */
static uint32_t run_filter(const struct sock_filter *f, int n, const struct seccomp_data *d)
{
	uint32_t acc = 0;
	for (int pc = 0; pc >= 0 && pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		int cond;
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof *d)
				return 0xdead;
			memcpy(&acc, (const uint8_t *)d + i->k, 4);
			continue;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_JMP | BPF_JEQ | BPF_K:
			cond = acc == i->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			cond = acc >= i->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			cond = (acc & i->k) != 0;
			break;
		default:
			return 0xdead;
		}
		pc += cond ? i->jt : i->jf;
	}
	return 0xdead;
}

/* every syscall number, with arguments that meet and miss each row's
 * test, gets from the program what the table's rows say */
static void filter_decides_as_table(const struct sock_filter *f, int n)
{
	const uint64_t argsets[][6] = {{0}, {0, SIOCOUTQ, PROT_READ | PROT_WRITE}, {0, TCGETS, PROT_EXEC},
				       {0, 1, PROT_READ | PROT_EXEC}, {0xffffffff, 0xffffffff, 0xffffffff}};
	struct seccomp_data d;
	int bad = 0, checked = 0;
	uint32_t want, got;
#ifdef __x86_64__
	memset(&d, 0, sizeof d);
	d.arch = AUDIT_ARCH_X86_64;
	for (size_t a = 0; a < sizeof argsets / sizeof argsets[0]; a++)
		for (int nr = 0; nr < 1024; nr++) {
			d.nr = nr;
			memcpy(d.args, argsets[a], sizeof d.args);
			want = sandbox_filter_expect(nr, argsets[a], 0);
			got = run_filter(f, n, &d);
			checked++;
			if (got != want && bad++ < 3)
				printf("# syscall %d, argument set %zu: the program says %#x, the table %#x\n", nr, a, got,
				       want);
		}
	d.nr = 0x40000000 | 0; /* x32's read */
	bad += run_filter(f, n, &d) != 0;
	d.nr = 0;
	d.arch = AUDIT_ARCH_I386;
	bad += run_filter(f, n, &d) != 0;
	CHECK(!bad, "the program decides %d calls as the table does; x32 and i386 calls are killed", checked);
#else
	(void)f, (void)n, (void)d, (void)bad, (void)checked, (void)want, (void)got, (void)argsets;
#endif
}

static void filter_table(void)
{
	struct sock_filter f[SANDBOX_FILTER_MAX];
	const char *why = NULL;
	size_t i;
	int n = sandbox_filter_build(f, SANDBOX_FILTER_MAX, 0);

	CHECK(n > 10 && n < SANDBOX_FILTER_MAX, "the filter builds (%d instructions)", n);
	if (n > 0)
		filter_decides_as_table(f, n);
	CHECK(sandbox_filter_build(f, 8, 0) < 0, "a buffer too small is refused, not overrun");
	for (i = 0; sandbox_filter_row(i, &why); i++)
		if (!why || !*why)
			break;
	CHECK(i > 20 && !sandbox_filter_row(i, NULL), "each of the %zu rows says what it is for", i);
}

int main(void)
{
	struct passwd *pw;
	struct sandbox s;
	char err[512] = "";

	filter_table();
	CHECK(sandbox_enter(&s, 0, err, sizeof err) < 0 && strstr(err, "RLIMIT_NOFILE"),
	      "RLIMIT_NOFILE 0 is refused before anything changes: %s", err);
	if (geteuid() != 0) {
		printf("# not root: the sandbox itself is not entered; skipped\n");
		return t_done();
	}
	pw = getpwnam(PRIVSEP_USER);
	if (!pw) {
		printf("# no account %s (make install creates it); skipped\n", PRIVSEP_USER);
		return t_done();
	}
	if (make_scratch() < 0) {
		CHECK(0, "a scratch directory: %s", strerror(errno));
		return t_done();
	}
	unsetenv(PRIVSEP_VIOLATE_ENV);
	refusals(pw);
	CHECK(sandbox_prepare(&s, err, sizeof err) == 0 && s.uid == pw->pw_uid && s.gid == pw->pw_gid && !s.violate,
	      "prepare takes the account and a root-owned 0755 directory");
	enter_and_look(pw);
	killed(ACT_FORK, "fork");
	killed(ACT_EXEC_MAP, "an executable mmap");
	killed(ACT_IOCTL, "ioctl FIONREAD");
#if defined(__x86_64__)
	killed(ACT_X32, "a call by x32's number");
	if (has_i386_entry())
		killed(ACT_I386, "a call through the i386 entry (int 0x80)");
	else
		printf("# this kernel has no i386 entry (int 0x80 faults): that check is skipped\n");
#endif
	sanitizer_report();
	log_file();
	setenv(PRIVSEP_VIOLATE_ENV, "1", 1);
	CHECK(sandbox_violation_wanted(), "the violation switch is seen");
	killed(ACT_NOTHING, "the violation switch");
	unsetenv(PRIVSEP_VIOLATE_ENV);
	CHECK(rmdir(chroot_dir) == 0 && chdir("/") == 0, "the chroot is still empty");
	snprintf(err, sizeof err, "%s/file", scratch);
	unlink(err);
	rmdir(scratch);
	return t_done();
}
