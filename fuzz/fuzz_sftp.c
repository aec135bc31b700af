/* The SFTP engine (services/sftp*.c) on arbitrary packet streams. The first
 * input byte picks sftp-server flags (-R, -P, -p) and where the stream is
 * cut into pieces, so framing across pieces is exercised; an INIT is sent
 * first unless the flags byte says not to. Built with -DSSHL_FUZZ the
 * engine keeps every name under a scratch directory made here and makes
 * no symlinks, so the fuzzer cannot touch anything else; the directory is
 * emptied after each input. Checked: every reply is a whole packet of a
 * reply type within the limits, and the handles stay bounded. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "services/sftp.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static char root[64];

static void cleanup(void)
{
	if (root[0])
		rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(root, sizeof root, "/tmp/fuzz_sftp.XXXXXX");
	if (!mkdtemp(root))
		abort();
	atexit(cleanup);
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag;
	if (f->level > 0)
		remove(path);
	return 0;
}

/* every reply whole, of a reply type, no larger than a READ reply */
static void drain(struct sftp *s)
{
	while (sftp_outlen(s) >= 4) {
		const uint8_t *p = sftp_out(s);
		uint32_t n = get_u32(p);
		CHECK(n >= 1 && n <= SFTP_MAX_READ + 13 && 4 + (size_t)n <= sftp_outlen(s));
		CHECK(p[4] == SSH_FXP_VERSION || (p[4] >= SSH_FXP_STATUS && p[4] <= SSH_FXP_ATTRS) ||
		      p[4] == SSH_FXP_EXTENDED_REPLY);
		sftp_sent(s, 4 + (size_t)n);
	}
	CHECK(sftp_outlen(s) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const flags[] = {"", "-R", "-P open,remove,write", "-p open,read,close,stat", "-l DEBUG"};
	static const uint8_t init[] = {0, 0, 0, 5, SSH_FXP_INIT, 0, 0, 0, 3};
	struct sftp *s;
	size_t piece;
	if (size < 2 || size > 1024 * 1024)
		return 0;
	s = sftp_new(fuzz_logger(), flags[data[0] % 5], "fuzz", root, "192.0.2.7");
	CHECK(s);
	piece = 1 + data[1] * 97u;
	if (!(data[0] & 0x80)) {
		CHECK(sftp_input(s, init, sizeof init) == SSH_OK);
		CHECK(sftp_run(s) == SSH_OK);
		drain(s);
	}
	for (size_t i = 2; i < size; i += piece) {
		size_t n = size - i < piece ? size - i : piece;
		if (sftp_input(s, data + i, n) != SSH_OK)
			break;
		/* the engine stops with replies waiting: take them and go on */
		int e;
		do {
			e = sftp_run(s);
			drain(s);
		} while (e == SSH_OK && sftp_ready(s));
		CHECK(s->nh >= 0 && s->nh <= SFTP_MAX_HANDLES);
		if (e != SSH_OK)
			break;
	}
	sftp_free(s);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
