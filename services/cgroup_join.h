/* Joining the login's cgroups after pam_open_session (cgroup_join.c) */
#ifndef SSHL_CGROUP_JOIN_H
#define SSHL_CGROUP_JOIN_H

struct logger;

/* a "G" fact from the root helper (pam_rec.h): this process moves into
 * that hierarchy's cgroup. SSH_OK, or an error once logged. */
int cgroup_join(const struct logger *log, const char *fact);

#endif
