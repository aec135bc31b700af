/* ssh-userauth (RFC 4252): request parsing, the method table, failure
 * counting, the banner, and what happens on success. Methods live in
 * auth_*.c and report back through ua_finish. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "services/access.h"
#include "services/loginrec.h"
#include "services/pam.h"
#include "services/privdrop.h"
#include "services/service.h"
#include "services/session.h"
#include "services/userauth.h"
#include "transport/msg.h"
#include "transport/namelist.h"

/* a BANNER message carries at most this much of the file */
#define BANNER_PART (32u * 1024)

static const struct ua_method methods[] = {
	/* none is never listed as a method that can continue (RFC 4252 5.2) */
	{"none", NULL, NULL, auth_none},
	/* PROTOCOL 2.5: publickey bound to the host key of the first key
	 * exchange, which ssh-agent's destination constraints check */
	{"publickey", "publickey-hostbound-v00@openssh.com", auth_pubkey_enabled, auth_pubkey},
	{"password", NULL, auth_password_enabled, auth_password},
	{"keyboard-interactive", NULL, auth_kbdint_enabled, auth_kbdint},
	{NULL, NULL, NULL, NULL},
};

static const struct ua_method *method_find(const uint8_t *name, size_t n)
{
	for (const struct ua_method *m = methods; m->name; m++)
		if (name_eq(m->name, name, n) || (m->synonym && name_eq(m->synonym, name, n)))
			return m;
	return NULL;
}

void ua_log_safe(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			out[o++] = (char)p[i];
		else
			o += (size_t)snprintf(out + o, cap - o, "\\%03o", p[i]);
	}
	out[o] = 0;
}

const char *ua_invalid(const struct userauth *u) { return u->user.valid ? "" : "invalid user "; }

void auth_result_clear(struct auth_result *a)
{
	/* the recorder sees EOF and logs out what is still open */
	if (a->recorder > 0)
		close(a->recorder);
	free(a->command);
	free(a->auth_info);
	if (a->auth_info_file[0])
		unlink(a->auth_info_file);
	for (int i = 0; i < a->npermitopen; i++)
		free(a->permitopen[i]);
	for (int i = 0; i < a->npermitlisten; i++)
		free(a->permitlisten[i]);
	for (int i = 0; i < a->nenvironment; i++)
		free(a->environment[i]);
	for (int i = 0; i < a->npam_env; i++)
		free(a->pam_env[i]);
	free(a->pam_env);
	free(a->pam_msg);
	free(a->groups);
	memset(a, 0, sizeof *a);
}

static void state_free(struct userauth *u)
{
	auth_result_clear(&u->res);
	if (u->am.partial)
		auth_result_clear(u->am.partial);
	am_free(&u->am);
	free(u->info);
	free(u->user.groups);
	buf_free(&u->scratch);
	if (u->key) {
		authkey_free(u->key);
		free(u->key);
	}
	free(u->lr);
	cert_state_free(u);
	free(u);
}

void userauth_free(struct conn *c)
{
	if (c->userauth)
		state_free(c->userauth);
	c->userauth = NULL;
	if (c->auth) {
		auth_result_clear(c->auth);
		free(c->auth);
		c->auth = NULL;
	}
}

int ua_root_allowed(struct conn *c, struct userauth *u, const char *method, int forced_command)
{
	int pk = !strcmp(method, "publickey");
	if (!u->user.valid || u->user.uid != 0)
		return 1;
	switch (c->cfg->permit_root_login) {
	case ROOT_YES:
		return 1;
	case ROOT_PROHIBIT_PASSWORD:
		if (pk)
			return 1;
		break;
	case ROOT_FORCED_COMMANDS:
		if (pk && forced_command)
			return 1;
		break;
	default:
		break;
	}
	logit(c->log, LOG_INFO, "ROOT LOGIN REFUSED FROM %s port %d", c->addr, c->port);
	return 0;
}

static int banner_part(struct conn *c, const uint8_t *p, size_t n)
{
	struct buf *b;
	int e;
	/* message, language tag */
	if ((e = pkt_begin(c, SSH_MSG_USERAUTH_BANNER, &b)) != SSH_OK)
		return e;
	buf_string(b, p, n);
	buf_cstring(b, "");
	return pkt_send(c);
}

/* The whole file, however long: clients print every BANNER message, so a
 * long one goes as several, each ending at a line end when it has one
 * (no character is split across two). An empty file says nothing. */
static int send_banner(struct conn *c)
{
	const char *path = c->cfg->banner;
	uint8_t *p;
	ssize_t n;
	size_t have = 0;
	int fd, e = SSH_OK;

	if (!path || !*path || !strcmp(path, "none"))
		return SSH_OK;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		logit(c->log, LOG_ERR, "Banner %s cannot be opened", path);
		return SSH_OK;
	}
	if (!(p = malloc(BANNER_PART))) {
		close(fd);
		return SSH_ERR_ALLOC;
	}
	while (e == SSH_OK && (n = read(fd, p + have, BANNER_PART - have)) > 0) {
		const uint8_t *nl;
		size_t cut;
		have += (size_t)n;
		if (have < BANNER_PART)
			continue;
		nl = memrchr(p, '\n', have);
		cut = nl ? (size_t)(nl - p) + 1 : have;
		e = banner_part(c, p, cut);
		memmove(p, p + cut, have - cut);
		have -= cut;
	}
	close(fd);
	if (e == SSH_OK && have)
		e = banner_part(c, p, have);
	free(p);
	return e;
}

/* authentications that can continue: the enabled methods that head an
 * AuthenticationMethods list (any enabled one without lists) */
static int send_failure(struct conn *c, const struct userauth *u, int partial)
{
	struct buf *b;
	size_t mark;
	int e, first = 1;
	if ((e = pkt_begin(c, SSH_MSG_USERAUTH_FAILURE, &b)) != SSH_OK)
		return e;
	/* authentications that can continue, partial success */
	buf_string_begin(b, &mark);
	for (const struct ua_method *m = methods; m->name; m++) {
		if (!m->enabled || !m->enabled(c) || !am_allowed(&u->am, m->name))
			continue;
		if (!first)
			buf_u8(b, ',');
		buf_put(b, m->name, strlen(m->name));
		first = 0;
	}
	buf_string_end(b, mark);
	buf_bool(b, partial);
	return pkt_send(c);
}

static int h_ignore(struct conn *c, uint8_t type, struct rd *r)
{
	(void)c, (void)type, (void)r;
	return SSH_OK;
}

static int success(struct conn *c, struct userauth *u, const char *method)
{
	const struct service *svc = u->svc;
	struct auth_result *a;
	struct buf *b;
	int e;

	/* PAM's account stack after every method, before the Accepted line
	 * (OpenSSH's order); a refusal ends the connection */
	if (c->cfg->use_pam && (e = pam_account(c, u)) != SSH_OK)
		return e;
	logit(c->log, LOG_INFO, "Accepted %s for %s from %s port %d ssh2%s", method, u->logname, c->addr, c->port,
	      u->extra);
	if (!(a = calloc(1, sizeof *a)))
		return SSH_ERR_ALLOC;
	if (geteuid() == 0 && user_groups(c, &u->user) != SSH_OK) {
		logit(c->log, LOG_ERR, "cannot look up the groups of %s", u->logname);
		free(a);
		return SSH_ERR_INTERNAL;
	}
	*a = u->res;
	memset(&u->res, 0, sizeof u->res); /* the strings now belong to a */
	snprintf(a->user, sizeof a->user, "%s", u->user.name);
	a->uid = u->user.uid;
	a->gid = u->user.gid;
	/* looked up above, or while reading authorized_keys */
	a->groups = u->user.groups;
	a->ngroups = u->user.ngroups;
	u->user.groups = NULL;
	snprintf(a->home, sizeof a->home, "%s", u->user.home);
	snprintf(a->shell, sizeof a->shell, "%s", u->user.shell);
	snprintf(a->method, sizeof a->method, "%s", method);
	a->auth_info = u->info; /* every method of the chain (note_method) */
	u->info = NULL;
	c->auth = a;
	/* the session opens in the helper while the server is still root,
	 * before any channel (OpenSSH opens it before its post-auth child) */
	if (c->cfg->use_pam && (e = pam_session(c, u, a)) != SSH_OK)
		return e;
	state_free(u);
	c->userauth = NULL;
	/* RFC 4252 5.1: requests after success are ignored */
	c->dispatch[SSH_MSG_USERAUTH_REQUEST] = h_ignore;
	c->dispatch[SSH_MSG_USERAUTH_INFO_RESPONSE] = h_ignore;
	c->dispatch[SSH_MSG_SERVICE_REQUEST] = NULL;
	if ((e = pkt_begin(c, SSH_MSG_USERAUTH_SUCCESS, &b)) != SSH_OK || (e = pkt_send(c)) != SSH_OK)
		return e;
	if ((e = transport_authenticated(c)) != SSH_OK)
		return e;
	a->svc = svc;
	return c->auth_split ? SSH_OK : userauth_enter(c);
}

int userauth_enter(struct conn *c)
{
	struct auth_result *a = c->auth;
	int e;
	if (!a || !a->svc)
		return SSH_ERR_INTERNAL;
	/* Root is given up for good here, before the service runs; utmp,
	 * wtmp and lastlog need it later, and the root helper keeps it */
	loginrec_start(c, a);
	if ((e = session_force_command(c, a)) != SSH_OK || (e = session_chroot(c, a)) != SSH_OK)
		return e;
	if ((e = privdrop(a)) != SSH_OK) {
		logit(c->log, LOG_ERR, "cannot change to user %s: privileges not dropped", a->user);
		return e;
	}
	return a->svc->install(c);
}

/* a step of AuthenticationMethods passed, with more to go: what it found
 * is kept for the end, and the client hears which methods come next */
static int partial_success(struct conn *c, struct userauth *u, const char *method)
{
	logit(c->log, LOG_INFO, "Partial %s for %s from %s port %d ssh2%s", method, u->logname, c->addr, c->port,
	      u->extra);
	if (am_keep_partial(&u->am, &u->res) != SSH_OK)
		return SSH_ERR_ALLOC;
	return send_failure(c, u, 1);
}

/* ExposeAuthInfo: each method that passed adds its line, in order, as
 * OpenSSH's session info lists the whole AuthenticationMethods chain;
 * publickey's line (auth_pubkey.c) names the key */
static int note_method(struct userauth *u, const char *method)
{
	const char *line = u->res.auth_info ? u->res.auth_info : method;
	size_t have = u->info ? strlen(u->info) : 0, n = strlen(line);
	char *p = realloc(u->info, have + n + 2);
	if (!p)
		return SSH_ERR_ALLOC;
	if (have)
		p[have++] = '\n';
	memcpy(p + have, line, n + 1);
	u->info = p;
	free(u->res.auth_info);
	u->res.auth_info = NULL;
	return SSH_OK;
}

int ua_finish(struct conn *c, struct userauth *u, int result, const char *method)
{
	if (result < 0)
		return result;
	if (result == UA_POSTPONED)
		return SSH_OK;
	if (result == UA_SUCCESS && note_method(u, method) != SSH_OK)
		return SSH_ERR_ALLOC;
	if (result == UA_SUCCESS && !am_passed(&u->am, method))
		return partial_success(c, u, method);
	if (result == UA_SUCCESS)
		return am_merge(&u->am, &u->res) != SSH_OK ? SSH_ERR_ALLOC : success(c, u, method);
	auth_result_clear(&u->res);
	if (result == UA_FAILURE)
		u->failures++;
	logit(c->log, strcmp(method, "none") || !u->user.valid ? LOG_INFO : LOG_DEBUG,
	      "Failed %s for %s%s from %s port %d ssh2%s", method, ua_invalid(u), u->logname, c->addr, c->port,
	      u->extra);
	if (u->failures >= c->cfg->max_auth_tries) {
		logit(c->log, LOG_INFO, "maximum authentication attempts exceeded for %s%s from %s port %d ssh2 [preauth]",
		      ua_invalid(u), u->logname, c->addr, c->port);
		logit(c->log, LOG_INFO,
		      "Disconnecting %s user %s %s port %d: Too many authentication failures [preauth]",
		      u->user.valid ? "authenticating" : "invalid", u->logname, c->addr, c->port);
		return SSH_ERR_AUTH;
	}
	return send_failure(c, u, 0);
}

/* AllowUsers and friends: a refused user goes on as one whose account
 * cannot log in, so the client sees what a wrong key gets */
static int access_apply(struct conn *c, struct userauth *u)
{
	const char *why;
	if (access_needs_groups(c->cfg) && user_groups(c, &u->user) != SSH_OK) {
		logit(c->log, LOG_ERR, "cannot look up the groups of %s", u->logname);
		return SSH_ERR_INTERNAL;
	}
	why = access_check(c->cfg, u->user.name, u->user.groups, u->user.ngroups, c->addr, c->addr);
	if (why) {
		u->user.allowed = 0;
		u->user.why = why;
	}
	return SSH_OK;
}

/* the first request fixes user and service for the whole exchange */
static int first_request(struct conn *c, struct userauth *u, const uint8_t *name, size_t nl,
			 const uint8_t *svc, size_t sl)
{
	char cname[UA_NAME_MAX + 1];
	const uint8_t *colon;
	int e;
	u->svc = service_find(auth_services, (const char *)svc, sl);
	if (!u->svc || sl > sizeof u->service) {
		char s[130];
		ua_log_safe(s, sizeof s, svc, sl > 32 ? 32 : sl);
		logit(c->log, LOG_INFO, "Client from %s port %d requested unknown service %s after userauth", c->addr,
		      c->port, s);
		return SSH_ERR_SERVICE;
	}
	memcpy(u->name, name, nl);
	u->namelen = nl;
	memcpy(u->service, svc, sl);
	u->servicelen = sl;
	/* "user:style" names a BSD auth style, which Linux has not: OpenSSH
	 * drops it and goes on with the user (the name as sent stays in
	 * u->name: the client signs it) */
	if ((colon = memchr(name, ':', nl)) != NULL)
		nl = (size_t)(colon - name);
	ua_log_safe(u->logname, sizeof u->logname, name, nl);
	memcpy(cname, name, nl);
	cname[nl] = 0;
	user_lookup(cname, &u->user);
	/* from here every layer reads the configuration for this user */
	if ((e = conn_match(c, cname, !u->user.valid)) != SSH_OK)
		return e;
	user_groups_prefetch(c, &u->user);
	if (u->user.allowed && (e = access_apply(c, u)) != SSH_OK)
		return e;
	/* the user's lists (a Match block may set them for this user) */
	if (am_init(&u->am, c->cfg->authentication_methods) != SSH_OK) {
		logit(c->log, LOG_ERR, "AuthenticationMethods: too many or too long lists");
		return SSH_ERR_INTERNAL;
	}
	if (!u->user.valid)
		logit(c->log, LOG_INFO, "Invalid user %s from %s port %d", u->logname, c->addr, c->port);
	else if (!u->user.allowed)
		logit(c->log, LOG_INFO, "User %s from %s not allowed because %s", u->logname, c->addr, u->user.why);
	/* RefuseConnection: once the user is known (OpenSSH 10's line) */
	if (c->cfg->refuse_connection) {
		logit(c->log, LOG_INFO, "administratively prohibited connection for %s%s from %s port %d",
		      u->user.valid ? "" : "invalid user ", u->logname, c->addr, c->port);
		return SSH_ERR_REFUSED;
	}
	u->started = 1;
	return send_banner(c);
}

static int h_request(struct conn *c, uint8_t type, struct rd *r)
{
	struct userauth *u = c->userauth;
	const uint8_t *name, *svc, *meth;
	size_t nl, sl, ml;
	const struct ua_method *m;
	int e, result;
	(void)type;

	/* user name, service name, method name, method-specific fields */
	if ((e = rd_text(r, &name, &nl)) != SSH_OK || (e = rd_text(r, &svc, &sl)) != SSH_OK ||
	    (e = rd_text(r, &meth, &ml)) != SSH_OK)
		return e;
	if (nl > UA_NAME_MAX)
		return SSH_ERR_TOOBIG;
	if (!u->started) {
		if ((e = first_request(c, u, name, nl, svc, sl)) != SSH_OK)
			return e;
	} else if (!name_eq_bytes(name, nl, u->name, u->namelen) || !name_eq_bytes(svc, sl, u->service, u->servicelen)) {
		char nn[UA_NAME_MAX * 4 + 1];
		ua_log_safe(nn, sizeof nn, name, nl);
		logit(c->log, LOG_INFO, "Disconnecting %s port %d: Change of username or service not allowed: %s -> %s",
		      c->addr, c->port, u->logname, nn);
		return SSH_ERR_PROTO;
	}
	if (u->kbd_pending) {
		/* a new request abandons keyboard-interactive (RFC 4256 3.4) */
		u->kbd_pending = 0;
		c->dispatch[SSH_MSG_USERAUTH_INFO_RESPONSE] = NULL;
		if (c->cfg->use_pam)
			pam_kbdint_abandon(c, u);
	}
	u->attempts++;
	u->extra[0] = 0;
	m = method_find(meth, ml);
	if (!m || (m->enabled && !m->enabled(c)) || (m->enabled && !am_allowed(&u->am, m->name))) {
		char mn[130];
		ua_log_safe(mn, sizeof mn, meth, ml > 32 ? 32 : ml);
		logit(c->log, LOG_DEBUG, "userauth: method %s not offered", mn);
		u->failures++;
		return ua_finish(c, u, UA_UNCOUNTED, m ? m->name : mn);
	}
	u->hostbound = m->synonym && name_eq(m->synonym, meth, ml);
	result = m->handle(c, u, r);
	return ua_finish(c, u, result, m->name);
}

/* Clients may ask for ssh-userauth again until they succeed (paramiko
 * does before each method, and OpenSSH's server answers): the attempt goes
 * on with the same user, service and failure count. */
int userauth_service_again(struct conn *c, uint8_t type, struct rd *r)
{
	const uint8_t *name;
	size_t n;
	struct buf *b;
	int e;
	(void)type;
	/* service name */
	if ((e = rd_text(r, &name, &n)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	if (!name_eq("ssh-userauth", name, n)) {
		char s[130];
		ua_log_safe(s, sizeof s, name, n > 32 ? 32 : n);
		logit(c->log, LOG_INFO, "Client from %s port %d requested unknown service %s", c->addr, c->port, s);
		return SSH_ERR_SERVICE;
	}
	if ((e = pkt_begin(c, SSH_MSG_SERVICE_ACCEPT, &b)) != SSH_OK)
		return e;
	buf_cstring(b, "ssh-userauth");
	return pkt_send(c);
}

int userauth_install(struct conn *c)
{
	struct userauth *u;
	if (c->authenticated || c->auth || c->userauth)
		return SSH_ERR_PROTO;
	if (!(u = calloc(1, sizeof *u)))
		return SSH_ERR_ALLOC;
	buf_init(&u->scratch, 512 * 1024);
	c->userauth = u;
	c->dispatch[SSH_MSG_USERAUTH_REQUEST] = h_request;
	c->dispatch[SSH_MSG_SERVICE_REQUEST] = userauth_service_again;
	return SSH_OK;
}
