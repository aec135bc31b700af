/* AuthenticationMethods at run time: each list is what it still needs; a
 * method may run when it heads a list, and its success takes it off the
 * head of every list it heads. */
#include <stdlib.h>
#include <string.h>
#include <tomcrypt.h>

#include "services/auth.h"
#include "services/authmethods.h"
#include "transport/crypto.h"
#include "transport/err.h"
#include "transport/namelist.h"

int am_init(struct am_state *s, const char *spec)
{
	memset(s, 0, sizeof *s);
	if (!spec)
		return SSH_OK;
	while (*spec) {
		size_t n = strcspn(spec, " ");
		if (s->n == AM_MAX_LISTS || n >= sizeof s->lists[0])
			return SSH_ERR_LIMIT;
		memcpy(s->lists[s->n], spec, n);
		s->lists[s->n++][n] = 0;
		spec += n;
		while (*spec == ' ')
			spec++;
	}
	return SSH_OK;
}

/* the length of the list's head when it is method (a device name after
 * a colon, keyboard-interactive:pam, counts as the method), else 0 */
static size_t heads(const char *list, const char *method)
{
	size_t n = namelist_first(list, strlen(list));
	const char *colon = memchr(list, ':', n);
	return name_eq(method, list, colon ? (size_t)(colon - list) : n) ? n : 0;
}

int am_allowed(const struct am_state *s, const char *method)
{
	if (s->n == 0)
		return 1;
	for (int i = 0; i < s->n; i++)
		if (heads(s->lists[i], method))
			return 1;
	return 0;
}

int am_passed(struct am_state *s, const char *method)
{
	int done = s->n == 0;
	for (int i = 0; i < s->n; i++) {
		size_t n = heads(s->lists[i], method);
		char *l = s->lists[i];
		if (!n)
			continue;
		if (l[n] == ',')
			n++;
		memmove(l, l + n, strlen(l + n) + 1);
		if (!*l)
			done = 1;
	}
	return done;
}

static void key_hash(const uint8_t *blob, size_t len, uint8_t out[32])
{
	unsigned long ol = 32;
	if (hash_memory(idx_sha256(), blob, len, out, &ol) != CRYPT_OK)
		memset(out, 0, 32); /* never equal to a real key's hash */
}

int am_key_used(const struct am_state *s, const uint8_t *blob, size_t len)
{
	uint8_t h[32];
	key_hash(blob, len, h);
	for (int i = 0; i < s->nkeys; i++)
		if (!memcmp(s->keys[i], h, 32))
			return 1;
	return 0;
}

void am_key_add(struct am_state *s, const uint8_t *blob, size_t len)
{
	if (s->nkeys < AM_MAX_KEYS)
		key_hash(blob, len, s->keys[s->nkeys++]);
}

/* moves a list from src to dst when dst has none (the earlier method's
 * list wins: an empty list would mean "anywhere") */
static void take_list(char **dst, int *dn, char **src, int *sn)
{
	if (*dn == 0) {
		memcpy(dst, src, (size_t)*sn * sizeof *src);
		*dn = *sn;
	} else {
		for (int i = 0; i < *sn; i++)
			free(src[i]);
	}
	*sn = 0;
}

/* dst (a later method's findings) takes on every restriction of src (an
 * earlier one's), which is left empty: forbidding flags add up, the
 * earlier forced command and permitopen/permitlisten lists win,
 * environments add up */
static void fold(struct auth_result *dst, struct auth_result *src)
{
	dst->no_pty |= src->no_pty;
	dst->no_port_forwarding |= src->no_port_forwarding;
	dst->no_agent_forwarding |= src->no_agent_forwarding;
	dst->no_x11_forwarding |= src->no_x11_forwarding;
	dst->no_user_rc |= src->no_user_rc;
	if (src->command) {
		free(dst->command);
		dst->command = src->command;
		src->command = NULL;
	}
	if (src->npermitopen) {
		for (int i = 0; i < dst->npermitopen; i++)
			free(dst->permitopen[i]);
		dst->npermitopen = 0;
	}
	take_list(dst->permitopen, &dst->npermitopen, src->permitopen, &src->npermitopen);
	if (src->npermitlisten) {
		for (int i = 0; i < dst->npermitlisten; i++)
			free(dst->permitlisten[i]);
		dst->npermitlisten = 0;
	}
	take_list(dst->permitlisten, &dst->npermitlisten, src->permitlisten, &src->npermitlisten);
	for (int i = 0; i < src->nenvironment; i++) {
		if (dst->nenvironment < AUTH_MAX_LIST)
			dst->environment[dst->nenvironment++] = src->environment[i];
		else
			free(src->environment[i]);
	}
	src->nenvironment = 0;
}

int am_keep_partial(struct am_state *s, struct auth_result *r)
{
	if (!s->partial && !(s->partial = calloc(1, sizeof *s->partial)))
		return SSH_ERR_ALLOC;
	/* a third step folds the second into the first */
	fold(r, s->partial);
	*s->partial = *r;
	memset(r, 0, sizeof *r);
	return SSH_OK;
}

int am_merge(struct am_state *s, struct auth_result *r)
{
	if (s->partial)
		fold(r, s->partial);
	return SSH_OK;
}

void am_free(struct am_state *s)
{
	free(s->partial); /* emptied by fold, or holds only what fold moves */
	s->partial = NULL;
}
