/* The account a client names: looked up once per connection, with the
 * checks every method shares (locked, expired, no shell), and the
 * StrictModes test for files that speak for the user. */
#ifndef SSHL_USER_H
#define SSHL_USER_H

#include <stddef.h>
#include <sys/types.h>

struct user {
	char name[64];
	uid_t uid;
	gid_t gid;
	char home[512];
	char shell[256];
	int valid;       /* exists, and is us when not running as root */
	int allowed;     /* valid and may log in at all */
	const char *why; /* why a valid user is not allowed, for the log */
	gid_t *groups;   /* supplementary groups once looked up, owned */
	int ngroups;
	int groups_asked; /* the root helper owes us the answer */
};

/* Fills u for any name. An unknown name (or one other than ours when not
 * root) gets valid = 0 and a home that does not exist, so the methods can
 * do the same work for it as for a real user. */
void user_lookup(const char *name, struct user *u);

struct conn;
/* groups.c: u's group list (gid included) into u->groups, as initgroups
 * would set it: SSH_OK or SSH_ERR_INTERNAL. prefetch asks the root helper
 * ahead of the need; user_groups then only collects the answer. */
void user_groups_prefetch(struct conn *c, struct user *u);
int user_groups(struct conn *c, struct user *u);

/* The stored crypt(3) hash: shadow first, then passwd. SSH_ERR_AUTH when
 * there is none or it does not fit. The caller wipes out. */
int user_password_hash(const char *name, char *out, size_t outlen);
/* A crypt(3) setting for a user with no usable hash (or no account): the
 * method, cost and salt of the first real account in shadow (OpenSSH's
 * pick_salt), else what /etc/login.defs gives new passwords; so a wrong
 * name costs what a wrong password costs. gensalt: crypt_gensalt_rn
 * (services/crypt_lib.h). */
typedef char *(*crypt_gensalt_fn)(const char *prefix, unsigned long count, const char *rbytes, int nrbytes,
				  char *out, int outlen);
int user_dummy_setting(crypt_gensalt_fn gensalt, char *out, size_t outlen);

/* StrictModes (as OpenSSH's secure_path): the open file fd, named path, and
 * every directory above it up to the user's home (or up to / for a file
 * outside it) must be owned by root or uid and not writable by group or
 * others. SSH_OK, or SSH_ERR_FILE with a message naming the culprit. */
int secure_file(int fd, const char *path, uid_t uid, const char *home, char *err, size_t errlen);

#endif
