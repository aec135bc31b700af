/* The whole server before authentication, from its first byte: a
 * connection on one end of a socketpair runs transport_run() as main() does,
 * and the harness plays the client on the other end.
 *
 * Input: the client's version line (through its '\n'), then records of
 *   u8 kind, u16 length (big-endian), length bytes
 * kind bit 0 clear: a packet payload (message number first) that the
 * harness frames, pads and, after NEWKEYS, encrypts and MACs like a client;
 * kind bit 0 set: raw bytes written as they are (framing attacks).
 *
 * With -DSSHL_FUZZ the server's randomness is a fixed stream, so the key
 * exchange replays exactly; the harness takes the client->server keys from
 * the server's own key exchange state the moment it sends NEWKEYS, which
 * lets fuzzed packets pass the MAC and reach userauth. Records go out one at
 * a time, each only after the server has read and handled the previous one
 * (the loop hooks run after every poll), so the keys are there when needed.
 * At the end of the input the harness shuts its side down: EOF. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "kex/kex.h"
#include "services/service.h"
#include "services/userauth.h"
#include "transport/crypto.h"
#include "transport/msg.h"

struct harness {
	int fd;                 /* the client's end */
	const uint8_t *p;       /* records not yet sent */
	size_t n;
	int quiet;              /* events seen since the server read everything */
	int shut;
	struct conn tx;         /* seals the client's packets */
	int have_keys;          /* keys taken from the server, for our next NEWKEYS */
	int keys_for;           /* kex_count + 1 of the exchange they came from */
	struct pkt_algs algs;   /* client->server */
	struct pkt_keys keys;
};

static struct config cfg;
/* the hooks get only the conn; the harness is single-threaded */
static struct harness *H;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	signal(SIGPIPE, SIG_IGN);
	crypto_init();
	fuzz_config(&cfg);
	rand_fuzz_seed(11);
	fuzz_hostkey();
	return 0;
}

static void drain(struct harness *h)
{
	uint8_t sink[16384];
	while (read(h->fd, sink, sizeof sink) > 0)
		;
}

/* what the server holds unread, in its socket and its own buffer */
static int server_busy(const struct conn *c)
{
	int n = 0;
	if (ioctl(c->rfd, FIONREAD, &n) < 0)
		return 0;
	return n > 0;
}

/* the server's NEWKEYS is out: its client->server keys are ours to use */
static void take_keys(struct harness *h, const struct conn *c)
{
	const struct kex *k = c->kex;
	if (!k || k->phase != KEX_NEWKEYS_SENT || h->keys_for == c->kex_count + 1)
		return;
	h->algs = k->algs.dir[PKT_RX];
	h->keys = k->keys[PKT_RX];
	h->have_keys = 1;
	h->keys_for = c->kex_count + 1;
}

/* our NEWKEYS is queued: what follows goes out under the server's keys */
static void new_keys(struct harness *h, const struct conn *c)
{
	if (!h->have_keys)
		return;
	h->have_keys = 0;
	h->tx.authenticated = c->authenticated;
	h->tx.strict_kex = c->strict_kex;
	if (pkt_newkeys(&h->tx, PKT_TX, &h->algs, &h->keys) != SSH_OK)
		abort();
}

/* queues the next record in h->tx.out */
static void next_record(struct harness *h, const struct conn *c)
{
	size_t len;
	uint8_t kind;
	struct buf *b;
	if (h->n < 3) {
		h->n = 0;
		return;
	}
	kind = h->p[0];
	len = (size_t)h->p[1] << 8 | h->p[2];
	h->p += 3, h->n -= 3;
	if (len > h->n)
		len = h->n;
	if (kind & 1) {
		if (buf_put(&h->tx.out, h->p, len) != SSH_OK)
			abort();
	} else if (len > 0) {
		if (c->authenticated && !h->tx.authenticated) {
			/* zlib@openssh.com starts after USERAUTH_SUCCESS */
			h->tx.authenticated = 1;
			pkt_start_compression(&h->tx, 1);
		}
		if (pkt_begin(&h->tx, h->p[0], &b) != SSH_OK || buf_put(b, h->p + 1, len - 1) != SSH_OK ||
		    pkt_send(&h->tx) != SSH_OK)
			abort();
		if (h->p[0] == SSH_MSG_NEWKEYS)
			new_keys(h, c);
	}
	h->p += len, h->n -= len;
}

static int h_pollfds(struct conn *c, struct pollfd *fds, int max)
{
	(void)c;
	if (max < 1)
		return 0;
	fds[0] = (struct pollfd){H->fd, POLLIN, 0};
	return 1;
}

static int h_events(struct conn *c, struct pollfd *fds, int n)
{
	struct harness *h = H;
	(void)fds, (void)n;
	drain(h);
	take_keys(h, c);
	if (h->tx.out.len > h->tx.out_off) {
		ssize_t w = write(h->fd, h->tx.out.d + h->tx.out_off, h->tx.out.len - h->tx.out_off);
		if (w > 0)
			h->tx.out_off += (size_t)w;
		if (h->tx.out_off == h->tx.out.len)
			h->tx.out.len = h->tx.out_off = 0;
		h->quiet = 0;
		return SSH_OK;
	}
	/* one record at a time: the server has read the last one and had a
	 * turn of its loop to handle it */
	if (server_busy(c)) {
		h->quiet = 0;
		return SSH_OK;
	}
	if (++h->quiet < 2)
		return SSH_OK;
	h->quiet = 0;
	if (h->n > 0) {
		next_record(h, c);
	} else if (!h->shut) {
		shutdown(h->fd, SHUT_WR);
		h->shut = 1;
	}
	return SSH_OK;
}

static int h_timeout(struct conn *c)
{
	(void)c;
	return 0; /* the harness drives: never let poll sleep */
}

static const struct loop_hooks hooks = {h_pollfds, h_events, h_timeout, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness h;
	struct conn *c;
	int sv[2];
	const uint8_t *nl = memchr(data, '\n', size < 256 ? size : 256);
	size_t vlen = nl ? (size_t)(nl - data) + 1 : size;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	memset(&h, 0, sizeof h);
	rand_fuzz_seed(11);
	c = calloc(1, sizeof *c);
	if (!c)
		abort();
	fuzz_conn(c, sv[0], sv[0], &cfg);
	c->hooks = &hooks;
	fuzz_conn(&h.tx, -1, -1, &cfg);
	h.fd = sv[1];
	h.p = data + vlen;
	h.n = nl ? size - vlen : 0;
	H = &h;
	/* the version line goes first, on its own: version_recv does not run
	 * the hooks; without a newline everything goes and the side closes */
	if (vlen > 0 && write(h.fd, data, vlen) != (ssize_t)vlen)
		h.n = 0; /* the socket took less: send nothing more */
	if (!nl) {
		shutdown(h.fd, SHUT_WR);
		h.shut = 1;
	}
	transport_run(c, transport_services);
	H = NULL;
	/* the connection's owner releases the service state (userauth.h) */
	userauth_free(c);
	conn_free(c);
	free(c);
	conn_free(&h.tx);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
