/* Reads Wycheproof-style JSON vector files through tests/vec.py, which
 * flattens each test (group fields merged in, nested keys joined with '.')
 * into one line of key=value pairs. */
#ifndef SSHL_VEC_H
#define SSHL_VEC_H

#include <stddef.h>
#include <stdint.h>

struct vec;

/* path relative to $VECTORS, e.g. "wycheproof/x25519_test.json";
 * NULL (and a message) when it cannot be read */
struct vec *vec_open(const char *relpath);
/* advances to the next test; 0 at the end */
int vec_next(struct vec *v);
/* the field's text, or NULL when absent */
const char *vec_str(struct vec *v, const char *key);
/* the field decoded from hex into a buffer owned by v (valid until the next
 * vec_next); NULL when absent or not hex */
const uint8_t *vec_hex(struct vec *v, const char *key, size_t *len);
/* 1 when the comma-separated field (e.g. "flags") contains item */
int vec_has(struct vec *v, const char *key, const char *item);
void vec_close(struct vec *v);

#endif
