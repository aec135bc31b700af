/* The PAM records of the root helper's socket (services/pam_rec.h): each
 * parser takes what the other side really sends and refuses records that
 * are short, unterminated, too long, or have bytes left over. */
#include <stdlib.h>
#include <string.h>

#include "services/pam_rec.h"
#include "t.h"
#include "transport/err.h"

static struct pam_req q;
static struct pam_rep r;

/* a request with data d of n bytes; returns the size as sent */
static size_t req(uint8_t op, const char *d, size_t n)
{
	memset(&q, 0, sizeof q);
	q.op = op;
	q.len = (uint32_t)n;
	memcpy(q.data, d, n);
	return offsetof(struct pam_req, data) + n;
}

static size_t rep(int32_t rc, const char *d, size_t n)
{
	memset(&r, 0, sizeof r);
	r.rc = rc;
	r.len = (uint32_t)n;
	memcpy(r.data, d, n);
	return offsetof(struct pam_rep, data) + n;
}

static void requests(void)
{
	const char *svc, *user, *ans[PAM_TURN_MAX];
	uint8_t fl;
	size_t n = req(LR_PAM_START, "sshd-lite\0alice\0", 16);

	CHECK(pam_req_check(&q, n) == SSH_OK, "a request whose len matches its size");
	CHECK(pam_req_check(&q, n - 1) != SSH_OK && pam_req_check(&q, n + 1) != SSH_OK, "len and size disagree: refused");
	CHECK(pam_req_check(&q, 3) != SSH_OK, "shorter than the header: refused");
	q.len = PAM_DATA_MAX + 1;
	CHECK(pam_req_check(&q, offsetof(struct pam_req, data) + q.len) != SSH_OK, "len beyond the data: refused");
	req(LR_PAM_START, "sshd-lite\0alice\0", 16);
	CHECK(pam_start_parse(&q, &svc, &user) == SSH_OK && !strcmp(svc, "sshd-lite") && !strcmp(user, "alice"),
	      "START: service and user");
	req(LR_PAM_START, "sshd-lite\0alice", 15);
	CHECK(pam_start_parse(&q, &svc, &user) != SSH_OK, "START: unterminated user refused");
	req(LR_PAM_START, "sshd-lite\0alice\0x", 17);
	CHECK(pam_start_parse(&q, &svc, &user) != SSH_OK, "START: bytes after the user refused");
	req(LR_PAM_START, "\0alice\0", 7);
	CHECK(pam_start_parse(&q, &svc, &user) != SSH_OK, "START: empty service refused");
	req(LR_PAM_AUTH, "\3", 1);
	CHECK(pam_auth_parse(&q, &fl) == SSH_OK && fl == (PAM_AUTH_EMPTY_OK | PAM_AUTH_KBD), "AUTH: the flag byte");
	req(LR_PAM_AUTH, "\4", 1);
	CHECK(pam_auth_parse(&q, &fl) != SSH_OK, "AUTH: an unknown flag refused");
	req(LR_PAM_AUTH, "\1\0", 2);
	CHECK(pam_auth_parse(&q, &fl) != SSH_OK, "AUTH: a second byte refused");
	req(LR_PAM_ANSWERS, "\0old\0new\0", 9);
	CHECK(pam_answers_parse(&q, 3, ans) == SSH_OK && !*ans[0] && !strcmp(ans[1], "old") && !strcmp(ans[2], "new"),
	      "ANSWERS: one string per message");
	CHECK(pam_answers_parse(&q, 2, ans) != SSH_OK, "ANSWERS: more answers than messages refused");
	CHECK(pam_answers_parse(&q, 4, ans) != SSH_OK, "ANSWERS: fewer answers than messages refused");
	req(LR_PAM_ANSWERS, "", 0);
	CHECK(pam_answers_parse(&q, 1, ans) != SSH_OK, "ANSWERS: empty (the server giving up) is no answer");
	req(LR_PAM_ACCT, "x\0", 2);
	CHECK(pam_answers_parse(&q, 1, ans) != SSH_OK, "ANSWERS: another request in its place refused");
}

static void replies(void)
{
	static const char stress[] = "\4Changing STRESS password for alice.\0\1Enter new STRESS password: \0"
				     "\1Retype new STRESS password: \0";
	struct pam_turn t;
	const char *f;
	size_t off = 0, n = rep(PAM_REP_PROMPTS, stress, sizeof stress - 1);
	uint64_t soft, hard;
	int res, k = 0;

	CHECK(pam_rep_check(&r, n) == SSH_OK && pam_rep_check(&r, n - 1) != SSH_OK, "a reply's len matches its size");
	CHECK(pam_turn_parse(&r, &t) == SSH_OK && t.n == 3 && t.nprompts == 2 && t.style[0] == PAM_REC_TEXT_INFO &&
		  !strcmp(t.text[2], "Retype new STRESS password: "),
	      "PROMPTS: pam_stress's turn, a message and two prompts");
	rep(PAM_REP_PROMPTS, "\1Password: ", 11);
	CHECK(pam_turn_parse(&r, &t) != SSH_OK, "PROMPTS: unterminated text refused");
	rep(PAM_REP_PROMPTS, "\7bin\0", 5);
	CHECK(pam_turn_parse(&r, &t) != SSH_OK, "PROMPTS: an unknown style refused");
	rep(PAM_REP_PROMPTS, "", 0);
	CHECK(pam_turn_parse(&r, &t) != SSH_OK, "PROMPTS: an empty turn refused");
	memset(r.data, 0, sizeof r.data);
	for (int i = 0; i <= PAM_TURN_MAX; i++)
		r.data[2 * i] = PAM_REC_TEXT_INFO;
	r.len = 2 * (PAM_TURN_MAX + 1);
	CHECK(pam_turn_parse(&r, &t) != SSH_OK, "PROMPTS: more than %d messages refused", PAM_TURN_MAX);
	rep(0, "EA=1\0R7 555 777\0U1001\0Mhi\n\0Etail", 32);
	while (pam_fact_next(&r, &off, &f) == SSH_OK)
		k++;
	CHECK(k == 4 && off == 27, "SESSION: four facts, the unterminated tail left");
	CHECK(pam_rlimit_parse("R7 555 777", &res, &soft, &hard) == SSH_OK && res == 7 && soft == 555 && hard == 777,
	      "a limit fact");
	CHECK(pam_rlimit_parse("R7 -1 777", &res, &soft, &hard) != SSH_OK &&
		  pam_rlimit_parse("R7 555 777 1", &res, &soft, &hard) != SSH_OK &&
		  pam_rlimit_parse("R7 99999999999999999999 1", &res, &soft, &hard) != SSH_OK &&
		  pam_rlimit_parse("R7 1", &res, &soft, &hard) != SSH_OK,
	      "limit facts with a sign, extra or missing numbers, or an overflow refused");
	CHECK(pam_loginuid_parse("U1001") == SSH_OK && pam_loginuid_parse("U") != SSH_OK &&
		  pam_loginuid_parse("U12345678901") != SSH_OK && pam_loginuid_parse("U1 ") != SSH_OK,
	      "a loginuid fact: 1 to 10 digits only");
}

static void cgroups(void)
{
	struct pam_cgroup g;
	CHECK(pam_cgroup_parse("G0::/user.slice/user-1000.slice/session-3.scope", &g) == SSH_OK && g.hier == 0 &&
		  g.nctrl == 0 && !strcmp(g.path, "/user.slice/user-1000.slice/session-3.scope"),
	      "a cgroup v2 fact: hierarchy 0, no controllers, the path");
	CHECK(pam_cgroup_parse("G4:cpu,cpuacct:/a", &g) == SSH_OK && g.hier == 4 && g.nctrl == 11 &&
		  !strncmp(g.ctrl, "cpu,cpuacct", 11) && !strcmp(g.path, "/a") &&
		  pam_cgroup_parse("G1:name=systemd:/", &g) == SSH_OK && !strcmp(g.path, "/"),
	      "cgroup v1 facts: the controllers, a named hierarchy, the root");
	CHECK(pam_cgroup_parse("G0::/a/../b", &g) != SSH_OK && pam_cgroup_parse("G0::/a/..", &g) != SSH_OK &&
		  pam_cgroup_parse("G0::/./a", &g) != SSH_OK && pam_cgroup_parse("G0::a", &g) != SSH_OK &&
		  pam_cgroup_parse("G0:://a", &g) != SSH_OK && pam_cgroup_parse("G0::/a\n1::/b", &g) != SSH_OK,
	      "cgroup facts with a relative path, a '..', '.' or empty component, or a second line refused");
	CHECK(pam_cgroup_parse("G0:cpu:/a", &g) != SSH_OK && pam_cgroup_parse("G4::/a", &g) != SSH_OK &&
		  pam_cgroup_parse("G4:CPU:/a", &g) != SSH_OK && pam_cgroup_parse("G:cpu:/a", &g) != SSH_OK &&
		  pam_cgroup_parse("G99999:cpu:/a", &g) != SSH_OK && pam_cgroup_parse("U0::/a", &g) != SSH_OK,
	      "cgroup facts: v2 with controllers, v1 without, odd names or numbers refused");
}

int main(void)
{
	requests();
	replies();
	cgroups();
	return t_done();
}
