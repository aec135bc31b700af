/* The pre-authentication process's seccomp-bpf allow-list
 * (privsep/sandbox_seccomp.c). Internal to privsep/ and its tests. */
#ifndef SSHL_SANDBOX_SECCOMP_H
#define SSHL_SANDBOX_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

struct sock_filter;

/* The longest program the table can make (the kernel takes 4096). */
#define SANDBOX_FILTER_MAX 256

/* Builds the program into out[0..max): architecture check, x32 refusal,
 * a binary search on the syscall number down to each number's rows, `kill`
 * for everything else. Its length, or -1 when max is too small or this
 * architecture has no filter. */
int sandbox_filter_build(struct sock_filter *out, size_t max, uint32_t kill);

/* Installs it (no_new_privs must be set): kills the whole process where
 * the kernel can (SECCOMP_RET_KILL_PROCESS, 4.14), else the thread. 0, or
 * -1 with err set. */
int sandbox_seccomp_install(char *err, size_t errlen);

/* What the table says of a call on this architecture, reading its rows in
 * order (the first that decides wins): the action the program must return.
 * The test runs the program against it. */
uint32_t sandbox_filter_expect(int nr, const uint64_t args[6], uint32_t kill);

/* The rows, for a test or a log line: the name of the i-th row's system
 * call and what it is for; NULL past the last. */
const char *sandbox_filter_row(size_t i, const char **why);

#endif
