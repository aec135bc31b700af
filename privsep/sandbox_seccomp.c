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

/* one row's block; a row with an argument test reloads the syscall number
 * when the test fails, so the rows after it still see it */
static size_t emit_row(const struct sc_row *r, struct sock_filter *o)
{
	size_t n = 0;
	int ok = r->how == SC_ALLOW || r->how == SC_EACCES;

	o[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0, ok ? 1 : 4);
	if (ok) {
		o[n++] = (struct sock_filter)RET(r->how == SC_ALLOW ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EACCES);
		return n;
	}
	o[n++] = (struct sock_filter)LD(ARG_LO(r->arg));
	if (r->how == SC_ARG_WITHOUT)
		o[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, r->val, 1, 0);
	else
		o[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->val, 0, 1);
	o[n++] = (struct sock_filter)RET(r->how == SC_ARG_IS_FAILS ? SECCOMP_RET_ERRNO | EACCES : SECCOMP_RET_ALLOW);
	o[n++] = (struct sock_filter)LD_NR;
	return n;
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
	size_t n = sizeof head / sizeof head[0];

	if (max < n + 1)
		return -1;
	memcpy(out, head, sizeof head);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (n + 5 + 1 > max) /* the longest block, and the last RET */
			return -1;
		n += emit_row(&rows[i], out + n);
	}
	out[n++] = (struct sock_filter)RET(kill);
	return (int)n;
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
