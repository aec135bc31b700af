/* The server's side of PAM (pam.h): requests to the root helper and the
 * SSH ends of its conversation. Built with or without libpam: only the
 * helper links the library's calls, and the configuration refuses UsePAM
 * yes in a build without it. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "services/cgroup_join.h"
#include "services/pam.h"
#include "services/pam_rec.h"
#include "services/userauth.h"
#include "transport/msg.h"

/* Linux-PAM's numbers, as the helper sends them */
enum { P_SUCCESS = 0, P_NEW_AUTHTOK_REQD = 12 };
#define SSH_MSG_USERAUTH_INFO_REQUEST SSH_MSG_USERAUTH_PK_OK
/* what an unknown user's attempt gives PAM, so that it costs what a known
 * user's wrong password does and can never succeed (OpenSSH's idea) */
#define BAD_PASSWORD "\b\n\r\177INCORRECT"

/* one request and its answer; the helper may be slow (pam_unix's delay
 * after a wrong password), never forever */
static int call(struct conn *c, int op, const void *data, size_t len, struct pam_rep *rep)
{
	struct pam_req *q = calloc(1, sizeof *q);
	struct pollfd pfd = {.fd = c->rootfd, .events = POLLIN};
	ssize_t n = -1;
	int ok;

	if (!q || c->rootfd <= 0 || len > sizeof q->data) {
		free(q);
		return SSH_ERR_INTERNAL;
	}
	q->op = (uint8_t)op;
	q->len = (uint32_t)len;
	if (len)
		memcpy(q->data, data, len);
	ok = send(c->rootfd, q, offsetof(struct pam_req, data) + len, MSG_NOSIGNAL) ==
	     (ssize_t)(offsetof(struct pam_req, data) + len);
	wipe(q, sizeof *q);
	free(q);
	if (ok && poll(&pfd, 1, 120 * 1000) == 1)
		n = recv(c->rootfd, rep, sizeof *rep, MSG_TRUNC);
	if (n < 0 || (size_t)n > sizeof *rep || pam_rep_check(rep, (size_t)n) != SSH_OK) {
		logit(c->log, LOG_ERR, "PAM: no answer from the root helper");
		return SSH_ERR_INTERNAL;
	}
	return SSH_OK;
}

/* the helper's handle for this user, after any group answer still due */
static int start(struct conn *c, struct userauth *u, struct pam_rep *rep)
{
	char data[512];
	int n, e;
	if (u->user.valid)
		user_groups(c, &u->user);
	n = snprintf(data, sizeof data, "%s%c%s", c->cfg->pam_service_name, 0, u->user.valid ? u->user.name : u->logname);
	if (n < 0 || (size_t)n >= sizeof data)
		return SSH_ERR_INTERNAL;
	if ((e = call(c, LR_PAM_START, data, (size_t)n + 1, rep)) != SSH_OK)
		return e;
	if (rep->rc != P_SUCCESS) {
		logit(c->log, LOG_ERR, "PAM: cannot start service %s for %s", c->cfg->pam_service_name, u->logname);
		return SSH_ERR_INTERNAL;
	}
	return SSH_OK;
}

static int send_banner_text(struct conn *c, const char *text, size_t len)
{
	struct buf *b;
	int e;
	if (!len)
		return SSH_OK;
	/* message, language tag */
	if ((e = pkt_begin(c, SSH_MSG_USERAUTH_BANNER, &b)) != SSH_OK)
		return e;
	buf_string(b, text, len);
	buf_cstring(b, "");
	return pkt_send(c);
}

int pam_account(struct conn *c, struct userauth *u)
{
	struct pam_rep *rep = calloc(1, sizeof *rep);
	int e = SSH_ERR_DENIED;

	if (!rep)
		return SSH_ERR_ALLOC;
	if (start(c, u, rep) == SSH_OK && call(c, LR_PAM_ACCT, NULL, 0, rep) == SSH_OK) {
		/* what the modules said (pam_nologin's file) reaches the user */
		send_banner_text(c, rep->data, rep->len);
		if (rep->rc == P_SUCCESS) {
			e = SSH_OK;
		} else if (rep->rc == P_NEW_AUTHTOK_REQD) {
			logit(c->log, LOG_INFO, "PAM: password change required for %s [preauth]", u->logname);
			u->res.force_pwchange = 1;
			u->res.no_port_forwarding = u->res.no_agent_forwarding = u->res.no_x11_forwarding = 1;
			e = SSH_OK;
		}
	}
	if (e != SSH_OK)
		logit(c->log, LOG_INFO, "Access denied for user %s by PAM account configuration [preauth]", u->logname);
	free(rep);
	return e;
}

/* turns of the "password" method: every hidden prompt is the password,
 * anything else asked for cannot be answered and ends the attempt */
static int password_turns(struct conn *c, struct pam_rep *rep, const char *pw)
{
	char *ans = calloc(1, PAM_DATA_MAX);
	struct pam_turn t;
	int e = SSH_OK;

	while (e == SSH_OK && rep->rc == PAM_REP_PROMPTS) {
		size_t o = 0;
		if (pam_turn_parse(rep, &t) != SSH_OK)
			t.n = 0;
		for (int i = 0; ans && i < t.n; i++) {
			const char *a = t.style[i] == PAM_REC_ECHO_OFF ? pw : t.style[i] == PAM_REC_ECHO_ON ? NULL : "";
			if (!a || o + strlen(a) + 1 > PAM_DATA_MAX) {
				o = 0;
				break;
			}
			memcpy(ans + o, a, strlen(a) + 1);
			o += strlen(a) + 1;
		}
		/* an empty answer gives the conversation up */
		e = ans ? call(c, LR_PAM_ANSWERS, ans, o, rep) : SSH_ERR_ALLOC;
		if (ans)
			wipe(ans, PAM_DATA_MAX);
	}
	free(ans);
	return e;
}

int pam_password(struct conn *c, struct userauth *u, const uint8_t *pw, size_t len)
{
	struct pam_rep *rep = calloc(1, sizeof *rep);
	char plain[1025];
	uint8_t fl = c->cfg->permit_empty_passwords ? PAM_AUTH_EMPTY_OK : 0;
	int ok = 0;

	if (!rep)
		return SSH_ERR_ALLOC;
	if (len < sizeof plain && !memchr(pw, 0, len) && u->user.valid && u->user.allowed) {
		memcpy(plain, pw, len);
		plain[len] = 0;
	} else {
		snprintf(plain, sizeof plain, "%s", BAD_PASSWORD);
	}
	wipe((void *)pw, len);
	if (start(c, u, rep) == SSH_OK && call(c, LR_PAM_AUTH, &fl, 1, rep) == SSH_OK &&
	    password_turns(c, rep, plain) == SSH_OK)
		ok = rep->rc == P_SUCCESS && u->user.valid && u->user.allowed;
	wipe(plain, sizeof plain);
	free(rep);
	if (!ok)
		return UA_FAILURE;
	return ua_root_allowed(c, u, "password", 0) ? UA_SUCCESS : UA_FAILURE;
}

/* pam_limits, pam_loginuid and pam_systemd act on the process that calls
 * them, the helper: the server takes the same values and cgroups for
 * itself while it is root, and every session it starts inherits them */
static void apply_fact(struct conn *c, const char *f)
{
	struct rlimit rl;
	uint64_t soft, hard;
	int r, fd;

	if (pam_rlimit_parse(f, &r, &soft, &hard) == SSH_OK) {
		rl.rlim_cur = (rlim_t)soft;
		rl.rlim_max = (rlim_t)hard;
		if (r >= RLIM_NLIMITS || setrlimit(r, &rl) != 0)
			logit(c->log, LOG_INFO, "PAM: cannot apply resource limit %s", f + 1);
	} else if (pam_loginuid_parse(f) == SSH_OK) {
		/* written as the digits came */
		fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, f + 1, strlen(f + 1)) != (ssize_t)strlen(f + 1))
			logit(c->log, LOG_DEBUG, "PAM: loginuid %s not set", f + 1);
		if (fd >= 0)
			close(fd);
	} else if (f[0] == 'R') {
		logit(c->log, LOG_INFO, "PAM: cannot apply resource limit %s", f + 1);
	} else if (f[0] == 'G') {
		/* logged there; the login goes on outside the scope, as an
		 * unreadable loginuid does */
		cgroup_join(c->log, f);
	}
}

static int keep_env(struct auth_result *a, const char *nv)
{
	char **v;
	/* as OpenSSH's PAM_ENV_DENYLIST: the server's own say */
	if (!strchr(nv, '=') || !strncmp(nv, "SSH_AUTH_SOCK=", 14) || !strncmp(nv, "SSH_CONNECTION=", 15))
		return SSH_OK;
	if (!(v = realloc(a->pam_env, (size_t)(a->npam_env + 1) * sizeof *v)) || !(v[a->npam_env] = strdup(nv))) {
		if (v)
			a->pam_env = v;
		return SSH_ERR_ALLOC;
	}
	a->pam_env = v;
	a->npam_env++;
	return SSH_OK;
}

int pam_session(struct conn *c, struct userauth *u, struct auth_result *a)
{
	struct pam_rep *rep = calloc(1, sizeof *rep);
	const char *f;
	int e;

	if (!rep)
		return SSH_ERR_ALLOC;
	(void)u;
	if ((e = call(c, LR_PAM_SESSION, NULL, 0, rep)) == SSH_OK && rep->rc != P_SUCCESS) {
		logit(c->log, LOG_ERR, "PAM: pam_open_session(): %.*s", (int)rep->len, rep->data);
		e = SSH_ERR_AUTH;
	}
	for (size_t off = 0; e == SSH_OK && pam_fact_next(rep, &off, &f) == SSH_OK;) {
		/* an unterminated tail (the helper's bug) ends the loop */
		if (f[0] == 'E')
			e = keep_env(a, f + 1);
		else if (f[0] == 'K' && !f[1])
			a->new_keyring = 1;
		else if (f[0] == 'M' && !a->pam_msg)
			e = (a->pam_msg = strdup(f + 1)) ? SSH_OK : SSH_ERR_ALLOC;
		else
			apply_fact(c, f);
	}
	free(rep);
	return e;
}

/* keyboard-interactive (RFC 4256) over the conversation: each turn with
 * prompts becomes an INFO_REQUEST, whose instruction carries the turn's
 * info and error messages; a turn of messages only is answered at once
 * and its text shown with the next prompts, or as a banner at the end */
static int kbd_next(struct conn *c, struct userauth *u, struct pam_rep *rep);

static int kbd_answer_empty(struct conn *c, struct pam_rep *rep, int n)
{
	char ans[PAM_TURN_MAX];
	memset(ans, 0, sizeof ans);
	return call(c, LR_PAM_ANSWERS, ans, (size_t)n, rep);
}

static int info_response(struct conn *c, uint8_t type, struct rd *r)
{
	struct userauth *u = c->userauth;
	struct pam_rep *rep;
	char *ans;
	size_t o = 0;
	uint32_t n;
	int e = SSH_OK, res, sent = 0;
	(void)type;

	if (!u || !u->kbd_pending)
		return SSH_ERR_PROTO;
	u->kbd_pending = 0;
	c->dispatch[SSH_MSG_USERAUTH_INFO_RESPONSE] = NULL;
	rep = calloc(1, sizeof *rep);
	ans = calloc(1, PAM_DATA_MAX);
	/* num-responses: one per prompt we sent */
	if (!rep || !ans || (e = rd_u32(r, &n)) != SSH_OK || n != (uint32_t)u->pam_nprompts)
		goto out;
	for (int i = 0; i < u->pam_nmsg; i++) {
		const uint8_t *p = (const uint8_t *)"";
		size_t l = 0;
		/* response, for each prompt */
		if ((u->pam_styles[i] == PAM_REC_ECHO_OFF || u->pam_styles[i] == PAM_REC_ECHO_ON) &&
		    (e = rd_string(r, &p, &l)) != SSH_OK)
			goto out;
		if (memchr(p, 0, l) || o + l + 1 > PAM_DATA_MAX) {
			wipe((void *)p, l);
			goto out;
		}
		memcpy(ans + o, p, l);
		wipe((void *)p, l);
		o += l;
		ans[o++] = 0;
	}
	if ((e = rd_end(r)) == SSH_OK)
		sent = call(c, LR_PAM_ANSWERS, ans, o, rep) == SSH_OK;
out:
	if (ans)
		wipe(ans, PAM_DATA_MAX);
	free(ans);
	if (!sent) {
		/* a bad count, too long an answer: the conversation is given up */
		if (rep)
			pam_kbdint_abandon(c, u);
		free(rep);
		return e != SSH_OK ? e : ua_finish(c, u, UA_FAILURE, "keyboard-interactive");
	}
	res = kbd_next(c, u, rep);
	free(rep);
	return ua_finish(c, u, res, "keyboard-interactive");
}

/* the INFO_REQUEST for a turn with prompts; the turn's styles are kept */
static int kbd_request(struct conn *c, struct userauth *u, const struct pam_turn *t, const char *text)
{
	struct buf *b;
	int e;
	/* name, instruction, language tag, num-prompts */
	if ((e = pkt_begin(c, SSH_MSG_USERAUTH_INFO_REQUEST, &b)) != SSH_OK)
		return e;
	buf_cstring(b, "");
	buf_cstring(b, text);
	buf_cstring(b, "");
	buf_u32(b, (uint32_t)u->pam_nprompts);
	for (int i = 0; i < t->n; i++) {
		/* prompt, echo */
		if (t->style[i] == PAM_REC_ECHO_OFF || t->style[i] == PAM_REC_ECHO_ON) {
			buf_cstring(b, t->text[i]);
			buf_bool(b, t->style[i] == PAM_REC_ECHO_ON);
		}
	}
	if ((e = pkt_send(c)) != SSH_OK)
		return e;
	u->kbd_pending = 1;
	c->dispatch[SSH_MSG_USERAUTH_INFO_RESPONSE] = info_response;
	return UA_POSTPONED;
}

/* a turn's messages: styles into u, text of the others into text */
static int kbd_parse(struct userauth *u, const struct pam_rep *rep, struct pam_turn *t, char *text, size_t cap)
{
	size_t tl = strlen(text);
	if (pam_turn_parse(rep, t) != SSH_OK)
		return -1;
	u->pam_nmsg = t->n;
	u->pam_nprompts = t->nprompts;
	for (int i = 0; i < t->n; i++) {
		size_t l = strlen(t->text[i]);
		u->pam_styles[i] = t->style[i];
		if (t->style[i] != PAM_REC_ECHO_OFF && t->style[i] != PAM_REC_ECHO_ON && tl + l + 2 < cap)
			tl += (size_t)snprintf(text + tl, cap - tl, "%s\n", t->text[i]);
	}
	return 0;
}

static int kbd_next(struct conn *c, struct userauth *u, struct pam_rep *rep)
{
	char text[2048] = "";
	struct pam_turn t;
	int ok;

	while (rep->rc == PAM_REP_PROMPTS) {
		if (kbd_parse(u, rep, &t, text, sizeof text) < 0) {
			pam_kbdint_abandon(c, u);
			return UA_FAILURE;
		}
		if (u->pam_nprompts)
			return kbd_request(c, u, &t, text);
		if (kbd_answer_empty(c, rep, u->pam_nmsg) != SSH_OK)
			return UA_FAILURE;
	}
	send_banner_text(c, text, strlen(text));
	ok = rep->rc == P_SUCCESS && u->user.valid && u->user.allowed;
	if (!ok)
		return UA_FAILURE;
	return ua_root_allowed(c, u, "password", 0) ? UA_SUCCESS : UA_FAILURE;
}

int pam_kbdint(struct conn *c, struct userauth *u)
{
	struct pam_rep *rep = calloc(1, sizeof *rep);
	uint8_t fl = (uint8_t)(PAM_AUTH_KBD | (c->cfg->permit_empty_passwords ? PAM_AUTH_EMPTY_OK : 0));
	int res = UA_FAILURE;

	if (!rep)
		return SSH_ERR_ALLOC;
	if (start(c, u, rep) == SSH_OK && call(c, LR_PAM_AUTH, &fl, 1, rep) == SSH_OK)
		res = kbd_next(c, u, rep);
	free(rep);
	return res;
}

void pam_kbdint_abandon(struct conn *c, struct userauth *u)
{
	struct pam_rep *rep = calloc(1, sizeof *rep);
	/* an empty answer makes the helper's conversation fail: drain until
	 * pam_authenticate has returned, so that the next request is its own */
	int n = 0;
	u->kbd_pending = 0;
	c->dispatch[SSH_MSG_USERAUTH_INFO_RESPONSE] = NULL;
	if (rep && call(c, LR_PAM_ANSWERS, NULL, 0, rep) == SSH_OK)
		while (rep->rc == PAM_REP_PROMPTS && n++ < 8 && call(c, LR_PAM_ANSWERS, NULL, 0, rep) == SSH_OK)
			;
	free(rep);
}
