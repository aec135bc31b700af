/* The value parsers of the session keywords (SetEnv, PermitOpen,
 * PermitListen, ChannelTimeout, UnusedConnectionTimeout), apart from
 * config_set.c's generic ones. Each replaces the field: which line counts
 * (the first, or a Match block's) is set_row's business. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/keywords.h"

static struct strlist *list_field(struct config *c, const struct keyword *k)
{
	return (struct strlist *)((char *)c + k->off);
}

/* the next word of *p: blanks separate, a "..." or '...' part keeps its
 * blanks (the quotes go), as OpenSSH's argv_split; NULL at the end or for
 * an unterminated quote (*bad set) */
static char *next_word(char **p, int *bad)
{
	char *s = *p, *out, *w;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return NULL;
	out = w = s;
	while (*s && !isspace((unsigned char)*s)) {
		if (*s == '"' || *s == '\'') {
			char q = *s++;
			while (*s && *s != q)
				*w++ = *s++;
			if (*s != q) {
				*bad = 1;
				return NULL;
			}
			s++;
			continue;
		}
		*w++ = *s++;
	}
	if (*s)
		s++;
	*w = 0;
	*p = s;
	return out;
}

/* SetEnv NAME=value ...: a name before the '=' on each; a name given twice
 * keeps its first value */
int set_env(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	struct strlist *l = list_field(c, k);
	int first = 1, bad = 0;
	char *w;
	strlist_clear(l);
	while ((w = next_word(&val, &bad))) {
		char *eq = strchr(w, '=');
		int dup = 0;
		if (!eq || eq == w) {
			snprintf(err, errlen, "%s: invalid environment '%s'", k->name, w);
			return -2;
		}
		for (int i = 0; first && i < l->n; i++)
			dup |= !strncmp(l->v[i], w, (size_t)(eq - w) + 1);
		if (first && !dup)
			strlist_add(l, w);
	}
	return bad ? -1 : 0;
}

/* a port as PermitOpen/PermitListen take it: 1-65535, or * (any) */
static int port_ok(const char *s)
{
	char *end;
	long v;
	if (!strcmp(s, "*"))
		return 1;
	v = strtol(s, &end, 10);
	return end != s && !*end && v > 0 && v <= 65535;
}

/* host:port, [v6]:port; with a bare port allowed (PermitListen), it is
 * stored as *:port, OpenSSH's spelling */
static int hostport_ok(char *w, int bare_port, char *out, size_t outlen)
{
	char *colon = w[0] == '[' ? strstr(w, "]:") : strrchr(w, ':');
	if (w[0] == '[' && colon)
		colon++;
	if (!colon) {
		if (!bare_port || !port_ok(w))
			return 0;
		snprintf(out, outlen, "*:%s", w);
		return 1;
	}
	if (colon == w || !port_ok(colon + 1) || (w[0] == '[' && colon[-1] != ']'))
		return 0;
	snprintf(out, outlen, "%s", w);
	return 1;
}

/* PermitOpen / PermitListen: "any" (the empty list), "none", or targets */
int set_permit(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	struct strlist *l = list_field(c, k);
	int bad = 0, n = 0;
	int listen = !strcasecmp(k->name, "PermitListen");
	char *w, one[300];
	struct strlist got = {{0}, 0};
	while ((w = next_word(&val, &bad))) {
		n++;
		if (!strcasecmp(w, "any") || !strcasecmp(w, "none")) {
			snprintf(one, sizeof one, "%s", strcasecmp(w, "any") ? "none" : "any");
		} else if (strlen(w) >= sizeof one || !hostport_ok(w, listen, one, sizeof one)) {
			snprintf(err, errlen, "%s: bad target '%s'", k->name, w);
			strlist_clear(&got);
			return -2;
		}
		strlist_add(&got, one);
	}
	if (bad || (n > 1 && got.n && (!strcmp(got.v[0], "any") || !strcmp(got.v[0], "none")))) {
		strlist_clear(&got);
		return -1;
	}
	/* "any" is the empty list */
	if (got.n == 1 && !strcmp(got.v[0], "any"))
		strlist_clear(&got);
	strlist_clear(l);
	*l = got;
	return 0;
}

/* ChannelTimeout type=interval ...: "none" for no timeouts; the types are
 * OpenSSH's channel type patterns (session, direct-tcpip, global, ...) */
int set_chantimeout(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	struct strlist *l = list_field(c, k);
	int bad = 0, secs;
	char *w;
	struct strlist got = {{0}, 0};
	while ((w = next_word(&val, &bad))) {
		char *eq = strchr(w, '=');
		if (!strcasecmp(w, "none") && !got.n)
			break;
		if (!eq || eq == w || config_parse_time(eq + 1, &secs) < 0) {
			snprintf(err, errlen, "%s: bad timeout '%s'", k->name, w);
			strlist_clear(&got);
			return -2;
		}
		strlist_add(&got, w);
	}
	if (bad) {
		strlist_clear(&got);
		return -1;
	}
	strlist_clear(l);
	*l = got;
	return 0;
}

int set_timenone(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	int *dst = (int *)((char *)c + k->off);
	(void)err, (void)errlen;
	if (!strcasecmp(val, "none")) {
		*dst = 0;
		return 0;
	}
	return config_parse_time(val, dst);
}
