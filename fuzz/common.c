/* Helpers every fuzz target links: see fuzz.h. Targets run single-threaded
 * and keep their one-time set-up in statics, which is fine for a harness
 * (the server itself has no mutable globals). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "services/userauth.h"
#include "transport/crypto.h"
#include "wiring.h"

void fuzz_config(struct config *cfg)
{
	static const struct {
		enum algs_kind kind;
		const char *kw;
	} all[] = {
		{ALGS_KEX, "KexAlgorithms"}, {ALGS_CIPHER, "Ciphers"}, {ALGS_MAC, "MACs"},
		{ALGS_SIG, "HostKeyAlgorithms"}, {ALGS_SIG, "PubkeyAcceptedAlgorithms"},
	};
	char names[2048], line[2200], err[256];
	config_defaults(cfg);
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		algs_names(all[i].kind, 1, names, sizeof names);
		snprintf(line, sizeof line, "%s %s", all[i].kw, names);
		if (config_set(cfg, line, err, sizeof err) < 0) {
			fprintf(stderr, "fuzz: %s: %s\n", line, err);
			abort(); /* harness set-up, not a parser */
		}
	}
	/* no wall-clock limits: an input must behave the same every run */
	cfg->login_grace_time = 0;
	cfg->log_level = LOG_DEBUG;
	if (config_finish(cfg, algs_names, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz: config_finish: %s\n", err);
		abort();
	}
}

const struct logger *fuzz_logger(void)
{
	static struct logger log = {LOG_DEBUG, 0, -1, LOG_AUTH};
	/* FUZZ_LOG=1 shows the server's log on stderr, to read what an input does */
	if (log.fd < 0 && !log.to_stderr) {
		if (getenv("FUZZ_LOG"))
			log.to_stderr = 1;
		else
			log.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	}
	return &log;
}

struct hostkey *fuzz_hostkey(void)
{
	static struct hostkey key;
	static int have;
	if (!have) {
		if (crypto_init() < 0 || hostkey_generate(&key, KEY_ED25519, 0) != SSH_OK) {
			fprintf(stderr, "fuzz: cannot make a host key\n");
			abort();
		}
		have = 1;
	}
	return &key;
}

void fuzz_conn(struct conn *c, int rfd, int wfd, const struct config *cfg)
{
	conn_init(c, rfd, wfd, cfg, fuzz_logger());
	c->keys = fuzz_hostkey();
	c->nkeys = 1;
	strcpy(c->addr, "192.0.2.1");
	c->port = 4242;
}

struct conn *fuzz_service_conn(const struct config *cfg, uint64_t seed)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	rand_fuzz_seed(seed);
	fuzz_conn(c, -1, -1, cfg);
	transport_kex_done(c); /* the first exchange is behind it */
	return c;
}

void fuzz_service_install(struct conn *c, int (*install)(struct conn *c))
{
	if (install(c) != SSH_OK)
		abort(); /* harness set-up, not a parser */
}

void fuzz_service_end(struct conn *c)
{
	if (c->hooks && c->hooks->cleanup)
		c->hooks->cleanup(c);
	/* the connection's owner releases the service state (userauth.h) */
	userauth_free(c);
	conn_free(c);
	free(c);
}

int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	size_t off = 0;
	if (fd < 0)
		return -1;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

void fuzz_dispatch(struct conn *c, const uint8_t *data, size_t size,
		   int (*keep)(const uint8_t *p, size_t n))
{
	static uint8_t msg[65536];
	size_t i = 0;
	while (i + 2 <= size) {
		size_t n = (size_t)data[i] << 8 | data[i + 1];
		const uint8_t *p = data + i + 2;
		struct rd r;
		i += 2;
		if (n > size - i)
			n = size - i;
		i += n;
		if (n == 0 || !c->dispatch[p[0]] || !keep(p, n))
			continue;
		memcpy(msg, p, n);
		rd_init(&r, msg + 1, n - 1);
		if (c->dispatch[msg[0]](c, msg[0], &r) != SSH_OK || c->want_close)
			break;
		/* nobody reads the replies */
		buf_reset(&c->out);
		c->out_off = 0;
	}
}
