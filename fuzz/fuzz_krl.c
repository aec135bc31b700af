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

#define CHECK(x) do { if (!(x)) abort(); } while (0)

/* ssh-keygen -s ca -I krl-id -n alice -z 77 -V 20200101:20400101 */
static const char CERT[] =
	"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIDsZ1Ddj+Dt4EKtzDjp/fXcnHICXaA0h55sNWnRysQKM"
	"AAAAIJekKes+D2muPFlIXK7kWey3+Gb6YKV5CMXd/ZmBLyApAAAAAAAAAE0AAAABAAAABmtybC1pZAAAAAkAAAAFYWxpY2UA"
	"AAAAXgvhAAAAAACDqn6AAAAAAAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlbnQtZm9y"
	"d2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVz"
	"ZXItcmMAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAgMCSpwg2e1sfNpvsLAefE2bIZCv1DF1dHUBeU3NNlJ0kAAABT"
	"AAAAC3NzaC1lZDI1NTE5AAAAQJbDbJlBmT5qV+z8b0gfVyxUdLV8iiyRwM4DLy3B9XvAfB5prwv8JuPUr6+EjBiozF/1+EWw"
	"d60mQuUiavf2vA4=";

static struct buf blob;
static struct cert cert;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why;
	(void)argc, (void)argv;
	buf_init(&blob, 0);
	cert_init(&cert);
	CHECK(b64_decode(CERT, strlen(CERT), &blob) == SSH_OK);
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
