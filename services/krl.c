/* Binary KRLs (OpenSSH's PROTOCOL.krl) read through the cursor in one pass
 * without allocating: the header, then (type, data) sections; a
 * certificates section holds its CA and (type, data) subsections. Each
 * entry is compared with the key as it goes by, and the walk goes on to
 * the end so that a malformed list is refused whatever it revokes. */
#include <string.h>

#include "kex/hostkey.h"
#include "services/krl.h"
#include "transport/crypto.h"

#define KRL_MAGIC "SSHKRL\n\0"
#define KRL_FORMAT_VERSION 1

enum {
	SECT_CERTIFICATES = 1,
	SECT_EXPLICIT_KEY = 2,
	SECT_FINGERPRINT_SHA1 = 3,
	SECT_SIGNATURE = 4,
	SECT_FINGERPRINT_SHA256 = 5,
	CERT_SERIAL_LIST = 0x20,
	CERT_SERIAL_RANGE = 0x21,
	CERT_SERIAL_BITMAP = 0x22,
	CERT_KEY_ID = 0x23,
};

/* OpenSSH's limit on a bignum: the bitmap covers at most 16384 serials */
#define BITMAP_MAX 2048

struct walk {
	const uint8_t *key;
	size_t keylen;
	const struct cert *ct; /* NULL: a plain key */
	int ca_match;          /* the current certificates section is ct's CA */
	uint8_t sha1[20], sha256[32];
	int revoked;
	const char *why;
};

int krl_is_krl(const uint8_t *p, size_t len) { return len >= 8 && !memcmp(p, KRL_MAGIC, 8); }

static int bad(struct walk *w, const char *why)
{
	w->why = why;
	return SSH_ERR_FORMAT;
}

/* a serial revoked for this certificate: serial 0 means "none given" in
 * a certificate and is never revoked by number (OpenSSH's is_cert_revoked) */
static void serial_hit(struct walk *w, uint64_t lo, uint64_t hi)
{
	if (w->ca_match && w->ct->serial && w->ct->serial >= lo && w->ct->serial <= hi)
		w->revoked = 1;
}

/* serial offset, mpint bitmap: bit i revokes offset + i */
static int bitmap(struct walk *w, struct rd *r)
{
	uint64_t off, s;
	const uint8_t *m;
	size_t ml, nbits;
	if (rd_u64(r, &off) != SSH_OK || rd_mpint(r, BITMAP_MAX, &m, &ml) != SSH_OK)
		return bad(w, "bad serial bitmap");
	if (!ml)
		return SSH_OK;
	nbits = (ml - 1) * 8;
	for (uint8_t top = m[0]; top; top >>= 1)
		nbits++;
	if (off + (nbits - 1) < off || (off == 0 && (m[ml - 1] & 1)))
		return bad(w, "serial bitmap out of range");
	if (!w->ca_match || !w->ct->serial || w->ct->serial < off || w->ct->serial - off >= nbits)
		return SSH_OK;
	s = w->ct->serial - off;
	if (m[ml - 1 - s / 8] & (1u << (s % 8)))
		w->revoked = 1;
	return SSH_OK;
}

/* one subsection of a certificates section, read to its end */
static int cert_subsection(struct walk *w, uint8_t type, struct rd *r)
{
	uint64_t lo, hi;
	const uint8_t *id;
	size_t idl;
	switch (type) {
	case CERT_SERIAL_LIST:
		while (rd_left(r)) {
			/* revoked serial */
			if (rd_u64(r, &lo) != SSH_OK || !lo)
				return bad(w, "bad serial list");
			serial_hit(w, lo, lo);
		}
		return SSH_OK;
	case CERT_SERIAL_RANGE:
		/* serial min, serial max */
		if (rd_u64(r, &lo) != SSH_OK || rd_u64(r, &hi) != SSH_OK || !lo || lo > hi)
			return bad(w, "bad serial range");
		serial_hit(w, lo, hi);
		return rd_end(r) == SSH_OK ? SSH_OK : bad(w, "trailing bytes in a serial range");
	case CERT_SERIAL_BITMAP:
		if (bitmap(w, r) != SSH_OK)
			return SSH_ERR_FORMAT;
		return rd_end(r) == SSH_OK ? SSH_OK : bad(w, "trailing bytes in a serial bitmap");
	case CERT_KEY_ID:
		while (rd_left(r)) {
			/* revoked key id */
			if (rd_text(r, &id, &idl) != SSH_OK)
				return bad(w, "bad key id list");
			if (w->ca_match && idl == w->ct->key_id_len && !memcmp(id, w->ct->key_id, idl))
				w->revoked = 1;
		}
		return SSH_OK;
	}
	return bad(w, "unsupported certificate section");
}

/* CA key (empty: any CA), reserved, then the subsections */
static int certificates(struct walk *w, struct rd *r)
{
	const uint8_t *ca;
	size_t cal;
	uint8_t type;
	struct rd sub;
	if (rd_string(r, &ca, &cal) != SSH_OK || rd_string(r, NULL, NULL) != SSH_OK)
		return bad(w, "bad certificates section");
	w->ca_match = w->ct && (!cal || (cal == w->ct->ca_len && !memcmp(ca, w->ct->ca, cal)));
	while (rd_left(r)) {
		/* subsection type, subsection data */
		if (rd_u8(r, &type) != SSH_OK || rd_sub(r, &sub) != SSH_OK)
			return bad(w, "truncated certificate section");
		if (cert_subsection(w, type, &sub) != SSH_OK)
			return SSH_ERR_FORMAT;
	}
	return SSH_OK;
}

/* packed strings, each compared with want; hashes have a fixed length */
static int blobs(struct walk *w, struct rd *r, const uint8_t *want, size_t wantlen, size_t fixed)
{
	const uint8_t *p;
	size_t n;
	while (rd_left(r)) {
		if (rd_string(r, &p, &n) != SSH_OK || (fixed && n != fixed))
			return bad(w, "bad key or hash entry");
		if (n == wantlen && !memcmp(p, want, n))
			w->revoked = 1;
	}
	return SSH_OK;
}

/* signing key, signature: read, not checked, as sshd does not */
static int signature(struct walk *w, struct rd *r)
{
	const uint8_t *key, *sig;
	size_t kl, sl;
	if (rd_string(r, &key, &kl) != SSH_OK || rd_string(r, &sig, &sl) != SSH_OK || rd_end(r) != SSH_OK)
		return bad(w, "bad signature section");
	return SSH_OK;
}

static int section(struct walk *w, uint8_t type, struct rd *r)
{
	switch (type) {
	case SECT_CERTIFICATES:
		return certificates(w, r);
	case SECT_EXPLICIT_KEY:
		return blobs(w, r, w->key, w->keylen, 0);
	case SECT_FINGERPRINT_SHA1:
		return blobs(w, r, w->sha1, sizeof w->sha1, sizeof w->sha1);
	case SECT_FINGERPRINT_SHA256:
		return blobs(w, r, w->sha256, sizeof w->sha256, sizeof w->sha256);
	case SECT_SIGNATURE:
		return signature(w, r);
	}
	return bad(w, "unsupported KRL section");
}

/* magic, format version, KRL version, generated date, flags, reserved,
 * comment */
static int header(struct walk *w, struct rd *r)
{
	uint32_t version;
	uint64_t krl_version, date, flags;
	const uint8_t *reserved, *comment;
	size_t rl, cl;
	if (rd_bytes(r, 8, NULL) != SSH_OK || rd_u32(r, &version) != SSH_OK || rd_u64(r, &krl_version) != SSH_OK ||
	    rd_u64(r, &date) != SSH_OK || rd_u64(r, &flags) != SSH_OK || rd_string(r, &reserved, &rl) != SSH_OK ||
	    rd_string(r, &comment, &cl) != SSH_OK)
		return bad(w, "truncated KRL header");
	return version == KRL_FORMAT_VERSION ? SSH_OK : bad(w, "unsupported KRL format version");
}

int krl_check(const uint8_t *krl, size_t len, const uint8_t *key, size_t keylen, const struct cert *ct,
	      const char **why)
{
	struct walk w = {.key = key, .keylen = keylen, .ct = ct, .why = "malformed KRL"};
	size_t l1 = sizeof w.sha1, l2 = sizeof w.sha256;
	struct rd r, sub;
	uint8_t type;
	int sigs = 0, e = SSH_OK;
	if (!krl_is_krl(krl, len))
		return KRL_NOT_KRL;
	if (crypto_init() != 0 || sig_digest("sha1", key, keylen, w.sha1, &l1) != SSH_OK ||
	    sig_digest("sha256", key, keylen, w.sha256, &l2) != SSH_OK) {
		*why = "cannot hash the key";
		return SSH_ERR_CRYPTO;
	}
	rd_init(&r, krl, len);
	if ((e = header(&w, &r)) == SSH_OK)
		while (rd_left(&r)) {
			/* section type, section data */
			if (rd_u8(&r, &type) != SSH_OK || rd_sub(&r, &sub) != SSH_OK) {
				e = bad(&w, "truncated KRL section");
				break;
			}
			/* signatures come last, as OpenSSH requires */
			if (sigs && type != SECT_SIGNATURE) {
				e = bad(&w, "KRL section after the signature");
				break;
			}
			sigs |= type == SECT_SIGNATURE;
			if ((e = section(&w, type, &sub)) != SSH_OK)
				break;
		}
	if (e != SSH_OK) {
		*why = w.why;
		return SSH_ERR_FORMAT;
	}
	return w.revoked ? KRL_REVOKED : KRL_CLEAR;
}
