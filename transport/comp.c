#include <stdlib.h>
#include <string.h>

#include "comp.h"
#include "crypto.h"
#include "namelist.h"

static const struct compression c_none = {"none", 0, 0};
static const struct compression c_zlib_openssh = {"zlib@openssh.com", 1, 1};
static const struct compression c_zlib = {"zlib", 1, 0};

const struct compression *const compressions[] = {&c_none, &c_zlib_openssh, &c_zlib, NULL};

const struct compression *comp_find(const char *name, size_t len)
{
	for (int i = 0; compressions[i]; i++)
		if (name_eq(compressions[i]->name, name, len))
			return compressions[i];
	return NULL;
}

/* zlib's window and tables hold recent plaintext (with plain zlib before
 * authentication, a password): every block it frees is wiped first, so its
 * size is kept in front of it. */
union zhdr {
	size_t n;
	max_align_t align;
};

static voidpf zalloc_wiped(voidpf opaque, uInt items, uInt size)
{
	union zhdr *h;
	(void)opaque;
	if (size && items > (SIZE_MAX - sizeof *h) / size)
		return Z_NULL;
	if (!(h = malloc(sizeof *h + (size_t)items * size)))
		return Z_NULL;
	h->n = (size_t)items * size;
	return h + 1;
}

static void zfree_wiped(voidpf opaque, voidpf p)
{
	union zhdr *h;
	(void)opaque;
	if (!p)
		return;
	h = (union zhdr *)p - 1;
	wipe(h, sizeof *h + h->n);
	free(h);
}

int comp_start(struct zstate *s, int deflating)
{
	int r;
	memset(&s->z, 0, sizeof s->z);
	s->z.zalloc = zalloc_wiped;
	s->z.zfree = zfree_wiped;
	s->deflating = deflating;
	r = deflating ? deflateInit(&s->z, Z_DEFAULT_COMPRESSION) : inflateInit(&s->z);
	if (r != Z_OK)
		return SSH_ERR_COMP;
	s->active = 1;
	return SSH_OK;
}

void comp_end(struct zstate *s)
{
	if (!s->active)
		return;
	if (s->deflating)
		deflateEnd(&s->z);
	else
		inflateEnd(&s->z);
	s->active = 0;
}

int comp_deflate(struct zstate *s, const uint8_t *p, size_t n, struct buf *out)
{
	int e;
	s->z.next_in = (Bytef *)p;
	s->z.avail_in = (uInt)n;
	do {
		uint8_t *d;
		size_t room = 4096;
		e = buf_grow(out, room);
		if (e != SSH_OK)
			return e;
		d = out->d + out->len;
		s->z.next_out = d;
		s->z.avail_out = (uInt)room;
		if (deflate(&s->z, Z_PARTIAL_FLUSH) != Z_OK)
			return SSH_ERR_COMP;
		out->len += room - s->z.avail_out;
	} while (s->z.avail_out == 0);
	return SSH_OK;
}

int comp_inflate(struct zstate *s, const uint8_t *p, size_t n, struct buf *out, size_t max)
{
	size_t start = out->len;
	s->z.next_in = (Bytef *)p;
	s->z.avail_in = (uInt)n;
	for (;;) {
		size_t room = 8192;
		int r, e = buf_grow(out, room);
		if (e != SSH_OK)
			return e;
		s->z.next_out = out->d + out->len;
		s->z.avail_out = (uInt)room;
		r = inflate(&s->z, Z_SYNC_FLUSH);
		out->len += room - s->z.avail_out;
		if (out->len - start > max)
			return SSH_ERR_COMP;
		if (r == Z_BUF_ERROR && s->z.avail_in == 0)
			return SSH_OK; /* everything consumed */
		if (r != Z_OK)
			return SSH_ERR_COMP;
		if (s->z.avail_in == 0 && s->z.avail_out != 0)
			return SSH_OK;
	}
}
