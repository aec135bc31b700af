/* utmp, wtmp and lastlog records for pty logins. The server gives up root
 * for good right after authentication, but those files are root's: a small
 * "login recorder" child forked just before the privilege drop keeps root
 * and writes them on request. It learns the user and the client address
 * from the fork itself and takes only LOGIN(tty, pid) and LOGOUT(tty) from
 * the unprivileged side, checking each tty is the user's. */
#ifndef SSHL_LOGINREC_H
#define SSHL_LOGINREC_H

struct conn;
struct auth_result;

/* in userauth's success path, before privdrop(): forks the recorder when
 * running as root and keeps our end in a->recorder (0 when there is none:
 * not root, or the fork failed; logins are then simply not recorded) */
void loginrec_start(struct conn *c, struct auth_result *a);
/* a session's child pid now runs on pty (a path like /dev/pts/3) */
void loginrec_login(struct conn *c, const char *pty, int pid);
/* that session ended */
void loginrec_logout(struct conn *c, const char *pty);

#endif
