/* PAM in the root helper (see pam.h). Everything here runs in the forked
 * root process, never in the server that talks to the client. Requests
 * come only from the server while it is still root (loginrec.c refuses PAM
 * requests once the user is named), and each is length-checked here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "services/pam.h"
#include "services/pam_rec.h"
#include "transport/conn.h"

#ifdef USE_PAM
#include <security/pam_appl.h>

#include "services/pam_lib.h"

struct pam_side {
	struct pam_lib lib; /* libpam's functions, loaded by pam_side_new */
	const struct logger *log;
	char host[64];
	char user[256];
	pam_handle_t *h;
	int fd;            /* the server's socket, for conversation turns */
	int interactive;   /* AUTH: turns go to the server; else collected */
	int cred, session; /* what pam_side_end must undo */
	int acct_ok;       /* AUTH for keyboard-interactive checked the account */
	char msgs[1024];   /* TEXT_INFO and ERROR_MSG outside AUTH */
	size_t nmsgs;
};

static void reply(int fd, int32_t rc, const char *data, size_t len)
{
	struct pam_rep *r = calloc(1, sizeof *r);
	if (!r)
		return;
	r->rc = rc;
	r->len = (uint32_t)(len < sizeof r->data ? len : sizeof r->data);
	memcpy(r->data, data, r->len);
	send(fd, r, offsetof(struct pam_rep, data) + r->len, MSG_NOSIGNAL);
	free(r);
}

/* outside AUTH: messages are kept for the server, prompts are refused */
static int collect(struct pam_side *p, int n, const struct pam_message **msg)
{
	for (int i = 0; i < n; i++) {
		int st = msg[i]->msg_style;
		size_t l = msg[i]->msg ? strlen(msg[i]->msg) : 0;
		if (st != PAM_TEXT_INFO && st != PAM_ERROR_MSG)
			return PAM_CONV_ERR;
		if (l && p->nmsgs + l + 1 < sizeof p->msgs) {
			memcpy(p->msgs + p->nmsgs, msg[i]->msg, l);
			p->nmsgs += l;
			p->msgs[p->nmsgs++] = '\n';
		}
	}
	return PAM_SUCCESS;
}

/* one turn to the server: style byte and text per message; the answer is
 * one NUL-terminated string per message, or nothing to give up */
static int relay(struct pam_side *p, int n, const struct pam_message **msg, struct pam_response *resp)
{
	struct pam_req *q = calloc(1, sizeof *q);
	char *out = calloc(1, PAM_DATA_MAX);
	const char *ans[PAM_TURN_MAX];
	size_t o = 0;
	ssize_t got;
	int rc = PAM_CONV_ERR;

	if (!q || !out)
		goto done;
	for (int i = 0; i < n; i++) {
		const char *t = msg[i]->msg ? msg[i]->msg : "";
		size_t l = strnlen(t, 1024);
		if (o + l + 2 > PAM_DATA_MAX)
			goto done;
		out[o++] = (char)msg[i]->msg_style;
		memcpy(out + o, t, l);
		o += l;
		out[o++] = 0;
	}
	reply(p->fd, PAM_REP_PROMPTS, out, o);
	got = recv(p->fd, q, sizeof *q, MSG_TRUNC);
	if (got < 0 || (size_t)got > sizeof *q || pam_req_check(q, (size_t)got) != SSH_OK ||
	    pam_answers_parse(q, n, ans) != SSH_OK)
		goto done;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			resp[i].resp = strdup(ans[i]);
	rc = PAM_SUCCESS;
done:
	if (q)
		explicit_bzero(q, sizeof *q);
	free(q);
	free(out);
	return rc;
}

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *app)
{
	struct pam_side *p = app;
	struct pam_response *r;
	int rc;

	*resp = NULL;
	if (n <= 0 || n > PAM_TURN_MAX || !(r = calloc((size_t)n, sizeof *r)))
		return PAM_CONV_ERR;
	rc = p->interactive ? relay(p, n, msg, r) : collect(p, n, msg);
	if (rc != PAM_SUCCESS) {
		for (int i = 0; i < n; i++)
			if (r[i].resp) {
				explicit_bzero(r[i].resp, strlen(r[i].resp));
				free(r[i].resp);
			}
		free(r);
		return rc;
	}
	*resp = r;
	return PAM_SUCCESS;
}

struct pam_side *pam_side_new(const struct logger *log, const char *host)
{
	struct pam_side *p = calloc(1, sizeof *p);
	char err[256];
	if (p && pam_lib_load(&p->lib, err, sizeof err) < 0) {
		logit(log, LOG_ERR, "%s", err);
		free(p);
		return NULL;
	}
	if (p) {
		p->log = log;
		snprintf(p->host, sizeof p->host, "%s", host);
	}
	return p;
}

/* data: service NUL user NUL; a second START (another user) ends the
 * first handle, as OpenSSH restarts PAM */
static int start(struct pam_side *p, const struct pam_req *q)
{
	const char *svc, *user;
	struct pam_conv cv = {conv, p};
	int rc;

	if (pam_start_parse(q, &svc, &user) != SSH_OK || p->session)
		return PAM_SYSTEM_ERR;
	if (p->h && !strcmp(p->user, user))
		return PAM_SUCCESS;
	if (p->h)
		p->lib.end(p->h, PAM_SUCCESS);
	p->h = NULL;
	p->acct_ok = 0;
	snprintf(p->user, sizeof p->user, "%s", user);
	if ((rc = p->lib.start(svc, user, &cv, &p->h)) != PAM_SUCCESS) {
		logit(p->log, LOG_ERR, "PAM: initialisation failed for %s: %d", p->user, rc);
		p->h = NULL;
		return rc;
	}
	/* "ssh" as the tty, as OpenSSH: modules such as pam_securetty then
	 * know this is no local terminal */
	if ((rc = p->lib.set_item(p->h, PAM_RHOST, p->host)) == PAM_SUCCESS)
		rc = p->lib.set_item(p->h, PAM_TTY, "ssh");
	return rc;
}

/* a module may change PAM_USER; the server authenticated a name it chose */
static int same_user(struct pam_side *p)
{
	const void *u = NULL;
	if (p->lib.get_item(p->h, PAM_USER, &u) != PAM_SUCCESS || !u || strcmp(u, p->user)) {
		logit(p->log, LOG_ERR, "PAM: user name changed by a module: %s refused", p->user);
		return 0;
	}
	return 1;
}

/* keyboard-interactive, as OpenSSH's PAM thread does it: the account is
 * checked within the conversation, so that an expired password can be
 * changed through it (the client sees pam_unix's "Current password",
 * "New password" prompts); the later ACCT request then only answers */
static int account_in_conv(struct pam_side *p)
{
	int rc = p->lib.acct_mgmt(p->h, 0);
	if (rc == PAM_NEW_AUTHTOK_REQD) {
		rc = p->lib.chauthtok(p->h, PAM_CHANGE_EXPIRED_AUTHTOK);
		if (rc != PAM_SUCCESS)
			logit(p->log, LOG_ERR, "PAM: pam_chauthtok(): %s", p->lib.strerror(p->h, rc));
		else if (!same_user(p))
			rc = PAM_AUTH_ERR;
	} else if (rc != PAM_SUCCESS) {
		logit(p->log, LOG_ERR, "PAM: %s for %s from %s", p->lib.strerror(p->h, rc), p->user, p->host);
	}
	p->acct_ok = rc == PAM_SUCCESS;
	return rc;
}

/* AUTH data: the flag byte (PAM_AUTH_*) */
static int authenticate(struct pam_side *p, const struct pam_req *q)
{
	uint8_t fl;
	int rc;
	if (pam_auth_parse(q, &fl) != SSH_OK)
		return PAM_SYSTEM_ERR;
	p->interactive = 1;
	p->acct_ok = 0;
	rc = p->lib.authenticate(p->h, fl & PAM_AUTH_EMPTY_OK ? 0 : PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS && !same_user(p))
		rc = PAM_AUTH_ERR;
	if (rc == PAM_SUCCESS && (fl & PAM_AUTH_KBD))
		rc = account_in_conv(p);
	p->interactive = 0;
	return rc;
}

/* the answer to SESSION: "E" variables, "R" limits pam_limits changed
 * here (the server applies them to itself before it drops root, so
 * that sessions inherit them), "U" the loginuid pam_loginuid wrote */
static size_t session_facts(struct pam_side *p, const struct rlimit *before, char *out, size_t cap)
{
	char **env = p->lib.getenvlist(p->h);
	size_t o = 0;
	struct rlimit now;
	FILE *f;
	char num[16] = "";

	for (int i = 0; env && env[i]; i++) {
		int n = snprintf(out + o, cap - o, "E%s", env[i]);
		if (n > 0 && (size_t)n + 1 < cap - o)
			o += (size_t)n + 1;
		else
			logit(p->log, LOG_INFO, "PAM: environment too long, not all of it set for %s", p->user);
		free(env[i]);
	}
	free(env);
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		int n;
		if (getrlimit(r, &now) != 0 || (now.rlim_cur == before[r].rlim_cur && now.rlim_max == before[r].rlim_max))
			continue;
		n = snprintf(out + o, cap - o, "R%d %llu %llu", r, (unsigned long long)now.rlim_cur,
			     (unsigned long long)now.rlim_max);
		if (n > 0 && (size_t)n + 1 < cap - o)
			o += (size_t)n + 1;
	}
	/* unset is 4294967295 (-1); passed on as the digits the file holds */
	if ((f = fopen("/proc/self/loginuid", "re"))) {
		if (fgets(num, sizeof num, f) && num[0] >= '0' && num[0] <= '9' && strcmp(num, "4294967295") &&
		    o + 24 < cap)
			o += (size_t)snprintf(out + o, cap - o, "U%.10s", num) + 1;
		fclose(f);
	}
	return o;
}

/* /proc/self/cgroup into buf, NUL-terminated ("" when unreadable) */
static void read_cgroups(char *buf, size_t cap)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
	buf[n] = 0;
	if (f)
		fclose(f);
}

/* pam_systemd moves the process that opens the session, this helper, into
 * the login's cgroup (logind's session scope, as it moves OpenSSH's
 * monitor). The server and the sessions it starts must be there as well:
 * each hierarchy's line that changed goes back as a "G" fact, for the
 * server to join while it is still root. */
static size_t cgroup_facts(const char *before, char *out, size_t o, size_t cap)
{
	char now[4096];
	read_cgroups(now, sizeof now);
	for (char *line = now, *end; *line; line = end + 1) {
		const char *at;
		size_t n;
		if (!(end = strchr(line, '\n')))
			break;
		*end = 0;
		n = strlen(line);
		/* the same whole line before: this hierarchy did not change */
		for (at = strstr(before, line); at; at = strstr(at + 1, line))
			if ((at == before || at[-1] == '\n') && at[n] == '\n')
				break;
		if (!at && n && o + n + 2 <= cap) {
			out[o++] = 'G';
			memcpy(out + o, line, n + 1);
			o += n + 1;
		}
	}
	return o;
}

/* the session keyring's serial, or -1 for none of its own */
static long session_keyring(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}

static void session(struct pam_side *p, int fd)
{
	struct rlimit before[RLIM_NLIMITS];
	char *out = calloc(1, PAM_DATA_MAX);
	char cgroups[4096];
	long keyring = session_keyring();
	int rc;

	for (int r = 0; r < RLIM_NLIMITS; r++)
		getrlimit(r, &before[r]);
	read_cgroups(cgroups, sizeof cgroups);
	if (!out) {
		reply(fd, PAM_BUF_ERR, "", 0);
		return;
	}
	rc = p->lib.setcred(p->h, PAM_ESTABLISH_CRED);
	if (rc == PAM_SUCCESS) {
		p->cred = 1;
		rc = p->lib.open_session(p->h, 0);
	}
	if (rc == PAM_SUCCESS) {
		size_t o;
		p->session = 1;
		o = session_facts(p, before, out, PAM_DATA_MAX);
		o = cgroup_facts(cgroups, out, o, PAM_DATA_MAX);
		/* pam_keyinit joined a new session keyring */
		if (session_keyring() != keyring && o + 2 <= PAM_DATA_MAX) {
			out[o++] = 'K';
			out[o++] = 0;
		}
		/* what pam_motd/pam_echo said: shown before the shell, as
		 * OpenSSH's loginmsg */
		if (p->nmsgs && o + p->nmsgs + 2 <= PAM_DATA_MAX) {
			out[o++] = 'M';
			memcpy(out + o, p->msgs, p->nmsgs);
			o += p->nmsgs;
			out[o++] = 0;
		}
		reply(fd, PAM_SUCCESS, out, o);
	} else {
		reply(fd, rc, p->lib.strerror(p->h, rc), strlen(p->lib.strerror(p->h, rc)));
	}
	free(out);
}

void pam_side_request(struct pam_side *p, int fd, const struct pam_req *q, size_t n)
{
	int rc;
	if (!p || pam_req_check(q, n) != SSH_OK) {
		reply(fd, PAM_SYSTEM_ERR, "", 0);
		return;
	}
	p->fd = fd;
	p->nmsgs = 0;
	if (q->op == LR_PAM_START) {
		reply(fd, start(p, q), "", 0);
		return;
	}
	if (!p->h || p->session) {
		reply(fd, PAM_SYSTEM_ERR, "", 0);
		return;
	}
	if (q->op == LR_PAM_AUTH) {
		reply(fd, authenticate(p, q), "", 0);
	} else if (q->op == LR_PAM_ACCT) {
		/* checked (and the password changed) by keyboard-interactive */
		rc = p->acct_ok ? PAM_SUCCESS : p->lib.acct_mgmt(p->h, 0);
		reply(fd, rc, p->msgs, p->nmsgs);
	} else if (q->op == LR_PAM_SESSION) {
		session(p, fd);
	} else {
		reply(fd, PAM_SYSTEM_ERR, "", 0);
	}
}

void pam_side_end(struct pam_side *p)
{
	if (!p || !p->h)
		return;
	if (p->session)
		p->lib.close_session(p->h, 0);
	if (p->cred)
		p->lib.setcred(p->h, PAM_DELETE_CRED);
	p->lib.end(p->h, PAM_SUCCESS);
	p->h = NULL;
}

#else /* built without libpam: UsePAM yes is refused by the configuration */

struct pam_side {
	int unused;
};

struct pam_side *pam_side_new(const struct logger *log, const char *host)
{
	(void)log, (void)host;
	return NULL;
}

void pam_side_request(struct pam_side *p, int fd, const struct pam_req *q, size_t n)
{
	struct pam_rep r = {.rc = 4 /* PAM_SYSTEM_ERR */};
	(void)p, (void)q, (void)n;
	send(fd, &r, offsetof(struct pam_rep, data), MSG_NOSIGNAL);
}

void pam_side_end(struct pam_side *p) { (void)p; }

#endif
