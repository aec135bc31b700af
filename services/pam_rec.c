/* Parsers of the PAM records (pam_rec.h), through the cursor. */
#include <string.h>

#include "services/pam_rec.h"
#include "transport/buf.h"

/* text up to and including its NUL; the cursor stays where a byte-wise
 * read stopped on failure, which no caller reads on from */
static int rd_cstr(struct rd *r, const char **s)
{
	const uint8_t *p;
	uint8_t ch = 1;
	int e = rd_bytes(r, 0, &p);
	while (e == SSH_OK && ch)
		e = rd_u8(r, &ch);
	if (e != SSH_OK)
		return SSH_ERR_FORMAT;
	*s = (const char *)p;
	return SSH_OK;
}

int pam_req_check(const struct pam_req *q, size_t n)
{
	/* op, padding, len, then len bytes of data and nothing more */
	if (n < offsetof(struct pam_req, data) || q->len > sizeof q->data || n != offsetof(struct pam_req, data) + q->len)
		return SSH_ERR_FORMAT;
	return SSH_OK;
}

int pam_start_parse(const struct pam_req *q, const char **svc, const char **user)
{
	struct rd r;
	rd_init(&r, q->data, q->len);
	/* service, user */
	if (rd_cstr(&r, svc) != SSH_OK || !**svc || rd_cstr(&r, user) != SSH_OK || rd_end(&r) != SSH_OK)
		return SSH_ERR_FORMAT;
	return SSH_OK;
}

int pam_auth_parse(const struct pam_req *q, uint8_t *flags)
{
	struct rd r;
	rd_init(&r, q->data, q->len);
	/* flags */
	if (rd_u8(&r, flags) != SSH_OK || rd_end(&r) != SSH_OK || (*flags & ~(PAM_AUTH_EMPTY_OK | PAM_AUTH_KBD)))
		return SSH_ERR_FORMAT;
	return SSH_OK;
}

int pam_answers_parse(const struct pam_req *q, int nmsg, const char **ans)
{
	struct rd r;
	if (q->op != LR_PAM_ANSWERS || nmsg < 1 || nmsg > PAM_TURN_MAX)
		return SSH_ERR_FORMAT;
	rd_init(&r, q->data, q->len);
	/* an answer per message (empty for a message that is no prompt) */
	for (int i = 0; i < nmsg; i++)
		if (rd_cstr(&r, &ans[i]) != SSH_OK)
			return SSH_ERR_FORMAT;
	return rd_end(&r) == SSH_OK ? SSH_OK : SSH_ERR_FORMAT;
}

int pam_rep_check(const struct pam_rep *r, size_t n)
{
	/* rc, len, then len bytes */
	if (n < offsetof(struct pam_rep, data) || r->len > sizeof r->data || n != offsetof(struct pam_rep, data) + r->len)
		return SSH_ERR_FORMAT;
	return SSH_OK;
}

int pam_turn_parse(const struct pam_rep *rep, struct pam_turn *t)
{
	struct rd r;
	rd_init(&r, rep->data, rep->len);
	t->n = t->nprompts = 0;
	while (rd_left(&r)) {
		uint8_t st;
		/* style, text */
		if (t->n == PAM_TURN_MAX || rd_u8(&r, &st) != SSH_OK || st < PAM_REC_ECHO_OFF || st > PAM_REC_TEXT_INFO ||
		    rd_cstr(&r, &t->text[t->n]) != SSH_OK)
			return SSH_ERR_FORMAT;
		t->style[t->n++] = st;
		if (st == PAM_REC_ECHO_OFF || st == PAM_REC_ECHO_ON)
			t->nprompts++;
	}
	return t->n ? SSH_OK : SSH_ERR_FORMAT;
}

int pam_fact_next(const struct pam_rep *rep, size_t *off, const char **fact)
{
	struct rd r;
	const uint8_t *skip;
	if (*off >= rep->len)
		return SSH_ERR_SHORT;
	rd_init(&r, rep->data, rep->len);
	if (rd_bytes(&r, *off, &skip) != SSH_OK || rd_cstr(&r, fact) != SSH_OK)
		return SSH_ERR_FORMAT;
	*off += strlen(*fact) + 1;
	return SSH_OK;
}

/* digits, at most 20, into v; the text after them in *end */
static int number(const char *s, uint64_t *v, const char **end)
{
	size_t n = strspn(s, "0123456789");
	*v = 0;
	if (n == 0 || n > 20)
		return SSH_ERR_FORMAT;
	for (size_t i = 0; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return SSH_ERR_FORMAT;
		*v = *v * 10 + d;
	}
	*end = s + n;
	return SSH_OK;
}

int pam_rlimit_parse(const char *f, int *res, uint64_t *soft, uint64_t *hard)
{
	uint64_t r;
	const char *p;
	/* "R" resource " " soft " " hard */
	if (f[0] != 'R' || number(f + 1, &r, &p) != SSH_OK || r > 64 || *p++ != ' ' ||
	    number(p, soft, &p) != SSH_OK || *p++ != ' ' || number(p, hard, &p) != SSH_OK || *p)
		return SSH_ERR_FORMAT;
	*res = (int)r;
	return SSH_OK;
}

int pam_loginuid_parse(const char *f)
{
	size_t n = strspn(f + (f[0] == 'U'), "0123456789");
	return f[0] == 'U' && n >= 1 && n <= 10 && !f[1 + n] ? SSH_OK : SSH_ERR_FORMAT;
}

/* no empty, "." or ".." component: the path stays inside the hierarchy */
static int clean_path(const char *p)
{
	size_t n = strlen(p);
	if (p[0] != '/' || n > PAM_CGROUP_PATH_MAX || strchr(p, '\n'))
		return 0;
	for (const char *c = p + 1; *c; c += strcspn(c, "/") + (c[strcspn(c, "/")] == '/')) {
		size_t l = strcspn(c, "/");
		if (l == 0 || (l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
	}
	return 1;
}

int pam_cgroup_parse(const char *f, struct pam_cgroup *g)
{
	uint64_t h;
	const char *p;
	size_t n;
	if (f[0] != 'G' || number(f + 1, &h, &p) != SSH_OK || h > 1024 || *p++ != ':')
		return SSH_ERR_FORMAT;
	n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_=,");
	if (p[n] != ':' || (h == 0) != (n == 0) || !clean_path(p + n + 1))
		return SSH_ERR_FORMAT;
	g->hier = (uint32_t)h;
	g->ctrl = p;
	g->nctrl = n;
	g->path = p + n + 1;
	return SSH_OK;
}
