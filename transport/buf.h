/* Wire encoding (RFC 4251 5). Reading goes through a cursor whose getters
 * return an error code and never read past the end; writing appends to a
 * growable buffer with a hard cap. Strings are returned as pointers into the
 * input, never copied, so parsing allocates nothing. */
#ifndef SSHL_BUF_H
#define SSHL_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct rd {
	const uint8_t *p;
	size_t len;
	size_t off;
};

void rd_init(struct rd *r, const void *p, size_t len);
size_t rd_left(const struct rd *r);
int rd_u8(struct rd *r, uint8_t *v);
int rd_bool(struct rd *r, int *v);
int rd_u32(struct rd *r, uint32_t *v);
int rd_u64(struct rd *r, uint64_t *v);
/* n raw bytes */
int rd_bytes(struct rd *r, size_t n, const uint8_t **p);
/* uint32 length + bytes */
int rd_string(struct rd *r, const uint8_t **p, size_t *len);
/* a string that must hold no NUL byte (names, user names) */
int rd_text(struct rd *r, const uint8_t **p, size_t *len);
/* a name-list: ASCII names separated by commas, none empty (RFC 4251 5) */
int rd_namelist(struct rd *r, const uint8_t **p, size_t *len);
/* a non-negative mpint in minimal form; returns the magnitude, leading
 * zero stripped, at most maxlen bytes */
int rd_mpint(struct rd *r, size_t maxlen, const uint8_t **p, size_t *len);
/* a nested string as a cursor of its own */
int rd_sub(struct rd *r, struct rd *sub);
/* SSH_OK when nothing is left, SSH_ERR_FORMAT otherwise */
int rd_end(const struct rd *r);

struct buf {
	uint8_t *d;
	size_t len;
	size_t cap;
	size_t max; /* 0 means BUF_MAX_DEFAULT */
	int err;    /* first failure of a write, kept so a message can be built
		     * without checking every call and refused once at the end */
};

#define BUF_MAX_DEFAULT (64u * 1024 * 1024)

void buf_init(struct buf *b, size_t max);
/* wipes the contents before releasing them */
void buf_free(struct buf *b);
/* buf_free for a buffer whose bytes past `used` (and past its length)
 * were never written: only those are wiped, so untouched pages of a large
 * one stay untouched */
void buf_free_used(struct buf *b, size_t used);
/* empties the buffer, keeping its memory */
void buf_reset(struct buf *b);
/* makes room for n more bytes and returns where they go; len grows by n */
int buf_reserve(struct buf *b, size_t n, uint8_t **p);
/* ensures capacity for n more bytes without changing len */
int buf_grow(struct buf *b, size_t n);
/* drops n bytes from the front */
void buf_consume(struct buf *b, size_t n);
int buf_put(struct buf *b, const void *p, size_t n);
int buf_u8(struct buf *b, uint8_t v);
int buf_bool(struct buf *b, int v);
int buf_u32(struct buf *b, uint32_t v);
int buf_u64(struct buf *b, uint64_t v);
int buf_string(struct buf *b, const void *p, size_t n);
int buf_cstring(struct buf *b, const char *s);
/* an mpint from a big-endian unsigned magnitude */
int buf_mpint(struct buf *b, const uint8_t *p, size_t n);
/* starts a string whose length is filled in by buf_string_end */
int buf_string_begin(struct buf *b, size_t *mark);
void buf_string_end(struct buf *b, size_t mark);

void put_u32(uint8_t *p, uint32_t v);
uint32_t get_u32(const uint8_t *p);
void put_u64(uint8_t *p, uint64_t v);
uint64_t get_u64(const uint8_t *p);

/* clears memory in a way the compiler cannot drop */
void wipe(void *p, size_t n);
/* 1 when equal; time depends only on n */
int ct_eq(const void *a, const void *b, size_t n);

#endif
