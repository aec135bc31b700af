/* The server joins the cgroups pam_open_session put the root helper in
 * (pam_systemd's session scope), so that the sessions it starts belong to
 * the login as OpenSSH's do: logind then counts, limits and ends them with
 * it. Runs as root, before privileges are dropped. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "services/cgroup_join.h"
#include "services/pam_rec.h"
#include "transport/err.h"
#include "transport/log.h"
#include "transport/namelist.h"

/* every controller of the hierarchy is among the mount's options */
static int has_controllers(const struct pam_cgroup *g, const char *opts)
{
	struct namelist it;
	const char *name;
	size_t n;

	namelist_init(&it, g->ctrl, g->nctrl);
	while (namelist_next(&it, &name, &n))
		if (!namelist_has(opts, strlen(opts), name, n))
			return 0;
	return 1;
}

/* one /proc/self/mountinfo line: the hierarchy's directory for g->path
 * into dir, when this mount is that hierarchy and shows that path */
static int mount_dir(const struct pam_cgroup *g, char *line, char *dir, size_t cap)
{
	char *f[6], *sep, *fstype, *opts, *rest;
	size_t rl;
	int i;

	for (i = 0, rest = line; i < 6 && (f[i] = strsep(&rest, " ")); i++)
		;
	if (i < 6 || !rest || !(sep = strstr(rest, "- ")))
		return 0;
	rest = sep + 2;
	fstype = strsep(&rest, " ");
	if (!rest || !strsep(&rest, " ") || !(opts = strsep(&rest, " \n")))
		return 0;
	if (g->nctrl ? strcmp(fstype, "cgroup") || !has_controllers(g, opts) : strcmp(fstype, "cgroup2"))
		return 0;
	/* f[3]: the hierarchy's directory mounted there */
	rl = strcmp(f[3], "/") ? strlen(f[3]) : 0;
	if (strncmp(g->path, f[3], rl) || (g->path[rl] != '/' && g->path[rl]))
		return 0;
	return snprintf(dir, cap, "%s%s", f[4], g->path + rl) < (int)cap;
}

int cgroup_join(const struct logger *log, const char *fact)
{
	struct pam_cgroup g;
	char line[4096], dir[PAM_CGROUP_PATH_MAX + 512], pid[24];
	FILE *m;
	int fd = -1, found = 0, ok = 0;

	if (pam_cgroup_parse(fact, &g) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (!(m = fopen("/proc/self/mountinfo", "re")))
		return SSH_ERR_IO;
	while (!found && fgets(line, sizeof line, m))
		found = mount_dir(&g, line, dir, sizeof dir);
	fclose(m);
	if (found && strlen(dir) + sizeof "/cgroup.procs" <= sizeof dir) {
		strcat(dir, "/cgroup.procs");
		snprintf(pid, sizeof pid, "%ld", (long)getpid());
		fd = open(dir, O_WRONLY | O_CLOEXEC);
		ok = fd >= 0 && write(fd, pid, strlen(pid)) == (ssize_t)strlen(pid);
	}
	if (!ok)
		logit(log, LOG_INFO, "PAM: cannot join the session's cgroup %s: %s", fact + 1,
		      found ? strerror(errno) : "hierarchy not mounted");
	if (fd >= 0)
		close(fd);
	return ok ? SSH_OK : SSH_ERR_IO;
}
