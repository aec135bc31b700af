#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vec.h"

#define MAXF 64

struct vec {
	FILE *f;
	char *line;
	size_t cap;
	int n;
	char *key[MAXF];
	char *val[MAXF];
	uint8_t *hex[MAXF];
};

struct vec *vec_open(const char *relpath)
{
	const char *dir = getenv("VECTORS");
	const char *top = getenv("TOP");
	char cmd[4096];
	struct vec *v;
	if (!dir)
		dir = "tests/vectors";
	if (!top)
		top = ".";
	snprintf(cmd, sizeof cmd, "python3 '%s/tests/vec.py' '%s/%s'", top, dir, relpath);
	v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->f = popen(cmd, "r");
	if (!v->f) {
		free(v);
		return NULL;
	}
	return v;
}

static void clear(struct vec *v)
{
	for (int i = 0; i < v->n; i++) {
		free(v->hex[i]);
		v->hex[i] = NULL;
	}
	v->n = 0;
}

static void unquote(char *s)
{
	char *o = s;
	while (*s) {
		if (s[0] == '%' && s[1] && s[2]) {
			char h[3] = {s[1], s[2], 0};
			*o++ = (char)strtol(h, NULL, 16);
			s += 3;
		} else {
			*o++ = *s++;
		}
	}
	*o = 0;
}

int vec_next(struct vec *v)
{
	ssize_t r;
	char *p, *tok, *save = NULL;
	clear(v);
	r = getline(&v->line, &v->cap, v->f);
	if (r <= 0)
		return 0;
	if (v->line[r - 1] == '\n')
		v->line[r - 1] = 0;
	for (p = v->line; (tok = strtok_r(p, " ", &save)) && v->n < MAXF; p = NULL) {
		char *eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = 0;
		unquote(eq + 1);
		v->key[v->n] = tok;
		v->val[v->n] = eq + 1;
		v->n++;
	}
	return 1;
}

static int find(struct vec *v, const char *key)
{
	for (int i = 0; i < v->n; i++)
		if (!strcmp(v->key[i], key))
			return i;
	return -1;
}

const char *vec_str(struct vec *v, const char *key)
{
	int i = find(v, key);
	return i < 0 ? NULL : v->val[i];
}

const uint8_t *vec_hex(struct vec *v, const char *key, size_t *len)
{
	int i = find(v, key);
	size_t n, k;
	if (i < 0)
		return NULL;
	n = strlen(v->val[i]);
	if (n % 2)
		return NULL;
	free(v->hex[i]);
	v->hex[i] = malloc(n / 2 + 1);
	if (!v->hex[i])
		return NULL;
	for (k = 0; k < n / 2; k++) {
		unsigned x;
		if (sscanf(v->val[i] + 2 * k, "%2x", &x) != 1)
			return NULL;
		v->hex[i][k] = (uint8_t)x;
	}
	*len = n / 2;
	return v->hex[i];
}

int vec_has(struct vec *v, const char *key, const char *item)
{
	const char *s = vec_str(v, key);
	size_t n = strlen(item);
	while (s && *s) {
		const char *c = strchr(s, ',');
		size_t l = c ? (size_t)(c - s) : strlen(s);
		if (l == n && !strncmp(s, item, n))
			return 1;
		s = c ? c + 1 : NULL;
	}
	return 0;
}

void vec_close(struct vec *v)
{
	if (!v)
		return;
	clear(v);
	pclose(v->f);
	free(v->line);
	free(v);
}
