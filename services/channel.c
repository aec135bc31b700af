/* The channel core: table, flow control, queues between the peer and local
 * fds, and the EOF/CLOSE lifecycle (see channel.h for the model). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "services/channel.h"
#include "transport/conn.h"
#include "transport/msg.h"

int64_t chan_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static size_t q_used(const struct chq *q) { return q->len - q->off; }

/* A queue is moved back to its start once the consumed part is large and
 * at least what is left: otherwise the write position walks across the
 * whole capacity (the window, for the queue toward a child) and brings all
 * of it into memory even when little is ever waiting. */
#define Q_COMPACT (32u * 1024)

/* free space at the tail, compacting first when the tail is short */
static int q_room(struct chq *q, size_t cap, size_t want, uint8_t **p, size_t *n)
{
	if (!q->d) {
		if (!(q->d = malloc(cap)))
			return SSH_ERR_ALLOC;
		q->cap = cap;
	}
	if (q->len > q->used)
		q->used = q->len;
	if (q->off == q->len) {
		q->off = q->len = 0;
	} else if (q->off && (q->cap - q->len < want || (q->off >= Q_COMPACT && q->off >= q->len - q->off))) {
		memmove(q->d, q->d + q->off, q->len - q->off);
		q->len -= q->off;
		q->off = 0;
	}
	*p = q->d + q->len;
	*n = q->cap - q->len;
	return SSH_OK;
}

static void q_drop(struct chq *q, size_t n)
{
	if (q->len > q->used)
		q->used = q->len;
	q->off += n;
	if (q->off >= q->len)
		q->off = q->len = 0;
}

static void q_free(struct chq *q)
{
	if (q->d) {
		/* a shell's input holds what the user typed, passwords too;
		 * only what was ever written: the rest of a big queue was never
		 * touched, and wiping it would bring it into memory */
		if (q->len > q->used)
			q->used = q->len;
		wipe(q->d, q->used);
		free(q->d);
	}
	memset(q, 0, sizeof *q);
}

struct channel *channel_new(struct conn *c, const struct chan_type *type)
{
	struct connection *s = c->connection;
	struct channel *ch;
	uint32_t i;
	for (i = 0; i < CHAN_MAX && s->tab[i]; i++)
		;
	if (i == CHAN_MAX) {
		logit(c->log, LOG_INFO, "channel table full: %d channels open", CHAN_MAX);
		return NULL;
	}
	if (!(ch = calloc(1, sizeof *ch)))
		return NULL;
	ch->type = type;
	ch->id = i;
	ch->rfd = ch->wfd = ch->efd = -1;
	ch->lwin = ch->win = CHAN_WINDOW;
	ch->last_read_ms = ch->active_ms = chan_now_ms();
	s->tab[i] = ch;
	return ch;
}

struct channel *channel_get(struct conn *c, uint32_t id)
{
	struct connection *s = c->connection;
	return id < CHAN_MAX ? s->tab[id] : NULL;
}

void channel_set_fds(struct channel *ch, int rfd, int wfd, int efd)
{
	ch->rfd = rfd;
	ch->wfd = wfd;
	ch->efd = efd;
	ch->wfd_done = wfd < 0;
}

/* closes *fd unless another role still uses the same descriptor */
static void drop_fd(struct channel *ch, int *fd)
{
	int f = *fd;
	if (f < 0)
		return;
	*fd = -1;
	if (f != ch->rfd && f != ch->wfd && f != ch->efd)
		close(f);
}

void channel_close_rfd(struct channel *ch) { drop_fd(ch, &ch->rfd); }

void channel_close_wfd(struct channel *ch)
{
	/* what was queued will never be written: give the window back */
	ch->consumed += (uint32_t)q_used(&ch->in);
	q_drop(&ch->in, q_used(&ch->in));
	drop_fd(ch, &ch->wfd);
	ch->wfd_done = 1;
}

void channel_free(struct conn *c, struct channel *ch)
{
	struct connection *s = c->connection;
	if (ch->type->close)
		ch->type->close(c, ch);
	drop_fd(ch, &ch->rfd);
	drop_fd(ch, &ch->wfd);
	drop_fd(ch, &ch->efd);
	q_free(&ch->in);
	q_free(&ch->out);
	q_free(&ch->err);
	s->tab[ch->id] = NULL;
	free(ch);
}

void channel_free_all(struct conn *c)
{
	struct connection *s = c->connection;
	for (int i = 0; i < CHAN_MAX; i++)
		if (s->tab[i])
			channel_free(c, s->tab[i]);
}

int channel_open_confirm(struct conn *c, struct channel *ch)
{
	struct buf *b;
	int e = pkt_begin(c, SSH_MSG_CHANNEL_OPEN_CONFIRMATION, &b);
	if (e != SSH_OK)
		return e;
	buf_u32(b, ch->peer_id);
	buf_u32(b, ch->id);
	buf_u32(b, ch->lwin);
	buf_u32(b, CHAN_MAXPKT);
	ch->confirmed = 1;
	return pkt_send(c);
}

int channel_open_fail(struct conn *c, struct channel *ch, uint32_t reason, const char *desc)
{
	struct buf *b;
	uint32_t peer = ch->peer_id;
	int e;
	channel_free(c, ch);
	if ((e = pkt_begin(c, SSH_MSG_CHANNEL_OPEN_FAILURE, &b)) != SSH_OK)
		return e;
	buf_u32(b, peer);
	buf_u32(b, reason);
	buf_cstring(b, desc);
	buf_cstring(b, "");
	return pkt_send(c);
}

int channel_open_begin(struct conn *c, struct channel *ch, struct buf **b)
{
	int e = pkt_begin(c, SSH_MSG_CHANNEL_OPEN, b);
	if (e != SSH_OK)
		return e;
	ch->ours = 1;
	buf_cstring(*b, ch->type->name);
	buf_u32(*b, ch->id);
	buf_u32(*b, ch->lwin);
	return buf_u32(*b, CHAN_MAXPKT);
}

int channel_may_send(const struct conn *c)
{
	size_t pending = c->out.len - c->out_off;
	if (!transport_may_send(c) || pending >= CHAN_TX_HIGH)
		return 0;
	/* the transport reuses its buffer only once it is empty: let it empty
	 * now and then instead of growing without end */
	return pending == 0 || c->out.len < 4 * CHAN_TX_HIGH;
}

int channel_peer_holds(const struct conn *c, const struct channel *ch, size_t limit)
{
	size_t ahead = ch->rwin_max - ch->rwin, unsent;
	if (!ch->radj)
		return 0;
	if (limit < 2 * (size_t)ch->radj)
		limit = 2 * (size_t)ch->radj;
	/* the cheap test first: most calls end here, without a system call */
	if (ahead < limit || io_unsent(c, &unsent) != SSH_OK)
		return 0;
	return ahead > unsent && ahead - unsent >= limit;
}

long channel_send_data(struct conn *c, struct channel *ch, uint32_t code, const uint8_t *p, size_t n)
{
	size_t sent = 0, maxp = ch->rmaxpkt < CHAN_MAXPKT ? ch->rmaxpkt : CHAN_MAXPKT;
	struct buf *b;
	int e;
	if (ch->eof_sent || ch->close_sent || ch->close_rcvd)
		return SSH_ERR_INTERNAL;
	if (n)
		ch->active_ms = chan_now_ms();
	while (sent < n && ch->rwin > 0) {
		size_t k = n - sent;
		if (k > ch->rwin)
			k = ch->rwin;
		if (k > maxp)
			k = maxp;
		if ((e = pkt_begin(c, code ? SSH_MSG_CHANNEL_EXTENDED_DATA : SSH_MSG_CHANNEL_DATA, &b)) != SSH_OK)
			return e;
		buf_u32(b, ch->peer_id);
		if (code)
			buf_u32(b, code);
		buf_string(b, p + sent, k);
		if ((e = pkt_send(c)) != SSH_OK)
			return e;
		ch->rwin -= (uint32_t)k;
		sent += k;
	}
	return (long)sent;
}

static int send_simple(struct conn *c, struct channel *ch, uint8_t type)
{
	struct buf *b;
	int e = pkt_begin(c, type, &b);
	if (e != SSH_OK)
		return e;
	buf_u32(b, ch->peer_id);
	return pkt_send(c);
}

int channel_send_eof(struct conn *c, struct channel *ch)
{
	/* never after the peer's CLOSE (it may have freed its side) */
	if (ch->eof_sent || ch->close_sent || ch->close_rcvd)
		return SSH_OK;
	ch->eof_sent = 1;
	return send_simple(c, ch, SSH_MSG_CHANNEL_EOF);
}

int channel_close(struct conn *c, struct channel *ch)
{
	int e = SSH_OK;
	if (!ch->close_sent) {
		ch->close_sent = 1;
		e = send_simple(c, ch, SSH_MSG_CHANNEL_CLOSE);
		/* nothing more flows either way: local ends can go now */
		channel_close_rfd(ch);
		drop_fd(ch, &ch->efd);
		channel_close_wfd(ch);
	}
	if (ch->close_rcvd)
		channel_free(c, ch);
	return e;
}

int channel_request_begin(struct conn *c, struct channel *ch, const char *name, int want_reply,
			  struct buf **b)
{
	int e = pkt_begin(c, SSH_MSG_CHANNEL_REQUEST, b);
	if (e != SSH_OK)
		return e;
	buf_u32(*b, ch->peer_id);
	buf_cstring(*b, name);
	return buf_bool(*b, want_reply);
}

int channel_consumed(struct conn *c, struct channel *ch, size_t n)
{
	struct buf *b;
	int e;
	ch->consumed += (uint32_t)n;
	/* no point re-opening a window the peer will not use any more */
	if (ch->consumed < ch->win / 2 || ch->eof_rcvd || ch->close_sent || ch->close_rcvd)
		return SSH_OK;
	if ((e = pkt_begin(c, SSH_MSG_CHANNEL_WINDOW_ADJUST, &b)) != SSH_OK)
		return e;
	buf_u32(b, ch->peer_id);
	buf_u32(b, ch->consumed);
	ch->lwin += ch->consumed;
	ch->consumed = 0;
	return pkt_send(c);
}

int channel_grow_window(struct conn *c, struct channel *ch, uint32_t win)
{
	struct buf *b;
	int e;
	if (win <= ch->win || ch->eof_rcvd || ch->close_sent || ch->close_rcvd)
		return SSH_OK;
	if ((e = pkt_begin(c, SSH_MSG_CHANNEL_WINDOW_ADJUST, &b)) != SSH_OK)
		return e;
	buf_u32(b, ch->peer_id);
	buf_u32(b, win - ch->win);
	ch->lwin += win - ch->win;
	ch->win = win;
	return pkt_send(c);
}

/* writes the in queue to wfd; an error other than EAGAIN ends wfd */
static int write_in(struct conn *c, struct channel *ch)
{
	ssize_t w;
	if (ch->wfd < 0 || !q_used(&ch->in))
		return SSH_OK;
	do
		w = write(ch->wfd, ch->in.d + ch->in.off, q_used(&ch->in));
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return SSH_OK;
		channel_close_wfd(ch);
		return channel_consumed(c, ch, 0);
	}
	q_drop(&ch->in, (size_t)w);
	return channel_consumed(c, ch, (size_t)w);
}

/* the default for the peer's data: queue toward wfd, writing at once when
 * nothing is queued yet, so a reader that keeps up costs no copy */
static int data_default(struct conn *c, struct channel *ch, uint32_t code, const uint8_t *p, size_t n)
{
	uint8_t *dst;
	size_t room;
	int e;
	if (code || ch->wfd < 0)
		return channel_consumed(c, ch, n); /* nowhere to go: dropped */
	if (!q_used(&ch->in)) {
		ssize_t w;
		do
			w = write(ch->wfd, p, n);
		while (w < 0 && errno == EINTR);
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			channel_close_wfd(ch);
			return channel_consumed(c, ch, n);
		}
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			if ((e = channel_consumed(c, ch, (size_t)w)) != SSH_OK)
				return e;
		}
		if (!n)
			return SSH_OK;
	}
	/* what is unconsumed never exceeds our window, so it fits */
	if ((e = q_room(&ch->in, CHAN_WINDOW, n, &dst, &room)) != SSH_OK)
		return e;
	if (room < n)
		return SSH_ERR_INTERNAL;
	memcpy(dst, p, n);
	ch->in.len += n;
	return SSH_OK;
}

int channel_deliver(struct conn *c, struct channel *ch, uint32_t code, const uint8_t *p, size_t n)
{
	if (n > ch->lwin)
		return SSH_ERR_PROTO; /* beyond the window we offered */
	ch->lwin -= (uint32_t)n;
	ch->active_ms = chan_now_ms();
	if (ch->close_sent || ch->eof_rcvd || ch->wfd_done)
		return channel_consumed(c, ch, n);
	if (ch->type->data)
		return ch->type->data(c, ch, code, p, n);
	return data_default(c, ch, code, p, n);
}

/* reads one source into its queue; end of file or an error ends it (a pty
 * master says EIO once the last slave is closed) */
static int read_src(struct channel *ch, int *fd, struct chq *q)
{
	uint8_t *p;
	size_t room;
	ssize_t r;
	int e;
	if (*fd < 0)
		return SSH_OK;
	if ((e = q_room(q, CHAN_OUTQ, CHAN_OUTQ / 2, &p, &room)) != SSH_OK)
		return e;
	if (!room)
		return SSH_OK;
	do
		r = read(*fd, p, room);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		q->len += (size_t)r;
		ch->last_read_ms = chan_now_ms();
	} else if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
		drop_fd(ch, fd);
	}
	return SSH_OK;
}

static int send_q(struct conn *c, struct channel *ch, struct chq *q, uint32_t code)
{
	long n;
	if (!q_used(q) || !ch->rwin)
		return SSH_OK;
	n = channel_send_data(c, ch, code, q->d + q->off, q_used(q));
	if (n < 0)
		return (int)n;
	q_drop(q, (size_t)n);
	return SSH_OK;
}

static int peer_eof_delivered(struct conn *c, struct channel *ch)
{
	ch->wfd_done = 1;
	if (ch->type->eof)
		return ch->type->eof(c, ch);
	if (ch->wfd >= 0 && ch->wfd == ch->rfd) {
		/* a socket read both ways: only our writing ends */
		shutdown(ch->wfd, SHUT_WR);
		ch->wfd = -1;
		return SSH_OK;
	}
	drop_fd(ch, &ch->wfd);
	return SSH_OK;
}

int channel_pump(struct conn *c, struct channel *ch)
{
	int e, d;
	if (!ch->confirmed)
		return SSH_OK;
	if (ch->close_rcvd || ch->close_sent)
		return SSH_OK;
	if (!ch->eof_sent && channel_may_send(c)) {
		if ((e = send_q(c, ch, &ch->out, 0)) != SSH_OK || (e = send_q(c, ch, &ch->err, 1)) != SSH_OK)
			return e;
	}
	if (ch->eof_rcvd && !ch->wfd_done && !q_used(&ch->in) && (e = peer_eof_delivered(c, ch)) != SSH_OK)
		return e;
	if (!ch->eof_sent && ch->rfd < 0 && ch->efd < 0 && !q_used(&ch->out) && !q_used(&ch->err)) {
		d = ch->type->done ? ch->type->done(c, ch) : CHAN_EOF;
		if (d < 0)
			return d;
		if (d != CHAN_WAIT && (e = channel_send_eof(c, ch)) != SSH_OK)
			return e;
		if (d == CHAN_EOF_CLOSE)
			return channel_close(c, ch);
	}
	if (ch->eof_sent && ch->eof_rcvd && ch->wfd_done)
		return channel_close(c, ch);
	return SSH_OK;
}

static int add_fd(struct connection *s, struct pollfd *fds, int *n, int max, struct channel *ch, int fd,
		  short ev, int kind)
{
	if (*n >= max)
		return 0;
	fds[*n] = (struct pollfd){fd, ev, 0};
	s->ref[*n].id = ch->id;
	s->ref[*n].kind = kind;
	(*n)++;
	return 1;
}

int channel_pollfds(struct conn *c, struct pollfd *fds, int n, int max)
{
	struct connection *s = c->connection;
	if (max > CHAN_POLL_MAX)
		max = CHAN_POLL_MAX;
	/* a fair start, so channels late in the table are not starved when
	 * the poll set is full */
	for (uint32_t k = 0; k < CHAN_MAX; k++) {
		struct channel *ch = s->tab[(s->next_rr + k) % CHAN_MAX];
		if (!ch)
			continue;
		ch->pf_n = 0;
		if (!ch->confirmed || ch->close_sent)
			continue;
		if (ch->rfd >= 0 && q_used(&ch->out) < CHAN_OUTQ &&
		    !add_fd(s, fds, &n, max, ch, ch->rfd, POLLIN, PF_RFD))
			break;
		if (ch->efd >= 0 && q_used(&ch->err) < CHAN_OUTQ &&
		    !add_fd(s, fds, &n, max, ch, ch->efd, POLLIN, PF_EFD))
			break;
		if (ch->wfd >= 0 && q_used(&ch->in) && !add_fd(s, fds, &n, max, ch, ch->wfd, POLLOUT, PF_WFD))
			break;
		if (ch->type->pollfds) {
			int t = ch->type->pollfds(c, ch, fds + n, max - n);
			ch->pf_start = n;
			ch->pf_n = t;
			for (int i = 0; i < t; i++) {
				s->ref[n + i].id = ch->id;
				s->ref[n + i].kind = PF_TYPE;
			}
			n += t;
		}
	}
	s->next_rr = (s->next_rr + 1) % CHAN_MAX;
	return n;
}

int channel_events(struct conn *c, struct pollfd *fds, int n)
{
	struct connection *s = c->connection;
	int e;
	for (int i = 0; i < n && i < CHAN_POLL_MAX; i++) {
		struct channel *ch;
		if (!fds[i].revents || s->ref[i].kind == PF_TYPE || s->ref[i].kind == PF_OTHER)
			continue;
		if (!(ch = channel_get(c, s->ref[i].id)))
			continue;
		if (s->ref[i].kind == PF_RFD)
			e = read_src(ch, &ch->rfd, &ch->out);
		else if (s->ref[i].kind == PF_EFD)
			e = read_src(ch, &ch->efd, &ch->err);
		else
			e = write_in(c, ch);
		if (e != SSH_OK)
			return e;
	}
	for (int i = 0; i < CHAN_MAX; i++) {
		struct channel *ch = s->tab[i];
		if (!ch || !ch->type->events)
			continue;
		if (ch->pf_n && ch->pf_start + ch->pf_n <= n)
			e = ch->type->events(c, ch, fds + ch->pf_start, ch->pf_n);
		else
			e = ch->type->events(c, ch, NULL, 0);
		ch->pf_n = 0;
		if (e != SSH_OK)
			return e;
	}
	for (int i = 0; i < CHAN_MAX; i++)
		if (s->tab[i] && (e = channel_pump(c, s->tab[i])) != SSH_OK)
			return e;
	return SSH_OK;
}

int channel_timeout(struct conn *c)
{
	struct connection *s = c->connection;
	int ms = -1, may = channel_may_send(c);
	for (int i = 0; i < CHAN_MAX; i++) {
		struct channel *ch = s->tab[i];
		int t;
		if (!ch || !ch->confirmed || ch->close_sent || ch->close_rcvd)
			continue;
		/* queued data that could go now (after a re-key, say) */
		if (may && !ch->eof_sent && ch->rwin && (q_used(&ch->out) || q_used(&ch->err)))
			return 0;
		if (ch->type->timeout && (t = ch->type->timeout(c, ch)) >= 0 && (ms < 0 || t < ms))
			ms = t;
	}
	return ms;
}
