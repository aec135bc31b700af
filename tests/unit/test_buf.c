/* The wire buffer API with malformed input: every getter must fail cleanly
 * (error code, cursor unmoved) on truncation, lying lengths and values the
 * RFC forbids, and writers must honour the cap and keep their first error. */
#include <stdint.h>
#include <string.h>

#include "t.h"
#include "transport/buf.h"

#define RD(r, lit) rd_init(r, lit, sizeof(lit) - 1)

static void fixed_width(void)
{
	static const uint8_t three[] = {1, 2, 3};
	uint8_t b[8];
	uint32_t v32 = 7;
	uint64_t v64 = 7;
	uint8_t v8;
	int bv;
	struct rd r;

	rd_init(&r, three, 3);
	CHECK(rd_u32(&r, &v32) == SSH_ERR_SHORT && r.off == 0 && v32 == 7, "u32 from 3 bytes: short, nothing consumed");
	CHECK(rd_u64(&r, &v64) == SSH_ERR_SHORT && v64 == 7, "u64 from 3 bytes: short");
	CHECK(rd_u8(&r, &v8) == SSH_OK && v8 == 1 && rd_left(&r) == 2, "u8 reads one byte");
	rd_init(&r, NULL, 0);
	CHECK(rd_u8(&r, &v8) == SSH_ERR_SHORT && rd_end(&r) == SSH_OK, "u8 from nothing: short; empty cursor is at its end");

	RD(&r, "\x00\x02\xff");
	CHECK(rd_bool(&r, &bv) == SSH_OK && bv == 0 && rd_bool(&r, &bv) == SSH_OK && bv == 1 &&
		      rd_bool(&r, &bv) == SSH_OK && bv == 1,
	      "bool: 0 false, any other byte true");

	put_u32(b, 0xdeadbeef);
	CHECK(!memcmp(b, "\xde\xad\xbe\xef", 4) && get_u32(b) == 0xdeadbeef, "u32 big-endian both ways");
	put_u64(b, 0x0102030405060708ull);
	CHECK(!memcmp(b, "\x01\x02\x03\x04\x05\x06\x07\x08", 8) && get_u64(b) == 0x0102030405060708ull,
	      "u64 big-endian both ways");

	rd_init(&r, three, 3);
	CHECK(rd_bytes(&r, SIZE_MAX, NULL) == SSH_ERR_SHORT && r.off == 0, "rd_bytes(SIZE_MAX): short, no overflow");
	CHECK(rd_bytes(&r, 3, NULL) == SSH_OK && rd_bytes(&r, 1, NULL) == SSH_ERR_SHORT, "rd_bytes exact then short");
}

static void strings(void)
{
	const uint8_t *p = NULL;
	size_t n = 99;
	struct rd r, sub;

	RD(&r, "\x00\x00\x00\x03" "ab");
	CHECK(rd_string(&r, &p, &n) == SSH_ERR_SHORT && r.off == 0 && n == 99, "string 1 byte short: cursor restored");
	RD(&r, "\x00\x00\x00");
	CHECK(rd_string(&r, &p, &n) == SSH_ERR_SHORT && r.off == 0, "string with a truncated length field");
	RD(&r, "\xff\xff\xff\xff" "abcd");
	CHECK(rd_string(&r, &p, &n) == SSH_ERR_SHORT && r.off == 0, "length 2^32-1 with 4 bytes left");
	RD(&r, "\xff\xff\xff\xfc" "abcd");
	CHECK(rd_string(&r, &p, &n) == SSH_ERR_SHORT && r.off == 0, "length 2^32-4 (would wrap a 32-bit sum)");
	RD(&r, "\x80\x00\x00\x00" "abcd");
	CHECK(rd_string(&r, &p, &n) == SSH_ERR_SHORT && r.off == 0, "length 2^31 (negative as int32)");
	RD(&r, "\x00\x00\x00\x00" "\x00\x00\x00\x02" "hi" "x");
	CHECK(rd_string(&r, &p, &n) == SSH_OK && n == 0 && rd_string(&r, &p, &n) == SSH_OK && n == 2 &&
		      !memcmp(p, "hi", 2),
	      "empty and two-byte strings, returned in place");
	CHECK(rd_end(&r) == SSH_ERR_FORMAT && rd_left(&r) == 1, "rd_end with one byte left over: format error");

	RD(&r, "\x00\x00\x00\x03" "a\0b");
	CHECK(rd_text(&r, &p, &n) == SSH_ERR_FORMAT && r.off == 0, "text with a NUL: format error, cursor restored");
	RD(&r, "\x00\x00\x00\x03" "a\xc3\xa9");
	CHECK(rd_text(&r, &p, &n) == SSH_OK && n == 3, "text with UTF-8 is fine");

	/* a nested string: its own end is checked apart from the outer one */
	RD(&r, "\x00\x00\x00\x05" "\x00\x00\x00\x01" "z" "\x00\x00\x00\x06" "\x00\x00\x00\x01" "zq");
	CHECK(rd_sub(&r, &sub) == SSH_OK && rd_string(&sub, &p, &n) == SSH_OK && rd_end(&sub) == SSH_OK,
	      "sub-cursor read to its end");
	CHECK(rd_sub(&r, &sub) == SSH_OK && rd_string(&sub, &p, &n) == SSH_OK && rd_end(&sub) == SSH_ERR_FORMAT &&
		      rd_end(&r) == SSH_OK,
	      "sub-cursor with a byte left over: format error there only");
	RD(&r, "\x00\x00\x00\x09" "\x00\x00\x00\x01");
	CHECK(rd_sub(&r, &sub) == SSH_ERR_SHORT && r.off == 0, "sub-string longer than its parent");
	RD(&r, "\x00\x00\x00\x04" "\x00\x00\x00\x01" "z");
	CHECK(rd_sub(&r, &sub) == SSH_OK && rd_string(&sub, &p, &n) == SSH_ERR_SHORT && rd_left(&r) == 1,
	      "inner string cannot reach past its sub-cursor into the parent");
}

static int mp(const char *wire, size_t wlen, size_t maxlen, const uint8_t **p, size_t *n)
{
	struct rd r;
	int e;
	rd_init(&r, wire, wlen);
	e = rd_mpint(&r, maxlen, p, n);
	if (e != SSH_OK && r.off != 0)
		return 1000; /* a failure must leave the cursor alone */
	if (e == SSH_OK && rd_end(&r) != SSH_OK)
		return 1001;
	return e;
}
#define MP(lit, max, p, n) mp(lit, sizeof(lit) - 1, max, p, n)

static void mpints(void)
{
	const uint8_t *p;
	size_t n;
	struct buf b;

	CHECK(MP("\x00\x00\x00\x00", 8, &p, &n) == SSH_OK && n == 0, "mpint 0 is the empty string");
	CHECK(MP("\x00\x00\x00\x01\x00", 8, &p, &n) == SSH_ERR_FORMAT, "mpint 0 as one zero byte: not minimal");
	CHECK(MP("\x00\x00\x00\x01\x7f", 8, &p, &n) == SSH_OK && n == 1 && p[0] == 0x7f, "mpint 0x7f");
	CHECK(MP("\x00\x00\x00\x01\x80", 8, &p, &n) == SSH_ERR_FORMAT, "mpint 0x80 alone is negative");
	CHECK(MP("\x00\x00\x00\x02\xff\x01", 8, &p, &n) == SSH_ERR_FORMAT, "mpint with top bit set is negative");
	CHECK(MP("\x00\x00\x00\x02\x00\x80", 8, &p, &n) == SSH_OK && n == 1 && p[0] == 0x80,
	      "mpint 00 80: the sign byte is stripped");
	CHECK(MP("\x00\x00\x00\x02\x00\x7f", 8, &p, &n) == SSH_ERR_FORMAT, "mpint 00 7f: not minimal");
	CHECK(MP("\x00\x00\x00\x03\x00\x00\x80", 8, &p, &n) == SSH_ERR_FORMAT, "mpint 00 00 80: not minimal");
	CHECK(MP("\x00\x00\x00\x03\x00\x80\x01", 2, &p, &n) == SSH_OK && n == 2,
	      "maxlen counts the magnitude, not the sign byte");
	CHECK(MP("\x00\x00\x00\x03\x01\x02\x03", 2, &p, &n) == SSH_ERR_TOOBIG, "magnitude over maxlen: too big");
	CHECK(MP("\x00\x00\x00\x03\x01\x02", 8, &p, &n) == SSH_ERR_SHORT, "truncated mpint: short");

	/* the writer produces exactly what the reader accepts */
	buf_init(&b, 0);
	buf_mpint(&b, (const uint8_t *)"\x00\x00\x80\x01", 4);
	buf_mpint(&b, (const uint8_t *)"\x00\x00", 2);
	buf_mpint(&b, (const uint8_t *)"\x7f", 1);
	CHECK(b.err == SSH_OK && b.len == 4 + 3 + 4 + 4 + 1 &&
		      !memcmp(b.d, "\x00\x00\x00\x03\x00\x80\x01" "\x00\x00\x00\x00" "\x00\x00\x00\x01\x7f", b.len),
	      "buf_mpint strips leading zeros, adds the sign byte, writes 0 as empty");
	buf_free(&b);
}

static int nl(const char *s, size_t len)
{
	struct buf b;
	struct rd r;
	const uint8_t *p;
	size_t n;
	int e;
	buf_init(&b, 0);
	buf_string(&b, s, len);
	buf_u8(&b, 0xaa); /* something after it, which must stay unread */
	rd_init(&r, b.d, b.len);
	e = rd_namelist(&r, &p, &n);
	if (e == SSH_OK && (n != len || rd_left(&r) != 1))
		e = 1000;
	if (e != SSH_OK && r.off != 0)
		e = 1001;
	buf_free(&b);
	return e;
}
#define NL(lit) nl(lit, sizeof(lit) - 1)

static void namelists(void)
{
	CHECK(NL("") == SSH_OK, "name-list: empty list is allowed");
	CHECK(NL("curve25519-sha256") == SSH_OK, "name-list: one name");
	CHECK(NL("a,b@example.com,c") == SSH_OK, "name-list: three names");
	CHECK(NL(",") == SSH_ERR_FORMAT, "name-list: lone comma");
	CHECK(NL(",a") == SSH_ERR_FORMAT, "name-list: leading comma (empty first name)");
	CHECK(NL("a,") == SSH_ERR_FORMAT, "name-list: trailing comma");
	CHECK(NL("a,,b") == SSH_ERR_FORMAT, "name-list: empty name inside");
	CHECK(NL("a b") == SSH_ERR_FORMAT, "name-list: space");
	CHECK(NL("a\tb") == SSH_ERR_FORMAT, "name-list: tab");
	CHECK(NL("a\x01") == SSH_ERR_FORMAT, "name-list: control character");
	CHECK(NL("a\x7f") == SSH_ERR_FORMAT, "name-list: DEL");
	CHECK(NL("a\xc3\xa9") == SSH_ERR_FORMAT, "name-list: non-ASCII");
	CHECK(NL("a\0b") == SSH_ERR_FORMAT, "name-list: NUL");
}

static void writers(void)
{
	struct buf b;
	uint8_t *p;
	size_t mark;
	static const uint8_t big[40];

	buf_init(&b, 16);
	CHECK(buf_put(&b, big, 16) == SSH_OK && b.len == 16 && b.err == SSH_OK, "cap: exactly max bytes fit");
	CHECK(buf_u8(&b, 1) == SSH_ERR_TOOBIG && b.len == 16 && b.err == SSH_ERR_TOOBIG, "cap: one more byte refused");
	buf_reset(&b);
	CHECK(b.len == 0 && b.err == SSH_OK, "reset empties and clears the error");
	CHECK(buf_put(&b, big, 10) == SSH_OK && buf_put(&b, big, 10) == SSH_ERR_TOOBIG && b.len == 10,
	      "a write that would cross the cap changes nothing");
	CHECK(buf_u32(&b, 5) == SSH_OK && b.err == SSH_ERR_TOOBIG,
	      "the error is sticky: a later write that fits does not clear it");
	buf_reset(&b);
	CHECK(buf_grow(&b, SIZE_MAX) == SSH_ERR_TOOBIG && buf_reserve(&b, SIZE_MAX - 1, &p) == SSH_ERR_TOOBIG &&
		      b.len == 0,
	      "sizes near SIZE_MAX are refused without overflow");
	buf_reset(&b);
	CHECK(buf_string(&b, big, (size_t)0x100000000ull) == SSH_ERR_TOOBIG && b.err == SSH_ERR_TOOBIG,
	      "a string of 2^32 bytes cannot be encoded, and that is sticky");
	buf_free(&b);
	CHECK(b.d == NULL && b.len == 0, "free leaves an empty buffer");

	buf_init(&b, 0);
	CHECK(b.max == BUF_MAX_DEFAULT, "max 0 means the default cap");
	buf_string_begin(&b, &mark);
	buf_cstring(&b, "abc");
	buf_u8(&b, 9);
	buf_string_end(&b, mark);
	CHECK(b.err == SSH_OK && b.len == 12 && get_u32(b.d) == 8, "string_begin/end fills in the nested length");
	buf_consume(&b, 4);
	CHECK(b.len == 8 && get_u32(b.d) == 3 && !memcmp(b.d + 4, "abc", 3), "consume drops from the front");
	buf_consume(&b, 100);
	CHECK(b.len == 0, "consume past the end empties");
	for (int i = 0; i < 1000; i++)
		buf_u32(&b, (uint32_t)i);
	CHECK(b.err == SSH_OK && b.len == 4000 && get_u32(b.d + 3996) == 999, "growth keeps earlier contents");
	buf_free(&b);
}

static void secrets(void)
{
	uint8_t a[32], b[32], w[17];
	memset(a, 0x5a, sizeof a);
	memcpy(b, a, sizeof b);
	CHECK(ct_eq(a, b, sizeof a) == 1, "ct_eq: equal");
	b[31] ^= 0x01;
	CHECK(ct_eq(a, b, sizeof a) == 0, "ct_eq: last bit differs");
	b[31] ^= 0x01;
	b[0] ^= 0x80;
	CHECK(ct_eq(a, b, sizeof a) == 0, "ct_eq: first bit differs");
	CHECK(ct_eq(a, b, 0) == 1, "ct_eq: zero length is equal");
	CHECK(ct_eq(a + 1, b + 1, 31) == 1, "ct_eq: compares only n bytes");
	memset(w, 0xff, sizeof w);
	wipe(w, 16);
	CHECK(w[0] == 0 && w[15] == 0 && w[16] == 0xff, "wipe clears exactly n bytes");
}

int main(void)
{
	fixed_width();
	strings();
	mpints();
	namelists();
	writers();
	secrets();
	return t_done();
}
