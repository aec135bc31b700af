/* authorized_keys lines as OpenSSH's sshd(8) reads them: optional options,
 * key type, base64 key blob, comment. Everything here is a pure function of
 * its arguments (no files, no clock, no configuration), so the unit tests can
 * feed it any line. Reading the file is lr_next's job; deciding what a match
 * means is auth_pubkey.c's. */
#ifndef SSHL_AUTHKEYS_H
#define SSHL_AUTHKEYS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "services/auth.h"
#include "transport/buf.h"

/* Longer lines are skipped whole. A 16384-bit RSA key is under 3 KiB of
 * base64, so this leaves ample room for options. */
#define AUTHKEYS_LINE_MAX 16384

enum { AUTHKEY_KEY = 0, AUTHKEY_BLANK = 1 };

struct authkey {
	/* options; strings point into store */
	const char *command;        /* command="..." */
	const char *from;           /* from="pattern-list" */
	const char *permitopen[AUTH_MAX_LIST];
	int npermitopen;
	const char *permitlisten[AUTH_MAX_LIST];
	int npermitlisten;
	const char *environment[AUTH_MAX_LIST];
	int nenvironment;
	int has_expiry;
	time_t expiry;              /* expiry-time="YYYYMMDD[HHMM[SS]][Z]" */
	int no_pty, no_port_forwarding, no_agent_forwarding, no_x11_forwarding, no_user_rc;
	int no_touch_required;      /* security keys: user presence not needed */
	int verify_required;        /* security keys: user verification needed */
	int cert_authority;         /* the key is a CA for user certificates */
	const char *principals;     /* principals="...": for cert-authority */
	const char *type;           /* key type word, e.g. "ssh-ed25519" */
	struct buf blob;            /* the decoded key blob */
	char store[AUTHKEYS_LINE_MAX + 1];
};

void authkey_init(struct authkey *k);
void authkey_free(struct authkey *k);
/* drops the options and the key of the last line parsed */
void authkey_reset(struct authkey *k);

/* Parses one line (no newline; len bytes, need not be NUL-terminated).
 * AUTHKEY_KEY with k filled, AUTHKEY_BLANK for empty and comment lines, or
 * SSH_ERR_FORMAT with *why saying what is wrong (a static string). An unknown
 * option is an error, so the line's key is never used (OpenSSH does that). */
int authkey_parse(struct authkey *k, const char *line, size_t len, const char **why);

/* Parses options alone (an AuthorizedPrincipalsFile line's, before the
 * principal), len bytes ending in whitespace: SSH_OK with k's options
 * set, or SSH_ERR_FORMAT with *why. */
int authkey_parse_options(struct authkey *k, const char *opts, size_t len, const char **why);

/* 1 when the key type word is one sshd-lite accepts in authorized_keys */
int authkey_type_known(const char *type, size_t len);

/* from= semantics: 1 when addr matches an entry of the comma-separated list
 * and no negated ("!") entry matches; 0 otherwise. Entries are patterns with
 * * and ?, or CIDR blocks (192.0.2.0/24, 2001:db8::/32); a malformed CIDR
 * entry makes the whole list deny. */
int authkey_from_match(const char *list, const char *addr);

/* * and ? glob over len bytes of pattern, case-insensitive for ASCII */
int glob_match(const char *pattern, size_t plen, const char *s);

/* YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, local time, or UTC with a
 * trailing Z. SSH_OK or SSH_ERR_FORMAT. */
int authkey_parse_time(const char *s, time_t *t);

/* Reads a file a line at a time with at most AUTHKEYS_LINE_MAX bytes held.
 * A longer line is discarded to its newline and reported as too long, so no
 * part of it can ever be read as a line of its own. */
struct linereader {
	int fd;
	size_t len, pos;
	int eof;
	unsigned long lineno;
	char buf[AUTHKEYS_LINE_MAX + 1];
};

void lr_init(struct linereader *r, int fd);
/* 1 with a line in line and len (no newline) or with toolong set, 0 at end
 * of file, SSH_ERR_IO on a read error */
int lr_next(struct linereader *r, const char **line, size_t *len, int *toolong);

#endif
