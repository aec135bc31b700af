/* The wire getters (transport/buf.c): the input is a program of getter
 * calls, each op byte choosing the next getter, run over the rest of the
 * input. Checks the contracts callers rely on: a failed getter leaves the
 * cursor where it was, results stay inside the input, an mpint re-encodes
 * to the bytes it came from, and name-lists hold no empty names. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "kex/kex.h"
#include "transport/namelist.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static void inside(const struct rd *r, const uint8_t *p, size_t n)
{
	CHECK(p >= r->p && n <= r->len && (size_t)(p - r->p) <= r->len - n);
}

static void check_mpint(const uint8_t *p, size_t n)
{
	struct buf b;
	struct rd r;
	const uint8_t *q;
	size_t m;
	buf_init(&b, 0);
	CHECK(buf_mpint(&b, p, n) == SSH_OK);
	rd_init(&r, b.d, b.len);
	CHECK(rd_mpint(&r, n, &q, &m) == SSH_OK && rd_end(&r) == SSH_OK);
	CHECK(m == n && (n == 0 || !memcmp(p, q, n)));
	buf_free(&b);
}

static int has(const uint8_t *p, size_t n, const char *name)
{
	return namelist_has(p, n, name, strlen(name));
}

/* what rd_namelist passed, the one iterator walks: no empty element */
static void check_namelist(const uint8_t *p, size_t n)
{
	const uint8_t *name;
	const char *s;
	size_t l = kex_choose(p, n, "curve25519-sha256,aes128-ctr,none", &name), sl;
	struct namelist it;
	CHECK(n == 0 || namelist_first(p, n) > 0);
	namelist_init(&it, p, n);
	while (namelist_next(&it, &s, &sl))
		CHECK(sl > 0 && (const uint8_t *)s >= p && (size_t)((const uint8_t *)s - p) + sl <= n);
	if (l)
		CHECK(has(p, n, "curve25519-sha256") || has(p, n, "aes128-ctr") || has(p, n, "none"));
}

static void run(struct rd *r, const uint8_t *ops, size_t nops, int depth)
{
	for (size_t i = 0; i < nops; i++) {
		size_t before = r->off, n = 0;
		const uint8_t *p = NULL;
		uint32_t u32;
		uint64_t u64;
		uint8_t u8;
		int e = SSH_OK, b;
		struct rd sub;
		switch (ops[i] % 10) {
		case 0: e = rd_u8(r, &u8); break;
		case 1: e = rd_bool(r, &b); break;
		case 2: e = rd_u32(r, &u32); break;
		case 3: e = rd_u64(r, &u64); break;
		case 4: e = rd_string(r, &p, &n); break;
		case 5: e = rd_text(r, &p, &n); if (e == SSH_OK) CHECK(!memchr(p, 0, n)); break;
		case 6: e = rd_namelist(r, &p, &n); if (e == SSH_OK) check_namelist(p, n); break;
		case 7:
			e = rd_mpint(r, (size_t)(ops[i] >> 3) * 8 + 1, &p, &n);
			if (e == SSH_OK) {
				CHECK(n == 0 || p[0] != 0);
				check_mpint(p, n);
			}
			break;
		case 8:
			e = rd_sub(r, &sub);
			if (e == SSH_OK && depth < 4) {
				inside(r, sub.p, sub.len);
				run(&sub, ops + i + 1, nops - i - 1, depth + 1);
			}
			break;
		case 9: e = rd_bytes(r, ops[i] >> 4, &p); n = ops[i] >> 4; break;
		}
		if (e != SSH_OK) {
			CHECK(r->off == before);
			CHECK(e == SSH_ERR_SHORT || e == SSH_ERR_FORMAT || e == SSH_ERR_TOOBIG);
		} else if (p) {
			inside(r, p, n);
		}
		CHECK(r->off <= r->len);
	}
	CHECK((rd_end(r) == SSH_OK) == (rd_left(r) == 0));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r;
	size_t nops;
	if (size < 1)
		return 0;
	/* first byte: how many op bytes follow; the rest is the wire data */
	nops = data[0] < size - 1 ? data[0] : size - 1;
	rd_init(&r, data + 1 + nops, size - 1 - nops);
	run(&r, data + 1, nops, 0);
	return 0;
}
