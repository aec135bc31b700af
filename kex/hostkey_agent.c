/* HostKeyAgent: host keys whose private halves an ssh-agent holds. The
 * public key comes from the HostKey file's .pub; each signature is an
 * agent SIGN_REQUEST (draft-miller-ssh-agent, OpenSSH's PROTOCOL.agent)
 * on a connection opened at load time. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "kex/base64.h"
#include "kex/hostkey.h"
#include "transport/err.h"
#include "transport/namelist.h"

#define AGENTC_SIGN_REQUEST 13
#define AGENT_SIGN_RESPONSE 14
/* an agent's answer is one signature: far below this */
#define AGENT_REPLY_MAX (64u * 1024)
#define AGENT_TIMEOUT_MS 10000

/* the blob of a "type base64 [comment]" line, its type checked */
static int read_pub(const char *path, struct hostkey *k)
{
	char line[16384], *sp, *b64, *end;
	struct buf blob;
	struct rd r;
	const uint8_t *t;
	size_t tl, n;
	const struct keyops *o;
	FILE *f = fopen(path, "re");
	int e;
	if (!f)
		return SSH_ERR_FILE;
	n = fread(line, 1, sizeof line - 1, f);
	fclose(f);
	line[n] = 0;
	if (!(sp = strpbrk(line, " \t")))
		return SSH_ERR_KEY;
	b64 = sp + strspn(sp, " \t");
	end = b64 + strcspn(b64, " \t\r\n");
	buf_init(&blob, 0);
	e = b64_decode(b64, (size_t)(end - b64), &blob);
	/* the blob names its own type, which must be the line's and ours */
	rd_init(&r, blob.d, blob.len);
	if (e == SSH_OK && (rd_text(&r, &t, &tl) != SSH_OK || tl != (size_t)(sp - line) || memcmp(t, line, tl)))
		e = SSH_ERR_KEY;
	if (e == SSH_OK && !(o = keyops_by_name(t, tl)))
		e = SSH_ERR_UNSUPPORTED;
	if (e == SSH_OK && !(k->agent_blob = malloc(blob.len)))
		e = SSH_ERR_ALLOC;
	if (e == SSH_OK) {
		memcpy(k->agent_blob, blob.d, blob.len);
		k->agent_bloblen = blob.len;
		k->type = o->type;
	}
	buf_free(&blob);
	return e;
}

static int agent_connect(const char *sock)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;
	if (!strcmp(sock, "SSH_AUTH_SOCK") && !(sock = getenv("SSH_AUTH_SOCK")))
		return -1;
	if (strlen(sock) >= sizeof sa.sun_path)
		return -1;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	/* never fd 0, which "none" means in struct hostkey */
	if (fd == 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int hostkey_load_agent(const char *path, const char *sock, struct hostkey *k)
{
	char pub[4096];
	size_t n = strlen(path);
	int e;
	memset(k, 0, sizeof *k);
	if (snprintf(pub, sizeof pub, "%s%s", path, n > 4 && !strcmp(path + n - 4, ".pub") ? "" : ".pub") >=
	    (int)sizeof pub)
		return SSH_ERR_FILE;
	if ((e = read_pub(pub, k)) == SSH_OK && (k->agent_fd = agent_connect(sock)) < 0) {
		k->agent_fd = 0;
		e = SSH_ERR_FILE;
	}
	if (e == SSH_OK && !(k->path = strdup(path)))
		e = SSH_ERR_ALLOC;
	if (e != SSH_OK)
		hostkey_free(k);
	return e;
}

/* all n bytes, or an error; reads wait at most the agent's time limit */
static int io_all(int fd, int writing, uint8_t *p, size_t n)
{
	while (n) {
		struct pollfd pf = {fd, writing ? POLLOUT : POLLIN, 0};
		ssize_t got;
		if (poll(&pf, 1, AGENT_TIMEOUT_MS) <= 0)
			return SSH_ERR_TIMEOUT;
		got = writing ? write(fd, p, n) : read(fd, p, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return SSH_ERR_IO;
		p += got;
		n -= (size_t)got;
	}
	return SSH_OK;
}

/* one request (type and body) out, one reply body in (into reply) */
static int transact(int fd, struct buf *req, struct buf *reply)
{
	uint8_t len[4], *p;
	uint32_t rl;
	int e;
	if ((e = io_all(fd, 1, req->d, req->len)) != SSH_OK || (e = io_all(fd, 0, len, 4)) != SSH_OK)
		return e;
	rl = get_u32(len);
	if (rl == 0 || rl > AGENT_REPLY_MAX)
		return SSH_ERR_TOOBIG;
	buf_reset(reply);
	if (buf_reserve(reply, rl, &p) != SSH_OK)
		return SSH_ERR_ALLOC;
	return io_all(fd, 0, p, rl);
}

int hostkey_agent_sign(const struct hostkey *k, const struct sigalg *alg, const uint8_t *data, size_t len,
		       struct buf *out)
{
	struct buf req, reply;
	struct rd r, s;
	const uint8_t *sig = NULL, *name, *raw;
	size_t siglen = 0, nl, rawl;
	size_t mark;
	uint8_t type;
	int e;

	if (k->agent_fd <= 0)
		return SSH_ERR_KEY;
	buf_init(&req, 0);
	buf_init(&reply, AGENT_REPLY_MAX);
	/* uint32 length, byte SIGN_REQUEST, string key blob, string data,
	 * uint32 flags */
	buf_string_begin(&req, &mark);
	buf_u8(&req, AGENTC_SIGN_REQUEST);
	buf_string(&req, k->agent_blob, k->agent_bloblen);
	buf_string(&req, data, len);
	buf_u32(&req, alg->agent_flag);
	buf_string_end(&req, mark);
	e = req.err ? SSH_ERR_ALLOC : transact(k->agent_fd, &req, &reply);
	/* byte SIGN_RESPONSE, string signature blob (string algorithm,
	 * string signature), nothing after; the algorithm must be the one
	 * asked for */
	rd_init(&r, reply.d, reply.len);
	if (e == SSH_OK && (rd_u8(&r, &type) != SSH_OK || type != AGENT_SIGN_RESPONSE ||
			    rd_string(&r, &sig, &siglen) != SSH_OK || rd_end(&r) != SSH_OK))
		e = SSH_ERR_KEY;
	rd_init(&s, sig, e == SSH_OK ? siglen : 0);
	if (e == SSH_OK && (rd_text(&s, &name, &nl) != SSH_OK || rd_string(&s, &raw, &rawl) != SSH_OK ||
			    rd_end(&s) != SSH_OK || !name_eq(alg->name, name, nl)))
		e = SSH_ERR_SIG;
	if (e == SSH_OK)
		e = buf_put(out, sig, siglen);
	buf_free(&req);
	buf_free(&reply);
	return e;
}
