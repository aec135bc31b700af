/* The seccomp-bpf allow-list of the pre-authentication process.
 *
 * Each row is one system call and what the loop needs it for, found by
 * strace -f of the server through whole pre-authentication phases (every
 * key exchange family, a failed password and publickey query, disconnects,
 * LoginGraceTime, SIGTERM through the signalfd), normal and ASan builds.
 * Adding a call the wiring turns out to need is adding a row.
 *
 * Calls libc makes on its own and that may simply fail (opening a file:
 * /etc/ssh/moduli, /etc/localtime, NSS; syslog reconnecting) get EACCES as
 * in OpenSSH's sandbox, rather than killing the process; everything else
 * kills the whole process. The program checks the architecture first (a
 * syscall number means another call on another ABI) and refuses x32's
 * numbers, which the x86-64 kernel also accepts. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privsep/sandbox_seccomp.h"

#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64 /* built, not yet tested on one */
#endif

/* a sanitizer build (gcc says so; clang through __has_feature) */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif

/* where an argument's low 32 bits sit in struct seccomp_data */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + (i) * sizeof(uint64_t))
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + (i) * sizeof(uint64_t) + sizeof(uint32_t))
#endif

enum sc_how {
	SC_ALLOW,       /* always */
	SC_EACCES,      /* fails with EACCES */
	SC_ARG_IS,      /* allowed when argument `arg` equals `val`, else killed */
	SC_ARG_IS_FAILS, /* fails with EACCES when argument `arg` equals `val`, else killed */
	SC_ARG_WITHOUT, /* allowed when argument `arg` has none of the bits `val`, else killed */
};

struct sc_row {
	const char *name;
	int nr;
	enum sc_how how;
	unsigned arg;
	uint32_t val;
	const char *why;
};

#define ROW(n, how, arg, val, why) {#n, __NR_##n, how, arg, val, why}
#define ALLOW(n, why) ROW(n, SC_ALLOW, 0, 0, why)
#define REFUSE(n, why) ROW(n, SC_EACCES, 0, 0, why)

static const struct sc_row rows[] = {
	/* the loop: client socket, log fd, signalfd, sockets to S and M */
	ALLOW(read, "client bytes, the signalfd, a log fd"),
	ALLOW(write, "client bytes, the log (stderr or -E file)"),
	ALLOW(readv, "libc's vectored reads"),
	ALLOW(writev, "libc's vectored writes (syslog to stderr)"),
	ALLOW(recvfrom, "recv() of the monitor's signatures and S's answers"),
	ALLOW(sendto, "send() to the monitor, S, and syslog's connected socket"),
	ALLOW(recvmsg, "the transport handover and fd-less records to S"),
	ALLOW(sendmsg, "the transport handover and fd-less records to S"),
#ifdef __NR_poll
	ALLOW(poll, "the loop's wait on its fds"),
#endif
	ALLOW(ppoll, "poll() where libc makes it ppoll (aarch64)"),
	ALLOW(close, "closing fds on the way out"),
	ROW(ioctl, SC_ARG_IS, 1, SIOCOUTQ, "SIOCOUTQ (== TIOCOUTQ) only: io_unsent's look at the socket's queue"),
	/* randomness and memory */
	ALLOW(getrandom, "KEX secrets, cookies, padding"),
	ALLOW(brk, "malloc"),
	ROW(mmap, SC_ARG_WITHOUT, 2, PROT_EXEC, "malloc of large blocks; never executable"),
	ROW(mprotect, SC_ARG_WITHOUT, 2, PROT_EXEC, "malloc's arenas; never executable"),
	ALLOW(munmap, "free of large blocks"),
	ALLOW(mremap, "realloc of large blocks"),
	ALLOW(madvise, "free trimming (and the sanitizers' allocator)"),
	/* time, signals, identity for log lines, locks, the end */
	ALLOW(clock_gettime, "LoginGraceTime and timeouts (a syscall where the vDSO falls back)"),
	ALLOW(gettimeofday, "libc time where the vDSO falls back"),
#ifdef __NR_time
	ALLOW(time, "time(NULL) where the vDSO falls back"),
#endif
	ALLOW(clock_nanosleep, "a delay"),
	ALLOW(nanosleep, "a delay"),
	ALLOW(restart_syscall, "a sleep resumed after SIGSTOP/SIGCONT"),
	ALLOW(rt_sigprocmask, "libc blocking signals around its own work"),
	ALLOW(rt_sigreturn, "return from a signal handler"),
	ALLOW(getpid, "the pid in log lines"),
	ALLOW(gettid, "libc's locks and abort"),
	ALLOW(futex, "libc's locks"),
	ALLOW(exit, "the end"),
	ALLOW(exit_group, "the end (_exit)"),
	/* libc may try these on its own: they fail, nothing is killed */
#ifdef __NR_open
	REFUSE(open, "libc: files are outside the chroot"),
#endif
	REFUSE(openat, "libc: /etc/ssh/moduli, /etc/localtime, NSS files"),
#ifdef __NR_stat
	REFUSE(stat, "libc: the stat family"),
	REFUSE(lstat, "libc: the stat family"),
#endif
	REFUSE(fstat, "libc: stdio's buffer size"),
	REFUSE(newfstatat, "libc: fstat and stat"),
	REFUSE(statx, "libc: the stat family"),
	REFUSE(socket, "libc: syslog reconnecting, NSS's nscd"),
	REFUSE(connect, "libc: syslog reconnecting, NSS's nscd"),
#ifdef SANDBOX_SANITIZED
	/* ASan/UBSan's runtime, in sanitizer builds only: its _exit, its
	 * allocator's spin locks, and a report made inside the sandbox */
	ALLOW(sigaltstack, "sanitizer: _exit takes down its signal stack"),
	ALLOW(sched_yield, "sanitizer: the allocator's spin locks"),
#ifdef __NR_readlink
	REFUSE(readlink, "sanitizer report: /proc/self/exe"),
#endif
	REFUSE(readlinkat, "sanitizer report: /proc/self/exe"),
	ROW(ioctl, SC_ARG_IS_FAILS, 1, TCGETS, "sanitizer report: isatty(2) for colours"),
	REFUSE(pipe2, "sanitizer report: starting the symbolizer"),
#endif
};

uint32_t sandbox_filter_expect(int nr, const uint64_t args[6], uint32_t kill)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct sc_row *r = &rows[i];
		uint32_t a = (uint32_t)args[r->arg % 6];
		if (r->nr != nr)
			continue;
		switch (r->how) {
		case SC_ALLOW:
			return SECCOMP_RET_ALLOW;
		case SC_EACCES:
			return SECCOMP_RET_ERRNO | EACCES;
		case SC_ARG_IS:
			if (a == r->val)
				return SECCOMP_RET_ALLOW;
			break;
		case SC_ARG_IS_FAILS:
			if (a == r->val)
				return SECCOMP_RET_ERRNO | EACCES;
			break;
		case SC_ARG_WITHOUT:
			if (!(a & r->val))
				return SECCOMP_RET_ALLOW;
			break;
		}
	}
	return kill;
}

const char *sandbox_filter_row(size_t i, const char **why)
{
	if (i >= sizeof rows / sizeof rows[0])
		return NULL;
	if (why)
		*why = rows[i].why;
	return rows[i].name;
}

#define LD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(off))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (uint32_t)(v))
#define LD_NR LD(offsetof(struct seccomp_data, nr))

/* The rows as a binary search on the syscall number rather than a list:
 * on attaching a filter the kernel runs it for every syscall number to
 * find the ones it always allows (its action cache), so the install costs
 * in proportion to how far each number walks. A list of ~50 rows made the
 * prctl take some 0.1-0.2 ms of every connection's CPU; the search walks
 * about six comparisons. Classic BPF jumps only forward, by at most 255. */
struct emitter {
	struct sock_filter *o;
	size_t n, max;
	uint32_t kill;
	int bad;
	unsigned idx[sizeof rows / sizeof rows[0]]; /* rows, by syscall number */
	unsigned grp[sizeof rows / sizeof rows[0] + 1]; /* where each number's rows start in idx */
	unsigned ngrp;
};

static size_t put(struct emitter *e, struct sock_filter f)
{
	if (e->n >= e->max) {
		e->bad = 1;
		return e->n;
	}
	e->o[e->n] = f;
	return e->n++;
}

static uint8_t jump_to(struct emitter *e, size_t from, size_t to)
{
	if (to <= from || to - from - 1 > 255)
		e->bad = 1;
	return (uint8_t)(to - from - 1);
}

/* one syscall number's rows, in table order, then the kill: the number
 * is known here, so the argument tests need not reload it */
static void emit_leaf(struct emitter *e, unsigned g)
{
	for (unsigned k = e->grp[g]; k < e->grp[g + 1]; k++) {
		const struct sc_row *r = &rows[e->idx[k]];
		uint32_t yes = r->how == SC_EACCES || r->how == SC_ARG_IS_FAILS ? SECCOMP_RET_ERRNO | EACCES
										: SECCOMP_RET_ALLOW;
		if (r->how == SC_ALLOW || r->how == SC_EACCES) {
			put(e, (struct sock_filter)RET(yes));
			return;
		}
		put(e, (struct sock_filter)LD(ARG_LO(r->arg)));
		if (r->how == SC_ARG_WITHOUT)
			put(e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, r->val, 1, 0));
		else
			put(e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->val, 0, 1));
		put(e, (struct sock_filter)RET(yes));
	}
	put(e, (struct sock_filter)RET(e->kill));
}

/* numbers lo..hi-1 (of the groups); a few are compared one by one */
static void emit_range(struct emitter *e, unsigned lo, unsigned hi)
{
	if (hi - lo <= 3) {
		for (unsigned g = lo; g < hi; g++) {
			size_t at = put(e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
									(uint32_t)rows[e->idx[e->grp[g]]].nr, 0, 0));
			emit_leaf(e, g);
			if (!e->bad)
				e->o[at].jf = jump_to(e, at, e->n);
		}
		put(e, (struct sock_filter)RET(e->kill));
		return;
	}
	unsigned mid = lo + (hi - lo) / 2;
	size_t at = put(e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
							(uint32_t)rows[e->idx[e->grp[mid]]].nr, 0, 0));
	emit_range(e, lo, mid);
	if (!e->bad)
		e->o[at].jt = jump_to(e, at, e->n);
	emit_range(e, mid, hi);
}

/* idx: the rows sorted by number (stable: a number's rows keep their
 * order); grp: where each distinct number starts */
static void sort_rows(struct emitter *e)
{
	unsigned n = sizeof rows / sizeof rows[0];
	for (unsigned i = 0; i < n; i++) {
		unsigned j = i;
		while (j > 0 && rows[e->idx[j - 1]].nr > rows[i].nr) {
			e->idx[j] = e->idx[j - 1];
			j--;
		}
		e->idx[j] = i;
	}
	e->ngrp = 0;
	for (unsigned i = 0; i < n; i++)
		if (i == 0 || rows[e->idx[i]].nr != rows[e->idx[i - 1]].nr)
			e->grp[e->ngrp++] = i;
	e->grp[e->ngrp] = n;
}

int sandbox_filter_build(struct sock_filter *out, size_t max, uint32_t kill)
{
#ifdef SANDBOX_ARCH
	const struct sock_filter head[] = {
		LD(offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0),
		RET(kill),
		LD_NR,
#ifdef __X32_SYSCALL_BIT
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
		RET(kill),
#endif
	};
	struct emitter e = {.o = out, .max = max, .kill = kill};

	if (max < sizeof head / sizeof head[0] + 1)
		return -1;
	memcpy(out, head, sizeof head);
	e.n = sizeof head / sizeof head[0];
	sort_rows(&e);
	emit_range(&e, 0, e.ngrp);
	return e.bad ? -1 : (int)e.n;
#else
	(void)out, (void)max, (void)kill;
	return -1;
#endif
}

/* the whole process where the kernel can (4.14): a thread alone would
 * leave the rest of a threaded sanitizer runtime running */
static uint32_t kill_action(void)
{
	uint32_t a = SECCOMP_RET_KILL_PROCESS;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &a) == 0)
		return SECCOMP_RET_KILL_PROCESS;
	return SECCOMP_RET_KILL_THREAD;
}

int sandbox_seccomp_install(char *err, size_t errlen)
{
	struct sock_filter f[SANDBOX_FILTER_MAX];
	int n = sandbox_filter_build(f, SANDBOX_FILTER_MAX, kill_action());
	struct sock_fprog prog;

	if (n < 0) {
		snprintf(err, errlen, "sandbox: no seccomp filter for this architecture");
		return -1;
	}
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
		snprintf(err, errlen, "sandbox: seccomp filter: %s", strerror(errno));
		return -1;
	}
	return 0;
}
