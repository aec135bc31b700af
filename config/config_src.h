/* The Match blocks of a configuration as read: what config_match applies
 * per connection. The main section is applied while reading. */
#ifndef SSHL_CONFIG_SRC_H
#define SSHL_CONFIG_SRC_H

#include "config/config.h"

/* OpenSSH's limit on nested Include */
#define CONFIG_INCLUDE_DEPTH 16

struct src_block {
	char *criteria;  /* as written after "Match" */
	int parent;      /* the block whose Include read this one, or -1 */
	char *file;
	int lineno;
};

/* a line inside a Match block; lines are kept in file order, since the
 * first value obtained wins and an Include can interleave blocks */
struct src_line {
	char *text;
	int block;
	char *file;
	int lineno;
};

struct config_src {
	struct src_block *blocks;
	int nblocks;
	struct src_line *lines;
	int nlines;
};

void config_src_free(struct config_src *s);

/* config/match.c: 1 when criteria match ctx, 0 when not, -1 with a
 * message for a malformed criteria list or (ctx->test) a criterion -C did
 * not give. ctx NULL checks the syntax only (0 or -1). */
int match_criteria(const char *criteria, const struct match_ctx *ctx, char *err, size_t errlen);

#endif
