/* A user's group list: from the root helper (loginrec.h), which keeps the
 * NSS modules getgrouplist loads out of the server, or else here. */
#include <grp.h>
#include <stdlib.h>

#include "services/loginrec.h"
#include "services/user.h"
#include "transport/conn.h"
#include "transport/err.h"

/* far above any real list */
#define GROUPS_CAP 65536

int user_groups(struct conn *c, const char *name, gid_t gid, gid_t **out, int *n)
{
	int cap = 64;
	gid_t *g = NULL;

	if (loginrec_groups(c, name, gid, out, n) == SSH_OK)
		return SSH_OK;
	for (;;) {
		int m = cap;
		gid_t *ng = realloc(g, (size_t)cap * sizeof *g);
		if (!ng)
			break;
		g = ng;
		if (getgrouplist(name, gid, g, &m) >= 0) {
			*out = g;
			*n = m;
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
