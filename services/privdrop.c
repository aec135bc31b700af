/* Permanent and temporary changes of identity. */
#include <grp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/keyctl.h>
#include <stdlib.h>
#include <unistd.h>

#include "services/privdrop.h"
#include "services/user.h"
#include "transport/err.h"

int privdrop(struct auth_result *a)
{
	gid_t rg, eg, sg;
	uid_t ru, eu, su;

	if (getuid() != 0 && geteuid() != 0)
		return getuid() == a->uid ? SSH_OK : SSH_ERR_INTERNAL;
	if (!a->groups)
		return SSH_ERR_INTERNAL;
	if (setgroups((size_t)a->ngroups, a->groups) != 0 || setresgid(a->gid, a->gid, a->gid) != 0 ||
	    setresuid(a->uid, a->uid, a->uid) != 0)
		return SSH_ERR_INTERNAL;
	/* trust nothing: every id must now be the user's */
	if (getresuid(&ru, &eu, &su) != 0 || ru != a->uid || eu != a->uid || su != a->uid)
		return SSH_ERR_INTERNAL;
	if (getresgid(&rg, &eg, &sg) != 0 || rg != a->gid || eg != a->gid || sg != a->gid)
		return SSH_ERR_INTERNAL;
	if (a->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return SSH_ERR_INTERNAL;
	/* The host keys stay in memory for re-keying: the user's own processes
	 * must not be able to ptrace us or read /proc/PID/mem. The kernel
	 * already clears this on the uid change; say it, not assume it. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return SSH_ERR_INTERNAL;
	/* pam_keyinit's new keyring is the helper's, which the sessions do
	 * not descend from: a new anonymous one, the user's, as it made. As
	 * with the module (optional in Debian's stack), a failure (the key
	 * quota) leaves the login going on */
	if (a->new_keyring)
		(void)syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL);
	return SSH_OK;
}

int priv_temp_user(struct conn *c, struct privtemp *t, struct user *u)
{
	int n;

	t->active = 0;
	t->groups = NULL;
	if (geteuid() != 0 || u->uid == 0)
		return SSH_OK;
	if (user_groups(c, u) != SSH_OK)
		return SSH_ERR_INTERNAL;
	t->euid = geteuid();
	t->egid = getegid();
	if ((n = getgroups(0, NULL)) < 0)
		return SSH_ERR_INTERNAL;
	t->groups = calloc((size_t)n + 1, sizeof *t->groups);
	if (!t->groups)
		return SSH_ERR_ALLOC;
	if ((t->ngroups = getgroups(n, t->groups)) < 0) {
		free(t->groups);
		t->groups = NULL;
		return SSH_ERR_INTERNAL;
	}
	t->active = 1;
	if (setgroups((size_t)u->ngroups, u->groups) != 0 || setegid(u->gid) != 0 || seteuid(u->uid) != 0) {
		priv_temp_restore(t);
		return SSH_ERR_INTERNAL;
	}
	return SSH_OK;
}

int priv_temp_restore(struct privtemp *t)
{
	int e = SSH_OK;
	if (!t->active)
		return SSH_OK;
	if (seteuid(t->euid) != 0 || setegid(t->egid) != 0 || setgroups((size_t)t->ngroups, t->groups) != 0)
		e = SSH_ERR_INTERNAL;
	free(t->groups);
	t->groups = NULL;
	t->active = 0;
	return e;
}
