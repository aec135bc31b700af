/* The channel core of ssh-connection (RFC 4254 5): the channel table, flow
 * control in both directions, and the plumbing between a channel and up to
 * three local file descriptors. A channel type (session, direct-tcpip, ...)
 * is a row of hooks; everything it leaves NULL gets the core's default, so
 * a forwarding type can be little more than "open a socket, hand it to
 * channel_set_fds".
 *
 * Data flow:
 *   peer DATA  -> in queue (at most our window) -> wfd
 *   rfd        -> out queue (capped)            -> DATA, within the peer's window
 *   efd        -> err queue (capped)            -> EXTENDED_DATA(stderr)
 * A full out/err queue takes its fd out of the poll set: backpressure, never
 * growth. Our window is re-opened only for bytes that really left toward
 * wfd, so a reader that stalls stalls the peer, not our memory.
 *
 * Lifecycle: when every source (rfd, efd) reached end of file and its queue
 * is sent, the type's done() hook decides whether to send EOF (and CLOSE);
 * a type without done() sends EOF then, and CLOSE once the peer's EOF has
 * also been delivered. A channel is freed when CLOSE went both ways. */
#ifndef SSHL_CHANNEL_H
#define SSHL_CHANNEL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/buf.h"

struct conn;
struct channel;

/* the window and maximum packet we offer; 32 KiB of data leaves room for
 * the transport's header, padding and MAC in a 35000-byte packet. The
 * window is what we may have to hold for a child that does not keep up:
 * 256 KiB (Dropbear offers 24 KiB, OpenSSH 2 MiB), which bounds an upload
 * to 256 KiB per round trip. Growing it while the child keeps up was
 * tried: on a local link it grew to the maximum, filled, and was slower. */
#define CHAN_WINDOW (256u * 1024)
#define CHAN_MAXPKT 32768u
/* the cap of each outbound queue */
#define CHAN_OUTQ (64u * 1024)
/* transport bytes not yet written to the peer above which channel data
 * waits: a client that stops reading stops our reading of children */
#define CHAN_TX_HIGH (128u * 1024)
/* channels per connection */
#define CHAN_MAX 256
/* pollfd entries the connection layer asks for at most */
#define CHAN_POLL_MAX 960

/* RFC 4254 5.1 reason codes of CHANNEL_OPEN_FAILURE */
enum {
	OPEN_ADMINISTRATIVELY_PROHIBITED = 1,
	OPEN_CONNECT_FAILED = 2,
	OPEN_UNKNOWN_CHANNEL_TYPE = 3,
	OPEN_RESOURCE_SHORTAGE = 4,
};

/* what a done() hook asks for once every source is drained */
enum { CHAN_WAIT = 0, CHAN_EOF, CHAN_EOF_CLOSE };

/* where one pollfd entry of the connection layer belongs */
enum { PF_RFD, PF_EFD, PF_WFD, PF_TYPE, PF_OTHER };

struct chan_type {
	const char *name;
	/* CHANNEL_OPEN from the peer; extra is the type-specific data. Returns
	 * SSH_OK (and calls channel_open_confirm now or later), an OPEN_*
	 * reason (> 0) to refuse, or an error (< 0) that ends the connection. */
	int (*open)(struct conn *c, struct channel *ch, struct rd *extra);
	/* our own CHANNEL_OPEN was answered (ok 1) or refused (ok 0; the
	 * channel is freed right after). NULL for types only the peer opens. */
	int (*opened)(struct conn *c, struct channel *ch, int ok);
	/* the peer's data; NULL queues it toward wfd (the usual). code is 0
	 * for CHANNEL_DATA, else the EXTENDED_DATA type. Must account every
	 * byte with channel_consumed, now or later. */
	int (*data)(struct conn *c, struct channel *ch, uint32_t code, const uint8_t *p, size_t n);
	/* the peer's EOF, after all its data reached wfd; NULL closes wfd
	 * (shutdown(SHUT_WR) when wfd is also rfd, as for sockets) */
	int (*eof)(struct conn *c, struct channel *ch);
	/* releases the type's state; called exactly once, when freed */
	void (*close)(struct conn *c, struct channel *ch);
	/* CHANNEL_REQUEST: returns 1 (success), 0 (failure) or an error. The
	 * core sends the reply when want_reply, right after this returns. */
	int (*request)(struct conn *c, struct channel *ch, const char *name, size_t nlen, int want_reply,
		       struct rd *r);
	/* every source is drained: returns CHAN_WAIT, CHAN_EOF or
	 * CHAN_EOF_CLOSE; may send last requests (exit-status) first */
	int (*done)(struct conn *c, struct channel *ch);
	/* extra fds of the type (a child's pidfd); appends at most max */
	int (*pollfds)(struct conn *c, struct channel *ch, struct pollfd *fds, int max);
	int (*events)(struct conn *c, struct channel *ch, struct pollfd *fds, int n);
	/* milliseconds until the type needs events() without any fd, or -1 */
	int (*timeout)(struct conn *c, struct channel *ch);
};

/* a byte queue with a fixed capacity, allocated on first use */
struct chq {
	uint8_t *d;
	size_t off, len, cap;
	size_t used; /* the most of d ever filled */
};

struct channel {
	const struct chan_type *type;
	/* the session's kind once asked for, as OpenSSH names it for
	 * ChannelTimeout: "session:shell", "session:command",
	 * "session:subsystem:sftp"; "agent-connection" for an agent's;
	 * NULL before or for others (idle.c) */
	const char *xtype;
	uint32_t id;          /* ours: the index in the table */
	uint32_t peer_id;
	int confirmed;        /* OPEN_CONFIRMATION went (or came) */
	int ours;             /* we sent the CHANNEL_OPEN */
	/* flow control (RFC 4254 5.2) */
	uint32_t rwin;        /* bytes we may still send */
	uint32_t rwin_max;    /* the largest rwin has been: the window the peer offers */
	uint32_t radj;        /* the peer's latest WINDOW_ADJUST, 0 before the first */
	uint32_t rmaxpkt;     /* the peer's largest data per packet */
	uint32_t lwin;        /* bytes the peer may still send */
	uint32_t consumed;    /* delivered since our last WINDOW_ADJUST */
	uint32_t win;         /* the window we keep offering: CHAN_WINDOW or grown */
	/* local ends, -1 when absent or finished; rfd may equal wfd */
	int rfd, wfd, efd;
	struct chq in, out, err;
	int64_t last_read_ms; /* monotonic time of the last read from rfd/efd */
	int64_t active_ms;    /* the last data either way, for ChannelTimeout (idle.c) */
	unsigned eof_rcvd : 1, eof_sent : 1, close_rcvd : 1, close_sent : 1, wfd_done : 1;
	void *priv;           /* the type's state */
	int pf_start, pf_n;   /* its PF_TYPE entries in the current poll set */
};

/* the connection layer's state, at c->connection */
struct connection {
	struct channel *tab[CHAN_MAX];
	uint32_t next_rr;          /* fair start for sending */
	int sessions;              /* open session channels, for MaxSessions */
	int no_more_sessions;      /* no-more-sessions@openssh.com was received */
	/* what each pollfd entry we appended belongs to */
	struct { uint32_t id; int kind; } ref[CHAN_POLL_MAX];
	/* client-alive probes */
	uint64_t alive_seen;       /* c->rx.packets when last looked at */
	int64_t alive_last_ms;     /* when the client was last heard from */
	int alive_missed;
	/* process groups of sessions whose channel is gone: hung up, reaped,
	 * and sent SIGTERM if they outlive the hangup (child.c) */
	struct orphan { int pid; int64_t hup_ms; int termed; } orphans[CHAN_MAX];
	int norphans;
	/* forwarding's listeners and connects in progress (forward.h) */
	struct fwd_watch *fwd;
	/* UnusedConnectionTimeout: since when no channel is open, -1 while
	 * one is (idle.c) */
	int64_t unused_since_ms;
};

/* monotonic milliseconds */
int64_t chan_now_ms(void);

/* A new channel of the given type with our side's window and fds unset;
 * NULL when the table is full or memory is short. */
struct channel *channel_new(struct conn *c, const struct chan_type *type);
struct channel *channel_get(struct conn *c, uint32_t id);
/* Hands local fds to the core, which owns them from then on (closes them
 * when finished). Any may be -1; rfd == wfd is allowed (a socket, a pty).
 * The fds must be non-blocking. */
void channel_set_fds(struct channel *ch, int rfd, int wfd, int efd);

/* Accepts the peer's open (sends OPEN_CONFIRMATION). */
int channel_open_confirm(struct conn *c, struct channel *ch);
/* Refuses the peer's open and frees ch (do not use it afterwards). */
int channel_open_fail(struct conn *c, struct channel *ch, uint32_t reason, const char *desc);
/* Starts our own CHANNEL_OPEN of ch's type: writes the common fields and
 * leaves *b open for the type-specific ones; finish with pkt_send(c). */
int channel_open_begin(struct conn *c, struct channel *ch, struct buf **b);

/* Sends up to n bytes as DATA (code 0) or EXTENDED_DATA, as much as the
 * peer's window allows, in packets no larger than its maximum. Returns the
 * bytes sent (possibly 0) or an error. */
long channel_send_data(struct conn *c, struct channel *ch, uint32_t code, const uint8_t *p, size_t n);
/* 1 when the peer holds at least limit bytes of ch's data that it has
 * received and not yet given back (its window is short of the most it
 * offered by more than what is still on the way to it). A peer gives
 * back only after consuming some amount of its own choosing (OpenSSH
 * about 100 KiB, paramiko a tenth of its window), so the limit is at
 * least twice its latest WINDOW_ADJUST and there is none before the
 * first: a peer waiting for more before it gives back always gets it.
 * 0 as well when the connection is a pipe, whose far end we cannot see. */
int channel_peer_holds(const struct conn *c, const struct channel *ch, size_t limit);
/* 1 when data may go out now: no re-key in progress and the transport's
 * backlog is below CHAN_TX_HIGH */
int channel_may_send(const struct conn *c);
int channel_send_eof(struct conn *c, struct channel *ch);
/* Sends CLOSE (once); ch is freed when the peer's CLOSE has come too, so
 * after this ch may be gone: look it up again by id if needed. */
int channel_close(struct conn *c, struct channel *ch);
/* Starts a CHANNEL_REQUEST on ch; append the specific fields to *b and
 * finish with pkt_send(c). */
int channel_request_begin(struct conn *c, struct channel *ch, const char *name, int want_reply,
			  struct buf **b);
/* n bytes of the peer's data were delivered (or dropped): re-opens the
 * window with WINDOW_ADJUST once about half of it is used up. */
int channel_consumed(struct conn *c, struct channel *ch, size_t n);
/* offers the peer win bytes from now on instead of CHAN_WINDOW (only
 * larger), with a WINDOW_ADJUST for the difference: for a consumer that
 * holds what the peer sends within its own bound, as internal-sftp */
int channel_grow_window(struct conn *c, struct channel *ch, uint32_t win);
/* The peer's DATA (code 0) or EXTENDED_DATA, checked against our window
 * and handed to the type's data hook or the default queue. */
int channel_deliver(struct conn *c, struct channel *ch, uint32_t code, const uint8_t *p, size_t n);
/* Stops reading rfd (end of file from the type's point of view). */
void channel_close_rfd(struct channel *ch);
/* Stops writing wfd and drops what is queued for it. */
void channel_close_wfd(struct channel *ch);

/* Sends what can go now on ch and moves it along its lifecycle; may free
 * it. Called by the connection layer after every event. */
int channel_pump(struct conn *c, struct channel *ch);
/* the poll set of all channels: appends to fds from index n (at most max
 * in all) and returns the new count; channel_events dispatches them */
int channel_pollfds(struct conn *c, struct pollfd *fds, int n, int max);
int channel_events(struct conn *c, struct pollfd *fds, int n);
/* -1, or milliseconds until a channel needs attention without an fd */
int channel_timeout(struct conn *c);
/* frees every channel (connection end) */
void channel_free_all(struct conn *c);
/* frees one channel now, without any message */
void channel_free(struct conn *c, struct channel *ch);

/* global_req.c: GLOBAL_REQUEST and the answers to ours; client-alive
 * probes (ClientAliveInterval / ClientAliveCountMax) */
int global_request(struct conn *c, uint8_t type, struct rd *r);
int global_reply(struct conn *c, uint8_t type, struct rd *r);
int alive_check(struct conn *c);
int alive_timeout(struct conn *c);

/* child.c: a session whose channel is gone gets SIGHUP, then SIGTERM if
 * its process group is still there after a grace time; child_linger waits
 * for that at the end of the connection */
void child_orphan(struct conn *c, int pid);
void child_reap_orphans(struct conn *c);
int child_orphans_timeout(struct conn *c);

/* idle.c: ChannelTimeout closes channels without traffic for their type's
 * interval ("global": all of them once none has had any), and
 * UnusedConnectionTimeout ends a connection that has had no channel open
 * for its interval. idle_check acts on what is due (SSH_ERR_TIMEOUT ends
 * the connection); idle_timeout is -1 or milliseconds to the next due. */
int idle_check(struct conn *c);
int idle_timeout(struct conn *c);
void child_linger(struct conn *c);

/* the channel types the peer may open, NULL-terminated; forwarding types
 * are added as rows here */
extern const struct chan_type *const chan_types[];
extern const struct chan_type session_type;

#endif
