/* Agent forwarding (OpenSSH's PROTOCOL, "auth-agent-req@openssh.com"): a
 * session that asks for it gets a listening unix socket in a private
 * directory, named to its children by SSH_AUTH_SOCK; each connection to it
 * becomes an auth-agent@openssh.com channel toward the client, which joins
 * it to the user's agent. The socket and directory go with the session. */
#include <errno.h>
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
#include "services/session.h"
#include "transport/conn.h"

struct agent_fwd {
	struct fwd_watch w; /* first: the listening socket */
	char dir[32];
	char path[sizeof ((struct sockaddr_un *)0)->sun_path];
};

/* only we open these, without type-specific fields; the core carries the
 * data between the socket and the channel */
static const struct chan_type agent_type = {
	.name = "auth-agent@openssh.com",
	.opened = fwd_opened,
};

/* a connection to the socket: its channel, or none left */
static void agent_opening(struct conn *c, struct fwd_watch *w, struct channel *ch, struct buf *b)
{
	(void)w;
	(void)b; /* auth-agent@openssh.com has no fields of its own */
	if (!ch) {
		logit(c->log, LOG_INFO, "agent forwarding: no channel for a connection");
		return;
	}
	ch->xtype = "agent-connection"; /* OpenSSH's name for ChannelTimeout */
	logit(c->log, LOG_DEBUG, "agent forwarding: connection, channel %u", ch->id);
}

static int agent_ready(struct conn *c, struct fwd_watch *w, short revents)
{
	(void)revents;
	return fwd_accept_unix(c, w, &agent_type, agent_opening);
}

/* undoes what exists of a's socket, path and directory, and frees it */
static void agent_free(struct agent_fwd *a)
{
	if (a->w.fd >= 0)
		close(a->w.fd);
	if (a->path[0])
		unlink(a->path);
	if (a->dir[0])
		rmdir(a->dir);
	free(a);
}

/* the socket in a fresh directory of mode 0700; we run as the user, so
 * both belong to the user and nobody else can reach the agent */
static int agent_listen(struct agent_fwd *a)
{
	struct sockaddr_un sa;
	snprintf(a->dir, sizeof a->dir, "/tmp/ssh-XXXXXX");
	if (!mkdtemp(a->dir)) {
		a->dir[0] = 0;
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/agent.%ld", a->dir, (long)getpid());
	if ((a->w.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(a->w.fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return -1;
	memcpy(a->path, sa.sun_path, sizeof a->path);
	/* the directory keeps others out already; this is for tools that
	 * look at the socket's own mode */
	chmod(a->path, 0600);
	return listen(a->w.fd, 16);
}

int fwd_agent_request(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	struct agent_fwd *a;
	int e;
	/* no fields */
	if ((e = rd_end(r)) != SSH_OK)
		return e;
	if (c->cfg->disable_forwarding || !c->cfg->allow_agent_forwarding || !c->auth ||
	    c->auth->no_agent_forwarding) {
		logit(c->log, LOG_INFO, "agent forwarding refused: %s",
		      c->cfg->disable_forwarding ? "DisableForwarding yes"
		      : c->cfg->allow_agent_forwarding ? auth_why(c->auth, "no-agent-forwarding in authorized_keys")
						       : "AllowAgentForwarding no");
		return 0;
	}
	/* the environment of a running child cannot change any more */
	if (s->started || s->agent)
		return 0;
	if (!(a = calloc(1, sizeof *a)))
		return 0;
	a->w.fd = -1;
	if (agent_listen(a) < 0) {
		logit(c->log, LOG_ERR, "agent forwarding: cannot listen in %s: %s", a->dir[0] ? a->dir : "/tmp",
		      strerror(errno));
		agent_free(a);
		return 0;
	}
	a->w.events = POLLIN;
	a->w.ready = agent_ready;
	/* the session owns it: fwd_agent_end releases it */
	a->w.release = NULL;
	fwd_watch_add(c, &a->w);
	s->agent = a;
	logit(c->log, LOG_DEBUG, "session %u: agent forwarding on %s", ch->id, a->path);
	return 1;
}

const char *fwd_agent_path(const struct session *s)
{
	return s->agent ? s->agent->path : NULL;
}

void fwd_agent_end(struct conn *c, struct session *s)
{
	if (!s->agent)
		return;
	fwd_watch_del(c, &s->agent->w);
	agent_free(s->agent);
	s->agent = NULL;
}
