/* The certificate parser (services/cert.c, cert_options.c) on blobs made
 * by ssh-keygen -s: fields, the CA's signature, validity, principals,
 * critical options and extensions; and malformed blobs: every truncation,
 * trailing bytes, a flipped byte, a certificate as the signature key. */
#include <stdlib.h>
#include <string.h>

#include "kex/base64.h"
#include "kex/hostkey.h"
#include "transport/crypto.h"
#include "services/cert.h"
#include "t.h"

#define ALGS "ssh-ed25519,rsa-sha2-512,rsa-sha2-256"

/* -I plain-id -n alice,bob -z 42 -V 20200101:20400101 */
static const char C1[] =
	"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIPi3rljnoiALXriGySUu9LdsvvYuc/SpG1hPnujrMqAI"
	"AAAAIDXSKmJuhY0KRRulLirSd/Bvloh5LYtKiGYOjCbMoI0jAAAAAAAAACoAAAABAAAACHBsYWluLWlkAAAAEAAAAAVhbGlj"
	"ZQAAAANib2IAAAAAXgvhAAAAAACDqn6AAAAAAAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdwZXJtaXQt"
	"YWdlbnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAO"
	"cGVybWl0LXVzZXItcmMAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAguxtGINGihEJ2PTVrtGTZSJtn+PKfQPt6SzxR"
	"5RR+QTkAAABTAAAAC3NzaC1lZDI1NTE5AAAAQBgcc3rHHYwAhX4MxGGONpfgMBItYNumPrMa3aEynMCFc+F10guKISw2Ti0V"
	"VWuMILFUAk7RCELqUyDC1hQUwQM=";
/* -I opts -n alice -z 43 -O force-command="ls -l" -O source-address=10.0.0.0/8
 * -O no-pty -O no-port-forwarding */
static const char C2[] =
	"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIA2RNb+BJx109RIjnXkoJO31xDw5I07bkJYRtCzh05MF"
	"AAAAIDXSKmJuhY0KRRulLirSd/Bvloh5LYtKiGYOjCbMoI0jAAAAAAAAACsAAAABAAAABG9wdHMAAAAJAAAABWFsaWNlAAAA"
	"AAAAAAD//////////wAAAEIAAAANZm9yY2UtY29tbWFuZAAAAAkAAAAFbHMgLWwAAAAOc291cmNlLWFkZHJlc3MAAAAOAAAA"
	"CjEwLjAuMC4wLzgAAABSAAAAFXBlcm1pdC1YMTEtZm9yd2FyZGluZwAAAAAAAAAXcGVybWl0LWFnZW50LWZvcndhcmRpbmcA"
	"AAAAAAAADnBlcm1pdC11c2VyLXJjAAAAAAAAAAAAAAAzAAAAC3NzaC1lZDI1NTE5AAAAILsbRiDRooRCdj01a7Rk2UibZ/jy"
	"n0D7eks8UeUUfkE5AAAAUwAAAAtzc2gtZWQyNTUxOQAAAEC1IHjVgafnyEc8D7kxLau3hd35SJJkPluxSslDuZA9xkCVrQcI"
	"WAQVklDznWBSjlOSCkwy3aOCFVXKRVlu8O4A";
/* -I crit -n alice -O critical:made-up@example.com=x */
static const char C3[] =
	"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIPs6SbXl8fumXbcnLrcODS666IPxoCfRAUPxFtIuZJYu"
	"AAAAIDXSKmJuhY0KRRulLirSd/Bvloh5LYtKiGYOjCbMoI0jAAAAAAAAAAAAAAABAAAABGNyaXQAAAAJAAAABWFsaWNlAAAA"
	"AAAAAAD//////////wAAACAAAAATbWFkZS11cEBleGFtcGxlLmNvbQAAAAUAAAABeAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3"
	"YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlbnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZwAAAAAA"
	"AAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVzZXItcmMAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAguxtGINGi"
	"hEJ2PTVrtGTZSJtn+PKfQPt6SzxR5RR+QTkAAABTAAAAC3NzaC1lZDI1NTE5AAAAQKvesVa0d+d+rfApWOa9AVmcQXgNx/zR"
	"p8qnWyg23bYLMIoF0q2go7NHMeyy19sRMluAeFomKtRH3uuJHwhTsgQ=";
/* -I empty (no -n: an empty principal list) */
static const char C4[] =
	"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAINuJE+FyIEx05OCl4trm9J6pkWSUIaNE02DmsuAoAcuU"
	"AAAAIDXSKmJuhY0KRRulLirSd/Bvloh5LYtKiGYOjCbMoI0jAAAAAAAAAAAAAAABAAAABWVtcHR5AAAAAAAAAAAAAAAA////"
	"//////8AAAAAAAAAggAAABVwZXJtaXQtWDExLWZvcndhcmRpbmcAAAAAAAAAF3Blcm1pdC1hZ2VudC1mb3J3YXJkaW5nAAAA"
	"AAAAABZwZXJtaXQtcG9ydC1mb3J3YXJkaW5nAAAAAAAAAApwZXJtaXQtcHR5AAAAAAAAAA5wZXJtaXQtdXNlci1yYwAAAAAA"
	"AAAAAAAAMwAAAAtzc2gtZWQyNTUxOQAAACC7G0Yg0aKEQnY9NWu0ZNlIm2f48p9A+3pLPFHlFH5BOQAAAFMAAAALc3NoLWVk"
	"MjU1MTkAAABAza6RmNkBioj7RVj4iVTJ5CpqZXSm0Rp+0z55mnBLnD6i6/7JWcfXgzuAFH4ZvFLrElu7me7pLAew9pturQVw"
	"BA==";

static struct buf blob(const char *b64)
{
	struct buf b;
	buf_init(&b, 0);
	if (b64_decode(b64, strlen(b64), &b) != SSH_OK)
		b.len = 0;
	return b;
}

static void fields(void)
{
	struct buf b = blob(C1);
	struct cert c;
	const char *why = "";
	cert_init(&c);
	CHECK(cert_parse(&c, b.d, b.len, &why) == SSH_OK, "ed25519 certificate parses (%s)", why);
	CHECK(c.serial == 42 && c.type == CERT_USER && c.key_id_len == 8 && !memcmp(c.key_id, "plain-id", 8),
	      "serial, type, key id");
	CHECK(!strcmp(c.plain, "ssh-ed25519") && !strcmp(c.logtype, "ED25519-CERT") && c.key.len == 51,
	      "plain key blob rebuilt");
	CHECK(cert_verify(&c, b.d, ALGS, &why) == SSH_OK, "CA signature verifies (%s)", why);
	CHECK(cert_verify(&c, b.d, "rsa-sha2-512,rsa-sha2-256", &why) == SSH_ERR_SIG,
	      "CA algorithm outside CASignatureAlgorithms refused");
	CHECK(!strcmp(cert_key_logtype(c.ca, c.ca_len), "ED25519"), "CA log type");
	CHECK(cert_check(&c, 1700000000, "bob", &why) == SSH_OK, "valid for a listed principal");
	CHECK(cert_check(&c, 1700000000, "carol", &why) == SSH_ERR_AUTH && strstr(why, "not a listed principal"),
	      "other principal refused");
	CHECK(cert_check(&c, 1500000000, "bob", &why) == SSH_ERR_AUTH && strstr(why, "not yet valid"),
	      "not yet valid");
	CHECK(cert_check(&c, 2300000000u, "bob", &why) == SSH_ERR_AUTH && strstr(why, "expired"), "expired");
	CHECK(cert_has_principal(&c, "x,bob", NULL) && !cert_has_principal(&c, "x,bo", NULL),
	      "principals= list matches whole names");
	/* a flipped byte in the serial breaks the signature */
	b.d[c.signed_len - c.ca_len - 100] ^= 1;
	CHECK(cert_parse(&c, b.d, b.len, &why) != SSH_OK || cert_verify(&c, b.d, ALGS, &why) != SSH_OK,
	      "a changed byte fails the CA signature");
	cert_free(&c);
	buf_free(&b);
}

static void options(void)
{
	struct buf b = blob(C2);
	struct cert c;
	struct authkey k;
	char store[64];
	const char *why = "";
	cert_init(&c);
	authkey_init(&k);
	CHECK(cert_parse(&c, b.d, b.len, &why) == SSH_OK && cert_verify(&c, b.d, ALGS, &why) == SSH_OK,
	      "certificate with options parses");
	CHECK(cert_apply_options(&c, &k, "10.1.2.3", store, sizeof store, &why) == SSH_OK &&
		      !strcmp(k.command, "ls -l") && k.no_pty && k.no_port_forwarding && !k.no_agent_forwarding &&
		      !k.no_x11_forwarding && !k.no_user_rc,
	      "force-command, missing permit-pty and permit-port-forwarding");
	authkey_reset(&k);
	CHECK(cert_apply_options(&c, &k, "192.0.2.1", store, sizeof store, &why) == SSH_ERR_AUTH,
	      "source-address not matching refused");
	authkey_reset(&k);
	k.command = "other";
	CHECK(cert_apply_options(&c, &k, "10.1.2.3", store, sizeof store, &why) == SSH_ERR_AUTH,
	      "force-command differing from command= refused");
	cert_free(&c);
	buf_free(&b);
	b = blob(C3);
	cert_init(&c);
	authkey_reset(&k);
	CHECK(cert_parse(&c, b.d, b.len, &why) == SSH_OK &&
		      cert_apply_options(&c, &k, "10.1.2.3", store, sizeof store, &why) == SSH_ERR_AUTH &&
		      strstr(why, "unknown critical option"),
	      "unknown critical option refused");
	cert_free(&c);
	buf_free(&b);
	b = blob(C4);
	cert_init(&c);
	CHECK(cert_parse(&c, b.d, b.len, &why) == SSH_OK &&
		      cert_check(&c, 1700000000, NULL, &why) == SSH_ERR_AUTH && strstr(why, "lacks principal"),
	      "empty principal list refused");
	cert_free(&c);
	buf_free(&b);
	authkey_free(&k);
}

static void malformed(void)
{
	struct buf b = blob(C1), n;
	struct cert c;
	const char *why;
	size_t bad = 0;
	cert_init(&c);
	for (size_t l = 0; l < b.len; l++)
		bad += cert_parse(&c, b.d, l, &why) == SSH_OK;
	CHECK(bad == 0, "every truncation refused (%zu of %zu accepted)", bad, b.len);
	buf_init(&n, 0);
	buf_put(&n, b.d, b.len);
	buf_u8(&n, 0);
	CHECK(cert_parse(&c, n.d, n.len, &why) == SSH_ERR_FORMAT && strstr(why, "trailing"), "trailing byte refused");
	/* the same certificate with itself as the signature key */
	CHECK(cert_parse(&c, b.d, b.len, &why) == SSH_OK, "parsed again");
	buf_reset(&n);
	buf_put(&n, b.d, c.signed_len - c.ca_len - 4);
	buf_string(&n, b.d, b.len);
	buf_string(&n, c.sig, c.sig_len);
	CHECK(cert_parse(&c, n.d, n.len, &why) == SSH_OK && cert_verify(&c, n.d, ALGS, &why) == SSH_ERR_KEY,
	      "a certificate as the CA key refused");
	/* a plain key is no certificate */
	buf_reset(&n);
	buf_cstring(&n, "ssh-ed25519");
	buf_string(&n, "0123456789abcdef0123456789abcdef", 32);
	CHECK(cert_parse(&c, n.d, n.len, &why) == SSH_ERR_FORMAT, "plain key blob refused");
	buf_free(&n);
	cert_free(&c);
	buf_free(&b);
}

/* C1 re-signed by a security-key (sk-ssh-ed25519) CA, as a FIDO token
 * signs: SHA-256 of the application, flags, counter, SHA-256 of the data */
static void sk_ca(void)
{
	static const char SK[] = "sk-ssh-ed25519@openssh.com", APP[] = "ssh:";
	struct buf b = blob(C1), n, ca, s, sig;
	struct hostkey k;
	struct cert c;
	struct rd r;
	const uint8_t *pk, *raw;
	size_t pkl, rawl, hl = 32;
	uint8_t msg[69];
	const char *why = "";
	cert_init(&c);
	buf_init(&n, 0), buf_init(&ca, 0), buf_init(&s, 0), buf_init(&sig, 0);
	CHECK(crypto_init() == 0 && hostkey_generate(&k, KEY_ED25519, 0) == SSH_OK && hostkey_public_blob(&k, &s) == SSH_OK &&
		      cert_parse(&c, b.d, b.len, &why) == SSH_OK,
	      "sk CA: set-up");
	rd_init(&r, s.d, s.len);
	rd_string(&r, NULL, NULL);
	rd_string(&r, &pk, &pkl);
	buf_cstring(&ca, SK);
	buf_string(&ca, pk, pkl);
	buf_cstring(&ca, APP);
	/* the certificate up to its CA key, then the sk CA key */
	buf_put(&n, b.d, c.signed_len - c.ca_len - 4);
	buf_string(&n, ca.d, ca.len);
	sig_digest("sha256", (const uint8_t *)APP, strlen(APP), msg, &hl);
	msg[32] = 0x01;
	put_u32(msg + 33, 7);
	sig_digest("sha256", n.d, n.len, msg + 37, &hl);
	buf_reset(&s);
	hostkey_sign(&k, sigalg_find((const uint8_t *)"ssh-ed25519", 11), msg, sizeof msg, &s);
	rd_init(&r, s.d, s.len);
	rd_string(&r, NULL, NULL);
	rd_string(&r, &raw, &rawl);
	buf_cstring(&sig, SK);
	buf_string(&sig, raw, rawl);
	buf_u8(&sig, 0x01);
	buf_u32(&sig, 7);
	buf_string(&n, sig.d, sig.len);
	CHECK(cert_parse(&c, n.d, n.len, &why) == SSH_OK, "sk CA: certificate parses (%s)", why);
	CHECK(cert_verify(&c, n.d, ALGS ",sk-ssh-ed25519@openssh.com", &why) == SSH_OK, "sk CA: signature verifies (%s)", why);
	CHECK(!strcmp(cert_key_logtype(c.ca, c.ca_len), "ED25519-SK"), "sk CA: log type");
	CHECK(cert_verify(&c, n.d, ALGS, &why) == SSH_ERR_SIG, "sk CA: refused when not in CASignatureAlgorithms");
	n.d[40] ^= 1;
	CHECK(cert_parse(&c, n.d, n.len, &why) != SSH_OK || cert_verify(&c, n.d, ALGS ",sk-ssh-ed25519@openssh.com", &why) != SSH_OK,
	      "sk CA: an altered certificate refused");
	hostkey_free(&k);
	buf_free(&n), buf_free(&ca), buf_free(&s), buf_free(&sig), buf_free(&b);
	cert_free(&c);
}

int main(void)
{
	fields();
	sk_ca();
	options();
	malformed();
	return t_done();
}
