/* Giving up root: for good after authentication, and for a moment while
 * reading the user's own files (as OpenSSH does), so that a file the user
 * could not read is not read on their behalf. */
#ifndef SSHL_PRIVDROP_H
#define SSHL_PRIVDROP_H

#include <sys/types.h>

#include "services/auth.h"
#include "services/user.h"

struct conn;

/* Becomes a->uid/a->gid with a->user's groups (a->groups, which the caller
 * looked up), irreversibly, and checks that root cannot be regained. A no-op when not running as root (the user is then already
 * us). SSH_OK or SSH_ERR_INTERNAL. */
int privdrop(struct auth_result *a);

/* the effective ids and groups to return to */
struct privtemp {
	int active;
	uid_t euid;
	gid_t egid;
	int ngroups;
	gid_t *groups;
};

/* Switches the effective ids and groups to the user when running as root;
 * the groups are looked up once into u. */
int priv_temp_user(struct conn *c, struct privtemp *t, struct user *u);
/* Undoes priv_temp_user; SSH_ERR_INTERNAL when that fails, which the
 * caller must treat as fatal. */
int priv_temp_restore(struct privtemp *t);

#endif
