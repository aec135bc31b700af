/* Match criteria and OpenSSH's pattern language: "*" and "?" wildcards,
 * comma-separated lists where "!pattern" vetoes, addresses with CIDR
 * masks. Every criterion of a Match line must hold. */
#include <arpa/inet.h>
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

#define MATCH_MAX_GROUPS 256

static int pattern(const char *s, const char *p, size_t plen, int fold)
{
	for (; plen; p++, plen--) {
		if (*p == '*') {
			for (;; s++) {
				if (pattern(s, p + 1, plen - 1, fold))
					return 1;
				if (!*s)
					return 0;
			}
		}
		if (!*s)
			return 0;
		if (*p != '?' && (fold ? tolower((unsigned char)*p) != tolower((unsigned char)*s) : *p != *s))
			return 0;
		s++;
	}
	return !*s;
}

int match_pattern_list(const char *s, const char *list, int fold_case)
{
	struct namelist it;
	const char *p;
	size_t n;
	int got = 0;
	namelist_init_str(&it, list);
	while (namelist_next(&it, &p, &n)) {
		int neg = n && *p == '!';
		if (pattern(s, p + neg, n - (size_t)neg, fold_case)) {
			if (neg)
				return -1;
			got = 1;
		}
	}
	return got;
}

/* "addr/bits" or an address: 1 and the parsed form, 0 when it is not one */
static int parse_cidr(const char *s, size_t n, int *af, unsigned char *a, int *bits)
{
	char buf[64], *slash;
	if (n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = 0;
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	*af = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*af, buf, a) != 1)
		return 0;
	*bits = *af == AF_INET ? 32 : 128;
	if (slash) {
		char *end;
		long v = strtol(slash, &end, 10);
		if (!*slash || *end || v < 0 || v > *bits)
			return -1;
		*bits = (int)v;
	}
	return 1;
}

static int in_cidr(const char *addr, int af, const unsigned char *net, int bits)
{
	unsigned char a[16];
	if (inet_pton(af, addr, a) != 1)
		return 0;
	for (int i = 0; i < bits; i++)
		if (((a[i / 8] ^ net[i / 8]) >> (7 - i % 8)) & 1)
			return 0;
	return 1;
}

/* Address, LocalAddress: 1, 0, -1 (a negated entry matched), -2 (a bad
 * entry); addr NULL checks the list only */
static int addr_list(const char *addr, const char *list)
{
	struct namelist it;
	const char *p;
	size_t n;
	int got = 0;
	namelist_init_str(&it, list);
	while (namelist_next(&it, &p, &n)) {
		int neg = n && *p == '!', af = AF_INET, bits = 0, m;
		unsigned char net[16];
		const char *e = p + neg;
		size_t en = n - (size_t)neg;
		int c = parse_cidr(e, en, &af, net, &bits);
		if (c < 0 || !en || strspn(e, "0123456789abcdefABCDEF.:/*?") < en)
			return -2;
		if (c == 0 && memchr(e, '/', en))
			return -2;
		m = addr && (c ? in_cidr(addr, af, net, bits) : pattern(addr, e, en, 1));
		if (m && neg)
			return -1;
		got |= m;
	}
	return got;
}

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
		int m = gr ? match_pattern_list(gr->gr_name, list, 0) : 0;
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
	case C_USER: return match_pattern_list(x->user, arg, 0) == 1;
	case C_GROUP: return !x->invalid_user && group_match(x->user, arg) == 1;
	case C_HOST: return match_pattern_list(x->host, arg, 1) == 1;
	case C_ADDR: return addr_list(x->addr, arg) == 1;
	case C_LADDR: return addr_list(x->laddr, arg) == 1;
	case C_LPORT: return strtol(arg, NULL, 10) == x->lport;
	case C_RDOMAIN: return match_pattern_list(x->rdomain, arg, 0) == 1;
	case C_VERSION: return x->version && match_pattern_list(x->version, arg, 0) == 1;
	}
	return 0;
}

/* the syntax of one criterion's argument, as OpenSSH checks it at start-up */
static int check_arg(enum crit id, const char *arg, char *err, size_t errlen)
{
	char *end;
	long v;
	if ((id == C_ADDR || id == C_LADDR) && addr_list(NULL, arg) == -2) {
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
