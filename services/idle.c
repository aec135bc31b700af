/* ChannelTimeout and UnusedConnectionTimeout (OpenSSH 9.2's keywords).
 * ChannelTimeout's words are "type=interval": the type is a pattern
 * matched against the channel's type name (session, direct-tcpip,
 * forwarded-tcpip, auth-agent@openssh.com), or for a session that asked
 * for one its OpenSSH kind (session:shell, session:command,
 * session:subsystem:sftp), or "global" for all channels taken together.
 * A pattern with a ':' names a kind; one without also matches by the
 * plain type, so "session" keeps covering every session. Traffic is
 * data in either direction (channel.c keeps active_ms). */
#include <fnmatch.h>
#include <string.h>

#include "config/config.h"
#include "services/channel.h"
#include "transport/conn.h"
#include "transport/err.h"
#include "transport/log.h"

static int pattern_matches(const char *pat, size_t plen, const char *type, const char *xtype)
{
	char p[128];
	if (plen >= sizeof p)
		return 0;
	memcpy(p, pat, plen);
	p[plen] = 0;
	if (xtype && fnmatch(p, xtype, 0) == 0)
		return 1;
	return !strchr(p, ':') && fnmatch(p, type, 0) == 0;
}

/* the interval in milliseconds for a type, or -1; the first match wins */
static int64_t interval_ms(const struct config *cfg, const char *type, const char *xtype)
{
	for (int i = 0; i < cfg->channel_timeout.n; i++) {
		const char *w = cfg->channel_timeout.v[i], *eq = strchr(w, '=');
		int secs;
		if (eq && pattern_matches(w, (size_t)(eq - w), type, xtype) && config_parse_time(eq + 1, &secs) == 0)
			return secs ? (int64_t)secs * 1000 : -1;
	}
	return -1;
}

/* the open channels, and the latest traffic among them */
static int open_channels(struct conn *c, int64_t *latest)
{
	struct connection *s = c->connection;
	int n = 0;
	*latest = 0;
	for (int i = 0; i < CHAN_MAX; i++)
		if (s->tab[i]) {
			n++;
			if (s->tab[i]->active_ms > *latest)
				*latest = s->tab[i]->active_ms;
		}
	return n;
}

static int close_idle(struct conn *c, struct channel *ch, int64_t ms)
{
	logit(c->log, LOG_INFO, "channel %u: closing after %lld seconds of inactivity", ch->id,
	      (long long)(ms / 1000));
	return channel_close(c, ch);
}

int idle_check(struct conn *c)
{
	struct connection *s = c->connection;
	int64_t now = chan_now_ms(), latest, g = interval_ms(c->cfg, "global", NULL), t;
	int n = open_channels(c, &latest), e;
	int64_t unused = (int64_t)c->cfg->unused_connection_timeout * 1000;
	if (n)
		s->unused_since_ms = -1;
	else if (s->unused_since_ms < 0)
		s->unused_since_ms = now;
	if (!n && unused > 0 && now - s->unused_since_ms >= unused) {
		logit(c->log, LOG_INFO, "terminating inactive connection from %s port %d", c->addr, c->port);
		return SSH_ERR_TIMEOUT;
	}
	for (int i = 0; i < CHAN_MAX; i++) {
		struct channel *ch = s->tab[i];
		if (!ch || ch->close_sent)
			continue;
		if (g > 0 && now - latest >= g)
			e = close_idle(c, ch, g);
		else if ((t = interval_ms(c->cfg, ch->type->name, ch->xtype)) > 0 && now - ch->active_ms >= t)
			e = close_idle(c, ch, t);
		else
			continue;
		if (e != SSH_OK)
			return e;
	}
	return SSH_OK;
}

static void sooner(int64_t *best, int64_t due)
{
	if (*best < 0 || due < *best)
		*best = due < 0 ? 0 : due;
}

int idle_timeout(struct conn *c)
{
	struct connection *s = c->connection;
	int64_t now = chan_now_ms(), latest, g = interval_ms(c->cfg, "global", NULL), t, best = -1;
	int64_t unused = (int64_t)c->cfg->unused_connection_timeout * 1000;
	int n = open_channels(c, &latest);
	if (!n && unused > 0)
		sooner(&best, (s->unused_since_ms < 0 ? now : s->unused_since_ms) + unused - now);
	if (n && g > 0)
		sooner(&best, latest + g - now);
	for (int i = 0; i < CHAN_MAX; i++)
		if (s->tab[i] && !s->tab[i]->close_sent && (t = interval_ms(c->cfg, s->tab[i]->type->name, s->tab[i]->xtype)) > 0)
			sooner(&best, s->tab[i]->active_ms + t - now);
	return best < 0 ? -1 : best > 0x7fffffff ? 0x7fffffff : (int)best;
}
