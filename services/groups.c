/* A user's group list: from the root helper (loginrec.h), which keeps the
 * NSS modules getgrouplist loads out of the server, or else here. The
 * helper is asked as soon as the user is known, and answers while the
 * client is busy signing: a lookup through NSS (systemd's userdb, LDAP)
 * can take longer than anything else in a login. */
#include <grp.h>
#include <stdlib.h>
#include <unistd.h>

#include "services/loginrec.h"
#include "services/user.h"
#include "transport/conn.h"
#include "transport/err.h"

/* far above any real list */
#define GROUPS_CAP 65536

void user_groups_prefetch(struct conn *c, struct user *u)
{
	if (u->valid && !u->groups && !u->groups_asked && geteuid() == 0)
		u->groups_asked = loginrec_groups_ask(c, u->name, u->gid) == SSH_OK;
}

static int lookup_here(struct user *u)
{
	int cap = 64;
	gid_t *g = NULL;
	for (;;) {
		int m = cap;
		gid_t *ng = realloc(g, (size_t)cap * sizeof *g);
		if (!ng)
			break;
		g = ng;
		if (getgrouplist(u->name, u->gid, g, &m) >= 0) {
			u->groups = g;
			u->ngroups = m;
			return SSH_OK;
		}
		/* m is now the size needed */
		if (m <= cap || m > GROUPS_CAP)
			break;
		cap = m;
	}
	free(g);
	return SSH_ERR_INTERNAL;
}

int user_groups(struct conn *c, struct user *u)
{
	if (u->groups)
		return SSH_OK;
	if (!u->groups_asked)
		user_groups_prefetch(c, u);
	if (u->groups_asked) {
		u->groups_asked = 0;
		if (loginrec_groups_get(c, &u->groups, &u->ngroups) == SSH_OK)
			return SSH_OK;
	}
	return lookup_here(u);
}
