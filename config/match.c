/* Match criteria: every criterion of a Match line must hold. Names and
 * addresses are matched with OpenSSH's pattern language (pattern.c). */
#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/config_src.h"
#include "transport/namelist.h"
#include "config/pattern.h"

#define MATCH_MAX_GROUPS 256

/* Group: any of the user's groups (primary and supplementary) */
static int group_match(const char *user, const char *list)
{
	struct passwd *pw = getpwnam(user);
	gid_t g[MATCH_MAX_GROUPS];
	int ng = MATCH_MAX_GROUPS, got = 0;
	if (!pw)
		return 0;
	if (getgrouplist(user, pw->pw_gid, g, &ng) < 0)
		ng = MATCH_MAX_GROUPS;
	for (int i = 0; i < ng; i++) {
		struct group *gr = getgrgid(g[i]);
		int m = gr ? pat_match_list(gr->gr_name, list, 0) : 0;
		if (m < 0)
			return 0;
		got |= m;
	}
	return got;
}

enum crit { C_ALL, C_INVALID, C_USER, C_GROUP, C_HOST, C_ADDR, C_LADDR, C_LPORT, C_RDOMAIN, C_VERSION };
static const struct {
	const char *name;
	enum crit id;
	int arg;          /* takes an argument */
	const char *spec; /* the -C field it needs */
} crits[] = {
	{"All", C_ALL, 0, NULL}, {"Invalid-User", C_INVALID, 0, "user"}, {"User", C_USER, 1, "user"},
	{"Group", C_GROUP, 1, "user"}, {"Host", C_HOST, 1, "host"}, {"Address", C_ADDR, 1, "addr"},
	{"LocalAddress", C_LADDR, 1, "laddr"}, {"LocalPort", C_LPORT, 1, "lport"},
	{"RDomain", C_RDOMAIN, 1, "rdomain"}, {"Version", C_VERSION, 1, NULL},
};

/* whether ctx has what criterion i needs */
static int known(const struct match_ctx *x, enum crit id)
{
	switch (id) {
	case C_INVALID: case C_USER: case C_GROUP: return x->user != NULL;
	case C_HOST: return x->host != NULL;
	case C_ADDR: return x->addr != NULL;
	case C_LADDR: return x->laddr != NULL;
	case C_LPORT: return x->lport >= 0;
	case C_RDOMAIN: return x->rdomain != NULL;
	default: return 1;
	}
}

static int one(enum crit id, const char *arg, const struct match_ctx *x)
{
	switch (id) {
	case C_ALL: return 1;
	case C_INVALID: return x->invalid_user;
	case C_USER: return pat_match_list(x->user, arg, 0) == 1;
	case C_GROUP: return !x->invalid_user && group_match(x->user, arg) == 1;
	case C_HOST: return pat_match_list(x->host, arg, 1) == 1;
	case C_ADDR: return pat_addr_list(x->addr, arg) == 1;
	case C_LADDR: return pat_addr_list(x->laddr, arg) == 1;
	case C_LPORT: return strtol(arg, NULL, 10) == x->lport;
	case C_RDOMAIN: return pat_match_list(x->rdomain, arg, 0) == 1;
	case C_VERSION: return x->version && pat_match_list(x->version, arg, 0) == 1;
	}
	return 0;
}

/* Address, LocalAddress take addresses, blocks and patterns over them
 * only: a host name there is a mistake, never a match */
static int addr_chars(const char *list)
{
	struct namelist it;
	const char *ent;
	size_t n;
	namelist_init_str(&it, list);
	while (namelist_next(&it, &ent, &n)) {
		size_t neg = n && *ent == '!';
		for (size_t i = neg; i < n; i++)
			if (!strchr("0123456789abcdefABCDEF.:/*?", ent[i]) || !ent[i])
				return 0;
	}
	return 1;
}

/* the syntax of one criterion's argument, as OpenSSH checks it at start-up */
static int check_arg(enum crit id, const char *arg, char *err, size_t errlen)
{
	char *end;
	long v;
	if ((id == C_ADDR || id == C_LADDR) && (pat_addr_list(NULL, arg) == -2 || !addr_chars(arg))) {
		snprintf(err, errlen, "Match %s: bad address or network '%s'", crits[id].name, arg);
		return -1;
	}
	if (id == C_LPORT && ((v = strtol(arg, &end, 10)) < 1 || v > 65535 || *end)) {
		snprintf(err, errlen, "Match LocalPort: invalid port '%s'", arg);
		return -1;
	}
	return 0;
}

/* the next word of a Match line; "Criterion=argument" splits at the '=' */
static char *word(char **p)
{
	char *w;
	while (isspace((unsigned char)**p))
		(*p)++;
	if (!**p)
		return NULL;
	w = *p;
	while (**p && !isspace((unsigned char)**p) && **p != '=')
		(*p)++;
	if (**p)
		*(*p)++ = 0;
	return w;
}

static int find_crit(const char *w)
{
	for (size_t i = 0; i < sizeof crits / sizeof crits[0]; i++)
		if (!strcasecmp(crits[i].name, w))
			return (int)i;
	return -1;
}

static int criteria(char *p, const struct match_ctx *x, char *err, size_t errlen)
{
	char *w, *arg;
	int result = 1, n = 0, all = 0;
	while ((w = word(&p))) {
		int i = find_crit(w);
		if (i < 0) {
			snprintf(err, errlen, "Unsupported Match attribute %s", w);
			return -1;
		}
		n++;
		all |= crits[i].id == C_ALL;
		arg = NULL;
		if (crits[i].arg && !(arg = word(&p))) {
			snprintf(err, errlen, "Missing Match criteria for %s", crits[i].name);
			return -1;
		}
		if (arg && check_arg(crits[i].id, arg, err, errlen) < 0)
			return -1;
		if (!x)
			continue;
		if (!known(x, crits[i].id)) {
			if (x->test) {
				snprintf(err, errlen, "'Match %s' in configuration but '%s' not in connection test specification.",
					 crits[i].name, crits[i].spec);
				return -1;
			}
			result = 0; /* not decidable yet: not applied */
		} else if (!one(crits[i].id, arg ? arg : "", x)) {
			result = 0;
		}
	}
	if (!n) {
		snprintf(err, errlen, "One or more attributes required for Match");
		return -1;
	}
	if (all && n > 1) {
		snprintf(err, errlen, "'all' cannot be combined with other Match attributes");
		return -1;
	}
	return x ? result : 0;
}

int match_criteria(const char *text, const struct match_ctx *x, char *err, size_t errlen)
{
	char *copy = strdup(text);
	int rc;
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = criteria(copy, x, err, errlen);
	free(copy);
	return rc;
}
