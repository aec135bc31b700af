/* ChrootDirectory: the post-authentication process (this one, which then
 * becomes the user) is confined to the directory before it gives up root,
 * so every session, internal-sftp included, runs inside it. OpenSSH's
 * rules: the path is absolute after its tokens (%% %h %u %U), and every
 * component of it is a directory owned by root and writable by nobody
 * else; otherwise the login ends with OpenSSH's log line. The syslog
 * socket was opened at start-up (LOG_NDELAY), so log lines from inside
 * still reach syslog without a /dev/log in the chroot. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "services/auth.h"
#include "services/session.h"
#include "transport/conn.h"
#include "transport/err.h"
#include "transport/log.h"

#define PATH_MAX_CHROOT 4096

/* %h home, %u user, %U uid, %% itself; -1 on an unknown token or when it
 * does not fit */
static int expand(const char *in, const struct auth_result *a, char *out, size_t outlen)
{
	size_t n = 0;
	char uid[16];
	snprintf(uid, sizeof uid, "%u", (unsigned)a->uid);
	for (const char *p = in; *p; p++) {
		const char *add;
		char one[2] = {*p, 0};
		if (*p != '%') {
			add = one;
		} else {
			p++;
			add = *p == 'h' ? a->home : *p == 'u' ? a->user : *p == 'U' ? uid : *p == '%' ? "%" : NULL;
			if (!add)
				return -1;
		}
		if (n + strlen(add) >= outlen)
			return -1;
		memcpy(out + n, add, strlen(add));
		n += strlen(add);
	}
	out[n] = 0;
	return 0;
}

/* each component from "/" down ("/", "/srv/", ..., the path itself):
 * root-owned, not group/other writable, a directory (OpenSSH's
 * safely_chroot and its wording) */
static int check_path(struct conn *c, const char *path)
{
	char comp[PATH_MAX_CHROOT];
	const char *cp = path;
	struct stat st;
	while (cp) {
		const char *s = strchr(cp, '/');
		size_t len = s ? (size_t)(s + 1 - path) : strlen(path);
		memcpy(comp, path, len);
		comp[len] = 0;
		cp = s ? s + 1 : NULL;
		if (stat(comp, &st) != 0) {
			logit(c->log, LOG_CRIT, "safely_chroot: stat(\"%s\"): %s", comp, strerror(errno));
			return -1;
		}
		if (st.st_uid != 0 || (st.st_mode & 022) != 0) {
			logit(c->log, LOG_CRIT, "bad ownership or modes for chroot directory %s\"%s\"",
			      cp ? "component " : "", comp);
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			logit(c->log, LOG_CRIT, "chroot path %s\"%s\" is not a directory", cp ? "component " : "", comp);
			return -1;
		}
	}
	return 0;
}

int session_chroot(struct conn *c, const struct auth_result *a)
{
	const char *dir = c->cfg->chroot_directory;
	char path[PATH_MAX_CHROOT];
	if (!dir || !strcasecmp(dir, "none"))
		return SSH_OK;
	if (expand(dir, a, path, sizeof path) < 0) {
		logit(c->log, LOG_CRIT, "ChrootDirectory: cannot expand \"%s\"", dir);
		return SSH_ERR_INTERNAL;
	}
	if (path[0] != '/') {
		logit(c->log, LOG_CRIT, "chroot path does not begin at root");
		return SSH_ERR_INTERNAL;
	}
	if (check_path(c, path) < 0)
		return SSH_ERR_INTERNAL;
	if (chdir(path) != 0) {
		logit(c->log, LOG_CRIT, "Unable to chdir to chroot path \"%s\": %s", path, strerror(errno));
		return SSH_ERR_INTERNAL;
	}
	if (chroot(path) != 0 || chdir("/") != 0) {
		logit(c->log, LOG_CRIT, "chroot(\"%s\"): %s", path, strerror(errno));
		return SSH_ERR_INTERNAL;
	}
	logit(c->log, LOG_DEBUG, "Changed root directory to \"%s\"", path);
	return SSH_OK;
}
