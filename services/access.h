/* AllowUsers, DenyUsers, AllowGroups, DenyGroups: who may log in at all,
 * decided in OpenSSH's order. Pure functions of their arguments, so that
 * a privileged monitor can call them as they are. */
#ifndef SSHL_ACCESS_H
#define SSHL_ACCESS_H

#include <sys/types.h>

struct config;

/* whether the access lists name groups at all (then the caller must look
 * the user's groups up first) */
int access_needs_groups(const struct config *cfg);
/* NULL when user (from host, address addr) may log in, else the reason
 * for OpenSSH's "User %s from %s not allowed because %s" line. groups are
 * the user's gids (primary included), looked up by the caller. */
const char *access_check(const struct config *cfg, const char *user, const gid_t *groups, int ngroups,
			 const char *host, const char *addr);

#endif
