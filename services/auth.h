/* What a successful authentication leaves for the connection layer: who the
 * user is and what authorized_keys options restrict. */
#ifndef SSHL_AUTH_H
#define SSHL_AUTH_H

#include <sys/types.h>
#include <time.h>

struct service;

#define AUTH_MAX_LIST 32

struct auth_result {
	char user[64];
	uid_t uid;
	gid_t gid;
	char home[512];
	char shell[256];
	char method[32];        /* "publickey", "password", ... for logs */
	const struct service *svc; /* what the client authenticated for */
	/* authorized_keys options of the key used (RFC-less, OpenSSH's) */
	char *command;          /* command="...": forced command, or NULL */
	int no_pty;
	int no_port_forwarding;
	int no_agent_forwarding;
	int no_x11_forwarding;
	int no_user_rc;
	/* PAM's account stack said the password has expired (a method other
	 * than keyboard-interactive, which changes it in its conversation):
	 * as OpenSSH, the login goes on without forwarding and every session
	 * runs passwd on its terminal instead, then ends */
	int force_pwchange;
	/* pam_open_session gave the root helper a new session keyring
	 * (pam_keyinit): the sessions get a new one of their own, as they
	 * inherit the monitor's under OpenSSH */
	int new_keyring;
	char *permitopen[AUTH_MAX_LIST];   /* host:port; empty list = any */
	int npermitopen;
	char *permitlisten[AUTH_MAX_LIST]; /* [host:]port */
	int npermitlisten;
	char *environment[AUTH_MAX_LIST];  /* NAME=value, when allowed */
	int nenvironment;
	char **pam_env;         /* pam_getenvlist's NAME=value, UsePAM */
	int npam_env;
	char *pam_msg;          /* session modules' messages (OpenSSH's loginmsg) */
	gid_t *groups;          /* the user's groups, owned; NULL until looked up */
	int ngroups;
	/* ExposeAuthInfo: what authenticated the user, a line as OpenSSH
	 * writes it ("publickey TYPE BASE64", "password"), and the file that
	 * SSH_USER_AUTH names (session_cfg.c), removed at the end */
	char *auth_info;
	char auth_info_file[64];
	/* our end of the login recorder's socket (loginrec.c), 0 for none
	 * (fd 0 is always the connection) */
	int recorder;
};

/* what a forwarding refusal names: a password that must change restricts
 * the login as the key option does, and the log says which it was */
static inline const char *auth_why(const struct auth_result *a, const char *option)
{
	return a && a->force_pwchange ? "password change required" : option;
}

#endif
