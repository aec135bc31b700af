/* authorized_keys parsing: options as rows of a table, the key, from=
 * patterns, expiry times, and a bounded line reader. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "kex/base64.h"
#include "services/authkeys.h"
#include "transport/namelist.h"

static const char *const key_types[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
	"sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", NULL,
};

int authkey_type_known(const char *type, size_t len)
{
	for (const char *const *t = key_types; *t; t++)
		if (name_eq(*t, type, len))
			return 1;
	return 0;
}

void authkey_reset(struct authkey *k)
{
	memset(k, 0, offsetof(struct authkey, blob));
	buf_reset(&k->blob);
}

void authkey_init(struct authkey *k)
{
	buf_init(&k->blob, 64 * 1024);
	authkey_reset(k);
}

void authkey_free(struct authkey *k) { buf_free(&k->blob); }

/* ---- option values ---- */

/* a port number or * */
static int port_ok(const char *p)
{
	unsigned long v = 0;
	if (!strcmp(p, "*"))
		return 1;
	if (!*p || strlen(p) > 5)
		return 0;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	return v >= 1 && v <= 65535;
}

/* host:port or [v6-host]:port; the port may be * */
static int check_hostport(const char *v)
{
	const char *colon;
	/* a Unix socket path (streamlocal forwarding, services/fwd_unix.c) */
	if (*v == '/')
		return strlen(v) < sizeof ((struct sockaddr_un *)0)->sun_path;
	if (*v == '[') {
		const char *close = strchr(v, ']');
		if (!close || close == v + 1 || close[1] != ':')
			return 0;
		colon = close + 1;
	} else {
		colon = strchr(v, ':');
		if (!colon || colon == v)
			return 0;
	}
	return port_ok(colon + 1);
}

/* [host:]port */
static int check_listen(const char *v)
{
	if (*v == '/' || *v == '[' || strchr(v, ':'))
		return check_hostport(v);
	return port_ok(v);
}

/* NAME=value with a name of letters, digits and underscores */
static int check_env(const char *v)
{
	const char *eq = strchr(v, '=');
	if (!eq || eq == v)
		return 0;
	for (const char *p = v; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	return 1;
}

static int check_nonempty(const char *v) { return *v != 0; }

/* ---- the option table ---- */

enum optkind { O_SET, O_CLEAR, O_RESTRICT, O_STR, O_LIST, O_TIME };

struct option {
	const char *name;
	enum optkind kind;
	size_t off;             /* int flag, const char * or list array */
	size_t noff;            /* the list's count */
	int (*check)(const char *v);
};

#define F(f) offsetof(struct authkey, f)
#define L(f) F(f), F(n##f)
static const struct option options[] = {
	{"restrict", O_RESTRICT, 0, 0, NULL},
	{"no-pty", O_SET, F(no_pty), 0, NULL},
	{"pty", O_CLEAR, F(no_pty), 0, NULL},
	{"no-port-forwarding", O_SET, F(no_port_forwarding), 0, NULL},
	{"port-forwarding", O_CLEAR, F(no_port_forwarding), 0, NULL},
	{"no-agent-forwarding", O_SET, F(no_agent_forwarding), 0, NULL},
	{"agent-forwarding", O_CLEAR, F(no_agent_forwarding), 0, NULL},
	{"no-x11-forwarding", O_SET, F(no_x11_forwarding), 0, NULL},
	{"x11-forwarding", O_CLEAR, F(no_x11_forwarding), 0, NULL},
	{"no-user-rc", O_SET, F(no_user_rc), 0, NULL},
	{"user-rc", O_CLEAR, F(no_user_rc), 0, NULL},
	{"no-touch-required", O_SET, F(no_touch_required), 0, NULL},
	{"verify-required", O_SET, F(verify_required), 0, NULL},
	{"cert-authority", O_SET, F(cert_authority), 0, NULL},
	{"principals", O_STR, F(principals), 0, check_nonempty},
	{"command", O_STR, F(command), 0, NULL},
	{"from", O_STR, F(from), 0, check_nonempty},
	{"permitopen", O_LIST, L(permitopen), check_hostport},
	{"permitlisten", O_LIST, L(permitlisten), check_listen},
	{"environment", O_LIST, L(environment), check_env},
	{"expiry-time", O_TIME, 0, 0, NULL},
};
#undef L
#undef F

static const struct option *option_find(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (strlen(options[i].name) == n && !strncasecmp(options[i].name, name, n))
			return &options[i];
	return NULL;
}

static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

/* Copies the quoted value at *pp (opening quote first) into the store,
 * turning \" into ", and leaves *pp after the closing quote. */
static const char *dequote(const char **pp, const char *end, char **st)
{
	const char *p = *pp + 1;
	char *start = *st, *o = *st;
	for (; p < end && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < end && p[1] == '"')
			p++;
		*o++ = *p;
	}
	if (p >= end)
		return NULL;
	*o++ = 0;
	*st = o;
	*pp = p + 1;
	return start;
}

static int apply(struct authkey *k, const struct option *o, const char *v, const char **why)
{
	char *base = (char *)k;
	int flag = o->kind == O_SET || o->kind == O_CLEAR || o->kind == O_RESTRICT;

	if (flag != !v) {
		*why = flag ? "option takes no value" : "option needs a quoted value";
		return SSH_ERR_FORMAT;
	}
	if (o->kind == O_RESTRICT) {
		k->no_pty = k->no_port_forwarding = k->no_agent_forwarding = 1;
		k->no_x11_forwarding = k->no_user_rc = 1;
		return SSH_OK;
	}
	if (flag) {
		*(int *)(base + o->off) = o->kind == O_SET;
		return SSH_OK;
	}
	if (o->check && !o->check(v)) {
		*why = "malformed option value";
		return SSH_ERR_FORMAT;
	}
	if (o->kind == O_STR) {
		const char **f = (const char **)(void *)(base + o->off);
		if (*f) {
			*why = "option given twice";
			return SSH_ERR_FORMAT;
		}
		*f = v;
	} else if (o->kind == O_LIST) {
		const char **list = (const char **)(void *)(base + o->off);
		int *n = (int *)(base + o->noff);
		if (*n >= AUTH_MAX_LIST) {
			*why = "too many list entries";
			return SSH_ERR_FORMAT;
		}
		list[(*n)++] = v;
	} else {
		time_t t;
		if (authkey_parse_time(v, &t) != SSH_OK) {
			*why = "malformed expiry-time";
			return SSH_ERR_FORMAT;
		}
		/* the earliest of several wins */
		if (!k->has_expiry || t < k->expiry)
			k->expiry = t;
		k->has_expiry = 1;
	}
	return SSH_OK;
}

/* options: name[="value"] separated by commas, ending at unquoted space */
static int parse_options(struct authkey *k, const char **pp, const char *end, char **st, const char **why)
{
	const char *p = *pp;
	for (;;) {
		const char *name = p, *v = NULL;
		const struct option *o;
		int e;
		while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
			p++;
		o = option_find(name, (size_t)(p - name));
		if (!o) {
			*why = "unknown or malformed option";
			return SSH_ERR_FORMAT;
		}
		if (p < end && *p == '=') {
			p++;
			if (p >= end || *p != '"' || !(v = dequote(&p, end, st))) {
				*why = "option value is not a closed quoted string";
				return SSH_ERR_FORMAT;
			}
		}
		if ((e = apply(k, o, v, why)) != SSH_OK)
			return e;
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && is_space(*p))
			break;
		*why = "options not followed by a key";
		return SSH_ERR_FORMAT;
	}
	*pp = p;
	return SSH_OK;
}

static int parse_key(struct authkey *k, const char *p, const char *end, char *st, const char **why)
{
	const char *type = p, *b64;
	size_t tlen;
	struct rd r;
	const uint8_t *bt;
	size_t btlen;

	while (p < end && !is_space(*p))
		p++;
	tlen = (size_t)(p - type);
	if (!authkey_type_known(type, tlen)) {
		*why = "unsupported key type";
		return SSH_ERR_FORMAT;
	}
	memcpy(st, type, tlen);
	st[tlen] = 0;
	k->type = st;
	while (p < end && is_space(*p))
		p++;
	b64 = p;
	while (p < end && !is_space(*p))
		p++;
	/* what follows is a comment */
	if (p == b64 || b64_decode(b64, (size_t)(p - b64), &k->blob) != SSH_OK) {
		*why = "malformed base64 key";
		return SSH_ERR_FORMAT;
	}
	/* blob: string key type, then type-specific fields */
	rd_init(&r, k->blob.d, k->blob.len);
	if (rd_text(&r, &bt, &btlen) != SSH_OK || !name_eq_bytes(bt, btlen, type, tlen)) {
		*why = "key blob does not match its type";
		return SSH_ERR_FORMAT;
	}
	return AUTHKEY_KEY;
}

int authkey_parse(struct authkey *k, const char *line, size_t len, const char **why)
{
	const char *p = line, *end = line + len, *w;
	char *st = k->store;
	int e;

	*why = "";
	authkey_reset(k);
	if (len > AUTHKEYS_LINE_MAX) {
		*why = "line too long";
		return SSH_ERR_FORMAT;
	}
	if (memchr(line, 0, len)) {
		*why = "NUL byte in line";
		return SSH_ERR_FORMAT;
	}
	while (p < end && is_space(*p))
		p++;
	if (p == end || *p == '#')
		return AUTHKEY_BLANK;
	for (w = p; w < end && !is_space(*w);)
		w++;
	if (!authkey_type_known(p, (size_t)(w - p))) {
		if ((e = parse_options(k, &p, end, &st, why)) != SSH_OK) {
			authkey_reset(k);
			return e;
		}
		while (p < end && is_space(*p))
			p++;
	}
	e = parse_key(k, p, end, st, why);
	if (e != AUTHKEY_KEY)
		authkey_reset(k);
	return e;
}

int authkey_parse_options(struct authkey *k, const char *opts, size_t len, const char **why)
{
	const char *p = opts, *end = opts + len;
	char *st = k->store;
	int e;
	*why = "";
	authkey_reset(k);
	if (len > AUTHKEYS_LINE_MAX || memchr(opts, 0, len)) {
		*why = "line too long or NUL byte";
		return SSH_ERR_FORMAT;
	}
	/* the options end at whitespace, and nothing but whitespace follows */
	if ((e = parse_options(k, &p, end, &st, why)) == SSH_OK) {
		while (p < end && is_space(*p))
			p++;
		if (p != end) {
			*why = "unexpected text after the options";
			e = SSH_ERR_FORMAT;
		}
	}
	if (e != SSH_OK)
		authkey_reset(k);
	return e;
}

/* ---- from= ---- */

int glob_match(const char *pat, size_t plen, const char *s)
{
	size_t pi = 0, star = (size_t)-1;
	const char *mark = NULL;
	while (*s) {
		if (pi < plen && (pat[pi] == '?' ||
				  tolower((unsigned char)pat[pi]) == tolower((unsigned char)*s))) {
			pi++;
			s++;
		} else if (pi < plen && pat[pi] == '*') {
			star = pi++;
			mark = s;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			s = ++mark;
		} else {
			return 0;
		}
	}
	while (pi < plen && pat[pi] == '*')
		pi++;
	return pi == plen;
}

/* 1 match, 0 no match, -1 malformed entry */
static int cidr_match(const char *entry, size_t n, const char *addr)
{
	char net[64];
	const char *slash = memchr(entry, '/', n);
	uint8_t a[16], b[16];
	int fam, max, bits = 0;
	size_t i;

	if (!slash || (size_t)(slash - entry) >= sizeof net || slash + 1 == entry + n || n - (size_t)(slash - entry) > 4)
		return -1;
	memcpy(net, entry, (size_t)(slash - entry));
	net[slash - entry] = 0;
	for (const char *p = slash + 1; p < entry + n; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		bits = bits * 10 + (*p - '0');
	}
	fam = strchr(net, ':') ? AF_INET6 : AF_INET;
	max = fam == AF_INET6 ? 128 : 32;
	if (bits > max || inet_pton(fam, net, a) != 1)
		return -1;
	if (inet_pton(fam, addr, b) != 1)
		return 0;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a[i] != b[i])
			return 0;
	if (bits) {
		uint8_t m = (uint8_t)(0xff << (8 - bits));
		if ((a[i] & m) != (b[i] & m))
			return 0;
	}
	return 1;
}

int authkey_from_match(const char *list, const char *addr)
{
	int positive = 0;
	struct namelist it;
	const char *p;
	size_t n;
	namelist_init_str(&it, list);
	while (namelist_next(&it, &p, &n)) {
		int neg = 0, m;
		if (n && *p == '!') {
			neg = 1;
			p++;
			n--;
		}
		if (n == 0)
			return 0;
		if (memchr(p, '/', n)) {
			m = cidr_match(p, n, addr);
			if (m < 0)
				return 0;
		} else {
			m = glob_match(p, n, addr);
		}
		if (m && neg)
			return 0;
		if (m)
			positive = 1;
	}
	return positive;
}

/* ---- expiry-time ---- */

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int authkey_parse_time(const char *s, time_t *t)
{
	size_t n = strlen(s), i;
	int utc = 0;
	struct tm tm, want;

	if (n && s[n - 1] == 'Z') {
		utc = 1;
		n--;
	}
	if (n != 8 && n != 12 && n != 14)
		return SSH_ERR_FORMAT;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return SSH_ERR_FORMAT;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 4, 2) - 1;
	tm.tm_mday = digits(s + 6, 2);
	if (n >= 12) {
		tm.tm_hour = digits(s + 8, 2);
		tm.tm_min = digits(s + 10, 2);
	}
	if (n == 14)
		tm.tm_sec = digits(s + 12, 2);
	tm.tm_isdst = -1;
	want = tm;
	*t = utc ? timegm(&tm) : mktime(&tm);
	/* mktime normalises 20240231 into March: refuse what it had to move */
	if (*t == (time_t)-1 || tm.tm_year != want.tm_year || tm.tm_mon != want.tm_mon ||
	    tm.tm_mday != want.tm_mday || tm.tm_min != want.tm_min || tm.tm_sec != want.tm_sec)
		return SSH_ERR_FORMAT;
	return SSH_OK;
}

/* ---- the line reader ---- */

void lr_init(struct linereader *r, int fd)
{
	r->fd = fd;
	r->len = r->pos = 0;
	r->eof = 0;
	r->lineno = 0;
}

/* reads more; 0 at end of file */
static ssize_t fill(struct linereader *r)
{
	ssize_t n;
	do
		n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		r->eof = 1;
	if (n > 0)
		r->len += (size_t)n;
	return n;
}

int lr_next(struct linereader *r, const char **line, size_t *len, int *toolong)
{
	int discarding = 0;
	*toolong = 0;
	for (;;) {
		char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
		if (nl) {
			size_t start = r->pos;
			r->pos = (size_t)(nl - r->buf) + 1;
			r->lineno++;
			if (discarding) {
				*toolong = 1;
				*line = r->buf;
				*len = 0;
			} else {
				*line = r->buf + start;
				*len = (size_t)(nl - r->buf) - start;
				if (*len > AUTHKEYS_LINE_MAX) {
					*toolong = 1;
					*len = 0;
				}
			}
			return 1;
		}
		if (r->eof) {
			if (r->pos == r->len && !discarding)
				return 0;
			r->lineno++;
			*line = r->buf + r->pos;
			*len = r->len - r->pos;
			r->pos = r->len;
			if (discarding || *len > AUTHKEYS_LINE_MAX) {
				*toolong = 1;
				*len = 0;
			}
			return 1;
		}
		/* no newline in what is held: make room, or drop an over-long line */
		if (r->pos) {
			memmove(r->buf, r->buf + r->pos, r->len - r->pos);
			r->len -= r->pos;
			r->pos = 0;
		}
		if (r->len == sizeof r->buf) {
			discarding = 1;
			r->len = 0;
		}
		if (fill(r) < 0)
			return SSH_ERR_IO;
	}
}
