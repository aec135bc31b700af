#include <string.h>

#include "base64.h"

#define PEM_COLS 70

/* Character <-> value mappings are computed with masks instead of table
 * lookups or branches on the data, because key files are secret and a
 * table indexed by secret bytes leaks through the cache. A mask
 * ((lo - c) & (c - hi)) >> 8 is all ones exactly when lo < c < hi. */
static int b64val(unsigned char ch)
{
	int c = ch, v = -1;
	v += (((0x40 - c) & (c - 0x5b)) >> 8) & (c - 64); /* A-Z */
	v += (((0x60 - c) & (c - 0x7b)) >> 8) & (c - 70); /* a-z */
	v += (((0x2f - c) & (c - 0x3a)) >> 8) & (c + 5);  /* 0-9 */
	v += (((0x2a - c) & (c - 0x2c)) >> 8) & 63;       /* + */
	v += (((0x2e - c) & (c - 0x30)) >> 8) & 64;       /* / */
	return v;
}

static char b64chr(unsigned v)
{
	int d = (int)v, c = d + 'A';
	c += ((25 - d) >> 8) & 6;  /* past Z: continue at a */
	c -= ((51 - d) >> 8) & 75; /* past z: continue at 0 */
	c -= ((61 - d) >> 8) & 15; /* 62: + */
	c += ((62 - d) >> 8) & 3;  /* 63: / */
	return (char)c;
}

int b64_encode(const uint8_t *p, size_t n, int pad, struct buf *out)
{
	size_t i;
	int e = buf_grow(out, (n + 2) / 3 * 4);
	for (i = 0; e == SSH_OK && i < n; i += 3) {
		size_t k = n - i < 3 ? n - i : 3;
		uint32_t x = (uint32_t)p[i] << 16;
		char q[4];
		if (k > 1)
			x |= (uint32_t)p[i + 1] << 8;
		if (k > 2)
			x |= p[i + 2];
		q[0] = b64chr(x >> 18);
		q[1] = b64chr(x >> 12 & 63);
		q[2] = k > 1 ? b64chr(x >> 6 & 63) : '=';
		q[3] = k > 2 ? b64chr(x & 63) : '=';
		e = buf_put(out, q, pad ? 4 : k + 1);
		wipe(q, sizeof q);
		x = 0;
	}
	return e;
}

/* One group of four characters; *last is set when it carries padding,
 * which may only end the input. */
static int quad(const char q[4], struct buf *out, int *last)
{
	int n = 3, v0, v1, v2, v3, e;
	uint32_t x;
	uint8_t b[3];

	if (q[3] == '=') {
		n = q[2] == '=' ? 1 : 2;
		*last = 1;
	}
	v0 = b64val((unsigned char)q[0]);
	v1 = b64val((unsigned char)q[1]);
	v2 = n > 1 ? b64val((unsigned char)q[2]) : 0;
	v3 = n > 2 ? b64val((unsigned char)q[3]) : 0;
	if ((v0 | v1 | v2 | v3) < 0)
		return SSH_ERR_FORMAT;
	x = (uint32_t)v0 << 18 | (uint32_t)v1 << 12 | (uint32_t)v2 << 6 | (uint32_t)v3;
	/* bits beyond the last byte must be zero: one encoding per value */
	if ((n == 1 && (x & 0xffff)) || (n == 2 && (x & 0xff)))
		return SSH_ERR_FORMAT;
	b[0] = (uint8_t)(x >> 16);
	b[1] = (uint8_t)(x >> 8);
	b[2] = (uint8_t)x;
	e = buf_put(out, b, (size_t)n);
	wipe(b, sizeof b);
	return e;
}

/* lines=1 skips line breaks, as PEM bodies have them */
static int decode(const char *s, size_t n, int lines, struct buf *out)
{
	char q[4];
	size_t i, k = 0;
	int last = 0, e = buf_grow(out, n / 4 * 3);

	for (i = 0; e == SSH_OK && i < n; i++) {
		if (lines && (s[i] == '\n' || s[i] == '\r'))
			continue;
		if (last) {
			e = SSH_ERR_FORMAT;
			break;
		}
		q[k++] = s[i];
		if (k == 4) {
			k = 0;
			e = quad(q, out, &last);
		}
	}
	wipe(q, sizeof q);
	if (e == SSH_OK && k != 0)
		e = SSH_ERR_FORMAT;
	return e;
}

int b64_decode(const char *s, size_t n, struct buf *out) { return decode(s, n, 0, out); }

/* The line at *pos without its "\n" or "\r\n"; 0 when none is left. */
static int next_line(const uint8_t *t, size_t len, size_t *pos, const char **line, size_t *ll)
{
	const uint8_t *nl;
	size_t n;
	if (*pos >= len)
		return 0;
	nl = memchr(t + *pos, '\n', len - *pos);
	n = nl ? (size_t)(nl - (t + *pos)) : len - *pos;
	*line = (const char *)t + *pos;
	*pos += n + (nl ? 1 : 0);
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*ll = n;
	return 1;
}

static int starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && !memcmp(s, prefix, k);
}

/* An armor line "-----BEGIN label-----" (or END); sets the label. */
static int armor_line(const char *s, size_t n, const char *kind, const char **label, size_t *ll)
{
	size_t k = strlen(kind);
	if (n < k + 5 || memcmp(s, kind, k) || memcmp(s + n - 5, "-----", 5))
		return 0;
	*label = s + k;
	*ll = n - k - 5;
	return 1;
}

static int contains(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word), i;
	for (i = 0; i + k <= n; i++)
		if (!memcmp(s + i, word, k))
			return 1;
	return 0;
}

int pem_decode(const uint8_t *text, size_t len, const char **label, size_t *labellen,
	       struct buf *out, size_t *used)
{
	size_t pos = 0, body, end, ll, el;
	const char *line, *lab = NULL, *endlab;

	while (!lab && next_line(text, len, &pos, &line, &ll))
		if (!armor_line(line, ll, "-----BEGIN ", &lab, labellen))
			lab = NULL;
	if (!lab)
		return SSH_ERR_FORMAT;
	/* RFC 1421 headers end at an empty line; they only appear on the
	 * legacy encrypted PEM form */
	body = pos;
	if (next_line(text, len, &pos, &line, &ll) && memchr(line, ':', ll)) {
		do {
			if (starts(line, ll, "Proc-Type:") && contains(line, ll, "ENCRYPTED"))
				return SSH_ERR_ENCRYPTED;
		} while (next_line(text, len, &pos, &line, &ll) && ll > 0);
		body = pos;
	}
	pos = body;
	for (;;) {
		end = pos;
		if (!next_line(text, len, &pos, &line, &ll))
			return SSH_ERR_FORMAT;
		if (armor_line(line, ll, "-----END ", &endlab, &el))
			break;
	}
	if (el != *labellen || memcmp(endlab, lab, el))
		return SSH_ERR_FORMAT;
	*label = lab;
	if (used)
		*used = pos;
	return decode((const char *)text + body, end - body, 1, out);
}

int pem_encode(const char *label, const uint8_t *p, size_t n, struct buf *out)
{
	struct buf b64;
	size_t i, k;
	int e;

	buf_init(&b64, 0);
	e = b64_encode(p, n, 1, &b64);
	if (e == SSH_OK)
		e = buf_grow(out, b64.len + b64.len / PEM_COLS + 2 * strlen(label) + 40);
	if (e == SSH_OK) {
		/* the room is reserved above, so these appends cannot fail */
		buf_put(out, "-----BEGIN ", 11);
		buf_put(out, label, strlen(label));
		buf_put(out, "-----\n", 6);
		for (i = 0; i < b64.len; i += k) {
			k = b64.len - i < PEM_COLS ? b64.len - i : PEM_COLS;
			buf_put(out, b64.d + i, k);
			buf_u8(out, '\n');
		}
		buf_put(out, "-----END ", 9);
		buf_put(out, label, strlen(label));
		e = buf_put(out, "-----\n", 6);
	}
	buf_free(&b64);
	return e;
}
