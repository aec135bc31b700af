/* The sandbox of the pre-authentication process (issue 13, "P" in
 * docs/ARCHITECTURE.md, "Processes").
 *
 * The process that reads the client's first byte runs as an unprivileged
 * account, chrooted to an empty root-owned directory, with no new
 * privileges, no new files or processes (rlimits) and a seccomp-bpf
 * allow-list of the system calls the pre-authentication loop makes
 * (privsep/sandbox_seccomp.c). A memory-safety bug in the version line,
 * packet, KEX or userauth parsing then gives an attacker a process that
 * can read and write the fds it already has, and nothing else.
 *
 * Use, as root: sandbox_prepare() before forking P (it fails closed with
 * one log line saying what to create), sandbox_enter() in P before the
 * client's first byte is read. */
#ifndef SSHL_SANDBOX_H
#define SSHL_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

/* Debian's openssh-server account and chroot (make install creates both) */
#define PRIVSEP_USER "sshd"
#define PRIVSEP_DIR "/run/sshd"

/* Hidden switches for the tests only (README, "hidden switches"): another
 * account and directory, so a test can use a scratch chroot; and P makes a
 * forbidden system call right after entering the sandbox, so a test can
 * watch the filter kill it. */
#define PRIVSEP_USER_ENV "SSHD_LITE_PRIVSEP_USER"
#define PRIVSEP_DIR_ENV "SSHD_LITE_PRIVSEP_DIR"
#define PRIVSEP_VIOLATE_ENV "SSHD_LITE_TEST_SANDBOX_VIOLATE"

struct sandbox {
	uid_t uid;
	gid_t gid;
	char user[64];
	char dir[256];
	int violate; /* PRIVSEP_VIOLATE_ENV was set at prepare time */
	/* the -E log file P writes, or -1 (prepare's value): the caller sets it */
	int log_fd;
};

/* As root, before forking P: looks the account up and checks the
 * directory (exists, a directory, owned by root, not writable by group or
 * others). 0, or -1 with err one log line saying what is missing and how
 * to make it; the caller then refuses to serve. */
int sandbox_prepare(struct sandbox *s, char *err, size_t errlen);

/* In P, as root, before the client's first byte: chroot, drop to the
 * account for good, no_new_privs, rlimits (RLIMIT_NOFILE = max_fd: poll
 * fails with EINVAL when its nfds exceeds it, so it must be at least the
 * number of fds the loop polls), then the seccomp filter. RLIMIT_FSIZE
 * is 0 unless P logs to a regular file (s->log_fd, or stderr that is
 * one): there the first log line would die of SIGXFSZ, so the limit is
 * left alone (the filter and the root-owned chroot still stop any new
 * file). 0, or -1 with
 * err set (the caller logs it and exits); a half-entered sandbox is never
 * returned as success. With s->violate (tests only) it does not return:
 * the forbidden call gets the process killed by SIGSYS. */
int sandbox_enter(const struct sandbox *s, int max_fd, char *err, size_t errlen);

/* Test-only: whether PRIVSEP_VIOLATE_ENV asks for the forbidden call, so
 * the caller can say so in its log before entering. */
int sandbox_violation_wanted(void);

/* Test-only: the forbidden call itself (getpgid, on no allow-list row):
 * under the filter the kernel kills the process with SIGSYS. Returns only
 * when no filter is installed. */
void sandbox_violate(void);

#endif
