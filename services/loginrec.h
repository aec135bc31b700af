/* The root helper, which runs inside the monitor (monitor/monitor.h), the
 * root process forked when the connection starts, while the server is
 * root and still small (a fork costs in proportion to what is mapped).
 * Before authentication it looks up group lists for the server, so that
 * the NSS modules getgrouplist loads never map into the server; after it,
 * when the server gives up root for good, it keeps root to write utmp,
 * wtmp and lastlog records for pty logins. The server names the user
 * before the drop; the unprivileged side can then only send LOGIN(tty,
 * pid) and LOGOUT(tty), and each tty is checked to be the user's. */
#ifndef SSHL_LOGINREC_H
#define SSHL_LOGINREC_H

#include <sys/types.h>

struct conn;
struct auth_result;
struct logger;

/* The helper's side, which the monitor (monitor/monitor.h) runs in its
 * own process: one recorder a connection, fed each request it receives
 * that is not the monitor's own (at most recorder_max_request() bytes
 * are meaningful; a longer one is refused as malformed). recorder_end
 * closes the lines still open and the PAM session. */
struct recorder;
struct recorder *recorder_new(const struct logger *log, const char *host);
size_t recorder_max_request(void);
void recorder_request(struct recorder *r, int fd, const void *req, size_t n);
void recorder_end(struct recorder *r);
/* asks the helper (c->rootfd) for name's group list; the answer, collected
 * with loginrec_groups_get before any other request, is malloc'd into *out.
 * SSH_ERR_INTERNAL when there is no helper or no answer. */
int loginrec_groups_ask(struct conn *c, const char *name, gid_t gid);
int loginrec_groups_get(struct conn *c, gid_t **out, int *n);
/* in userauth's success path, before privdrop(): names the user to the
 * helper and moves c->rootfd to a->recorder (0 when there is none) */
void loginrec_start(struct conn *c, struct auth_result *a);
/* a session's child pid now runs on pty (a path like /dev/pts/3) */
void loginrec_login(struct conn *c, const char *pty, int pid);
/* the new pty becomes the user's, group tty, mode 0620, by the root helper
 * (OpenSSH's pty_setowner); SSH_OK, or SSH_ERR_INTERNAL when it could not */
int loginrec_tty(struct conn *c, const char *pty);
/* that session ended */
void loginrec_logout(struct conn *c, const char *pty);
/* PrintLastLog: OpenSSH's "Last login: TIME from HOST\r\n" from uid's
 * lastlog slot, read before this login's record replaces it; an empty
 * string for a first login or an unreadable file */
void loginrec_last(uid_t uid, char *out, size_t outlen);

#endif
