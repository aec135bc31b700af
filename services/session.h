/* Session channels (RFC 4254 6): the state of one session, its requests,
 * its pseudo-terminal and its child process. */
#ifndef SSHL_SESSION_H
#define SSHL_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <termios.h>

struct conn;
struct channel;
struct rd;
struct auth_result;

/* variables a client may set with "env" per session */
#define SESSION_ENV_MAX 64

struct pty {
	int master, slave;     /* -1 when closed */
	char name[64];         /* /dev/pts/N */
};

struct session {
	int started;           /* shell, exec or subsystem happened */
	int pid, pidfd;        /* the child, its pidfd (-1 if none) */
	int exited, status;    /* waitpid's status once exited */
	int64_t exit_ms;
	int have_pty;
	struct pty pty;
	char *term;            /* TERM from pty-req */
	char *env[SESSION_ENV_MAX]; /* NAME=value accepted from "env" */
	int nenv;
	struct agent_fwd *agent; /* agent forwarding (fwd_agent.c), or NULL */
	struct x11_fwd *x11;     /* X11 forwarding (fwd_x11.c), or NULL */
};

enum { START_SHELL, START_EXEC, START_SUBSYSTEM };

/* session.c: starts the child for shell, exec (cmd) or subsystem (cmd is
 * the program from the configuration). 1 on success, 0 on refusal. */
/* chroot.c: ChrootDirectory for this user, while still root, before the
 * privilege drop; SSH_OK when none is configured or it is entered, else
 * an error after OpenSSH's log line (the login must end) */
int session_chroot(struct conn *c, const struct auth_result *a);
/* ForceCommand in place of authorized_keys' command= (OpenSSH: the
 * administrator's wins); SSH_OK or SSH_ERR_ALLOC */
int session_force_command(struct conn *c, struct auth_result *a);
/* whether ForceCommand (not a key's command=) decides what sessions run */
int session_forced(const struct conn *c);
/* whether a session's child must run instead of internal-sftp in this
 * process, because it will not run what was asked for: a password to
 * change (passwd) or /etc/nologin (child_nologin) */
int session_intercepted(const struct conn *c);
/* ExposeAuthInfo's file for SSH_USER_AUTH, made on first use; NULL when
 * off or when it cannot be made */
const char *session_auth_info_file(struct conn *c);

int session_start(struct conn *c, struct channel *ch, int how, const char *cmd);

/* sftp_chan.c: internal-sftp on this session, in this process (args are
 * sftp-server's flags). 1 on success, 0 on refusal. */
int sftp_start(struct conn *c, struct channel *ch, const char *args);
/* the arguments when cmd names internal-sftp, else NULL */
const char *sftp_internal_args(const char *cmd);

/* session_req.c: the channel requests of a session */
int session_request(struct conn *c, struct channel *ch, const char *name, size_t nlen, int want_reply,
		    struct rd *r);
/* RFC 4254 6.10 signal names, without "SIG"; NULL when it has none */
const char *signal_name(int sig);

/* pty.c */
/* opens a pty with the window size and the encoded terminal modes */
int pty_open(struct pty *p, const struct winsize *ws, const uint8_t *modes, size_t mlen);
/* applies RFC 4254 8 encoded terminal modes to t; stops at the end, at
 * TTY_OP_END, at an undefined opcode or at a truncated argument */
void pty_apply_modes(struct termios *t, const uint8_t *p, size_t n);
void pty_close(struct pty *p);
/* in the child: a new session with the slave as controlling terminal
 * and as fds 0, 1 and 2; -1 on failure */
int pty_make_controlling(int slave);

/* child.c */
struct child_spec {
	const char *command;      /* for "shell -c", or NULL for a login shell */
	const char *orig_command; /* SSH_ORIGINAL_COMMAND under a forced command */
	const struct session *s;  /* pty, TERM and accepted variables */
	/* a subsystem or ForceCommand's command: as OpenSSH, ~/.ssh/rc does
	 * not run, so that the account cannot add to what the server runs */
	int no_user_rc;
};
/* forks and execs the user's shell; *in, *out and *err receive our ends
 * of the child's stdin/stdout/stderr (-1 each with a pty, whose master
 * is the channel's fd). SSH_OK or an error. */
int child_spawn(struct conn *c, const struct child_spec *sp, int *pid, int *in, int *out, int *err);
/* How OpenSSH's do_rc_files runs an rc file (rc_file's choice): the
 * user's ~/.ssh/rc through the user's shell, as "shell -c '/bin/sh
 * .ssh/rc'" (the shell's start-up for -c, such as bash's BASH_ENV or
 * zsh's .zshenv, runs first), /etc/ssh/sshrc with /bin/sh. Fills path
 * and argv (pointers into rc, shell and constants). */
void rc_command(const char *rc, const char *shell, const char **path, char *argv[4]);
/* Without PAM (whose pam_nologin does it), OpenSSH's do_nologin: while
 * /etc/nologin exists, only root's sessions run; the others, internal-sftp
 * included, show the file and end with status 254 (child_spawn) */
int child_nologin(const struct conn *c);
/* a pidfd for pid, or -1 when the kernel has none */
int child_pidfd(int pid);

#endif
