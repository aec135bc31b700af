/* Reading an sshd_config: the main section goes into struct config as it
 * is read (config_set), Match blocks are checked and kept for
 * config_match, Include reads other files in place (globs, paths relative
 * to /etc/ssh, nested up to CONFIG_INCLUDE_DEPTH, loops refused). */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config/config.h"
#include "config/config_src.h"
#include "config/keywords.h"

#ifndef SSHDIR
#define SSHDIR "/etc/ssh"
#endif

struct reader {
	struct config *c;
	struct config_src *src;
	char *err;
	size_t errlen;
	char *stack[CONFIG_INCLUDE_DEPTH + 1]; /* real paths of the files being read */
	int depth;
};

void config_src_free(struct config_src *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nblocks; i++) {
		free(s->blocks[i].criteria);
		free(s->blocks[i].file);
	}
	for (int i = 0; i < s->nlines; i++) {
		free(s->lines[i].text);
		free(s->lines[i].file);
	}
	free(s->blocks);
	free(s->lines);
	free(s);
}

static int add_block(struct config_src *s, const char *criteria, int parent, const char *file, int lineno)
{
	struct src_block *b = realloc(s->blocks, (size_t)(s->nblocks + 1) * sizeof *b);
	if (!b)
		return -1;
	s->blocks = b;
	b[s->nblocks] = (struct src_block){strdup(criteria), parent, strdup(file), lineno};
	return s->nblocks++;
}

static int add_line(struct config_src *s, const char *text, int block, const char *file, int lineno)
{
	struct src_line *l = realloc(s->lines, (size_t)(s->nlines + 1) * sizeof *l);
	if (!l)
		return -1;
	s->lines = l;
	l[s->nlines++] = (struct src_line){strdup(text), block, strdup(file), lineno};
	return 0;
}

/* a line of a Match block: the keyword must be allowed there and the value
 * well-formed, as OpenSSH checks them at start-up; tried on a scratch
 * configuration */
static int check_match_line(const char *line, char *err, size_t errlen)
{
	/* on the heap: 26 KB of stack written once stays in the monitor, and
	 * in every process forked from it, for the whole session */
	struct config *t = malloc(sizeof *t);
	int rc;
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	config_defaults(t);
	t->in_match = 1;
	rc = config_set(t, line, err, errlen);
	config_free(t);
	free(t);
	return rc;
}

static int read_file(struct reader *r, const char *path, int block);

/* Include's arguments: each a glob, relative ones under /etc/ssh; no
 * match is not an error (a .d directory may be empty) */
static int include(struct reader *r, char *args, int block, const char *file, int lineno)
{
	char *tok, *save, pat[PATH_MAX];
	int any = 0;
	for (tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		glob_t g;
		int rc;
		any = 1;
		if (snprintf(pat, sizeof pat, "%s%s", tok[0] == '/' ? "" : SSHDIR "/", tok) >= (int)sizeof pat) {
			snprintf(r->err, r->errlen, "%s line %d: Include path too long", file, lineno);
			return -1;
		}
		rc = glob(pat, 0, NULL, &g);
		if (rc == GLOB_NOMATCH)
			continue;
		if (rc != 0) {
			snprintf(r->err, r->errlen, "%s line %d: Include %s: glob failed", file, lineno, tok);
			return -1;
		}
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (read_file(r, g.gl_pathv[i], block) < 0) {
				globfree(&g);
				return -1;
			}
		globfree(&g);
	}
	if (!any) {
		snprintf(r->err, r->errlen, "%s line %d: Include: missing argument", file, lineno);
		return -1;
	}
	return 0;
}

/* one line; *block is the Match block lines now belong to (-1: main) */
static int one_line(struct reader *r, char *p, int file_block, int *block, const char *path, int lineno)
{
	char e2[512], *kw;
	size_t kwlen;
	char *args = config_line_split(p, &kw, &kwlen);
	if (kwlen == 5 && !strncasecmp(kw, "match", 5)) {
		if (match_criteria(args, NULL, e2, sizeof e2) < 0) {
			snprintf(r->err, r->errlen, "%s line %d: %s", path, lineno, e2);
			return -1;
		}
		/* a Match ends the block before it; one in an included file
		 * lasts to that file's end and needs the includer's too */
		*block = add_block(r->src, args, file_block, path, lineno);
		return *block < 0 ? -1 : 0;
	}
	if (kwlen == 7 && !strncasecmp(kw, "include", 7))
		return include(r, args, *block, path, lineno);
	if (*block < 0 ? config_set(r->c, p, e2, sizeof e2) : check_match_line(p, e2, sizeof e2)) {
		snprintf(r->err, r->errlen, "%s line %d: %s", path, lineno, e2);
		return -1;
	}
	return *block < 0 ? 0 : add_line(r->src, p, *block, path, lineno);
}

static int enter(struct reader *r, const char *path)
{
	/* loops are found by the real path; a file without one (a memfd)
	 * goes by its name, and fopen says what is wrong with it */
	char *real = realpath(path, NULL);
	if (!real && !(real = strdup(path))) {
		snprintf(r->err, r->errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < r->depth; i++)
		if (!strcmp(r->stack[i], real)) {
			snprintf(r->err, r->errlen, "%s: Include loop: the file includes itself (through %s)", path,
				 r->depth > 0 ? r->stack[r->depth - 1] : path);
			free(real);
			return -1;
		}
	if (r->depth > CONFIG_INCLUDE_DEPTH) {
		snprintf(r->err, r->errlen, "%s: Include nested too deeply (more than %d levels)", path,
			 CONFIG_INCLUDE_DEPTH);
		free(real);
		return -1;
	}
	r->stack[r->depth++] = real;
	return 0;
}

static int read_file(struct reader *r, const char *path, int block)
{
	char line[4096];
	int lineno = 0, cur = block, rc = 0;
	struct stat st;
	FILE *f;
	if (enter(r, path) < 0)
		return -1;
	if (!(f = fopen(path, "r"))) {
		snprintf(r->err, r->errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	} else if (fstat(fileno(f), &st) != 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
		/* a FIFO would block; a character device is what -f /dev/null
		 * (an empty configuration, which sshd takes) names */
		snprintf(r->err, r->errlen, "%s: not a regular file", path);
		rc = -1;
	}
	while (rc == 0 && fgets(line, sizeof line, f)) {
		char *p = line;
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(r->err, r->errlen, "%s line %d: line too long", path, lineno);
			rc = -1;
			break;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (*p && *p != '#')
			rc = one_line(r, p, block, &cur, path, lineno);
	}
	if (f)
		fclose(f);
	free(r->stack[--r->depth]);
	return rc;
}

int config_read_file(struct config *c, const char *path, char *err, size_t errlen)
{
	struct reader r = {.c = c, .err = err, .errlen = errlen};
	if (!c->src) {
		c->src = calloc(1, sizeof *c->src);
		if (!c->src) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		c->src_owner = 1;
	}
	r.src = c->src;
	return read_file(&r, path, -1);
}
