/* The PAM records that cross the root helper's socket (pam.h), parsed
 * here on either side, apart from libpam and the sockets: the helper's
 * PAM code (pam.c) and the server's (pam_client.c) call these, and the
 * fuzzer (fuzz/fuzz_pamrec.c) and the unit test (tests/unit/test_pamrec.c)
 * drive them without PAM. Every record is read through the cursor; a
 * parser answers SSH_OK or SSH_ERR_FORMAT and never reads past len.
 * Strings come back as pointers into the record (NUL-terminated there). */
#ifndef SSHL_PAM_REC_H
#define SSHL_PAM_REC_H

#include <stddef.h>
#include <stdint.h>

#include "services/pam.h"

/* Linux-PAM's message styles, as the helper relays them */
enum { PAM_REC_ECHO_OFF = 1, PAM_REC_ECHO_ON = 2, PAM_REC_ERROR_MSG = 3, PAM_REC_TEXT_INFO = 4 };

/* the server to the helper: a request of n bytes as received (n may be
 * less than the header: nothing is read then) */
int pam_req_check(const struct pam_req *q, size_t n);
/* START: service NUL user NUL, the service not empty */
int pam_start_parse(const struct pam_req *q, const char **svc, const char **user);
/* AUTH: the flag byte, PAM_AUTH_* bits only */
int pam_auth_parse(const struct pam_req *q, uint8_t *flags);
/* ANSWERS to a turn of nmsg messages: one NUL-terminated answer per
 * message, nothing after; an empty record (the server giving up) is
 * SSH_ERR_FORMAT too */
int pam_answers_parse(const struct pam_req *q, int nmsg, const char **ans);

/* the helper to the server: an answer of n bytes as received */
int pam_rep_check(const struct pam_rep *r, size_t n);
/* a PROMPTS turn: 1 to PAM_TURN_MAX messages of a style byte (one of the
 * four above) and NUL-terminated text */
struct pam_turn {
	int n, nprompts;
	uint8_t style[PAM_TURN_MAX];
	const char *text[PAM_TURN_MAX];
};
int pam_turn_parse(const struct pam_rep *r, struct pam_turn *t);
/* SESSION's answer: facts, each NUL-terminated; *off starts at 0 and
 * advances; SSH_ERR_FORMAT at an unterminated tail, SSH_ERR_SHORT at the
 * end */
int pam_fact_next(const struct pam_rep *r, size_t *off, const char **fact);
/* an "R<resource> <soft> <hard>" fact's numbers (decimal, no sign) */
int pam_rlimit_parse(const char *fact, int *res, uint64_t *soft, uint64_t *hard);
/* a "U<loginuid>" fact: 1 to 10 digits */
int pam_loginuid_parse(const char *fact);
/* a "G<hierarchy>:<controllers>:<path>" fact, a line of the helper's
 * /proc/self/cgroup that pam_open_session changed: the hierarchy's
 * number, its controllers (lower-case names, digits, '_', '=' and ',';
 * none for cgroup v2's 0) and an absolute path with no "." or ".."
 * component, at most PAM_CGROUP_PATH_MAX bytes */
#define PAM_CGROUP_PATH_MAX 1024
struct pam_cgroup {
	uint32_t hier;
	const char *ctrl; /* not NUL-terminated: nctrl bytes */
	size_t nctrl;
	const char *path; /* NUL-terminated */
};
int pam_cgroup_parse(const char *fact, struct pam_cgroup *g);

#endif
