/* The PAM records that cross the root helper's socket (services/pam_rec.h),
 * as a compromised server could send them to the helper, or a helper gone
 * wrong (a module's doing) to the server. The first byte picks the side and
 * the number of messages an ANSWERS record must answer; the rest is the
 * record as received, copied to exactly its size so that ASan sees any
 * read past it. Checks that what a parser accepts is inside the record and
 * consistent with what it reported. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "services/pam_rec.h"
#include "transport/err.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

/* s is a NUL-terminated string inside [base, base + len) */
static void inside(const char *s, const char *base, size_t len)
{
	CHECK(s >= base && s < base + len);
	CHECK(memchr(s, 0, len - (size_t)(s - base)));
}

static void helper_side(const struct pam_req *q, size_t n, int nmsg)
{
	const char *svc, *user, *ans[PAM_TURN_MAX];
	uint8_t fl;
	size_t len = n - offsetof(struct pam_req, data);

	/* len is then the record's own count of data bytes */
	if (n > sizeof *q || pam_req_check(q, n) != SSH_OK)
		return;
	CHECK(len <= PAM_DATA_MAX);
	if (pam_start_parse(q, &svc, &user) == SSH_OK) {
		inside(svc, q->data, len);
		inside(user, q->data, len);
		CHECK(*svc && user + strlen(user) + 1 == q->data + len);
	}
	if (pam_auth_parse(q, &fl) == SSH_OK)
		CHECK(len == 1 && !(fl & ~(PAM_AUTH_EMPTY_OK | PAM_AUTH_KBD)));
	if (pam_answers_parse(q, nmsg, ans) == SSH_OK) {
		CHECK(q->op == LR_PAM_ANSWERS);
		for (int i = 0; i < nmsg; i++)
			inside(ans[i], q->data, len);
		CHECK(ans[nmsg - 1] + strlen(ans[nmsg - 1]) + 1 == q->data + len);
	}
}

static void server_side(const struct pam_rep *r, size_t n)
{
	struct pam_turn t;
	struct pam_cgroup g;
	const char *f;
	size_t off = 0;
	uint64_t soft, hard;
	int res, prompts = 0;
	size_t len = n - offsetof(struct pam_rep, data);

	/* len is then the record's own count of data bytes */
	if (n > sizeof *r || pam_rep_check(r, n) != SSH_OK)
		return;
	if (pam_turn_parse(r, &t) == SSH_OK) {
		CHECK(t.n >= 1 && t.n <= PAM_TURN_MAX);
		for (int i = 0; i < t.n; i++) {
			inside(t.text[i], r->data, len);
			CHECK(t.style[i] >= PAM_REC_ECHO_OFF && t.style[i] <= PAM_REC_TEXT_INFO);
			prompts += t.style[i] <= PAM_REC_ECHO_ON;
		}
		CHECK(prompts == t.nprompts);
	}
	while (pam_fact_next(r, &off, &f) == SSH_OK) {
		inside(f, r->data, len);
		CHECK(off <= len);
		if (pam_rlimit_parse(f, &res, &soft, &hard) == SSH_OK)
			CHECK(f[0] == 'R' && res >= 0 && res <= 64);
		if (pam_loginuid_parse(f) == SSH_OK)
			CHECK(f[0] == 'U' && strlen(f) >= 2 && strlen(f) <= 11);
		if (pam_cgroup_parse(f, &g) == SSH_OK) {
			inside(g.path, r->data, len);
			CHECK(f[0] == 'G' && g.ctrl > f && g.ctrl + g.nctrl < g.path && g.path[0] == '/');
			CHECK(!strstr(g.path, "/../") && !strstr(g.path, "//") && strlen(g.path) <= PAM_CGROUP_PATH_MAX);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *copy;
	size_t n;

	if (size < 1)
		return 0;
	n = size - 1;
	copy = malloc(n ? n : 1);
	CHECK(copy);
	memcpy(copy, data + 1, n);
	if (data[0] & 0x80)
		server_side(copy, n);
	else
		helper_side(copy, n, 1 + data[0] % PAM_TURN_MAX);
	free(copy);
	return 0;
}
