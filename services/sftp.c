/* The SFTP engine's core: framing, INIT/VERSION, dispatch with the -P/-p/-R
 * filters, status replies, handles and paths (see sftp.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/sftp.h"
#include "transport/namelist.h"

static const struct {
	const char *name; /* sftp-server's name for -P, -p and -Q */
	sftp_fn fn;
	uint8_t type;
	uint8_t writes;   /* refused by -R */
} reqs[] = {
	{"open", sftp_open, SSH_FXP_OPEN, 0}, {"close", sftp_close, SSH_FXP_CLOSE, 0},
	{"read", sftp_read, SSH_FXP_READ, 0}, {"write", sftp_write, SSH_FXP_WRITE, 1},
	{"lstat", sftp_lstat, SSH_FXP_LSTAT, 0}, {"fstat", sftp_fstat, SSH_FXP_FSTAT, 0},
	{"setstat", sftp_setstat, SSH_FXP_SETSTAT, 1}, {"fsetstat", sftp_fsetstat, SSH_FXP_FSETSTAT, 1},
	{"opendir", sftp_opendir, SSH_FXP_OPENDIR, 0}, {"readdir", sftp_readdir, SSH_FXP_READDIR, 0},
	{"remove", sftp_remove, SSH_FXP_REMOVE, 1}, {"mkdir", sftp_mkdir, SSH_FXP_MKDIR, 1},
	{"rmdir", sftp_rmdir, SSH_FXP_RMDIR, 1}, {"realpath", sftp_realpath, SSH_FXP_REALPATH, 0},
	{"stat", sftp_stat, SSH_FXP_STAT, 0}, {"rename", sftp_rename, SSH_FXP_RENAME, 1},
	{"readlink", sftp_readlink, SSH_FXP_READLINK, 0}, {"symlink", sftp_symlink, SSH_FXP_SYMLINK, 1},
	{NULL, sftp_extended, SSH_FXP_EXTENDED, 0},
};

void sftp_log(const struct sftp *s, int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	if (prio > s->level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	logit(s->log, prio, "%s", line);
}

/* sftp-server's errno_to_portable */
int sftp_errno(int e)
{
	switch (e) {
	case 0:
		return SSH_FX_OK;
	case ENOENT: case ENOTDIR: case EBADF: case ELOOP:
		return SSH_FX_NO_SUCH_FILE;
	case EPERM: case EACCES: case EFAULT:
		return SSH_FX_PERMISSION_DENIED;
	case ENAMETOOLONG: case EINVAL:
		return SSH_FX_BAD_MESSAGE;
	case ENOSYS:
		return SSH_FX_OP_UNSUPPORTED;
	default:
		return SSH_FX_FAILURE;
	}
}

struct buf *sftp_reply(struct sftp *s, uint8_t type, uint32_t id, size_t *mark)
{
	buf_string_begin(&s->out, mark);
	buf_u8(&s->out, type);
	if (type != SSH_FXP_VERSION)
		buf_u32(&s->out, id);
	return &s->out;
}

int sftp_reply_end(struct sftp *s, size_t mark)
{
	buf_string_end(&s->out, mark);
	return s->out.err ? s->out.err : SSH_OK;
}

int sftp_status(struct sftp *s, uint32_t id, uint32_t code)
{
	static const char *const msg[] = {
		"Success", "End of file", "No such file", "Permission denied", "Failure",
		"Bad message", "No connection", "Connection lost", "Operation unsupported", "Unknown error",
	};
	size_t mark;
	struct buf *b = sftp_reply(s, SSH_FXP_STATUS, id, &mark);
	/* error code, message, language tag */
	buf_u32(b, code);
	buf_cstring(b, msg[code < 9 ? code : 9]);
	buf_cstring(b, "");
	return sftp_reply_end(s, mark);
}

int sftp_cstr(struct rd *r, char *out, size_t outlen)
{
	const uint8_t *p;
	size_t n;
	if (rd_string(r, &p, &n) != SSH_OK)
		return -1;
	if (memchr(p, 0, n) || n >= outlen)
		return -1;
	memcpy(out, p, n);
	out[n] = 0;
	return 0;
}

int sftp_path(const struct sftp *s, struct rd *r, char *out, size_t outlen)
{
	char rel[PATH_MAX];
	if (sftp_cstr(r, rel, sizeof rel))
		return -1;
#ifdef SSHL_FUZZ
	/* fuzz/fuzz_sftp.c: every name stays under the scratch start
	 * directory, where nothing is a link (symlinks are not made) */
	if (strstr(rel, ".."))
		return -1;
	while (rel[0] == '/')
		memmove(rel, rel + 1, strlen(rel));
#endif
	/* relative paths start at -d (or the home), as sftp-server's after
	 * its chdir; the process's own directory is not touched */
	if (rel[0] == '/')
		return snprintf(out, outlen, "%s", rel) < (int)outlen ? 0 : -1;
	if (snprintf(out, outlen, "%s%s%s", s->start, strcmp(s->start, "/") ? "/" : "",
		     rel[0] ? rel : ".") >= (int)outlen)
		return -1;
	return 0;
}

int sftp_handle_new(struct sftp *s, int kind, int fd, DIR *dir, int oflags, const char *path)
{
	for (int i = 0; i < SFTP_MAX_HANDLES; i++) {
		struct sftp_handle *h = &s->h[i];
		if (h->kind != H_FREE)
			continue;
		if (!(h->path = strdup(path)))
			return -1;
		h->kind = kind;
		h->fd = fd;
		h->dir = dir;
		h->oflags = oflags;
		h->rbytes = h->wbytes = 0;
		s->nh++;
		return i;
	}
	return -1;
}

int sftp_put_handle(struct sftp *s, uint32_t id, int idx)
{
	size_t mark;
	uint8_t v[8];
	struct buf *b = sftp_reply(s, SSH_FXP_HANDLE, id, &mark);
	/* the slot and the session's tag: opaque to the client */
	put_u32(v, (uint32_t)idx);
	put_u32(v + 4, s->tag);
	buf_string(b, v, sizeof v);
	return sftp_reply_end(s, mark);
}

struct sftp_handle *sftp_handle(struct sftp *s, struct rd *r, int kind)
{
	const uint8_t *p;
	size_t n;
	uint32_t i;
	if (rd_string(r, &p, &n) != SSH_OK || n != 8 || get_u32(p + 4) != s->tag)
		return NULL;
	i = get_u32(p);
	if (i >= SFTP_MAX_HANDLES || s->h[i].kind == H_FREE || (kind && s->h[i].kind != kind))
		return NULL;
	return &s->h[i];
}

void sftp_handle_close(struct sftp *s, struct sftp_handle *h)
{
	if (h->kind == H_FILE) {
		sftp_log(s, LOG_INFO, "close \"%s\" bytes read %llu written %llu", h->path,
			 (unsigned long long)h->rbytes, (unsigned long long)h->wbytes);
		close(h->fd);
	} else if (h->kind == H_DIR) {
		sftp_log(s, LOG_INFO, "closedir \"%s\"", h->path);
		closedir(h->dir);
	}
	free(h->path);
	memset(h, 0, sizeof *h);
	s->nh--;
}

static int in_list(const char *list, const char *name)
{
	return namelist_has(list, strlen(list), name, strlen(name));
}

int sftp_permitted(struct sftp *s, const char *name, int writes)
{
	if (s->deny && in_list(s->deny, name)) {
		sftp_log(s, LOG_INFO, "Refusing denylisted request %s", name);
		return 0;
	}
	if (s->allow && !in_list(s->allow, name)) {
		sftp_log(s, LOG_INFO, "Refusing non-allowlisted request %s", name);
		return 0;
	}
	if (s->readonly && writes) {
		sftp_log(s, LOG_INFO, "Refusing %s request in read-only mode", name);
		return 0;
	}
	return 1;
}

static int parse_level(const char *v)
{
	static const struct { const char *name; int prio; } lv[] = {
		{"QUIET", -1}, {"FATAL", LOG_CRIT}, {"ERROR", LOG_ERR}, {"INFO", LOG_INFO},
		{"VERBOSE", LOG_INFO}, {"DEBUG", LOG_DEBUG}, {"DEBUG1", LOG_DEBUG},
		{"DEBUG2", LOG_DEBUG}, {"DEBUG3", LOG_DEBUG},
	};
	for (size_t i = 0; i < sizeof lv / sizeof lv[0]; i++)
		if (!strcasecmp(v, lv[i].name))
			return lv[i].prio;
	return -2;
}

/* -d's argument: %d is the home, %u the user, %% a percent sign; a
 * relative result starts at the home (sftp-server's percent_expand) */
static int start_dir(struct sftp *s, const char *arg)
{
	char d[PATH_MAX], real[PATH_MAX];
	size_t n = 0;
	for (const char *p = arg; *p && n < sizeof d - 1; p++) {
		const char *add = NULL;
		if (*p == '%' && (p[1] == 'd' || p[1] == 'u' || p[1] == '%')) {
			add = p[1] == 'd' ? s->home : p[1] == 'u' ? s->user : "%";
			p++;
		}
		n += (size_t)snprintf(d + n, sizeof d - n, "%s", add ? add : (char[]){*p, 0});
		if (n >= sizeof d)
			return -1;
	}
	d[n] = 0;
	if (d[0] != '/' && snprintf(real, sizeof real, "%s/%s", s->home, d) < (int)sizeof real)
		memcpy(d, real, sizeof d);
	if (!realpath(d, real)) {
		sftp_log(s, LOG_ERR, "chdir to \"%s\" failed: %s", d, strerror(errno));
		return 0;
	}
	snprintf(s->start, sizeof s->start, "%s", real);
	return 0;
}

static char *dupe(char **dst, const char *v)
{
	free(*dst);
	return *dst = strdup(v);
}

/* -Q: sftp-server prints the requests and exits; here they go to the log
 * and the session ends */
static void list_requests(struct sftp *s)
{
	char line[1024];
	size_t n = 0;
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
		if (reqs[i].name)
			n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", n ? " " : "", reqs[i].name);
	for (size_t i = 0; sftp_ext_names[i] && n < sizeof line; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, " %s", sftp_ext_names[i]);
	logit(s->log, LOG_INFO, "internal-sftp requests: %s", line);
	s->dead = 1;
}

/* a flag that takes an argument */
static int flag_arg(struct sftp *s, char f, const char *v, char *dir, size_t dlen)
{
	char *end;
	long m;
	switch (f) {
	case 'd':
		return snprintf(dir, dlen, "%s", v) < (int)dlen ? 0 : -1;
	case 'l':
		return (s->level = parse_level(v)) == -2 ? -1 : 0;
	case 'P':
		return dupe(&s->deny, v) ? 0 : -1;
	case 'p':
		return dupe(&s->allow, v) ? 0 : -1;
	case 'u':
		m = strtol(v, &end, 8);
		if (*end || m < 0 || m > 0777)
			return -1;
		s->umask = (int)m;
		return 0;
	default:
		/* -f: the server's own log keeps its facility */
		return 0;
	}
}

/* sftp-server's flags, as on the Subsystem line after internal-sftp; -e
 * is accepted: the lines go to the server's log in any case */
static int parse_flags(struct sftp *s, const char *args, char *dir, size_t dlen)
{
	char copy[1024];
	char *save = NULL, *tok;
	if (snprintf(copy, sizeof copy, "%s", args ? args : "") >= (int)sizeof copy)
		return -1;
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char f = tok[0] == '-' && tok[1] && !tok[2] ? tok[1] : 0;
		if (f && strchr("dflPpu", f)) {
			const char *v = strtok_r(NULL, " \t", &save);
			if (!v || flag_arg(s, f, v, dir, dlen) < 0)
				return -1;
		} else if (f == 'R') {
			s->readonly = 1;
		} else if (f == 'Q') {
			list_requests(s);
		} else if (f != 'e') {
			return -1;
		}
	}
	return 0;
}

struct sftp *sftp_new(const struct logger *log, const char *args, const char *user, const char *home,
		      const char *from)
{
	struct sftp *s = calloc(1, sizeof *s);
	char dir[PATH_MAX] = "";
	if (!s)
		return NULL;
	s->log = log;
	s->level = LOG_ERR; /* sftp-server's default: -l INFO shows the requests */
	s->umask = -1;
	snprintf(s->user, sizeof s->user, "%s", user);
	snprintf(s->home, sizeof s->home, "%s", home);
	snprintf(s->from, sizeof s->from, "%s", from);
	buf_init(&s->in, SFTP_IN_HIGH + SFTP_WINDOW + SFTP_MAX_MSG);
	buf_init(&s->out, SFTP_OUT_HIGH + 2 * SFTP_MAX_MSG);
#ifndef SSHL_FUZZ
	if (getrandom(&s->tag, sizeof s->tag, 0) != sizeof s->tag)
		s->tag = (uint32_t)getpid();
#endif
	if (parse_flags(s, args, dir, sizeof dir) < 0) {
		logit(log, LOG_ERR, "internal-sftp: bad flags: %s", args ? args : "");
		sftp_free(s);
		return NULL;
	}
	/* the home as the start, "/" when it is gone, then -d */
	if (!realpath(s->home, s->start))
		snprintf(s->start, sizeof s->start, "/");
	if (dir[0] && start_dir(s, dir) < 0) {
		sftp_free(s);
		return NULL;
	}
	sftp_log(s, LOG_INFO, "session opened for local user %s from [%s]", s->user, s->from);
	return s;
}

void sftp_free(struct sftp *s)
{
	if (!s)
		return;
	for (int i = 0; i < SFTP_MAX_HANDLES; i++)
		if (s->h[i].kind != H_FREE)
			sftp_handle_close(s, &s->h[i]);
	sftp_log(s, LOG_INFO, "session closed for local user %s from [%s]", s->user, s->from);
	buf_free(&s->in);
	buf_free(&s->out);
	free(s->deny);
	free(s->allow);
	free(s);
}

int sftp_input(struct sftp *s, const uint8_t *p, size_t n)
{
	/* what was handled goes, so the buffer holds only what waits */
	if (s->in_off == s->in.len) {
		buf_reset(&s->in);
		s->in_off = 0;
	} else if (s->in_off >= 64 * 1024) {
		buf_consume(&s->in, s->in_off);
		s->in_off = 0;
	}
	return buf_put(&s->in, p, n);
}

size_t sftp_inlen(const struct sftp *s) { return s->in.len - s->in_off; }
size_t sftp_outlen(const struct sftp *s) { return s->out.len - s->out_off; }
const uint8_t *sftp_out(const struct sftp *s) { return s->out.d + s->out_off; }

void sftp_sent(struct sftp *s, size_t n)
{
	s->out_off += n;
	if (s->out_off == s->out.len) {
		buf_reset(&s->out);
		s->out_off = 0;
	}
}

/* Replies are appended behind those still waiting; what waits moves to
 * the front only when the largest reply no longer fits behind it, and
 * only once little waits (SFTP_OUT_MOVE). Moving it every 64 KiB sent
 * had a download move each byte several times over, a tenth of its CPU;
 * now at most one byte in ten moves, once. */
static int out_room(const struct sftp *s)
{
	return s->out.len + 4 + SFTP_MAX_MSG <= s->out.max || sftp_outlen(s) <= SFTP_OUT_MOVE;
}

static void out_make_room(struct sftp *s)
{
	if (s->out.len + 4 + SFTP_MAX_MSG <= s->out.max || !s->out_off)
		return;
	buf_consume(&s->out, s->out_off);
	s->out_off = 0;
}

int sftp_busy(const struct sftp *s) { return s->copy.active; }

int sftp_ready(const struct sftp *s)
{
	size_t avail = sftp_inlen(s);
	if (s->dead || sftp_outlen(s) >= SFTP_OUT_HIGH || !out_room(s))
		return 0;
	if (s->copy.active)
		return 1;
	if (avail < 4)
		return 0;
	return get_u32(s->in.d + s->in_off) > SFTP_MAX_MSG || avail - 4 >= get_u32(s->in.d + s->in_off);
}

static int init(struct sftp *s, struct rd *r)
{
	uint32_t version;
	size_t mark;
	struct buf *b;
	/* client version; extension pairs follow and are ignored */
	if (rd_u32(r, &version) != SSH_OK)
		return SSH_ERR_FORMAT;
	b = sftp_reply(s, SSH_FXP_VERSION, 0, &mark);
	buf_u32(b, 3);
	sftp_put_extensions(b);
	s->inited = 1;
	return sftp_reply_end(s, mark);
}

/* one request of len bytes at p; an error ends the session */
static int one(struct sftp *s, const uint8_t *p, size_t len)
{
	struct sftp_req q;
	uint8_t type;
	size_t i;
	int e;
	rd_init(&q.r, p, len);
	/* type, then request id */
	if (rd_u8(&q.r, &type) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (!s->inited || type == SSH_FXP_INIT) {
		if (type == SSH_FXP_INIT && !s->inited)
			return init(s, &q.r);
		logit(s->log, LOG_ERR, "internal-sftp: request %u %s init", type, s->inited ? "after" : "before");
		return SSH_ERR_PROTO;
	}
	if (rd_u32(&q.r, &q.id) != SSH_OK)
		return SSH_ERR_FORMAT;
	for (i = 0; i < sizeof reqs / sizeof reqs[0] && reqs[i].type != type; i++)
		;
	if (i == sizeof reqs / sizeof reqs[0]) {
		sftp_log(s, LOG_ERR, "Unknown message %u", type);
		return sftp_status(s, q.id, SSH_FX_OP_UNSUPPORTED);
	}
	if (reqs[i].name && !sftp_permitted(s, reqs[i].name, reqs[i].writes))
		return sftp_status(s, q.id, SSH_FX_PERMISSION_DENIED);
	e = reqs[i].fn(s, &q);
	/* a request whose fields do not parse: answered, not fatal */
	if (e == SSH_ERR_SHORT || e == SSH_ERR_FORMAT || e == SSH_ERR_TOOBIG)
		return sftp_status(s, q.id, SSH_FX_BAD_MESSAGE);
	return e;
}

int sftp_run(struct sftp *s)
{
	int e;
	if (!s->dead && s->copy.active) {
		if (!sftp_ready(s))
			return SSH_OK;
		out_make_room(s);
		if ((e = sftp_copy_step(s)) != SSH_OK) {
			s->dead = 1;
			return e;
		}
		return SSH_OK;
	}
	while (sftp_ready(s) && !s->copy.active) {
		uint32_t len = get_u32(s->in.d + s->in_off);
		out_make_room(s);
		if (len > SFTP_MAX_MSG) {
			logit(s->log, LOG_ERR, "internal-sftp: bad message from %s local user %s: length %u", s->from,
			      s->user, len);
			s->dead = 1;
			return SSH_ERR_TOOBIG;
		}
		e = one(s, s->in.d + s->in_off + 4, len);
		s->in_off += 4 + (size_t)len;
		if (e != SSH_OK) {
			s->dead = 1;
			return e;
		}
	}
	return s->dead ? SSH_ERR_PROTO : SSH_OK;
}
