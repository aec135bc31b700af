/* Host key files (kex/hostkey.c, keyfile_openssh.c, keyfile_pem.c): the
 * input is the file, handed to hostkey_load through a memfd so the real
 * file-reading path runs. A key that loads must also produce a public blob
 * and a signature; that signature verifies unless the file's public half is
 * another key's (loading trusts a well-formed stored public key, and the
 * self-test of sshd-lite -t says which it is). */
#include <stdlib.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "transport/crypto.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	crypto_init();
	return 0;
}

static void use(const struct hostkey *k)
{
	static const uint8_t msg[] = "fuzz";
	struct buf blob, sig;
	struct rd r;
	const uint8_t *name, *s;
	size_t nlen, slen;
	int e;
	buf_init(&blob, 0);
	buf_init(&sig, 0);
	CHECK(hostkey_public_blob(k, &blob) == SSH_OK);
	for (int i = 0; sigalgs[i].name; i++) {
		if (sigalgs[i].type != k->type)
			continue;
		buf_reset(&sig);
		CHECK(hostkey_sign(k, &sigalgs[i], msg, sizeof msg, &sig) == SSH_OK);
		/* string algorithm name, string signature */
		rd_init(&r, sig.d, sig.len);
		CHECK(rd_string(&r, &name, &nlen) == SSH_OK && rd_string(&r, &s, &slen) == SSH_OK);
		e = key_verify(&sigalgs[i], blob.d, blob.len, msg, sizeof msg, sig.d, sig.len);
		CHECK(e == SSH_OK || e == SSH_ERR_SIG);
		CHECK(hostkey_selftest(k) == e);
		break; /* one signature is enough; RSA ones are slow */
	}
	buf_free(&blob);
	buf_free(&sig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostkey k;
	char path[64];
	int fd, e;
	if (size > 64 * 1024)
		return 0;
	rand_fuzz_seed(3);
	fd = fuzz_memfile(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	e = hostkey_load(path, &k);
	close(fd);
	if (e == SSH_OK) {
		use(&k);
		hostkey_free(&k);
	} else {
		CHECK(e == SSH_ERR_FILE || e == SSH_ERR_KEY || e == SSH_ERR_ENCRYPTED || e == SSH_ERR_FORMAT ||
		      e == SSH_ERR_SHORT || e == SSH_ERR_TOOBIG || e == SSH_ERR_UNSUPPORTED);
	}
	return 0;
}
