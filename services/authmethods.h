/* AuthenticationMethods: the lists of methods a user must pass in order,
 * as OpenSSH's auth2 method lists. Pure state and functions of their
 * arguments, so that a privileged monitor can keep the same state. */
#ifndef SSHL_AUTHMETHODS_H
#define SSHL_AUTHMETHODS_H

#include <stddef.h>
#include <stdint.h>

#define AM_MAX_LISTS 16
#define AM_MAX_KEYS 16

struct auth_result;

struct am_state {
	int n;                      /* lists; 0: AuthenticationMethods any */
	char lists[AM_MAX_LISTS][256]; /* what each list still needs, comma-separated */
	/* SHA-256 of the keys that already passed publickey: none may
	 * pass twice (publickey,publickey wants two different keys) */
	uint8_t keys[AM_MAX_KEYS][32];
	int nkeys;
	struct auth_result *partial; /* what the methods passed so far found */
};

/* the lists of an AuthenticationMethods value (NULL: any). SSH_OK or
 * SSH_ERR_CONFIG when it does not fit. */
int am_init(struct am_state *s, const char *spec);
/* 1 when method may run now: it heads some list (any method without lists) */
int am_allowed(const struct am_state *s, const char *method);
/* method succeeded: it leaves the head of every list it heads. 1 when a
 * list is now complete (authenticated), 0 for partial success. */
int am_passed(struct am_state *s, const char *method);
/* the key (its blob) was used before / remember it */
int am_key_used(const struct am_state *s, const uint8_t *blob, size_t len);
void am_key_add(struct am_state *s, const uint8_t *blob, size_t len);
/* moves what a partial success found (r) aside; on the final success
 * am_merge folds it into r, keeping every restriction of both */
int am_keep_partial(struct am_state *s, struct auth_result *r);
int am_merge(struct am_state *s, struct auth_result *r);
void am_free(struct am_state *s);

#endif
