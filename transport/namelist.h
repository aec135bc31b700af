/* Names and comma-separated name-lists (RFC 4251 5), as the wire carries
 * them (bytes and a length) and as the configuration holds them (C
 * strings): one equality test and one iterator, used by every layer. */
#ifndef SSHL_NAMELIST_H
#define SSHL_NAMELIST_H

#include <stddef.h>

/* 1 when the len bytes at p are exactly the C string name */
int name_eq(const char *name, const void *p, size_t len);
/* the same for two names given as bytes and lengths (neither need end in
 * a NUL): the one place names are compared */
int name_eq_bytes(const void *a, size_t alen, const void *b, size_t blen);

/* A cursor over a name-list. Elements are what lies between commas; an
 * empty list has none and a trailing comma adds none, so "a,,b" yields
 * "a", "" and "b" (rd_namelist already refuses empty names on the wire).
 *   struct namelist it;
 *   namelist_init(&it, list, len);
 *   while (namelist_next(&it, &name, &n)) ... */
struct namelist {
	const char *p;
	size_t len, off;
};

void namelist_init(struct namelist *it, const void *list, size_t len);
/* the same over a C string; NULL is an empty list */
void namelist_init_str(struct namelist *it, const char *list);
/* the next element and its length; 0 after the last */
int namelist_next(struct namelist *it, const char **name, size_t *len);

/* 1 when name (len bytes) is an element of the list */
int namelist_has(const void *list, size_t listlen, const void *name, size_t len);
/* the length of the list's first element */
size_t namelist_first(const void *list, size_t len);
/* appends name (len bytes) to the C string list of capacity cap, after a
 * comma unless the list is empty; 0 (and nothing appended) when it would
 * not fit */
int namelist_append(char *list, size_t cap, const void *name, size_t len);

#endif
