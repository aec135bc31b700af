/* Giving up root: for good after authentication, and for a moment while
 * reading the user's own files (as OpenSSH does), so that a file the user
 * could not read is not read on their behalf. */
#ifndef SSHL_PRIVDROP_H
#define SSHL_PRIVDROP_H

#include <sys/types.h>

#include "services/auth.h"

/* Becomes a->uid/a->gid with a->user's groups, irreversibly, and checks
 * that root cannot be regained. A no-op when not running as root (the user
 * is then already us). SSH_OK or SSH_ERR_INTERNAL. */
int privdrop(const struct auth_result *a);

/* the effective ids and groups to return to */
struct privtemp {
	int active;
	uid_t euid;
	gid_t egid;
	int ngroups;
	gid_t *groups;
};

/* Switches the effective ids to the user when running as root. */
int priv_temp_user(struct privtemp *t, const char *name, uid_t uid, gid_t gid);
/* Undoes priv_temp_user; SSH_ERR_INTERNAL when that fails, which the
 * caller must treat as fatal. */
int priv_temp_restore(struct privtemp *t);

#endif
