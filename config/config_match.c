/* The configuration of one connection: the main section with the Match
 * blocks that hold for it applied over it, as OpenSSH's
 * parse_server_match_config and copy_set_server_options do. Which
 * keywords a Match block may set is the KW_MATCH flag of their rows
 * (keywords.h); nothing here knows a keyword. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/config_src.h"

int config_has_match(const struct config *c) { return c->src && c->src->nblocks > 0; }

/* which blocks hold: a block read by an Include inside another needs that
 * one to hold as well */
static int blocks_matching(const struct config_src *s, const struct match_ctx *ctx, char *ok, char *err,
			   size_t errlen)
{
	for (int b = 0; b < s->nblocks; b++) {
		char e2[256];
		int m = match_criteria(s->blocks[b].criteria, ctx, e2, sizeof e2);
		if (m < 0) {
			snprintf(err, errlen, "%s line %d: %s", s->blocks[b].file, s->blocks[b].lineno, e2);
			return -1;
		}
		ok[b] = (char)(m && (s->blocks[b].parent < 0 || ok[s->blocks[b].parent]));
	}
	return 0;
}

int config_match(const struct config *base, const struct match_ctx *ctx, struct config *out, char *err,
		 size_t errlen)
{
	const struct config_src *s = base->src;
	char *ok = NULL;
	config_copy(out, base);
	if (!config_has_match(base))
		return 0;
	if (!(ok = calloc((size_t)s->nblocks, 1)) || blocks_matching(s, ctx, ok, err, errlen) < 0) {
		if (!ok)
			snprintf(err, errlen, "out of memory");
		free(ok);
		return -1;
	}
	/* a new pass: the first value a matching block gives wins over the
	 * main section's */
	memset(out->seen, 0, sizeof out->seen);
	memset(out->seen_other, 0, sizeof out->seen_other);
	out->in_match = 1;
	for (int i = 0; i < s->nlines; i++) {
		char e2[512];
		if (!ok[s->lines[i].block])
			continue;
		if (config_set(out, s->lines[i].text, e2, sizeof e2) < 0) {
			snprintf(err, errlen, "%s line %d: %s", s->lines[i].file, s->lines[i].lineno, e2);
			free(ok);
			return -1;
		}
	}
	out->in_match = 0;
	free(ok);
	return out->names ? config_finish(out, out->names, err, errlen) : 0;
}

/* -C: comma-separated field=value pairs, as sshd -C takes them */
int match_ctx_parse(struct match_ctx *ctx, char *spec, char *err, size_t errlen)
{
	char *tok, *save;
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *v = strchr(tok, '=');
		if (!strcasecmp(tok, "invalid-user")) {
			ctx->invalid_user = 1;
			continue;
		}
		if (!v || !v[1]) {
			snprintf(err, errlen, "Invalid test mode specification %s", tok);
			return -1;
		}
		*v++ = 0;
		if (!strcasecmp(tok, "user"))
			ctx->user = v;
		else if (!strcasecmp(tok, "host"))
			ctx->host = v;
		else if (!strcasecmp(tok, "addr"))
			ctx->addr = v;
		else if (!strcasecmp(tok, "laddr"))
			ctx->laddr = v;
		else if (!strcasecmp(tok, "rdomain"))
			ctx->rdomain = v;
		else if (!strcasecmp(tok, "lport")) {
			char *end;
			long p = strtol(v, &end, 10);
			if (*end || p < 1 || p > 65535) {
				snprintf(err, errlen, "Invalid port '%s' in test mode specification", v);
				return -1;
			}
			ctx->lport = (int)p;
		} else {
			snprintf(err, errlen, "Invalid test mode specification %s", tok);
			return -1;
		}
	}
	if (ctx->user && !ctx->invalid_user && !getpwnam(ctx->user))
		ctx->invalid_user = 1;
	return 0;
}
