/* authorized_keys (services/authkeys.c): the input is a file, read with the
 * line reader through a memfd as auth_pubkey.c reads it; each line is
 * parsed, and a parsed key's from= list is matched against a v4 and a v6
 * address. Every line of the input is also parsed directly, so lines the
 * reader skips as too long still reach the parser's own length check. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "services/authkeys.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

static void parse(struct authkey *k, const char *line, size_t len)
{
	const char *why = NULL;
	time_t t;
	int e = authkey_parse(k, line, len, &why);
	if (e == AUTHKEY_KEY) {
		CHECK(k->type && k->blob.len > 0);
		if (k->from) {
			authkey_from_match(k->from, "192.0.2.7");
			authkey_from_match(k->from, "2001:db8::7");
		}
		if (k->command)
			glob_match(k->command, strlen(k->command), "192.0.2.7");
	} else if (e != AUTHKEY_BLANK) {
		CHECK(e == SSH_ERR_FORMAT && why);
	}
	/* the time parser on the line as a string */
	if (len < 64) {
		char s[64];
		memcpy(s, line, len);
		s[len] = 0;
		authkey_parse_time(s, &t);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authkey *k;
	struct linereader *lr;
	const char *line;
	size_t len, i = 0;
	int toolong, fd;
	char path[64];
	if (size > 256 * 1024)
		return 0;
	k = malloc(sizeof *k);
	lr = malloc(sizeof *lr);
	if (!k || !lr)
		abort();
	fd = fuzz_memfile(data, size, path, sizeof path);
	if (fd >= 0) {
		lseek(fd, 0, SEEK_SET);
		lr_init(lr, fd);
		while (lr_next(lr, &line, &len, &toolong) == 1) {
			CHECK(len <= AUTHKEYS_LINE_MAX);
			if (toolong)
				continue;
			authkey_init(k);
			parse(k, line, len);
			authkey_free(k);
		}
		close(fd);
	}
	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : size - i;
		authkey_init(k);
		parse(k, (const char *)data + i, n);
		authkey_free(k);
		i += n + 1;
	}
	free(k);
	free(lr);
	return 0;
}
