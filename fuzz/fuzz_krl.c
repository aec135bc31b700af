/* OpenSSH KRLs (services/krl.c): the input is a RevokedKeys file. It is
 * checked for a fixed certificate (ed25519, serial 77, key id "krl-id"),
 * for that certificate's key alone and for its CA, as sshd-lite checks a
 * certificate; the seeds (fuzz/corpus/fuzz_krl) are ssh-keygen -k's
 * revoking it by each section, so mutations start where matches happen. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "kex/base64.h"
#include "services/krl.h"
#include "tests/unit/krl_cert.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static struct buf blob;
static struct cert cert;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why;
	(void)argc, (void)argv;
	buf_init(&blob, 0);
	cert_init(&cert);
	CHECK(b64_decode(KRL_CERT, strlen(KRL_CERT), &blob) == SSH_OK);
	CHECK(cert_parse(&cert, blob.d, blob.len, &why) == SSH_OK);
	return 0;
}

static void one(const uint8_t *data, size_t size, const uint8_t *key, size_t keylen, const struct cert *ct)
{
	const char *why = NULL;
	int e = krl_check(data, size, key, keylen, ct, &why);
	CHECK(e == KRL_CLEAR || e == KRL_REVOKED || e == KRL_NOT_KRL || (e == SSH_ERR_FORMAT && why));
	CHECK((e == KRL_NOT_KRL) == !krl_is_krl(data, size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, cert.key.d, cert.key.len, &cert);
	one(data, size, cert.key.d, cert.key.len, NULL);
	one(data, size, cert.ca, cert.ca_len, NULL);
	return 0;
}
