/* AuthorizedKeysCommand: a program, run as AuthorizedKeysCommandUser, whose
 * output is read as authorized_keys lines. Functions of their arguments
 * only, so that a privileged monitor can run them as they are. */
#ifndef SSHL_AUTHKEYS_CMD_H
#define SSHL_AUTHKEYS_CMD_H

#include <stddef.h>

/* how long the command may take before it is killed and its keys ignored */
#define AKC_TIMEOUT_MS 10000
/* output beyond this is not read: the command is killed, its keys ignored */
#define AKC_OUTPUT_MAX (4u * 1024 * 1024)

/* the values of OpenSSH's tokens */
struct akc_tokens {
	const char *conn;    /* %C: "client-addr client-port server-addr server-port" */
	const char *rdomain; /* %D: routing domain, "" when none */
	const char *fp;      /* %f: SHA256 fingerprint of the key or certificate */
	const char *home;    /* %h */
	const char *key;     /* %k: the key or certificate, base64 */
	const char *type;    /* %t: its type name */
	const char *uid;     /* %U */
	const char *user;    /* %u */
};

/* Runs cmdline (split into words as OpenSSH does, tokens expanded in
 * every word but the first, the user name as the only argument when there
 * is none) as runas (tokens %u %U %h expanded), after checking that the
 * program is an absolute path nobody but root can change. On SSH_OK, *fd
 * is a file holding the whole output, at offset 0; the caller closes it.
 * Otherwise why says what went wrong, for the log. */
int akc_run(const char *cmdline, const char *runas, const struct akc_tokens *t, int timeout_ms, int *fd, char *why,
	    size_t whylen);

#endif
