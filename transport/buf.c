#include <stdlib.h>
#include <string.h>

#include "buf.h"

void rd_init(struct rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
}

size_t rd_left(const struct rd *r) { return r->len - r->off; }

int rd_bytes(struct rd *r, size_t n, const uint8_t **p)
{
	if (rd_left(r) < n)
		return SSH_ERR_SHORT;
	if (p)
		*p = r->p + r->off;
	r->off += n;
	return SSH_OK;
}

int rd_u8(struct rd *r, uint8_t *v)
{
	const uint8_t *p;
	int e = rd_bytes(r, 1, &p);
	if (e == SSH_OK && v)
		*v = p[0];
	return e;
}

int rd_bool(struct rd *r, int *v)
{
	uint8_t b;
	int e = rd_u8(r, &b);
	if (e == SSH_OK && v)
		*v = b != 0;
	return e;
}

int rd_u32(struct rd *r, uint32_t *v)
{
	const uint8_t *p;
	int e = rd_bytes(r, 4, &p);
	if (e == SSH_OK && v)
		*v = get_u32(p);
	return e;
}

int rd_u64(struct rd *r, uint64_t *v)
{
	const uint8_t *p;
	int e = rd_bytes(r, 8, &p);
	if (e == SSH_OK && v)
		*v = get_u64(p);
	return e;
}

int rd_string(struct rd *r, const uint8_t **p, size_t *len)
{
	uint32_t n;
	size_t save = r->off;
	int e = rd_u32(r, &n);
	if (e == SSH_OK)
		e = rd_bytes(r, n, p);
	if (e != SSH_OK) {
		r->off = save;
		return e;
	}
	if (len)
		*len = n;
	return SSH_OK;
}

int rd_text(struct rd *r, const uint8_t **p, size_t *len)
{
	const uint8_t *s;
	size_t n;
	size_t save = r->off;
	int e = rd_string(r, &s, &n);
	if (e != SSH_OK)
		return e;
	if (memchr(s, 0, n)) {
		r->off = save;
		return SSH_ERR_FORMAT;
	}
	if (p)
		*p = s;
	if (len)
		*len = n;
	return SSH_OK;
}

int rd_namelist(struct rd *r, const uint8_t **p, size_t *len)
{
	const uint8_t *s;
	size_t n, i;
	size_t save = r->off;
	int e = rd_string(r, &s, &n);
	if (e != SSH_OK)
		return e;
	for (i = 0; i < n; i++) {
		/* printable US-ASCII; no empty names */
		if (s[i] <= 0x20 || s[i] >= 0x7f ||
		    (s[i] == ',' && (i == 0 || i == n - 1 || s[i - 1] == ','))) {
			r->off = save;
			return SSH_ERR_FORMAT;
		}
	}
	if (p)
		*p = s;
	if (len)
		*len = n;
	return SSH_OK;
}

int rd_mpint(struct rd *r, size_t maxlen, const uint8_t **p, size_t *len)
{
	const uint8_t *s;
	size_t n;
	size_t save = r->off;
	int e = rd_string(r, &s, &n);
	if (e != SSH_OK)
		return e;
	e = SSH_ERR_FORMAT;
	if (n > 0 && (s[0] & 0x80))
		goto bad; /* negative */
	if (n > 0 && s[0] == 0 && (n == 1 || !(s[1] & 0x80)))
		goto bad; /* not minimal; zero is the empty string */
	if (n > 0 && s[0] == 0) {
		s++;
		n--;
	}
	if (n > maxlen) {
		e = SSH_ERR_TOOBIG;
		goto bad;
	}
	if (p)
		*p = s;
	if (len)
		*len = n;
	return SSH_OK;
bad:
	r->off = save;
	return e;
}

int rd_sub(struct rd *r, struct rd *sub)
{
	const uint8_t *s;
	size_t n;
	int e = rd_string(r, &s, &n);
	if (e == SSH_OK)
		rd_init(sub, s, n);
	return e;
}

int rd_end(const struct rd *r) { return rd_left(r) ? SSH_ERR_FORMAT : SSH_OK; }

void buf_init(struct buf *b, size_t max)
{
	b->d = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : BUF_MAX_DEFAULT;
	b->err = SSH_OK;
}

void buf_free(struct buf *b)
{
	buf_free_used(b, b->cap);
}

void buf_free_used(struct buf *b, size_t used)
{
	if (b->d) {
		if (used < b->len)
			used = b->len;
		wipe(b->d, used < b->cap ? used : b->cap);
		free(b->d);
	}
	b->d = NULL;
	b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = SSH_OK;
}

int buf_grow(struct buf *b, size_t n)
{
	size_t max = b->max ? b->max : BUF_MAX_DEFAULT;
	size_t need, cap;
	uint8_t *d;

	if (n > max || b->len > max - n)
		return b->err = SSH_ERR_TOOBIG;
	need = b->len + n;
	/* an empty buffer gets memory even for n == 0: NULL + 0 is undefined */
	if (need <= b->cap && b->d)
		return SSH_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > max / 2 ? max : cap * 2;
	/* realloc would leave old copies of secrets behind; copy and wipe */
	d = malloc(cap);
	if (!d)
		return b->err = SSH_ERR_ALLOC;
	if (b->d) {
		memcpy(d, b->d, b->len);
		wipe(b->d, b->cap);
		free(b->d);
	}
	b->d = d;
	b->cap = cap;
	return SSH_OK;
}

int buf_reserve(struct buf *b, size_t n, uint8_t **p)
{
	int e = buf_grow(b, n);
	if (e != SSH_OK)
		return e;
	if (p)
		*p = b->d + b->len;
	b->len += n;
	return SSH_OK;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->d, b->d + n, b->len - n);
	b->len -= n;
}

int buf_put(struct buf *b, const void *p, size_t n)
{
	uint8_t *d;
	int e = buf_reserve(b, n, &d);
	if (e == SSH_OK && n)
		memcpy(d, p, n);
	return e;
}

int buf_u8(struct buf *b, uint8_t v) { return buf_put(b, &v, 1); }
int buf_bool(struct buf *b, int v) { return buf_u8(b, v ? 1 : 0); }

int buf_u32(struct buf *b, uint32_t v)
{
	uint8_t *d;
	int e = buf_reserve(b, 4, &d);
	if (e == SSH_OK)
		put_u32(d, v);
	return e;
}

int buf_u64(struct buf *b, uint64_t v)
{
	uint8_t *d;
	int e = buf_reserve(b, 8, &d);
	if (e == SSH_OK)
		put_u64(d, v);
	return e;
}

int buf_string(struct buf *b, const void *p, size_t n)
{
	int e;
	if (n > 0xffffffffu)
		return b->err = SSH_ERR_TOOBIG;
	e = buf_grow(b, 4 + n);
	if (e == SSH_OK)
		e = buf_u32(b, (uint32_t)n);
	if (e == SSH_OK)
		e = buf_put(b, p, n);
	return e;
}

int buf_cstring(struct buf *b, const char *s) { return buf_string(b, s, strlen(s)); }

int buf_mpint(struct buf *b, const uint8_t *p, size_t n)
{
	uint8_t *d;
	int pad, e;
	while (n > 0 && p[0] == 0) {
		p++;
		n--;
	}
	pad = n > 0 && (p[0] & 0x80);
	e = buf_u32(b, (uint32_t)(n + pad));
	if (e == SSH_OK)
		e = buf_reserve(b, n + pad, &d);
	if (e != SSH_OK)
		return e;
	if (pad)
		*d++ = 0;
	if (n)
		memcpy(d, p, n);
	return SSH_OK;
}

int buf_string_begin(struct buf *b, size_t *mark)
{
	*mark = b->len;
	return buf_u32(b, 0);
}

void buf_string_end(struct buf *b, size_t mark)
{
	put_u32(b->d + mark, (uint32_t)(b->len - mark - 4));
}

void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)(v >> 32));
	put_u32(p + 4, (uint32_t)v);
}

uint64_t get_u64(const uint8_t *p) { return (uint64_t)get_u32(p) << 32 | get_u32(p + 4); }

void wipe(void *p, size_t n)
{
	/* glibc's explicit_bzero is word-wide and never optimised away */
	if (n)
		explicit_bzero(p, n);
}

int ct_eq(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;
	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
