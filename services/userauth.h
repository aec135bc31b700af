/* Between userauth.c and its methods (auth_*.c): the per-connection state
 * and how a method reports its outcome. */
#ifndef SSHL_USERAUTH_H
#define SSHL_USERAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "services/auth.h"
#include "services/service.h"
#include "services/authkeys.h"
#include "services/authmethods.h"
#include "services/crypt_lib.h"
#include "services/user.h"
#include "transport/conn.h"

/* what a method's handler returns (or a negative error code) */
enum {
	UA_FAILURE = 0,   /* counted toward MaxAuthTries, FAILURE sent */
	UA_SUCCESS = 1,   /* u->res holds the method's findings */
	UA_POSTPONED = 2, /* PK_OK or INFO_REQUEST sent: nothing more now */
	UA_UNCOUNTED = 3, /* FAILURE sent, not counted (the first none) */
};

struct cert;

#define UA_NAME_MAX 255

struct userauth {
	int started;                 /* the first request fixed these: */
	uint8_t name[UA_NAME_MAX];   /* user name as sent */
	size_t namelen;
	uint8_t service[32];
	size_t servicelen;
	const struct service *svc;   /* started on success */
	char logname[UA_NAME_MAX * 4 + 1]; /* the name made safe for logs */
	struct user user;
	int attempts;
	int failures;
	int kbd_pending;             /* INFO_REQUEST sent, awaiting the answer */
	int hostbound;               /* this request is publickey-hostbound-v00 */
	const uint8_t *hostkey;      /* its host key blob, in the request */
	size_t hostkeylen;
	/* UsePAM: the conversation turn the INFO_REQUEST carries (pam.h) */
	uint8_t pam_styles[32];
	int pam_nmsg, pam_nprompts;
	char extra[512];             /* tail of the "Accepted/Failed" log line */
	struct auth_result res;      /* filled as a method succeeds */
	struct buf scratch;          /* signed data */
	struct authkey *key;         /* authorized_keys line being looked at */
	struct linereader *lr;
	struct cert *cert;           /* the certificate presented, or NULL */
	char certcmd[4096];          /* its force-command, until kept in res */
	const uint8_t *offered;      /* the key of the publickey request being */
	size_t offered_len;          /* handled (in its packet), its type name */
	const char *offered_type;
	struct am_state am;          /* AuthenticationMethods: what is still needed */
	char *info;                  /* ExposeAuthInfo: a line per method passed */
	struct crypt_lib crypt;      /* loaded at the first password check */
};

/* A method row: the name in requests and FAILURE lists, whether the
 * configuration offers it, and the handler for its request fields. */
struct ua_method {
	const char *name;
	/* another name a request may use, as OpenSSH's methodcfg synonym:
	 * logs, lists and AuthenticationMethods say name */
	const char *synonym;
	int (*enabled)(const struct conn *c);
	int (*handle)(struct conn *c, struct userauth *u, struct rd *r);
};

/* services/userauth.c */
/* Logs, counts and answers the outcome of an attempt with method name;
 * starts the service on success. */
int ua_finish(struct conn *c, struct userauth *u, int result, const char *method);
/* PermitRootLogin for a user about to succeed; logs a refusal */
int ua_root_allowed(struct conn *c, struct userauth *u, const char *method, int forced_command);
/* frees the strings of a and zeroes it */
void auth_result_clear(struct auth_result *a);
/* SERVICE_REQUEST for ssh-userauth again before success (paramiko sends
 * one before each method): SERVICE_ACCEPT; any other name ends the
 * connection. Nothing to decide, so the pre-authentication process
 * answers it itself. */
int userauth_service_again(struct conn *c, uint8_t type, struct rd *r);
/* frees c->userauth and c->auth, for the connection's cleanup */
void userauth_free(struct conn *c);
/* "invalid user " for unknown names, else "" */
const char *ua_invalid(const struct userauth *u);

/* octal escapes for anything that could forge or break a log line */
void ua_log_safe(char *out, size_t cap, const uint8_t *p, size_t n);

/* the methods */
int auth_none(struct conn *c, struct userauth *u, struct rd *r);
int auth_pubkey(struct conn *c, struct userauth *u, struct rd *r);
int auth_pubkey_enabled(const struct conn *c);
int auth_password(struct conn *c, struct userauth *u, struct rd *r);
int auth_password_enabled(const struct conn *c);
int auth_kbdint(struct conn *c, struct userauth *u, struct rd *r);
int auth_kbdint_enabled(const struct conn *c);

/* services/auth_pubkey.c: AuthorizedKeysFile tokens %% %u %U %h into
 * out; relative paths are under the home. -1 on a bad token or overflow. */
int ua_expand_path(const char *f, const struct user *u, char *out, size_t cap);

/* services/auth_pubkey.c: reads authorized_keys lines from fd (named path
 * in logs) for blob (a CA's, with ca set); 1 when a line allows it. */
int ua_scan_keys(struct conn *c, struct userauth *u, int fd, const char *path, int ca, const uint8_t *blob,
		 size_t len);
/* services/auth_keyscmd.c: AuthorizedKeysCommand for u->offered, its
 * output read as ua_scan_keys reads a file: 1, 0, or a fatal error */
int ua_keys_command(struct conn *c, struct userauth *u, int ca, const uint8_t *blob, size_t len);

/* services/auth_cert.c: user certificates. cert_begin parses the blob
 * (into u->cert, with the log line's tail); cert_signed then checks the
 * CA's signature over it. SSH_OK or SSH_ERR_AUTH, logged. */
int cert_begin(struct conn *c, struct userauth *u, const uint8_t *blob, size_t len);
int cert_signed(struct conn *c, struct userauth *u, const uint8_t *blob);
/* a cert-authority line of authorized_keys matched u->cert's CA: its
 * principals= (or the user name) and the certificate's options. 1 or 0. */
/* whether the matching line's options (u->key: from=, expiry-time=) let
 * this connection use the key; refusals logged */
int ua_options_ok(struct conn *c, struct userauth *u, const char *path, unsigned long line);
int cert_line_ok(struct conn *c, struct userauth *u, const char *path, unsigned long line);
/* TrustedUserCAKeys and AuthorizedPrincipalsFile: 1, 0 or a fatal error */
int cert_trusted(struct conn *c, struct userauth *u);
/* services/auth_principals.c: AuthorizedPrincipalsFile, then
 * AuthorizedPrincipalsCommand: 1 when a line names one of the
 * certificate's principals (u->key then holds that line's options), 0 if
 * not (logged), or a fatal error */
int cert_principals(struct conn *c, struct userauth *u);
/* RevokedKeys (a plain list of keys or a binary KRL) revokes the key blob
 * or, with ct, the certificate whose certified key it is: 1 revoked (or the
 * file unreadable or malformed, which revokes everything as in OpenSSH),
 * 0 not. u->key and u->lr must be allocated (ua_keybufs). */
int key_revoked(struct conn *c, struct userauth *u, const uint8_t *blob, size_t len, const struct cert *ct);
/* allocates u->key and u->lr once */
int ua_keybufs(struct userauth *u);
void cert_state_free(struct userauth *u);

/* services/auth_password.c: crypt(3) check shared by password and
 * keyboard-interactive; the password is len bytes, not NUL-terminated. */
int password_check(struct conn *c, struct userauth *u, const uint8_t *pw, size_t len);

/* services/auth_sk.c: a security-key signature (OpenSSH PROTOCOL.u2f) over
 * data, with the key blob and the signature blob as sent. SSH_OK, or
 * SSH_ERR_SIG for a bad signature, SSH_ERR_AUTH when the flags do not meet
 * what the key's authorized_keys options require. */
int sk_verify(const char *alg, const uint8_t *blob, size_t bloblen, const uint8_t *data, size_t len,
	      const uint8_t *sig, size_t siglen, int touch_required, int verify_required);

/* the PubkeyAcceptedAlgorithms names: all, or the default (no SHA-1) */
void pubkey_alg_names(int all, char *out, size_t outlen);

#endif
