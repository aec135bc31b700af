#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int namelist_has(const char *list, const char *name, size_t len)
{
	const char *p = list;
	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l == len && !memcmp(p, name, len))
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

/* appends each element of src not yet in dst */
static void merge(char *dst, size_t cap, const char *src)
{
	const char *p = src;
	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p), n = strlen(dst);
		if (l && !namelist_has(dst, p, l) && n + l + 2 < cap) {
			if (n)
				dst[n++] = ',';
			memcpy(dst + n, p, l);
			dst[n + l] = 0;
		}
		p = c ? c + 1 : NULL;
	}
}

static int check_supported(const char *names, const char *supported, int wildcards, char *err, size_t errlen)
{
	const char *p = names;
	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (!(wildcards && memchr(p, '*', l)) && !(wildcards && memchr(p, '?', l)) &&
		    !namelist_has(supported, p, l)) {
			snprintf(err, errlen, "unsupported algorithm '%.*s'", (int)l, p);
			return -1;
		}
		p = c ? c + 1 : NULL;
	}
	return 0;
}

static int matches_any(const char *name, size_t len, const char *patterns)
{
	char n[128], pat[128];
	const char *p = patterns;
	if (len >= sizeof n)
		return 0;
	memcpy(n, name, len);
	n[len] = 0;
	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l < sizeof pat) {
			memcpy(pat, p, l);
			pat[l] = 0;
			if (!fnmatch(pat, n, 0))
				return 1;
		}
		p = c ? c + 1 : NULL;
	}
	return 0;
}

char *alglist_apply(const char *defaults, const char *supported, const char *spec, char *err, size_t errlen)
{
	char out[4096] = "";
	if (!spec || !*spec)
		return strdup(defaults);
	switch (spec[0]) {
	case '+':
		if (check_supported(spec + 1, supported, 0, err, errlen) < 0)
			return NULL;
		merge(out, sizeof out, defaults);
		merge(out, sizeof out, spec + 1);
		break;
	case '^':
		if (check_supported(spec + 1, supported, 0, err, errlen) < 0)
			return NULL;
		merge(out, sizeof out, spec + 1);
		merge(out, sizeof out, defaults);
		break;
	case '-': {
		const char *p = defaults;
		if (check_supported(spec + 1, supported, 1, err, errlen) < 0)
			return NULL;
		while (p && *p) {
			const char *c = strchr(p, ',');
			size_t l = c ? (size_t)(c - p) : strlen(p), n = strlen(out);
			if (!matches_any(p, l, spec + 1) && n + l + 2 < sizeof out) {
				if (n)
					out[n++] = ',';
				memcpy(out + n, p, l);
				out[n + l] = 0;
			}
			p = c ? c + 1 : NULL;
		}
		break;
	}
	default:
		if (check_supported(spec, supported, 0, err, errlen) < 0)
			return NULL;
		merge(out, sizeof out, spec);
	}
	return strdup(out);
}
