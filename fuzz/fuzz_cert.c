/* OpenSSH certificates (services/cert.c, cert_options.c): the input is a
 * certificate blob as a client sends it in a publickey request. A parsed
 * one has its CA signature checked, its validity and principals tried at a
 * few moments and names, and its options applied to an empty and to a
 * restricted authorized_keys line. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "services/cert.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

static void options(const struct cert *c, struct authkey *k)
{
	char store[256];
	const char *why = NULL;
	int e;
	authkey_reset(k);
	e = cert_apply_options(c, k, "192.0.2.7", store, sizeof store, &why);
	CHECK(e == SSH_OK || (e == SSH_ERR_AUTH && why));
	/* a command= line: force-command must agree with it */
	authkey_reset(k);
	k->command = "ls";
	k->no_touch_required = 1;
	e = cert_apply_options(c, k, "2001:db8::7", store, sizeof store, &why);
	CHECK(e == SSH_OK || (e == SSH_ERR_AUTH && why));
	CHECK(e != SSH_OK || !strcmp(k->command, "ls"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t moments[] = {0, 1700000000, UINT64_MAX};
	struct cert c;
	struct authkey *k;
	const char *why = NULL;
	int e;

	cert_init(&c);
	e = cert_parse(&c, data, size, &why);
	CHECK(e == SSH_OK || (e == SSH_ERR_FORMAT && why));
	if (e == SSH_OK) {
		CHECK(c.plain && c.logtype && c.key.len > 0 && c.signed_len <= size);
		(void)cert_verify(&c, data, "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256", &why);
		(void)cert_key_logtype(c.ca, c.ca_len);
		for (size_t i = 0; i < sizeof moments / sizeof moments[0]; i++) {
			(void)cert_check(&c, moments[i], "alice", &why);
			(void)cert_check(&c, moments[i], NULL, &why);
		}
		(void)cert_has_principal(&c, "alice,bob", NULL);
		if ((k = malloc(sizeof *k)) != NULL) {
			authkey_init(k);
			options(&c, k);
			authkey_free(k);
			free(k);
		}
	}
	cert_free(&c);
	return 0;
}
