/* Unix-domain socket forwarding, OpenSSH's "streamlocal" (PROTOCOL 2.4):
 * direct-streamlocal@openssh.com channels connect to a socket path for the
 * client (ssh -L port:/path, ssh -L /local:/path); streamlocal-forward@
 * openssh.com makes a listening socket whose connections come back as
 * forwarded-streamlocal@openssh.com channels (ssh -R /path:...), and
 * cancel-streamlocal-forward@openssh.com closes it. We run as the user by
 * now, so every socket is made and reached with the user's rights;
 * StreamLocalBindMask is the umask of the bind and StreamLocalBindUnlink
 * removes a socket file left at the path first. As in OpenSSH, a
 * listener's file stays when it is closed. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "services/auth.h"
#include "services/channel.h"
#include "services/forward.h"
#include "transport/conn.h"

#define PATH_MAX_UN (sizeof ((struct sockaddr_un *)0)->sun_path)
#define LISTEN_BACKLOG 32
#define UNIX_LISTEN_MAX 64

struct ulistener {
	struct fwd_watch w; /* first: the watch is the listener */
	char path[PATH_MAX_UN];
};

static struct ulistener *of(struct fwd_watch *w) { return (struct ulistener *)(void *)w; }

/* AllowStreamLocalForwarding for the direction, and no-port-forwarding
 * (OpenSSH's restriction covers both kinds); logs the refusal */
static int allowed(struct conn *c, int dir, const char *what, const char *path)
{
	if (c->cfg->disable_forwarding) {
		logit(c->log, LOG_INFO, "refused %s to %.100s: DisableForwarding yes", what, path);
		return 0;
	}
	if (!(c->cfg->allow_streamlocal_forwarding & dir)) {
		logit(c->log, LOG_INFO, "refused %s to %.100s: AllowStreamLocalForwarding %s", what, path,
		      c->cfg->allow_streamlocal_forwarding ? (dir == FWD_LOCAL ? "remote" : "local") : "no");
		return 0;
	}
	if (!c->auth || c->auth->no_port_forwarding) {
		logit(c->log, LOG_INFO, "refused %s to %.100s: %s", what, path,
		      auth_why(c->auth, "no-port-forwarding in authorized_keys"));
		return 0;
	}
	return 1;
}

/* permitopen/permitlisten entries that are paths ("/..."): with any entries
 * at all, the path must match one, exactly for permitopen and as a
 * pattern for permitlisten; no entries means any path */
static int path_permitted(char *const *list, int n, const char *path, int pattern)
{
	if (!n)
		return 1;
	for (int i = 0; i < n; i++)
		if (list[i][0] == '/' && (pattern ? fnmatch(list[i], path, FNM_PATHNAME) == 0 : !strcmp(list[i], path)))
			return 1;
	return 0;
}

/* a socket path field: text, absolute or not, short enough for sun_path */
static int read_path(struct rd *r, char *path)
{
	const uint8_t *p;
	size_t n;
	int e = rd_text(r, &p, &n);
	if (e != SSH_OK)
		return e;
	if (n == 0 || n >= PATH_MAX_UN || memchr(p, 0, n))
		return SSH_ERR_TOOBIG;
	memcpy(path, p, n);
	path[n] = 0;
	return SSH_OK;
}

static void sockaddr_of(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, strlen(path));
}

/* ---- direct-streamlocal@openssh.com ---- */

static int ds_open(struct conn *c, struct channel *ch, struct rd *extra)
{
	char path[PATH_MAX_UN];
	struct sockaddr_un sa;
	int fd, e;
	/* socket path, reserved string, reserved uint32 */
	if ((e = read_path(extra, path)) != SSH_OK)
		return e == SSH_ERR_TOOBIG ? OPEN_CONNECT_FAILED : e;
	if ((e = rd_string(extra, NULL, NULL)) != SSH_OK || (e = rd_u32(extra, NULL)) != SSH_OK ||
	    (e = rd_end(extra)) != SSH_OK)
		return e;
	if (!allowed(c, FWD_LOCAL, "streamlocal port forward", path))
		return OPEN_ADMINISTRATIVELY_PROHIBITED;
	if (!path_permitted(c->auth->permitopen, c->auth->npermitopen, path, 0)) {
		logit(c->log, LOG_INFO, "Received request to connect to path %.100s, but the request was denied.",
		      path);
		return OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return OPEN_RESOURCE_SHORTAGE;
	sockaddr_of(path, &sa);
	/* a local connect completes at once or fails (EAGAIN: its backlog is full) */
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int err = errno;
		close(fd);
		logit(c->log, LOG_DEBUG, "direct-streamlocal channel %u: connect to %.100s failed: %s", ch->id, path,
		      strerror(err));
		return channel_open_fail(c, ch, OPEN_CONNECT_FAILED, strerror(err));
	}
	channel_set_fds(ch, fd, fd, -1);
	logit(c->log, LOG_DEBUG, "direct-streamlocal channel %u: connected to %.100s", ch->id, path);
	return channel_open_confirm(c, ch);
}

const struct chan_type direct_streamlocal_type = {
	.name = "direct-streamlocal@openssh.com",
	.open = ds_open,
};

/* ---- streamlocal-forward@openssh.com ---- */

/* only we open these; the core carries the data */
static const struct chan_type forwarded_streamlocal_type = {
	.name = "forwarded-streamlocal@openssh.com",
	.opened = fwd_opened,
};

/* a connection to the listener: its channel, or none left */
static void ul_opening(struct conn *c, struct fwd_watch *w, struct channel *ch, struct buf *b)
{
	if (!ch) {
		logit(c->log, LOG_INFO, "remote forward: no channel for a connection to %.100s", of(w)->path);
		return;
	}
	logit(c->log, LOG_DEBUG, "remote forward: connection to %.100s, channel %u", of(w)->path, ch->id);
	/* socket path, reserved */
	buf_cstring(b, of(w)->path);
	buf_cstring(b, "");
}

static int ul_ready(struct conn *c, struct fwd_watch *w, short revents)
{
	(void)revents;
	return fwd_accept_unix(c, w, &forwarded_streamlocal_type, ul_opening);
}

static void ul_release(struct conn *c, struct fwd_watch *w)
{
	(void)c;
	close(w->fd);
	free(of(w));
}

/* the listener on path, or NULL; n receives how many there are */
static struct ulistener *find(struct conn *c, const char *path, int *n)
{
	struct connection *s = c->connection;
	struct ulistener *hit = NULL;
	*n = 0;
	for (struct fwd_watch *w = s->fwd; w; w = w->next) {
		if (w->ready != ul_ready)
			continue;
		(*n)++;
		if (!strcmp(of(w)->path, path))
			hit = of(w);
	}
	return hit;
}

/* socket, unlink when asked, bind under StreamLocalBindMask, listen */
static int listen_path(struct conn *c, const char *path)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), r;
	if (fd < 0)
		return -1;
	sockaddr_of(path, &sa);
	if (c->cfg->streamlocal_bind_unlink)
		unlink(path);
	old = umask((mode_t)c->cfg->streamlocal_bind_mask);
	r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (r < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		int err = errno;
		logit(c->log, LOG_INFO, "remote forward: cannot listen on %.100s: %s", path, strerror(err));
		close(fd);
		return -1;
	}
	return fd;
}

int fwd_streamlocal_forward(struct conn *c, struct rd *r, struct buf *reply)
{
	char path[PATH_MAX_UN];
	struct ulistener *l;
	int n, fd, e;
	(void)reply;
	/* socket path */
	if ((e = read_path(r, path)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e == SSH_ERR_TOOBIG ? 0 : e;
	if (!allowed(c, FWD_REMOTE, "streamlocal remote forward", path))
		return 0;
	if (!path_permitted(c->auth->permitlisten, c->auth->npermitlisten, path, 1)) {
		logit(c->log, LOG_INFO, "remote forward to %.100s refused: not in permitlisten", path);
		return 0;
	}
	if (find(c, path, &n) || n >= UNIX_LISTEN_MAX) {
		logit(c->log, LOG_INFO, "remote forward to %.100s refused: %s", path,
		      n >= UNIX_LISTEN_MAX ? "too many listening sockets" : "forwarded already");
		return 0;
	}
	if (!(l = calloc(1, sizeof *l)))
		return 0;
	if ((fd = listen_path(c, path)) < 0) {
		free(l);
		return 0;
	}
	l->w.fd = fd;
	l->w.events = POLLIN;
	l->w.ready = ul_ready;
	l->w.release = ul_release;
	snprintf(l->path, sizeof l->path, "%s", path);
	fwd_watch_add(c, &l->w);
	logit(c->log, LOG_DEBUG, "remote forward: listening on %.100s", path);
	return 1;
}

int fwd_cancel_streamlocal_forward(struct conn *c, struct rd *r, struct buf *reply)
{
	char path[PATH_MAX_UN];
	struct ulistener *l;
	int n, e;
	(void)reply;
	/* socket path */
	if ((e = read_path(r, path)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e == SSH_ERR_TOOBIG ? 0 : e;
	if (!(l = find(c, path, &n))) {
		logit(c->log, LOG_DEBUG, "remote forward on %.100s not found to cancel", path);
		return 0;
	}
	fwd_watch_del(c, &l->w);
	ul_release(c, &l->w);
	logit(c->log, LOG_DEBUG, "remote forward on %.100s cancelled", path);
	return 1;
}
