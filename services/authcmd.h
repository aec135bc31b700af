/* Running an administrator's helper during authentication
 * (AuthorizedPrincipalsCommand; AuthorizedKeysCommand can share it): the
 * program as another user, with a time limit, its output read as lines.
 * Kept apart so that the command keywords can share one runner. */
#ifndef SSHL_AUTHCMD_H
#define SSHL_AUTHCMD_H

#include <stddef.h>

struct conn;

/* %-tokens: a letter and its value, the table ended by a 0 letter */
struct authcmd_token {
	char letter;
	const char *value;
};

struct authcmd {
	const char *what;    /* the keyword, for log lines */
	const char *command; /* as configured: an absolute path and arguments */
	const char *runas;   /* the user it runs as */
	const struct authcmd_token *tokens; /* expanded in the arguments */
	int timeout_ms;
	/* called for each line of output (no newline) */
	void (*line)(void *arg, const char *line, size_t len);
	void *arg;
};

/* Runs the command as OpenSSH's sshd does: argv[0] an absolute path owned
 * by root in directories only root can write, the arguments split as a
 * shell would (quotes, backslash) with tokens expanded in each but the
 * first; stdin /dev/null, stderr discarded, an empty environment but PATH;
 * the user's uid, gid and groups. Output past timeout_ms or 1 MiB ends
 * the run (the process group is killed). 1 when it ran and exited with
 * status 0 (every line given to a->line), 0 when not (logged), or a
 * negative error when the server cannot go on. */
int authcmd_run(struct conn *c, const struct authcmd *a);

/* Splits s into at most max arguments in store (cap bytes), expanding
 * tokens in each but the first. The count, or -1 with *why. */
int authcmd_split(const char *s, const struct authcmd_token *tokens, char **argv, int max, char *store, size_t cap,
		  const char **why);

#endif
