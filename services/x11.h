/* X11 forwarding: the session request and display sockets (fwd_x11.c)
 * and what the session's child does with them (x11_child.c). */
#ifndef SSHL_X11_H
#define SSHL_X11_H

#include "services/forward.h"

struct conn;
struct channel;
struct session;
struct rd;

struct x11_fwd {
	struct x11_sock {
		struct fwd_watch w; /* first, so a watch is its socket */
		struct x11_fwd *owner;
		int watched;
	} sock[2];                  /* IPv4, IPv6 (fd -1 when none) */
	int single;                 /* close the display after one connection */
	int display;
	char proto[64];             /* authentication protocol, as the client sent it */
	char cookie[1024];          /* its (fake) cookie, hex */
	unsigned screen;
	char env_display[300];      /* DISPLAY for the children */
	char auth_display[300];     /* the name xauth files the cookie under */
};

/* x11-req: 1 (display ready), 0 (refused, logged) or an error */
int fwd_x11_request(struct conn *c, struct channel *ch, struct session *s, struct rd *r);
/* DISPLAY for the session's children, or NULL */
const char *fwd_x11_display(const struct session *s);
/* closes the display sockets */
void fwd_x11_end(struct conn *c, struct session *s);

/* In the session's child, as the user, before the shell: the cookie to
 * the standard input of rc (~/.ssh/rc or /etc/ssh/sshrc, run as
 * rc_command says, session.h) when there is one (OpenSSH's do_rc_files),
 * else to xauth ("remove", then "add"). */
void x11_child_setup(const struct conn *c, const struct session *s, const char *rc, const char *shell,
		     char *const env[]);

#endif
