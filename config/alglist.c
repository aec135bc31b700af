#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "transport/namelist.h"

static int has(const char *list, const char *name, size_t len)
{
	return namelist_has(list, strlen(list), name, len);
}

/* appends each element of src not yet in dst */
static void merge(char *dst, size_t cap, const char *src)
{
	struct namelist it;
	const char *p;
	size_t l;
	namelist_init_str(&it, src);
	while (namelist_next(&it, &p, &l))
		if (l && !has(dst, p, l))
			namelist_append(dst, cap, p, l);
}

static int check_supported(const char *names, const char *supported, int wildcards, char *err, size_t errlen)
{
	struct namelist it;
	const char *p;
	size_t l;
	namelist_init_str(&it, names);
	while (namelist_next(&it, &p, &l)) {
		if (!(wildcards && memchr(p, '*', l)) && !(wildcards && memchr(p, '?', l)) &&
		    !has(supported, p, l)) {
			snprintf(err, errlen, "unsupported algorithm '%.*s'", (int)l, p);
			return -1;
		}
	}
	return 0;
}

static int matches_any(const char *name, size_t len, const char *patterns)
{
	char n[128], pat[128];
	struct namelist it;
	const char *p;
	size_t l;
	if (len >= sizeof n)
		return 0;
	memcpy(n, name, len);
	n[len] = 0;
	namelist_init_str(&it, patterns);
	while (namelist_next(&it, &p, &l)) {
		if (l < sizeof pat) {
			memcpy(pat, p, l);
			pat[l] = 0;
			if (!fnmatch(pat, n, 0))
				return 1;
		}
	}
	return 0;
}

char *alglist_apply(const char *defaults, const char *supported, const char *spec, char *err, size_t errlen)
{
	char out[4096] = "";
	struct namelist it;
	const char *p;
	size_t l;
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
	case '-':
		if (check_supported(spec + 1, supported, 1, err, errlen) < 0)
			return NULL;
		namelist_init_str(&it, defaults);
		while (namelist_next(&it, &p, &l))
			if (!matches_any(p, l, spec + 1))
				namelist_append(out, sizeof out, p, l);
		break;
	default:
		if (check_supported(spec, supported, 0, err, errlen) < 0)
			return NULL;
		merge(out, sizeof out, spec);
	}
	return strdup(out);
}
