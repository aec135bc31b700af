/* PAM (UsePAM yes). libpam and its modules run only in the root helper
 * (loginrec.c), never in the network-facing server: a module's memory,
 * output and crashes stay in that process, which answers over its socket.
 * The server asks, while it is still root and before authentication
 * succeeds, in length-checked records:
 *   START(service, user)   pam_start with PAM_RHOST and PAM_TTY "ssh"
 *   AUTH(flags)            pam_authenticate; each conversation turn comes
 *                          back as PROMPTS and is answered with ANSWERS.
 *                          For keyboard-interactive (PAM_AUTH_KBD) then
 *                          pam_acct_mgmt in the same conversation, and
 *                          when it says the password has expired,
 *                          pam_chauthtok through it (OpenSSH's PAM thread)
 *   ACCT                   pam_acct_mgmt, with the modules' messages
 *   SESSION                pam_setcred + pam_open_session; the answer holds
 *                          pam_getenvlist, changed rlimits, the loginuid
 *                          changed cgroups (pam_systemd's scope) and
 *                          whether the session keyring changed (pam_keyinit)
 * Once the helper is told the user (LR_USER) it takes no PAM request; it
 * calls pam_close_session, pam_setcred(DELETE) and pam_end when the
 * server's end of the socket closes, however the connection ended. */
#ifndef SSHL_PAM_H
#define SSHL_PAM_H

#include <stddef.h>
#include <stdint.h>

#define PAM_DATA_MAX 8192
/* at most this many messages in one conversation turn (Linux-PAM's
 * PAM_MAX_NUM_MSG) */
#define PAM_TURN_MAX 32

/* AUTH's flag byte */
#define PAM_AUTH_EMPTY_OK 1 /* PermitEmptyPasswords */
#define PAM_AUTH_KBD 2      /* account and password change in the conversation */

enum { LR_PAM_START = 10, LR_PAM_AUTH = 11, LR_PAM_ANSWERS = 12, LR_PAM_ACCT = 13, LR_PAM_SESSION = 14 };

struct pam_req {
	uint8_t op;
	uint8_t pad[3];
	uint32_t len;             /* bytes of data used */
	char data[PAM_DATA_MAX];
};

/* rc: a PAM result code, or PAM_REP_PROMPTS */
#define PAM_REP_PROMPTS (-1)
struct pam_rep {
	int32_t rc;
	uint32_t len;
	char data[PAM_DATA_MAX];
};

struct logger;
struct conn;
struct userauth;
struct auth_result;

/* the helper's side */
struct pam_side;
struct pam_side *pam_side_new(const struct logger *log, const char *host);
/* one request of n bytes (n checked here) from the root server */
void pam_side_request(struct pam_side *p, int fd, const struct pam_req *q, size_t n);
/* the server is gone: close the session, end the handle */
void pam_side_end(struct pam_side *p);

/* the server's side (services/pam_client.c); all before privdrop */
/* pam_acct_mgmt after a method succeeded: SSH_OK, or SSH_ERR_AUTH once
 * the refusal is logged (the connection then ends, as OpenSSH's fatal) */
int pam_account(struct conn *c, struct userauth *u);
/* a password for the "password" method: UA_SUCCESS or UA_FAILURE */
int pam_password(struct conn *c, struct userauth *u, const uint8_t *pw, size_t len);
/* keyboard-interactive through the conversation: the first turn, then
 * each INFO_RESPONSE; UA_POSTPONED while prompts are out */
int pam_kbdint(struct conn *c, struct userauth *u);
/* gives up a conversation a new request abandons */
void pam_kbdint_abandon(struct conn *c, struct userauth *u);
/* setcred and open_session; the PAM environment into a */
int pam_session(struct conn *c, struct userauth *u, struct auth_result *a);

#endif
