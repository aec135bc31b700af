#include <signal.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "kex/kex.h"
#include "transport/conn.h"
#include "transport/version.h"

/* the fields of a zeroed connection that are not zero */
static void conn_setup(struct conn *c, int rfd, int wfd, const struct config *cfg, const struct logger *log)
{
	c->rfd = rfd;
	c->wfd = wfd;
	c->cfg = c->base_cfg = cfg;
	c->log = log;
	buf_init(&c->in, PKT_MAX_LEN + 2 * READ_BLOCK);
	buf_init(&c->zin, PAYLOAD_MAX + 8192);
	buf_init(&c->out, 0);
	buf_init(&c->zout, 0);
	/* what waits for NEWKEYS: replies to requests the peer made before
	 * its KEXINIT arrived; a real client's fit many times over */
	buf_init(&c->deferred, 1u << 20);
	c->rx.cipher = c->tx.cipher = &cipher_none;
	c->padpos = sizeof c->pad;
	conn_rekey_limits(c, cfg);
	snprintf(c->server_version, sizeof c->server_version, "SSH-2.0-sshd-lite_%s%s%s", SSHD_LITE_VERSION,
		 cfg->version_addendum ? " " : "", cfg->version_addendum ? cfg->version_addendum : "");
	strcpy(c->addr, "UNKNOWN");
	strcpy(c->laddr, "UNKNOWN");
	c->start_ms = conn_now_ms();
}

void conn_init(struct conn *c, int rfd, int wfd, const struct config *cfg, const struct logger *log)
{
	memset(c, 0, sizeof *c);
	conn_setup(c, rfd, wfd, cfg, log);
}

/* calloc's pages of a struct this large come fresh from mmap, already
 * zero: a memset would fault in all of its pages (the cipher contexts'
 * union alone is 70 KB per direction), most of which a connection never
 * touches, and a page fault is a connection's costliest step here */
struct conn *conn_new(int rfd, int wfd, const struct config *cfg, const struct logger *log)
{
	struct conn *c = calloc(1, sizeof *c);
	if (c)
		conn_setup(c, rfd, wfd, cfg, log);
	return c;
}

int64_t conn_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* a direction's keys, touching only the bytes its cipher row used */
static void conn_wipe_dir(struct direction *d)
{
	wipe(&d->cc, cipher_ctx_size(d->cipher, &d->cc));
	wipe(&d->mc, sizeof d->mc);
	d->seq = 0;
	d->cipher = NULL;
	d->mac = NULL;
}

int conn_signals_fd(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

void conn_free(struct conn *c)
{
	if (c->match_cfg) {
		config_free(c->match_cfg);
		free(c->match_cfg);
		c->match_cfg = NULL;
		c->cfg = c->base_cfg;
	}
	if (c->kex) {
		kex_free(c->kex);
		c->kex = NULL;
	}
	comp_end(&c->rx.z);
	comp_end(&c->tx.z);
	/* only what a read reached can hold plaintext: the rest of the
	 * read block was never touched, and wiping it would fault it in */
	buf_free_used(&c->in, c->in_used);
	buf_free(&c->zin);
	buf_free(&c->out);
	buf_free(&c->zout);
	buf_free(&c->deferred);
	conn_wipe_dir(&c->rx);
	conn_wipe_dir(&c->tx);
	wipe(c->session_id, sizeof c->session_id);
	/* the helper sees EOF and ends */
	if (c->rootfd > 0)
		close(c->rootfd);
	c->rootfd = 0;
}

void conn_rekey_limits(struct conn *c, const struct config *cfg)
{
	c->rekey_bytes = cfg->rekey_bytes ? (uint64_t)cfg->rekey_bytes : (1ull << 30);
	c->rekey_seconds = cfg->rekey_seconds ? cfg->rekey_seconds : 3600;
}
