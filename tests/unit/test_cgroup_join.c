/* The server's side of pam_systemd's scope (services/cgroup_join.c): as
 * root, this process joins a fresh cgroup on each kind of hierarchy this
 * machine mounts (cgroup v2, and v1's named "name=systemd" one, which
 * hybrid systems have), found through /proc/self/mountinfo as the server
 * finds it, then goes back and removes it. Skips what it cannot make. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>

#include "services/cgroup_join.h"
#include "t.h"
#include "transport/err.h"
#include "transport/log.h"

/* the line of /proc/self/cgroup whose controllers are ctrl ("" for v2's
 * "0::"), or "" */
static void own_line(const char *ctrl, char *out, size_t cap)
{
	char line[1024];
	FILE *f = fopen("/proc/self/cgroup", "re");
	out[0] = 0;
	while (f && fgets(line, sizeof line, f)) {
		const char *c = strchr(line, ':');
		if (c && !strncmp(c + 1, ctrl, strlen(ctrl)) && c[1 + strlen(ctrl)] == ':') {
			line[strcspn(line, "\n")] = 0;
			snprintf(out, cap, "%s", line);
		}
	}
	if (f)
		fclose(f);
}

/* ctrl: the hierarchy's controllers; mnt: where it is mounted here */
static void one(const struct logger *log, const char *ctrl, const char *mnt)
{
	char was[1024], now[1024], fact[1200], dir[1200];
	const char *path;
	int head;
	struct stat st;

	own_line(ctrl, was, sizeof was);
	if (!was[0] || stat(mnt, &st) != 0) {
		CHECK(1, "# skip: no \"%s\" hierarchy at %s", ctrl, mnt);
		return;
	}
	/* a child of the cgroup this process is in */
	path = strchr(strchr(was, ':') + 1, ':') + 1;
	head = (int)(path - was);
	if (!strcmp(path, "/"))
		path = "";
	snprintf(dir, sizeof dir, "%s%s/sshl-cgtest-%d", mnt, path, (int)getpid());
	if (geteuid() != 0 || mkdir(dir, 0755) != 0) {
		CHECK(1, "# skip: cannot make a cgroup under %s", mnt);
		return;
	}
	snprintf(fact, sizeof fact, "G%.*s%s/sshl-cgtest-%d", head, was, path, (int)getpid());
	CHECK(cgroup_join(log, fact) == SSH_OK, "\"%s\": joins %s", ctrl, fact + 1);
	own_line(ctrl, now, sizeof now);
	CHECK(!strcmp(now, fact + 1), "\"%s\": /proc/self/cgroup then shows it (%s)", ctrl, now);
	snprintf(fact, sizeof fact, "G%s", was);
	CHECK(cgroup_join(log, fact) == SSH_OK, "\"%s\": back to %s", ctrl, was);
	CHECK(rmdir(dir) == 0, "\"%s\": the test's cgroup removed", ctrl);
}

int main(void)
{
	struct logger log = {LOG_ERR, 1, -1, 0};
	char unified[64] = "/sys/fs/cgroup";
	struct stat st;

	/* hybrid systems mount v2 at /sys/fs/cgroup/unified */
	if (stat("/sys/fs/cgroup/unified/cgroup.procs", &st) == 0)
		snprintf(unified, sizeof unified, "/sys/fs/cgroup/unified");
	one(&log, "", unified);
	one(&log, "name=systemd", "/sys/fs/cgroup/systemd");
	CHECK(cgroup_join(&log, "G0::/../x") == SSH_ERR_FORMAT && cgroup_join(&log, "G7:nosuch:/x") == SSH_ERR_IO,
	      "a malformed fact, and a hierarchy not mounted, refused");
	return t_done();
}
