/* The session child's part of X11 forwarding, as the user and in the home
 * directory, before the shell: OpenSSH's do_rc_files. The rc file (the
 * user's ~/.ssh/rc when it may run, else /etc/ssh/sshrc), when there is
 * one, gets "protocol cookie" on its standard input and files the cookie
 * itself; otherwise xauth gets "remove" and "add" for the display. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "services/session.h"
#include "services/x11.h"
#include "transport/conn.h"

/* runs path with argv, text on its standard input, and waits for it */
static void feed(const char *path, char *const argv[], const char *text, char *const env[])
{
	int p[2];
	pid_t pid;
	if (pipe(p) < 0)
		return;
	if ((pid = fork()) == 0) {
		close(p[1]);
		if (dup2(p[0], 0) < 0)
			_exit(127);
		close(p[0]);
		execve(path, argv, env);
		dprintf(2, "Could not run %s: %s\r\n", path, strerror(errno));
		_exit(127);
	}
	close(p[0]);
	if (pid > 0 && write(p[1], text, strlen(text)) < 0)
		dprintf(2, "Could not write to %s: %s\r\n", path, strerror(errno));
	close(p[1]);
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

void x11_child_setup(const struct conn *c, const struct session *s, const char *rc, const char *shell,
		     char *const env[])
{
	const struct x11_fwd *x = s->x11;
	char text[2 * sizeof x->auth_display + sizeof x->proto + sizeof x->cookie + 32];
	if (!x)
		return;
	if (rc) {
		const char *path;
		char *argv[4];
		rc_command(rc, shell, &path, argv);
		snprintf(text, sizeof text, "%s %s\n", x->proto, x->cookie);
		feed(path, argv, text, env);
	} else {
		char *argv[] = {"xauth", "-q", "-", NULL};
		snprintf(text, sizeof text, "remove %s\nadd %s %s %s\n", x->auth_display, x->auth_display, x->proto,
			 x->cookie);
		feed(c->cfg->xauth_location, argv, text, env);
	}
	wipe(text, sizeof text);
}
