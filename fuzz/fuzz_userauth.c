/* ssh-userauth (services/userauth.c, auth_*.c) after SERVICE_REQUEST: the
 * input starts with an authorized_keys file (u16 length, then the bytes),
 * which every user's AuthorizedKeysFile points to (through a memfd;
 * StrictModes off), then records of u16 length and a message payload
 * (50 USERAUTH_REQUEST, 61 INFO_RESPONSE, ...) that go straight to the
 * dispatch table. Passwords and keyboard-interactive are on. A login that
 * succeeds starts ssh-connection, which is torn down at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "services/service.h"
#include "services/userauth.h"
#include "transport/crypto.h"

static struct config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	crypto_init();
	fuzz_config(&cfg);
	cfg.password_authentication = 1;
	cfg.kbd_interactive_authentication = 1;
	cfg.strict_modes = 0;
	cfg.max_auth_tries = 6;
	return 0;
}

/* only the userauth range: after success, no session programs */
static int userauth_range(const uint8_t *p, size_t n)
{
	(void)n;
	return p[0] >= 50 && p[0] <= 79;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn *c;
	char path[64];
	size_t klen;
	int fd;
	if (size < 2)
		return 0;
	klen = (size_t)data[0] << 8 | data[1];
	if (klen > size - 2)
		klen = size - 2;
	fd = fuzz_memfile(data + 2, klen, path, sizeof path);
	if (fd < 0)
		return 0;
	/* one file for everyone, replacing the defaults for this input */
	for (int k = 0; k < cfg.authorized_keys_files.n; k++)
		free(cfg.authorized_keys_files.v[k]);
	cfg.authorized_keys_files.v[0] = strdup(path);
	cfg.authorized_keys_files.n = 1;
	c = fuzz_service_conn(&cfg, 9);
	fuzz_service_install(c, userauth_install);
	fuzz_dispatch(c, data + 2 + klen, size - 2 - klen, userauth_range);
	fuzz_service_end(c);
	close(fd);
	return 0;
}
