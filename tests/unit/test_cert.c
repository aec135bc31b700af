/* The certificate parser (services/cert.c, cert_options.c) on blobs made
 * by ssh-keygen -s: fields, the CA's signature, validity, principals,
 * critical options and extensions; and malformed blobs: every truncation,
 * trailing bytes, a flipped byte, a certificate as the signature key. */
#include <stdlib.h>
#include <string.h>

#include "kex/base64.h"
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

int main(void)
{
	fields();
	options();
	malformed();
	return t_done();
}
