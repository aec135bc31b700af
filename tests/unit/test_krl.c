/* The KRL reader (services/krl.c) on lists built here byte by byte, for
 * what ssh-keygen -k cannot write (t_krl has its KRLs): a key id revoked
 * for any CA (an empty CA key), a bitmap's edges, a signature section, and
 * each malformed form OpenSSH refuses: serial 0, an inverted range, a hash
 * of the wrong length, a section after the signature, an unknown section,
 * another format version, every truncation. */
#include <string.h>

#include "kex/base64.h"
#include "krl_cert.h"
#include "services/krl.h"
#include "t.h"

static struct cert ct;

/* magic, format version, KRL version, date, flags, reserved, comment */
static void header(struct buf *b, uint32_t version)
{
	buf_reset(b);
	buf_put(b, "SSHKRL\n\0", 8);
	buf_u32(b, version);
	buf_u64(b, 1);
	buf_u64(b, 1700000000);
	buf_u64(b, 0);
	buf_string(b, "", 0);
	buf_cstring(b, "test");
}

/* a certificates section for ca (NULL: any CA) holding one subsection */
static void certs(struct buf *b, const uint8_t *ca, size_t cal, uint8_t type, const struct buf *sub)
{
	size_t m1, m2;
	buf_u8(b, 1);
	buf_string_begin(b, &m1);
	buf_string(b, ca, ca ? cal : 0);
	buf_string(b, "", 0);
	buf_u8(b, type);
	buf_string_begin(b, &m2);
	buf_put(b, sub->d, sub->len);
	buf_string_end(b, m2);
	buf_string_end(b, m1);
}

static int check(const struct buf *b, const struct cert *c)
{
	const char *why;
	return krl_check(b->d, b->len, ct.key.d, ct.key.len, c, &why);
}

static void revocations(void)
{
	struct buf b, s;
	uint8_t bm[2];
	buf_init(&b, 0);
	buf_init(&s, 0);
	header(&b, 1);
	CHECK(check(&b, &ct) == KRL_CLEAR, "an empty KRL revokes nothing");
	buf_cstring(&s, "krl-id");
	certs(&b, NULL, 0, 0x23, &s);
	CHECK(check(&b, &ct) == KRL_REVOKED, "key id revoked for any CA (empty CA key)");
	CHECK(check(&b, NULL) == KRL_CLEAR, "a key id does not revoke the plain key");
	/* bitmap at offset 70: bit 7 is serial 77 */
	header(&b, 1);
	buf_reset(&s);
	buf_u64(&s, 70);
	bm[0] = 0x01, bm[1] = 0x80;
	buf_mpint(&s, bm, 2);
	certs(&b, ct.ca, ct.ca_len, 0x22, &s);
	CHECK(check(&b, &ct) == KRL_REVOKED, "bitmap bit 7 at offset 70 revokes serial 77");
	header(&b, 1);
	buf_reset(&s);
	buf_u64(&s, 70);
	bm[0] = 0x01, bm[1] = 0x7f;
	buf_mpint(&s, bm, 2);
	certs(&b, ct.ca, ct.ca_len, 0x22, &s);
	CHECK(check(&b, &ct) == KRL_CLEAR, "bitmap without bit 7 leaves serial 77");
	/* a signature section at the end is read, not checked */
	buf_u8(&b, 4);
	buf_u32(&b, 8);
	buf_string(&b, "", 0);
	buf_string(&b, "", 0);
	CHECK(check(&b, &ct) == KRL_CLEAR, "signature section read and ignored");
	buf_u8(&b, 2);
	buf_u32(&b, 0);
	CHECK(check(&b, &ct) == SSH_ERR_FORMAT, "a section after the signature refused");
	buf_free(&s);
	buf_free(&b);
}

/* one malformed KRL: header plus a section (type, data) */
static void refused(const char *what, uint32_t version, uint8_t type, const struct buf *data)
{
	struct buf b;
	buf_init(&b, 0);
	header(&b, version);
	buf_u8(&b, type);
	buf_string(&b, data->d, data->len);
	CHECK(check(&b, &ct) == SSH_ERR_FORMAT, "refused: %s", what);
	buf_free(&b);
}

static void malformed(void)
{
	struct buf b, s, n;
	size_t bad = 0;
	const char *why;
	buf_init(&s, 0);
	buf_init(&n, 0);
	buf_init(&b, 0);
	refused("format version 2", 2, 2, &s);
	refused("unknown section 9", 1, 9, &s);
	buf_string(&s, "0123456789abcdefghi", 19);
	refused("SHA1 hash of 19 bytes", 1, 3, &s);
	buf_reset(&s);
	buf_u64(&s, 0);
	header(&b, 1);
	certs(&b, ct.ca, ct.ca_len, 0x20, &s);
	CHECK(check(&b, &ct) == SSH_ERR_FORMAT, "refused: serial 0 in a list");
	buf_reset(&s);
	buf_u64(&s, 9);
	buf_u64(&s, 8);
	header(&b, 1);
	certs(&b, ct.ca, ct.ca_len, 0x21, &s);
	CHECK(check(&b, &ct) == SSH_ERR_FORMAT, "refused: range 9-8");
	buf_reset(&s);
	buf_u64(&s, 0);
	buf_mpint(&s, (const uint8_t *)"\x01", 1);
	header(&b, 1);
	certs(&b, ct.ca, ct.ca_len, 0x22, &s);
	CHECK(check(&b, &ct) == SSH_ERR_FORMAT, "refused: bitmap revoking serial 0");
	buf_reset(&s);
	buf_u64(&s, UINT64_MAX);
	buf_mpint(&s, (const uint8_t *)"\x03", 1);
	header(&b, 1);
	certs(&b, ct.ca, ct.ca_len, 0x22, &s);
	CHECK(check(&b, &ct) == SSH_ERR_FORMAT, "refused: bitmap past 2^64");
	/* every truncation of a good KRL with a certificates section */
	buf_reset(&s);
	buf_u64(&s, 77);
	header(&b, 1);
	certs(&b, ct.ca, ct.ca_len, 0x20, &s);
	CHECK(check(&b, &ct) == KRL_REVOKED, "serial list revokes 77");
	header(&n, 1);
	/* cut right after the header it is an empty KRL, which is well-formed */
	for (size_t i = 8; i < b.len; i++)
		bad += i != n.len && krl_check(b.d, i, ct.key.d, ct.key.len, &ct, &why) != SSH_ERR_FORMAT;
	CHECK(bad == 0, "every truncation but the bare header refused (%zu accepted)", bad);
	CHECK(krl_check((const uint8_t *)"ssh-ed25519 AAAA", 16, ct.key.d, ct.key.len, &ct, &why) == KRL_NOT_KRL,
	      "a plain key list is not a KRL");
	buf_free(&n);
	buf_free(&s);
	buf_free(&b);
}

int main(void)
{
	struct buf blob;
	const char *why;
	buf_init(&blob, 0);
	cert_init(&ct);
	CHECK(b64_decode(KRL_CERT, strlen(KRL_CERT), &blob) == SSH_OK && cert_parse(&ct, blob.d, blob.len, &why) == SSH_OK,
	      "certificate parses");
	revocations();
	malformed();
	cert_free(&ct);
	buf_free(&blob);
	return t_done();
}
