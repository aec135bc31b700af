/* UMAC-64 and UMAC-128 (transport/umac.c) against RFC 4418's Appendix
 * vectors (key "abcdefghijklmnop", nonce "bcdefghi"), with the RFC errata's
 * value for 'a' * 2^25 (the one message long enough for POLY128), and a
 * few of nettle's testsuite/umac-test.c answers at the chunk and L2
 * boundaries (1022 and 16777217 bytes, the same key and nonce). Then the
 * SSH rows: umac-64@openssh.com and umac-128@openssh.com through
 * mac_init/mac_compute take the sequence number as the 8-byte nonce. */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "transport/buf.h"
#include "transport/crypto.h"
#include "transport/mac.h"
#include "transport/umac.h"

static const struct {
	const char *pattern;
	size_t len;
	const char *tag64, *tag128;
} vecs[] = {
	{"", 0, "6e155fad26900be1", "32fedb100c79ad58f07ff7643cc60465"},
	{"a", 3, "44b5cb542f220104", "185e4fe905cba7bd85e4c2dc3d117d8d"},
	{"a", 1 << 10, "26bf2f5d60118bd9", "7a54abe04af82d60fb298c3cbd195bcb"},
	{"a", 1 << 15, "27f8ef643b0d118d", "7b136bd911e4b734286ef2be501f2c3c"},
	{"a", 1 << 20, "a4477e87e9f55853", "f8acfa3ac31cfeea047f7b115b03bef5"},
	{"a", 1 << 25, "faca46f856e9b45f", "a621c2457c0012e64f3fdae9e7e1870c"},
	{"abc", 3, "d4d7b9f6bd4fbfcf", "883c3d4b97a61976ffcf232308cba5a5"},
	{"abc", 1500, "d4cf26ddefd5c01a", "8824a260c53c66a36c9260a62cb83aa1"},
	{"defdefdefdefdef", 1022, "2cee9784556387b3", "700513397f8a210a98938d3e7ac3bd88"},
	{"defdefdefdefdef", 16777217, "374f09dbb0b84b88", "6ba48d669a51ed3195ebc2aa562ee71b"},
};

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static uint8_t *fill(const char *pat, size_t len)
{
	size_t pl = strlen(pat);
	uint8_t *m = malloc(len ? len : 1);
	for (size_t i = 0; m && i < len; i++)
		m[i] = (uint8_t)pat[i % pl];
	return m;
}

static void rfc_vectors(void)
{
	const uint8_t *key = (const uint8_t *)"abcdefghijklmnop", *nonce = (const uint8_t *)"bcdefghi";
	static struct umac_ctx u64, u128;
	CHECK(umac_init(&u64, key, 8) == 0 && umac_init(&u128, key, 16) == 0, "umac_init");
	for (size_t v = 0; v < sizeof vecs / sizeof vecs[0]; v++) {
		uint8_t *m = fill(vecs[v].pattern, vecs[v].len), t[16];
		char h[33] = "";
		int ok = m && umac_tag(&u64, nonce, m, vecs[v].len, t) == 0;
		hex(t, 8, h);
		CHECK(ok && !strcmp(h, vecs[v].tag64), "UMAC-64 '%s' * %zu: %s", vecs[v].pattern, vecs[v].len, h);
		ok = m && umac_tag(&u128, nonce, m, vecs[v].len, t) == 0;
		hex(t, 16, h);
		CHECK(ok && !strcmp(h, vecs[v].tag128), "UMAC-128 '%s' * %zu: %s", vecs[v].pattern, vecs[v].len, h);
		free(m);
	}
}

/* the SSH rows: nonce = uint64 sequence number, big-endian */
static void ssh_rows(void)
{
	static const char *names[] = {"umac-64@openssh.com", "umac-128@openssh.com", "umac-64-etm@openssh.com",
				      "umac-128-etm@openssh.com"};
	const uint8_t *key = (const uint8_t *)"abcdefghijklmnop";
	for (int i = 0; i < 4; i++) {
		const struct mac *m = mac_find(names[i], strlen(names[i]));
		static struct mac_ctx mc;
		static struct umac_ctx u;
		uint8_t nonce[8] = {0}, want[16], got[16];
		const uint8_t *msg = (const uint8_t *)"packet bytes";
		int ok = m && m->keylen == 16 && mac_init(&mc, m, key) == 0 && umac_init(&u, key, m->maclen) == 0;
		put_u32(nonce + 4, 0x01020305);
		ok = ok && umac_tag(&u, nonce, msg, 12, want) == 0 &&
		     mac_compute(&mc, 0x01020305, msg, 12, got) == 0 && !memcmp(want, got, m->maclen);
		CHECK(ok, "%s: mac_compute is UMAC under the sequence number as nonce", names[i]);
	}
}

int main(void)
{
	if (crypto_init() < 0)
		return 1;
	rfc_vectors();
	ssh_rows();
	return t_done();
}
