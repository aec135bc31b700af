/* sshd_config parsing (config/config.c, alglist.c): each input line goes
 * through config_set on one configuration, and the whole input through
 * config_read_file on another (Include, Match); both are then finished,
 * printed and freed, the second also evaluated for a connection
 * (config_match). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "transport/crypto.h"
#include "wiring.h"

static int devnull = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	crypto_init();
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return 0;
}

static void finish(struct config *cfg)
{
	char err[256];
	if (config_finish(cfg, algs_names, err, sizeof err) == 0) {
		struct match_ctx ctx = {.user = "root", .host = "10.1.2.3", .addr = "10.1.2.3", .laddr = "::1",
					.lport = 22, .rdomain = "r", .version = "sshd-lite_0"};
		struct config m;
		config_print(cfg, devnull);
		if (config_has_match(cfg) && config_match(cfg, &ctx, &m, err, sizeof err) == 0)
			config_print(&m, devnull);
		if (config_has_match(cfg))
			config_free(&m);
	}
	config_free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char err[256], path[64], *line;
	size_t i = 0;
	int fd;
	if (size > 16 * 1024)
		return 0;
	config_defaults(&cfg);
	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : size - i;
		line = malloc(n + 1);
		if (!line)
			break;
		memcpy(line, data + i, n);
		line[n] = 0;
		config_set(&cfg, line, err, sizeof err);
		free(line);
		i += n + 1;
	}
	finish(&cfg);

	config_defaults(&cfg);
	fd = fuzz_memfile(data, size, path, sizeof path);
	if (fd >= 0) {
		config_read_file(&cfg, path, err, sizeof err);
		close(fd);
	}
	finish(&cfg);
	return 0;
}
