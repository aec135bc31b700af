/* One "Keyword value" line into struct config: the line split, the keyword
 * found in the table (config.c), the value read by the parser for its
 * kind. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/keywords.h"
#include "config/pattern.h"

#define F(field) offsetof(struct config, field)

/* OpenSSH time format: 90, 90s, 2m, 1h30m, 1d */
int config_parse_time(const char *s, int *out)
{
	long total = 0;
	if (!*s)
		return -1;
	while (*s) {
		char *end;
		long v = strtol(s, &end, 10), mul = 1;
		if (end == s || v < 0)
			return -1;
		switch (tolower((unsigned char)*end)) {
		case 0: break;
		case 's': mul = 1; end++; break;
		case 'm': mul = 60; end++; break;
		case 'h': mul = 3600; end++; break;
		case 'd': mul = 86400; end++; break;
		case 'w': mul = 604800; end++; break;
		default: return -1;
		}
		if (v > 0x7fffffff / mul || total > 0x7fffffff - v * mul)
			return -1;
		total += v * mul;
		s = end;
	}
	*out = (int)total;
	return 0;
}

static int parse_size(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	int64_t mul = 1;
	if (end == s || v < 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 0: break;
	case 'K': mul = 1024; end++; break;
	case 'M': mul = 1024 * 1024; end++; break;
	case 'G': mul = 1024LL * 1024 * 1024; end++; break;
	default: return -1;
	}
	if (*end || v > INT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes"))
		*out = 1;
	else if (!strcasecmp(v, "no"))
		*out = 0;
	else
		return -1;
	return 0;
}

char *config_line_split(char *line, char **kw, size_t *kwlen)
{
	char *p = line, *e;
	while (isspace((unsigned char)*p))
		p++;
	*kw = p;
	while (*p && !isspace((unsigned char)*p) && *p != '=')
		p++;
	*kwlen = (size_t)(p - *kw);
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '=')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		*--e = 0;
	return p;
}

/* the keyword, NUL-terminated, and the value, one pair of quotes around
 * it removed; the value keeps inner spaces */
static int split(char *line, char **kw, size_t *kwlen, char **val)
{
	char *p = config_line_split(line, kw, kwlen), *e = p + strlen(p);
	if (*p == '"' && e > p + 1 && e[-1] == '"') {
		e[-1] = 0;
		p++;
	}
	*val = p;
	(*kw)[*kwlen] = 0; /* the separator, or the end: the value starts after it */
	return *kwlen ? 0 : -1;
}

/* One parser per kind of value: each stores val into k's field and returns
 * 0, -1 for a bad value, or -2 when it wrote its own message to err. */
typedef int setter(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen);

static void *field(struct config *c, const struct keyword *k) { return (char *)c + k->off; }

static int set_str(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char **dst = field(c, k);
	(void)err, (void)errlen;
	free(*dst);
	*dst = strdup(val);
	return 0;
}

static int set_int(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char *end;
	long v = strtol(val, &end, 10);
	(void)err, (void)errlen;
	if (*end || v < 0 || v > 1000000)
		return -1;
	*(int *)field(c, k) = (int)v;
	return 0;
}

static int set_bool(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return parse_bool(val, field(c, k));
}

static int set_time(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return config_parse_time(val, field(c, k));
}

/* a name from a NULL-terminated table of names, case-insensitive: its
 * index, or -1 */
static int pick(const char *val, const void *table, size_t stride)
{
	int found = -1;
	for (int i = 0;; i++) {
		const char *name = *(const char *const *)((const char *)table + (size_t)i * stride);
		if (!name)
			return found;
		if (!strcasecmp(val, name))
			found = i;
	}
}

static int set_facility(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	int i = pick(val, facilities, sizeof facilities[0]);
	(void)k, (void)err, (void)errlen;
	if (i < 0)
		return -1;
	free(c->syslog_facility);
	c->syslog_facility = strdup(facilities[i].name);
	return 0;
}

static int set_loglevel(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	int i = pick(val, loglevels, sizeof loglevels[0]);
	(void)k, (void)err, (void)errlen;
	if (i < 0)
		return -1;
	c->log_level = loglevels[i].prio;
	c->log_level_name = loglevels[i].name;
	return 0;
}

static int set_keycreate(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)k, (void)err, (void)errlen;
	if (strcasecmp(val, "no") && strcasecmp(val, "yes") && !keyspec_find(val))
		return -1;
	free(c->host_key_create);
	c->host_key_create = strcasecmp(val, "no") ? strdup(val) : NULL;
	if (c->host_key_create && !strcasecmp(val, "yes"))
		strcpy(c->host_key_create, "yes");
	return 0;
}

/* OpenSSH compares yes and no exactly: any other word is a pattern-list
 * ("LANG,LC_*"), which also turns the feature on */
static int set_userenv(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)k, (void)err, (void)errlen;
	if (strpbrk(val, " \t"))
		return -1;
	free(c->permit_user_env);
	c->permit_user_env = strcmp(val, "no") ? strdup(val) : NULL;
	return 0;
}

/* OpenSSH: AuthorizedKeysFile replaces, HostKey and AcceptEnv append; a
 * HostKey path is never split */
static int set_list(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	struct strlist *dst = field(c, k);
	char *tok, *save;
	(void)err, (void)errlen;
	if (k->off == F(authorized_keys_files))
		strlist_clear(dst);
	for (tok = strtok_r(val, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		strlist_add(dst, tok);
		if (k->off == F(host_keys))
			break;
	}
	return 0;
}

/* AllowUsers, DenyUsers, AllowGroups, DenyGroups: whitespace-separated
 * patterns (commas belong to a user@host list), appended line after line
 * as OpenSSH does. An entry that does not fit is an error: a restriction
 * must never be dropped. */
static int set_patlist(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	struct strlist *dst = field(c, k);
	int users = k->off == F(allow_users) || k->off == F(deny_users);
	char *tok, *save;
	for (tok = strtok_r(val, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (users && pat_match_user(NULL, NULL, NULL, tok) < 0) {
			snprintf(err, errlen, "invalid %s pattern: \"%s\"", k->name, tok);
			return -2;
		}
		if (strlist_push(dst, tok) < 0) {
			snprintf(err, errlen, "%s: too many entries (at most %d)", k->name, CONFIG_MAX_LIST);
			return -2;
		}
	}
	return 0;
}

/* "any", or lists of methods separated by blanks, the methods of a list by
 * commas; kept with one space between lists */
static int set_authmethods(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char out[4096], *tok, *save;
	size_t o = 0;
	(void)k;
	if (!strcasecmp(val, "any")) {
		free(c->authentication_methods);
		c->authentication_methods = NULL;
		return 0;
	}
	out[0] = 0;
	for (tok = strtok_r(val, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		int n = snprintf(out + o, sizeof out - o, "%s%s", o ? " " : "", tok);
		if (n < 0 || (size_t)n >= sizeof out - o || !*tok || tok[0] == ',' || tok[strlen(tok) - 1] == ',' ||
		    strstr(tok, ",,"))
			return -1;
		o += (size_t)n;
	}
	if (authmethods_valid(out, err, errlen) < 0)
		return -2;
	free(c->authentication_methods);
	c->authentication_methods = strdup(out);
	return 0;
}

/* "none", or touch-required and/or verify-required */
static int set_pkopts(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char *tok, *save;
	int v = 0;
	(void)k, (void)err, (void)errlen;
	for (tok = strtok_r(val, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (!strcasecmp(tok, "none") && v == 0 && !strtok_r(NULL, " \t", &save))
			break;
		if (!strcasecmp(tok, "touch-required"))
			v |= PKOPT_TOUCH_REQUIRED;
		else if (!strcasecmp(tok, "verify-required"))
			v |= PKOPT_VERIFY_REQUIRED;
		else
			return -1;
	}
	c->pubkey_auth_options = v;
	return 0;
}

static int set_root(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	int *dst = field(c, k);
	(void)err, (void)errlen;
	if (!strcasecmp(val, "yes"))
		*dst = ROOT_YES;
	else if (!strcasecmp(val, "no"))
		*dst = ROOT_NO;
	else if (!strcasecmp(val, "prohibit-password") || !strcasecmp(val, "without-password"))
		*dst = ROOT_PROHIBIT_PASSWORD;
	else if (!strcasecmp(val, "forced-commands-only"))
		*dst = ROOT_FORCED_COMMANDS;
	else
		return -1;
	return 0;
}

static int set_fwd(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	int *dst = field(c, k);
	(void)err, (void)errlen;
	if (!strcasecmp(val, "yes") || !strcasecmp(val, "all"))
		*dst = FWD_ALL;
	else if (!strcasecmp(val, "no"))
		*dst = 0;
	else if (!strcasecmp(val, "local"))
		*dst = FWD_LOCAL;
	else if (!strcasecmp(val, "remote"))
		*dst = FWD_REMOTE;
	else
		return -1;
	return 0;
}

/* octal, as umask(1) takes it: 0177, 022 */
static int set_mode(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char *end;
	long v = strtol(val, &end, 8);
	(void)err, (void)errlen;
	if (end == val || *end || v < 0 || v > 0777)
		return -1;
	*(int *)field(c, k) = (int)v;
	return 0;
}

static int set_comp(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)k, (void)err, (void)errlen;
	if (!strcasecmp(val, "yes") || !strcasecmp(val, "delayed"))
		c->compression = COMP_YES;
	else if (!strcasecmp(val, "no"))
		c->compression = COMP_NO;
	else if (!strcasecmp(val, "zlib"))
		c->compression = COMP_PREAUTH;
	else
		return -1;
	return 0;
}

/* RekeyLimit: bytes ("default" or a size of at least 16), then optionally
 * seconds ("none", "default" or a time) */
static int set_rekey(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char *sp = strpbrk(val, " \t");
	(void)k, (void)err, (void)errlen;
	if (sp)
		*sp++ = 0;
	if (!strcasecmp(val, "default"))
		c->rekey_bytes = 0;
	else if (parse_size(val, &c->rekey_bytes) < 0 || c->rekey_bytes < 16)
		return -1;
	if (!sp)
		return 0;
	while (*sp == ' ' || *sp == '\t')
		sp++;
	if (!strcasecmp(sp, "none") || !strcasecmp(sp, "default"))
		c->rekey_seconds = 0;
	else if (config_parse_time(sp, &c->rekey_seconds) < 0)
		return -1;
	return 0;
}

static int set_subsys(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char *sp = strpbrk(val, " \t");
	(void)k;
	if (!sp)
		return -1;
	*sp++ = 0;
	while (*sp == ' ' || *sp == '\t')
		sp++;
	if (strcmp(val, "sftp") || !*sp) {
		snprintf(err, errlen, "Subsystem: only 'sftp PATH' is supported");
		return -2;
	}
	free(c->sftp_server);
	c->sftp_server = strdup(sp);
	return 0;
}

static setter *const setters[] = {
	[K_STR] = set_str, [K_ALG] = set_str, [K_INT] = set_int, [K_BOOL] = set_bool, [K_TIME] = set_time,
	[K_LIST] = set_list, [K_ROOT] = set_root, [K_COMP] = set_comp, [K_LOGLEVEL] = set_loglevel,
	[K_REKEY] = set_rekey, [K_SUBSYS] = set_subsys, [K_FACILITY] = set_facility,
	[K_KEYCREATE] = set_keycreate, [K_FWD] = set_fwd, [K_MODE] = set_mode,
	[K_PATLIST] = set_patlist, [K_AUTHMETHODS] = set_authmethods, [K_PKOPTS] = set_pkopts,
	[K_ENV] = set_env, [K_PERMIT] = set_permit, [K_CHANTIMEOUT] = set_chantimeout, [K_TIMENONE] = set_timenone,
	[K_USERENV] = set_userenv,
};

/* a value among allowed's '|'-separated ones, case-insensitive */
static int allowed_value(const char *allowed, const char *val)
{
	size_t vl = strlen(val);
	while (*allowed) {
		size_t n = strcspn(allowed, "|");
		if (n == vl && !strncasecmp(allowed, val, n))
			return 1;
		allowed += n + (allowed[n] == '|');
	}
	return 0;
}

/* OpenSSH's a2port: a number up to 65535 or a tcp service's name; 0 is
 * refused (-1) as sshd refuses it */
static int port_number(const char *val)
{
	char *end;
	long n;
	errno = 0;
	n = strtol(val, &end, 10);
	if (*val && !*end && !errno && n > 0 && n <= 65535)
		return (int)n;
	if (*val && *end) {
		const struct servent *se = getservbyname(val, "tcp");
		if (se && ntohs((uint16_t)se->s_port) > 0)
			return ntohs((uint16_t)se->s_port);
	}
	return -1;
}

/* a keyword sshd-lite does not implement: kept as text when accepted */
static int set_other(struct config *c, const struct other_keyword *o, const char *val, char *err, size_t errlen)
{
	size_t slot = other_slot(o);
	char num[12];
	if (c->override)
		c->seen_other[slot] = 0;
	if (o->allowed && !allowed_value(o->allowed, val)) {
		snprintf(err, errlen, "%s %s: not supported by sshd-lite (%s)", o->name, val, o->why);
		return -1;
	}
	if (o->flags & KW_PORT) {
		int p = port_number(val);
		if (p < 0) {
			snprintf(err, errlen, "Badly formatted port number.");
			return -1;
		}
		snprintf(num, sizeof num, "%d", p);
		val = num;
	}
	if (c->seen_other[slot])
		return 0;
	c->seen_other[slot] = 1;
	free(c->other[slot]);
	c->other[slot] = strdup(val);
	return 0;
}

/* an implemented keyword: the first value of a pass wins, as in OpenSSH;
 * a later one is still checked. An appending list starts afresh in each
 * pass, so that a Match block's AcceptEnv replaces the main section's. */
static int set_row(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	size_t slot = keyword_slot(k);
	int rc;
	if (c->override && !(k->flags & KW_APPEND))
		c->seen[slot] = 0;
	if (c->seen[slot] && !(k->flags & KW_APPEND)) {
		/* a scratch configuration, on the heap as check_match_line's */
		struct config *t = malloc(sizeof *t);
		if (!t) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		config_defaults(t);
		rc = setters[k->type](t, k, val, err, errlen);
		config_free(t);
		free(t);
		return rc;
	}
	if ((k->flags & KW_APPEND) && !c->seen[slot])
		strlist_clear(field(c, k));
	c->seen[slot] = 1;
	return setters[k->type](c, k, val, err, errlen);
}

int config_set(struct config *c, const char *line_in, char *err, size_t errlen)
{
	char *line = strdup(line_in), *kw, *val;
	size_t kwlen;
	const void *row;
	const char *name;
	int other = 0, rc = -1;
	unsigned flags;

	if (!line) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (split(line, &kw, &kwlen, &val) < 0) {
		snprintf(err, errlen, "missing keyword");
		goto out;
	}
	if (!(row = keyword_find(kw, &other))) {
		snprintf(err, errlen, "unknown keyword '%s'", kw);
		goto out;
	}
	name = other ? ((const struct other_keyword *)row)->name : ((const struct keyword *)row)->name;
	flags = other ? ((const struct other_keyword *)row)->flags : ((const struct keyword *)row)->flags;
	if (c->in_match && !(flags & KW_MATCH))
		snprintf(err, errlen, "Directive '%s' is not allowed within a Match block", name);
	else if (!*val)
		snprintf(err, errlen, "%s: missing value", name);
	else if (other)
		rc = set_other(c, row, val, err, errlen);
	else if ((rc = set_row(c, row, val, err, errlen)) == -1)
		snprintf(err, errlen, "%s: bad value '%s'", name, val);
out:
	free(line);
	return rc < 0 ? -1 : 0;
}
