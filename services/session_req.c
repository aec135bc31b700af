/* Channel requests of a session (RFC 4254 6.2-6.10): a table of handlers,
 * each returning 1 (success), 0 (failure) or an error. Anything not in the
 * table, winadj@putty.projects.tartarus.org included, is a failure. */
#include <fnmatch.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "services/auth.h"
#include "services/channel.h"
#include "services/forward.h"
#include "services/loginrec.h"
#include "services/session.h"
#include "services/x11.h"
#include "transport/conn.h"
#include "transport/namelist.h"

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE}, {"HUP", SIGHUP}, {"ILL", SIGILL},
	{"INT", SIGINT}, {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},
	{"TERM", SIGTERM}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
};

const char *signal_name(int sig)
{
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

/* a string field as a C string, refused when it holds a NUL byte */
static char *dup_field(const uint8_t *p, size_t n)
{
	char *s;
	if (memchr(p, 0, n) || !(s = malloc(n + 1)))
		return NULL;
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

static int read_winsize(struct rd *r, struct winsize *ws)
{
	uint32_t v[4];
	int e;
	/* width in characters, height in rows, width and height in pixels */
	for (int i = 0; i < 4; i++)
		if ((e = rd_u32(r, &v[i])) != SSH_OK)
			return e;
	ws->ws_col = (unsigned short)(v[0] > 0xffff ? 0xffff : v[0]);
	ws->ws_row = (unsigned short)(v[1] > 0xffff ? 0xffff : v[1]);
	ws->ws_xpixel = (unsigned short)(v[2] > 0xffff ? 0xffff : v[2]);
	ws->ws_ypixel = (unsigned short)(v[3] > 0xffff ? 0xffff : v[3]);
	return SSH_OK;
}

static int r_pty(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	const uint8_t *term, *modes;
	size_t tlen, mlen;
	struct winsize ws;
	int e;
	/* TERM, window size, encoded terminal modes */
	if ((e = rd_string(r, &term, &tlen)) != SSH_OK || (e = read_winsize(r, &ws)) != SSH_OK ||
	    (e = rd_string(r, &modes, &mlen)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (s->started || s->have_pty)
		return 0;
	if (!c->auth || !c->cfg->permit_tty || c->auth->no_pty) {
		logit(c->log, LOG_INFO, "refused a pty: %s",
		      c->auth && c->auth->no_pty ? "no-pty in authorized_keys" : "PermitTTY no");
		return 0;
	}
	if (tlen > 256 || !(s->term = dup_field(term, tlen)))
		return 0;
	if (pty_open(&s->pty, &ws, modes, mlen) != SSH_OK) {
		logit(c->log, LOG_ERR, "session %u: cannot open a pty", ch->id);
		free(s->term);
		s->term = NULL;
		return 0;
	}
	if (loginrec_tty(c, s->pty.name) != SSH_OK) {
		logit(c->log, LOG_ERR, "session %u: cannot set the owner of %s", ch->id, s->pty.name);
		pty_close(&s->pty);
		free(s->term);
		s->term = NULL;
		return 0;
	}
	s->have_pty = 1;
	return 1;
}

static int r_window_change(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	struct winsize ws;
	int e;
	(void)c;
	if ((e = read_winsize(r, &ws)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	/* only while the master is still ours (the channel may have closed it) */
	if (!s->have_pty || s->pty.master < 0 || (ch->rfd != s->pty.master && ch->wfd != s->pty.master))
		return 0;
	/* the kernel tells the foreground process group with SIGWINCH */
	return ioctl(s->pty.master, TIOCSWINSZ, &ws) == 0;
}

static int env_allowed(const struct config *cfg, const char *name)
{
	for (int i = 0; i < cfg->accept_env.n; i++)
		if (fnmatch(cfg->accept_env.v[i], name, 0) == 0)
			return 1;
	return 0;
}

static int r_env(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	const uint8_t *name, *value;
	size_t nlen, vlen;
	char *nv;
	int e;
	(void)ch;
	/* variable name, variable value */
	if ((e = rd_string(r, &name, &nlen)) != SSH_OK || (e = rd_string(r, &value, &vlen)) != SSH_OK ||
	    (e = rd_end(r)) != SSH_OK)
		return e;
	if (s->started || s->nenv == SESSION_ENV_MAX || nlen == 0 || nlen > 256 || vlen > 8192 ||
	    memchr(name, '=', nlen))
		return 0;
	if (!(nv = malloc(nlen + vlen + 2)))
		return 0;
	memcpy(nv, name, nlen);
	nv[nlen] = 0;
	if (memchr(name, 0, nlen) || memchr(value, 0, vlen) || !env_allowed(c->cfg, nv)) {
		logit(c->log, LOG_DEBUG, "refused env %.64s", nv);
		free(nv);
		return 0;
	}
	nv[nlen] = '=';
	memcpy(nv + nlen + 1, value, vlen);
	nv[nlen + 1 + vlen] = 0;
	s->env[s->nenv++] = nv;
	return 1;
}

static int start_with(struct conn *c, struct channel *ch, int how, const uint8_t *cmd, size_t n)
{
	char *s = NULL;
	int ok;
	if (cmd && !(s = dup_field(cmd, n)))
		return 0;
	ok = session_start(c, ch, how, s);
	free(s);
	return ok;
}

static int r_shell(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	int e;
	(void)s;
	if ((e = rd_end(r)) != SSH_OK)
		return e;
	ch->xtype = "session:shell";
	return start_with(c, ch, START_SHELL, NULL, 0);
}

static int r_exec(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	const uint8_t *cmd;
	size_t n;
	int e;
	(void)s;
	/* command */
	if ((e = rd_string(r, &cmd, &n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	ch->xtype = "session:command";
	return start_with(c, ch, START_EXEC, cmd, n);
}

static int r_subsystem(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	const uint8_t *name;
	size_t n;
	const char *prog = c->cfg->sftp_server;
	int e;
	(void)s;
	/* subsystem name */
	if ((e = rd_string(r, &name, &n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (!name_eq("sftp", name, n)) {
		logit(c->log, LOG_INFO, "refused subsystem %.*s", (int)(n > 64 ? 64 : n), name);
		return 0;
	}
	ch->xtype = "session:subsystem:sftp"; /* the only subsystem served */
	/* internal-sftp (the default) runs here; a forced command still wins */
	if (!prog || !*prog)
		prog = "internal-sftp";
	if (sftp_internal_args(prog) && !(c->auth && c->auth->command) && !session_intercepted(c))
		return sftp_start(c, ch, sftp_internal_args(prog));
	return start_with(c, ch, START_SUBSYSTEM, (const uint8_t *)prog, strlen(prog));
}

static int r_signal(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	const uint8_t *name;
	size_t n;
	int e;
	(void)c, (void)ch;
	/* signal name without "SIG" */
	if ((e = rd_string(r, &name, &n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (s->pid <= 0 || s->exited)
		return 0;
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (name_eq(signals[i].name, name, n))
			return kill(s->pid, signals[i].sig) == 0;
	return 0;
}

static int r_break(struct conn *c, struct channel *ch, struct session *s, struct rd *r)
{
	uint32_t ms;
	int e;
	(void)c, (void)ch;
	/* break length in milliseconds (RFC 4335) */
	if ((e = rd_u32(r, &ms)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (!s->have_pty || !s->started || ch->rfd != s->pty.master)
		return 0;
	return tcsendbreak(s->pty.master, 0) == 0;
}

static const struct {
	const char *name;
	int (*fn)(struct conn *c, struct channel *ch, struct session *s, struct rd *r);
} requests[] = {
	{"pty-req", r_pty}, {"env", r_env}, {"shell", r_shell}, {"exec", r_exec},
	{"subsystem", r_subsystem}, {"window-change", r_window_change}, {"signal", r_signal},
	{"break", r_break}, {"auth-agent-req@openssh.com", fwd_agent_request},
	{"x11-req", fwd_x11_request},
};

int session_request(struct conn *c, struct channel *ch, const char *name, size_t nlen, int want_reply,
		    struct rd *r)
{
	(void)want_reply;
	for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++)
		if (name_eq(requests[i].name, name, nlen))
			return requests[i].fn(c, ch, ch->priv, r);
	logit(c->log, LOG_DEBUG, "session %u: unsupported request %.*s", ch->id, (int)(nlen > 64 ? 64 : nlen),
	      name);
	return 0;
}
