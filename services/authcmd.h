/* Running an administrator's helper during authentication
 * (AuthorizedKeysCommand, AuthorizedPrincipalsCommand): the program as
 * another user, with a time limit, its output kept in an anonymous file
 * for the caller's line reader. One runner, so that both keywords check,
 * run and log their program the same way. */
#ifndef SSHL_AUTHCMD_H
#define SSHL_AUTHCMD_H

#include <stddef.h>

struct conn;

/* output beyond this is not read: the command is killed, its lines ignored */
#define AUTHCMD_OUTPUT_MAX (4u * 1024 * 1024)

/* %-tokens: a letter and its value, the table ended by a 0 letter */
struct authcmd_token {
	char letter;
	const char *value;
};

struct authcmd {
	const char *what;    /* the keyword, for log lines */
	const char *command; /* as configured: an absolute path and arguments */
	const char *runas;   /* the user it runs as (%u %U %h expanded) */
	const struct authcmd_token *tokens; /* expanded in the arguments */
	/* the argument when the command has none (tokens expanded), or NULL */
	const char *default_arg;
	int timeout_ms;
};

/* Runs the command as OpenSSH's sshd does: argv[0] an absolute path owned
 * by root in directories only root can write, the arguments split as
 * OpenSSH's argv_split (quotes, backslash), then tokens expanded in each
 * but the first; stdin /dev/null, stderr discarded, an empty environment
 * but PATH; the user's uid, gid and groups. Output past timeout_ms or
 * AUTHCMD_OUTPUT_MAX ends the run (the process group is killed). 1 when
 * it ran and exited with status 0, *fd then a file holding the whole
 * output at offset 0 (the caller closes it); 0 when not (logged); or a
 * negative error when the server cannot go on. */
int authcmd_run(struct conn *c, const struct authcmd *a, int *fd);

#endif
