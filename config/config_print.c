/* -T: the effective configuration, one "keyword value" per line in
 * OpenSSH's lower-case form, so scripts written for sshd -T work. */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "config/config.h"
#include "config/keywords.h"

#define F(field) offsetof(struct config, field)

static void pr(int fd, const char *k, const char *v) { dprintf(fd, "%s %s\n", k, v ? v : "none"); }

static void lower_name(const char *name, char *out, size_t outlen)
{
	size_t j;
	for (j = 0; name[j] && j < outlen - 1; j++)
		out[j] = (char)tolower((unsigned char)name[j]);
	out[j] = 0;
}

static const char *alg_list(const struct config *c, size_t off)
{
	return off == F(kex_algorithms) ? c->kex_list
	     : off == F(ciphers)        ? c->cipher_list
	     : off == F(macs)           ? c->mac_list
	     : off == F(host_key_algorithms) ? c->hostkey_alg_list
	     : off == F(ca_signature_algorithms) ? c->ca_sig_list
					     : c->pubkey_alg_list;
}

static void print_list(int fd, const char *name, const struct strlist *l, int one_per_line)
{
	if (one_per_line) {
		for (int n = 0; n < l->n; n++)
			pr(fd, name, l->v[n]);
		return;
	}
	dprintf(fd, "%s", name);
	for (int n = 0; n < l->n; n++)
		dprintf(fd, " %s", l->v[n]);
	dprintf(fd, "%s\n", l->n ? "" : " none");
}

/* the keywords sshd-lite does not implement, as accepted (or their
 * default), unless a row of keywords[] has taken the name over */
static void print_others(const struct config *c, int fd)
{
	for (size_t i = 0; i < nother_keywords; i++) {
		const struct other_keyword *o = &other_keywords[i];
		const char *v = c->other[i] ? c->other[i] : o->def;
		char lower[64];
		int other;
		if ((o->flags & KW_ALIAS) || !v || keyword_find(o->name, &other) != o)
			continue;
		lower_name(o->name, lower, sizeof lower);
		pr(fd, lower, v);
	}
}

static const char *pkopts_name(int o)
{
	if (o == (PKOPT_TOUCH_REQUIRED | PKOPT_VERIFY_REQUIRED))
		return "touch-required verify-required";
	return o == PKOPT_TOUCH_REQUIRED ? "touch-required" : o == PKOPT_VERIFY_REQUIRED ? "verify-required" : "none";
}

static const char *loglevel_name(const struct config *c)
{
	/* -d and -q change the level without a name */
	if (c->log_level_name)
		return c->log_level_name;
	for (size_t j = 0; loglevels[j].name; j++)
		if (loglevels[j].prio == c->log_level)
			return loglevels[j].name;
	return NULL;
}

/* the value kinds that are lists printed one line per entry, or a word
 * for an empty one (none: nothing, as sshd -T prints) */
static void print_lines(int fd, const char *lower, const struct strlist *l, const char *empty)
{
	for (int n = 0; n < l->n; n++)
		pr(fd, lower, l->v[n]);
	if (!l->n && empty)
		pr(fd, lower, empty);
}

static void print_one(const struct config *c, const struct keyword *k, const char *lower, int fd)
{
	/* OpenSSH prints prohibit-password by its older name */
	static const char *const root[] = {"no", "without-password", "forced-commands-only", "yes"};
	static const char *const fwd[] = {"no", "local", "remote", "yes"};
	const void *src = (const char *)c + k->off;
	const int *ip = src;

	switch (k->type) {
	case K_STR:
	case K_FACILITY:
		pr(fd, lower, *(char *const *)src);
		break;
	case K_KEYCREATE:
		pr(fd, lower, c->host_key_create ? c->host_key_create : "no");
		break;
	case K_USERENV:
		pr(fd, lower, c->permit_user_env ? c->permit_user_env : "no");
		break;
	case K_ALG:
		pr(fd, lower, alg_list(c, k->off));
		break;
	case K_INT:
	case K_TIME:
		dprintf(fd, "%s %d\n", lower, *ip);
		break;
	case K_BOOL:
		pr(fd, lower, *ip ? "yes" : "no");
		break;
	case K_PKOPTS:
		pr(fd, lower, pkopts_name(c->pubkey_auth_options));
		break;
	case K_AUTHMETHODS:
		pr(fd, lower, c->authentication_methods ? c->authentication_methods : "any");
		break;
	case K_PATLIST:
	case K_ENV:
		print_lines(fd, lower, src, NULL);
		break;
	case K_LIST:
		print_list(fd, lower, src, k->flags & KW_APPEND);
		break;
	case K_ROOT:
		pr(fd, lower, root[c->permit_root_login]);
		break;
	case K_FWD:
		pr(fd, lower, fwd[*ip & FWD_ALL]);
		break;
	case K_MODE:
		/* OpenSSH's "0%o": 022 and 0177 alike */
		dprintf(fd, "%s 0%o\n", lower, (unsigned)*ip);
		break;
	case K_COMP:
		pr(fd, lower, c->compression == COMP_PREAUTH ? "zlib" : c->compression ? "yes" : "no");
		break;
	case K_LOGLEVEL:
		if (loglevel_name(c))
			pr(fd, lower, loglevel_name(c));
		break;
	case K_REKEY:
		dprintf(fd, "%s %lld %d\n", lower, (long long)c->rekey_bytes, c->rekey_seconds);
		break;
	case K_SUBSYS:
		dprintf(fd, "subsystem sftp %s\n", c->sftp_server);
		break;
	case K_PERMIT:
	case K_CHANTIMEOUT:
		if (((const struct strlist *)src)->n)
			print_list(fd, lower, src, 0);
		else if (k->type == K_PERMIT)
			pr(fd, lower, "any");
		break;
	case K_TIMENONE:
		if (*ip)
			dprintf(fd, "%s %d\n", lower, *ip);
		else
			pr(fd, lower, "none");
		break;
	}
}

void config_print(const struct config *c, int fd)
{
	for (size_t i = 0; i < nkeywords; i++) {
		char lower[64];
		if (keywords[i].flags & KW_ALIAS)
			continue;
		lower_name(keywords[i].name, lower, sizeof lower);
		print_one(c, &keywords[i], lower, fd);
	}
	print_others(c, fd);
}
