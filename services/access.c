/* Access lists in OpenSSH's order (its allowed_user): DenyUsers, then
 * AllowUsers, then the groups: DenyGroups, then AllowGroups. The first
 * list that refuses gives the reason. */
#include <grp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/pattern.h"
#include "services/access.h"

int access_needs_groups(const struct config *cfg) { return cfg->allow_groups.n || cfg->deny_groups.n; }

/* 1 when an entry of l names user (user@host forms included) */
static int users_match(const struct strlist *l, const char *user, const char *host, const char *addr)
{
	for (int i = 0; i < l->n; i++)
		if (pat_match_user(user, host, addr, l->v[i]) == 1)
			return 1;
	return 0;
}

/* 1 when a pattern of l matches the name of one of the groups */
static int groups_match(const struct strlist *l, char *const *names, int n)
{
	for (int i = 0; i < l->n; i++)
		for (int g = 0; g < n; g++)
			if (pat_match(names[g], l->v[i]))
				return 1;
	return 0;
}

static const char *groups_check(const struct config *cfg, const gid_t *groups, int ngroups)
{
	char *names[256];
	int n = 0;
	const char *why = NULL;
	/* the names of the groups that have one (as OpenSSH's ga_init) */
	for (int i = 0; i < ngroups && n < (int)(sizeof names / sizeof names[0]); i++) {
		struct group *gr = getgrgid(groups[i]);
		if (gr && gr->gr_name && (names[n] = strdup(gr->gr_name)))
			n++;
	}
	if (n == 0)
		why = "not in any group";
	else if (cfg->deny_groups.n && groups_match(&cfg->deny_groups, names, n))
		why = "a group is listed in DenyGroups";
	else if (cfg->allow_groups.n && !groups_match(&cfg->allow_groups, names, n))
		why = "none of user's groups are listed in AllowGroups";
	while (n > 0)
		free(names[--n]);
	return why;
}

const char *access_check(const struct config *cfg, const char *user, const gid_t *groups, int ngroups,
			 const char *host, const char *addr)
{
	if (cfg->deny_users.n && users_match(&cfg->deny_users, user, host, addr))
		return "listed in DenyUsers";
	if (cfg->allow_users.n && !users_match(&cfg->allow_users, user, host, addr))
		return "not listed in AllowUsers";
	if (access_needs_groups(cfg))
		return groups_check(cfg, groups, ngroups);
	return NULL;
}
