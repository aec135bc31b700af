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

void config_print(const struct config *c, int fd)
{
	/* OpenSSH prints prohibit-password by its older name */
	static const char *const root[] = {"no", "without-password", "forced-commands-only", "yes"};
	static const char *const fwd[] = {"no", "local", "remote", "yes"};
	for (size_t i = 0; i < nkeywords; i++) {
		const struct keyword *k = &keywords[i];
		const void *src = (const char *)c + k->off;
		char lower[64];
		size_t j;
		if (k->flags & KW_ALIAS)
			continue;
		lower_name(k->name, lower, sizeof lower);
		switch (k->type) {
		case K_STR:
		case K_FACILITY:
			pr(fd, lower, *(char *const *)src);
			break;
		case K_KEYCREATE:
			pr(fd, lower, c->host_key_create ? c->host_key_create : "no");
			break;
		case K_ALG:
			pr(fd, lower, alg_list(c, k->off));
			break;
		case K_INT:
		case K_TIME:
			dprintf(fd, "%s %d\n", lower, *(const int *)src);
			break;
		case K_BOOL:
			pr(fd, lower, *(const int *)src ? "yes" : "no");
			break;
		case K_LIST:
			print_list(fd, lower, src, k->flags & KW_APPEND);
			break;
		case K_ROOT:
			pr(fd, lower, root[c->permit_root_login]);
			break;
		case K_FWD:
			pr(fd, lower, fwd[*(const int *)src & FWD_ALL]);
			break;
		case K_MODE:
			dprintf(fd, "%s %04o\n", lower, (unsigned)*(const int *)src);
			break;
		case K_COMP:
			pr(fd, lower, c->compression == COMP_PREAUTH ? "zlib" : c->compression ? "yes" : "no");
			break;
		case K_LOGLEVEL:
			/* -d and -q change the level without a name */
			if (c->log_level_name) {
				pr(fd, lower, c->log_level_name);
				break;
			}
			for (j = 0; loglevels[j].name; j++)
				if (loglevels[j].prio == c->log_level) {
					pr(fd, lower, loglevels[j].name);
					break;
				}
			break;
		case K_REKEY:
			dprintf(fd, "%s %lld %d\n", lower, (long long)c->rekey_bytes, c->rekey_seconds);
			break;
		case K_SUBSYS:
			dprintf(fd, "subsystem sftp %s\n", c->sftp_server);
			break;
		}
	}
	print_others(c, fd);
}
