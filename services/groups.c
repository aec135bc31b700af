/* A user's group list, looked up in a throwaway child. getgrouplist asks
 * every NSS group source, and Debian's nsswitch.conf names systemd's: its
 * module and the libraries it pulls in (some 700 KB) would otherwise stay
 * mapped in the server for the whole connection, more than a fifth of its
 * memory, for one lookup. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "services/user.h"
#include "transport/err.h"

/* far above any real list; bounds what we take from the child */
#define GROUPS_CAP 65536

static int getlist(const char *name, gid_t gid, gid_t **out, int *n)
{
	int cap = 64;
	gid_t *g = NULL;
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

#ifndef SSHL_FUZZ
static int xfer(int fd, void *p, size_t len, int wr)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = wr ? write(fd, (char *)p + done, len - done) : read(fd, (char *)p + done, len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}
#endif

int user_groups(const char *name, gid_t gid, gid_t **out, int *n)
{
#ifdef SSHL_FUZZ
	/* no children under the fuzzer */
	return getlist(name, gid, out, n);
#else
	int p[2], st, cnt = 0, e = SSH_ERR_INTERNAL;
	gid_t *g = NULL;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return SSH_ERR_INTERNAL;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return SSH_ERR_INTERNAL;
	}
	if (pid == 0) {
		close(p[0]);
		if (getlist(name, gid, &g, &cnt) != SSH_OK || xfer(p[1], &cnt, sizeof cnt, 1) != 0 ||
		    xfer(p[1], g, (size_t)cnt * sizeof *g, 1) != 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (xfer(p[0], &cnt, sizeof cnt, 0) == 0 && cnt > 0 && cnt <= GROUPS_CAP &&
	    (g = malloc((size_t)cnt * sizeof *g)) && xfer(p[0], g, (size_t)cnt * sizeof *g, 0) == 0)
		e = SSH_OK;
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (e == SSH_OK && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		*out = g;
		*n = cnt;
		return SSH_OK;
	}
	free(g);
	return SSH_ERR_INTERNAL;
#endif
}
