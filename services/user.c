/* Account lookup and the account checks shared by every method. */
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "services/user.h"
#include "transport/buf.h"

static void copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static const char *account_problem(const struct passwd *pw, const char *shell)
{
	struct spwd *sp = getspnam(pw->pw_name);
	const char *hash = sp ? sp->sp_pwdp : pw->pw_passwd;
	struct stat st;

	/* "!" marks an account locked for every method, as OpenSSH without
	 * PAM reads it; "*" only means no password works */
	if (hash && hash[0] == '!')
		return "account is locked";
	if (sp && sp->sp_expire != -1 && time(NULL) / 86400 > sp->sp_expire)
		return "account has expired";
	if (stat(shell, &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return "shell does not exist or is not executable";
	return NULL;
}

void user_lookup(const char *name, struct user *u)
{
	struct passwd *pw = NULL;

	memset(u, 0, sizeof *u);
	copy(u->name, sizeof u->name, name);
	if (strlen(name) < sizeof u->name)
		pw = getpwnam(name);
	/* without root, no one but ourselves could be served anyway */
	if (pw && geteuid() != 0 && pw->pw_uid != geteuid())
		pw = NULL;
	if (!pw || strlen(pw->pw_dir) >= sizeof u->home || strlen(pw->pw_shell) >= sizeof u->shell) {
		u->uid = (uid_t)-1;
		u->gid = (gid_t)-1;
		copy(u->home, sizeof u->home, "/nonexistent");
		copy(u->shell, sizeof u->shell, "/bin/sh");
		return;
	}
	u->valid = 1;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	copy(u->home, sizeof u->home, pw->pw_dir);
	copy(u->shell, sizeof u->shell, *pw->pw_shell ? pw->pw_shell : "/bin/sh");
	u->why = account_problem(pw, u->shell);
	u->allowed = u->why == NULL;
}

/* The setting part of a crypt(3) hash: all up to its last '$' (method,
 * cost, salt); 0 if h is not a modern "$id$...$hash" */
static size_t setting_len(const char *h)
{
	const char *last = strrchr(h, '$');
	return h[0] == '$' && last && last > h + 2 ? (size_t)(last - h) : 0;
}

/* /etc/login.defs' ENCRYPT_METHOD as a crypt_gensalt prefix */
static const char *defs_prefix(void)
{
	static const struct {
		const char *name, *prefix;
	} m[] = {{"YESCRYPT", "$y$"}, {"SHA512", "$6$"}, {"SHA256", "$5$"}, {"MD5", "$1$"}};
	char line[256], name[32];
	const char *prefix = NULL;
	FILE *f = fopen("/etc/login.defs", "re");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, " ENCRYPT_METHOD %31s", name) == 1)
			for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
				if (!strcmp(name, m[i].name))
					prefix = m[i].prefix;
	if (f)
		fclose(f);
	return prefix;
}

int user_dummy_setting(crypt_gensalt_fn gensalt, char *out, size_t outlen)
{
	struct spwd sp, *res;
	char buf[4096];
	size_t n = 0;

	/* OpenSSH's pick_salt: the first real account's method, cost and salt */
	setspent();
	while (!n && getspent_r(&sp, buf, sizeof buf, &res) == 0 && res)
		if ((n = setting_len(res->sp_pwdp)) >= outlen)
			n = 0;
	endspent();
	if (n) {
		memcpy(out, sp.sp_pwdp, n);
		out[n] = 0;
		wipe(buf, sizeof buf);
		return SSH_OK;
	}
	wipe(buf, sizeof buf);
	/* no account has a password yet: what a new one would get */
	return gensalt(defs_prefix(), 0, NULL, 0, out, (int)outlen) ? SSH_OK : SSH_ERR_AUTH;
}

int user_password_hash(const char *name, char *out, size_t outlen)
{
	struct spwd *sp = getspnam(name);
	struct passwd *pw;
	const char *h;

	if (sp) {
		h = sp->sp_pwdp;
	} else {
		pw = getpwnam(name);
		h = pw ? pw->pw_passwd : NULL;
	}
	if (!h || strlen(h) >= outlen)
		return SSH_ERR_AUTH;
	memcpy(out, h, strlen(h) + 1);
	return SSH_OK;
}
