/* The session channel type (RFC 4254 6): one child process per channel,
 * its exit reported as exit-status or exit-signal after all its output,
 * then EOF and CLOSE. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "services/auth.h"
#include "services/channel.h"
#include "services/forward.h"
#include "services/loginrec.h"
#include "services/session.h"
#include "services/x11.h"
#include "transport/conn.h"

/* After a pty's session leader exits, processes it left behind may keep
 * the terminal open for ever; what the shell wrote before exiting can
 * still be on its way through the pty. The master is read until it is
 * quiet this long, then the session ends and its terminal hangs up. */
#define PTY_GRACE_MS 250
/* how often to look for the child's exit where there are no pidfds */
#define WAIT_POLL_MS 100

static int s_open(struct conn *c, struct channel *ch, struct rd *extra)
{
	struct connection *cs = c->connection;
	struct session *s;
	int e;
	/* a session open carries nothing else */
	if ((e = rd_end(extra)) != SSH_OK)
		return e;
	if (cs->no_more_sessions) {
		logit(c->log, LOG_INFO, "refused a session after no-more-sessions@openssh.com");
		return OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	if (cs->sessions >= c->cfg->max_sessions) {
		logit(c->log, LOG_INFO, "refused a session: MaxSessions (%d) reached", c->cfg->max_sessions);
		return OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	if (!(s = calloc(1, sizeof *s)))
		return OPEN_RESOURCE_SHORTAGE;
	s->pidfd = -1;
	s->pty.master = s->pty.slave = -1;
	ch->priv = s;
	cs->sessions++;
	return channel_open_confirm(c, ch);
}

static void s_close(struct conn *c, struct channel *ch)
{
	struct connection *cs = c->connection;
	struct session *s = ch->priv;
	if (!s)
		return;
	if (s->pid > 0 && !s->exited)
		child_orphan(c, s->pid);
	if (s->pidfd >= 0)
		close(s->pidfd);
	fwd_agent_end(c, s);
	fwd_x11_end(c, s);
	/* the pty login ends with its channel (utmp/wtmp, loginrec.c) */
	if (s->started && s->have_pty)
		loginrec_logout(c, s->pty.name);
	if (s->started) {
		/* the master belongs to the channel now */
		if (s->pty.slave >= 0)
			close(s->pty.slave);
	} else {
		pty_close(&s->pty);
	}
	for (int i = 0; i < s->nenv; i++)
		free(s->env[i]);
	free(s->term);
	free(s);
	ch->priv = NULL;
	cs->sessions--;
}

int session_intercepted(const struct conn *c)
{
	return c->auth && (c->auth->force_pwchange || child_nologin(c));
}

int session_start(struct conn *c, struct channel *ch, int how, const char *cmd)
{
	static const char *const what[] = {"shell", "command", "subsystem"};
	struct session *s = ch->priv;
	const struct auth_result *a = c->auth;
	struct child_spec sp = {NULL, NULL, s, 0};
	int pid, in, out, err, e;

	if (s->started || !a)
		return 0;
	/* command="internal-sftp" in authorized_keys: OpenSSH serves sftp
	 * whatever the client asked for */
	if (a->command && sftp_internal_args(a->command) && !session_intercepted(c))
		return sftp_start(c, ch, sftp_internal_args(a->command));
	/* privileges were dropped to the user before this service started;
	 * never start anything as someone else */
	if (geteuid() != a->uid || getuid() != a->uid) {
		logit(c->log, LOG_ERR, "not starting a session for %s: running as uid %d", a->user, (int)geteuid());
		return 0;
	}
	if (a->command) {
		sp.command = a->command;
		sp.orig_command = how == START_SHELL ? NULL : cmd;
	} else {
		sp.command = how == START_SHELL ? NULL : cmd;
	}
	sp.no_user_rc = how == START_SUBSYSTEM || session_forced(c);
	if ((e = child_spawn(c, &sp, &pid, &in, &out, &err)) != SSH_OK) {
		logit(c->log, LOG_ERR, "cannot start a session for %s: %s", a->user, strerror(errno));
		return 0;
	}
	s->started = 1;
	s->pid = pid;
	s->pidfd = child_pidfd(pid);
	if (s->have_pty) {
		/* the child has it now; our copy would keep the terminal open */
		close(s->pty.slave);
		s->pty.slave = -1;
		channel_set_fds(ch, s->pty.master, s->pty.master, -1);
		/* a pty login: utmp, wtmp and lastlog (loginrec.c) */
		loginrec_login(c, s->pty.name, pid);
	} else {
		channel_set_fds(ch, out, in, err);
	}
	logit(c->log, LOG_INFO, "Starting session: %s%s%s for %s from %s port %d id %u", what[how],
	      s->have_pty ? " on " : "", s->have_pty ? s->pty.name + (strncmp(s->pty.name, "/dev/", 5) ? 0 : 5) : "",
	      a->user, c->addr, c->port, ch->id);
	return 1;
}

static void reap(struct conn *c, struct channel *ch, struct session *s)
{
	int st;
	pid_t r = waitpid(s->pid, &st, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return;
	s->exited = 1;
	/* lost to someone else's waitpid: report a failure, not success */
	s->status = r > 0 ? st : 255 << 8;
	s->exit_ms = chan_now_ms();
	if (s->pidfd >= 0) {
		close(s->pidfd);
		s->pidfd = -1;
	}
	/* nobody reads the pipe any more; a pty stays open (see the grace) */
	if (!s->have_pty)
		channel_close_wfd(ch);
	logit(c->log, LOG_DEBUG, "session %u: child %d exited with status 0x%x", ch->id, s->pid, s->status);
}

static int s_pollfds(struct conn *c, struct channel *ch, struct pollfd *fds, int max)
{
	struct session *s = ch->priv;
	(void)c;
	if (max < 1 || s->pidfd < 0 || s->exited)
		return 0;
	fds[0] = (struct pollfd){s->pidfd, POLLIN, 0};
	return 1;
}

/* the time left of the pty grace, or -1 when it does not run */
static int64_t grace_left(const struct channel *ch, const struct session *s, int64_t now)
{
	int64_t since;
	if (!s->exited || !s->have_pty || ch->rfd < 0 || ch->out.len != ch->out.off)
		return -1;
	since = ch->last_read_ms > s->exit_ms ? ch->last_read_ms : s->exit_ms;
	return since + PTY_GRACE_MS - now > 0 ? since + PTY_GRACE_MS - now : 0;
}

static int s_events(struct conn *c, struct channel *ch, struct pollfd *fds, int n)
{
	struct session *s = ch->priv;
	if (s->pid > 0 && !s->exited && (s->pidfd < 0 || (n > 0 && fds[0].revents)))
		reap(c, ch, s);
	if (grace_left(ch, s, chan_now_ms()) == 0)
		channel_close_rfd(ch);
	return SSH_OK;
}

static int s_timeout(struct conn *c, struct channel *ch)
{
	struct session *s = ch->priv;
	(void)c;
	if (s->pid > 0 && !s->exited && s->pidfd < 0)
		return WAIT_POLL_MS;
	return (int)grace_left(ch, s, chan_now_ms());
}

static int s_eof(struct conn *c, struct channel *ch)
{
	struct session *s = ch->priv;
	(void)c;
	/* closing a pty master would hang up the shell: the client's EOF
	 * (ssh -tt host cmd < /dev/null) means no more input, nothing else */
	if (!s->have_pty)
		channel_close_wfd(ch);
	return SSH_OK;
}

static int send_exit(struct conn *c, struct channel *ch, const struct session *s)
{
	struct buf *b;
	const char *sig = WIFSIGNALED(s->status) ? signal_name(WTERMSIG(s->status)) : NULL;
	int e;
	if (sig) {
		/* signal name without "SIG", core dumped, error message, language */
		if ((e = channel_request_begin(c, ch, "exit-signal", 0, &b)) != SSH_OK)
			return e;
		buf_cstring(b, sig);
		buf_bool(b, WCOREDUMP(s->status));
		buf_cstring(b, "");
		buf_cstring(b, "");
		return pkt_send(c);
	}
	if ((e = channel_request_begin(c, ch, "exit-status", 0, &b)) != SSH_OK)
		return e;
	buf_u32(b, WIFEXITED(s->status) ? (uint32_t)WEXITSTATUS(s->status) : 128u + (uint32_t)WTERMSIG(s->status));
	return pkt_send(c);
}

/* all output is sent: exit-status (or exit-signal), then EOF and CLOSE */
static int s_done(struct conn *c, struct channel *ch)
{
	struct session *s = ch->priv;
	int e;
	if (!s->started || !s->exited)
		return CHAN_WAIT;
	if ((e = send_exit(c, ch, s)) != SSH_OK)
		return e;
	return CHAN_EOF_CLOSE;
}

const struct chan_type session_type = {
	.name = "session",
	.open = s_open,
	.eof = s_eof,
	.close = s_close,
	.request = session_request,
	.done = s_done,
	.pollfds = s_pollfds,
	.events = s_events,
	.timeout = s_timeout,
};
