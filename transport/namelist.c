#include <string.h>

#include "namelist.h"

int name_eq_bytes(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

int name_eq(const char *name, const void *p, size_t len) { return name_eq_bytes(name, strlen(name), p, len); }

void namelist_init(struct namelist *it, const void *list, size_t len)
{
	it->p = list;
	it->len = list ? len : 0;
	it->off = 0;
}

void namelist_init_str(struct namelist *it, const char *list)
{
	namelist_init(it, list, list ? strlen(list) : 0);
}

int namelist_next(struct namelist *it, const char **name, size_t *len)
{
	const char *s, *comma;
	if (it->off >= it->len)
		return 0;
	s = it->p + it->off;
	comma = memchr(s, ',', it->len - it->off);
	*name = s;
	*len = comma ? (size_t)(comma - s) : it->len - it->off;
	it->off += *len + 1;
	return 1;
}

int namelist_has(const void *list, size_t listlen, const void *name, size_t len)
{
	struct namelist it;
	const char *s;
	size_t n;
	namelist_init(&it, list, listlen);
	while (namelist_next(&it, &s, &n))
		if (name_eq_bytes(s, n, name, len))
			return 1;
	return 0;
}

int namelist_append(char *list, size_t cap, const void *name, size_t len)
{
	size_t n = strlen(list);
	if (n + len + 2 > cap)
		return 0;
	if (n)
		list[n++] = ',';
	memcpy(list + n, name, len);
	list[n + len] = 0;
	return 1;
}

size_t namelist_first(const void *list, size_t len)
{
	const char *comma = memchr(list, ',', len);
	return comma ? (size_t)(comma - (const char *)list) : len;
}
