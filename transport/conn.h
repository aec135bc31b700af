/* The one connection struct: everything a connection owns is reachable from
 * here and passed explicitly, so there is no other mutable global state. */
#ifndef SSHL_CONN_H
#define SSHL_CONN_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config/config.h"
#include "transport/buf.h"
#include "transport/cipher.h"
#include "transport/comp.h"
#include "transport/log.h"
#include "transport/mac.h"

/* the largest packet_length accepted; OpenSSH sends up to 256 KiB */
#define PKT_MAX_LEN (256u * 1024)
/* the largest payload after decompression */
#define PAYLOAD_MAX (256u * 1024)
/* bytes asked of read() at a time */
#define READ_BLOCK (64u * 1024)

struct conn;
struct hostkey; /* kex/hostkey.h */
struct sigalg;  /* kex/hostkey.h */
struct kex;     /* kex/kex.h */
struct dh_group; /* kex/agree.h */
typedef int (*handler_fn)(struct conn *c, uint8_t type, struct rd *msg);

/* A service that SERVICE_REQUEST (or a finished userauth) can start: a
 * row the entry point hands the transport (services/service.c has them).
 * install() puts the service's handlers into the dispatch table for its
 * message range, so it owns those numbers from then on. */
struct service {
	const char *name;
	int (*install)(struct conn *c);
};
/* the row named name (len bytes) in a table ending in a NULL name */
const struct service *service_find(const struct service *rows, const char *name, size_t len);

struct direction {
	const struct cipher *cipher;
	struct cipher_ctx cc;
	const struct mac *mac; /* NULL with AEAD ciphers and before NEWKEYS */
	struct mac_ctx mc;
	const struct compression *comp;
	struct zstate z;
	uint32_t seq;
	uint64_t bytes;     /* since the last key exchange, for re-keying */
	uint64_t kpackets;  /* since the last key exchange: nonces must not repeat */
	uint64_t total;     /* over the whole connection, for the close log */
	uint64_t packets;   /* over the whole connection */
};

/* Which way a key change applies, as this end sees it. The key exchange's
 * tables are indexed the same way on the server: [0] client->server is
 * what we read, [1] server->client what we send. */
enum pkt_dir { PKT_RX = 0, PKT_TX = 1 };

/* What one direction switches to at NEWKEYS, as KEXINIT negotiated it */
struct pkt_algs {
	const struct cipher *cipher;
	const struct mac *mac;          /* NULL with an AEAD cipher */
	const struct compression *comp;
};

/* The keys the exchange derived for one direction (RFC 4253 7.2) */
struct pkt_keys {
	uint8_t iv[64], enc[64], mac[64];
};

/* What a service with file descriptors of its own (sessions, forwarding)
 * adds to the transport's poll loop. */
struct loop_hooks {
	/* appends pollfds, returns how many (at most max) */
	int (*pollfds)(struct conn *c, struct pollfd *fds, int max);
	/* handles the events of the fds it appended */
	int (*events)(struct conn *c, struct pollfd *fds, int n);
	/* milliseconds until it needs to run again, or -1 */
	int (*timeout)(struct conn *c);
	void (*cleanup)(struct conn *c);
};

struct conn {
	int rfd, wfd;
	/* the configuration every layer reads: the main section until
	 * conn_match has applied the Match blocks that hold for this
	 * connection, then that result (transport/conn_match.c) */
	const struct config *cfg;
	const struct config *base_cfg; /* the main section, as conn_init got it */
	struct config *match_cfg;      /* owned: what cfg points to after a Match */
	struct logger match_log;       /* log points here when a Match set LogLevel */
	const struct logger *log;
	struct hostkey *keys;
	int nkeys;

	/* the root helper's socket until the login (services/loginrec.h),
	 * 0 for none */
	int rootfd;
	/* Signs an exchange hash when the keys are public-only: the monitor
	 * does it (monitor/monitor.h). NULL: hostkey_sign in this process. */
	int (*sign)(struct conn *c, const struct hostkey *k, const struct sigalg *alg,
		    const uint8_t *data, size_t len, struct buf *out);
	/* Picks the group of a DH group exchange (kex/agree.h's
	 * dh_gex_choose) where the moduli file cannot be read (the sandbox, a
	 * ChrootDirectory): the monitor does it. NULL: dh_gex_choose here. */
	int (*choose_group)(struct conn *c, uint32_t min, uint32_t want, uint32_t max, struct dh_group *out);
	/* the monitor's socket for them (signatures, groups; in the
	 * pre-authentication process userauth too), 0 for none */
	int monfd;
	/* Privilege separation (privsep/preauth.c). In the pre-authentication
	 * process, handover is set once the monitor decided USERAUTH_SUCCESS,
	 * and the loop then ends as soon as no key exchange runs, so that the
	 * transport state moves to the user's process. In the monitor:
	 * capture, when set, takes each payload pkt_send is given (as an SSH
	 * string) instead of sending it. */
	int handover;
	struct buf *capture;
	/* the monitor's own connection, which decides userauth without
	 * serving anyone: success ends at USERAUTH_SUCCESS, and the process
	 * forked for the user goes on from there (services/service.h) */
	int auth_split;

	char addr[64];      /* the peer, or "UNKNOWN" */
	int port;
	char laddr[64];     /* our end of the connection */
	int lport;
	int network_peer;   /* not a local pipe: a socket, or a pipe whose launcher named a network client */
	char client_version[256];
	char server_version[128];

	struct buf in;      /* bytes from the peer; decrypted in place */
	size_t in_off;      /* start of the packet being read */
	size_t in_used;     /* the most of in.d any read or import filled */
	uint32_t rx_len;    /* its packet_length once known, else 0 */
	struct buf zin;     /* inflated payload */
	struct buf out;     /* packets ready for the peer */
	size_t out_off;     /* how much of out has been written */
	size_t tx_start;    /* the packet being built starts here in out */
	struct buf zout;    /* deflate scratch */
	struct buf deferred; /* service payloads held back while we re-key */
	uint8_t pad[256];   /* padding bytes, refilled when used up */
	size_t padpos;

	struct direction rx, tx;
	uint32_t rx_cur_seq; /* sequence number of the packet being handled */

	struct kex *kex;    /* the key exchange's own state (kex/kex.h), non-NULL while one runs */
	int tx_hold;        /* our KEXINIT is out and our NEWKEYS not yet: service messages wait */
	uint8_t session_id[64];
	size_t session_id_len;
	/* set by the key exchange: the host key the first exchange signed with
	 * (publickey-hostbound binds to it) and the signature algorithm of the
	 * latest exchange (hostkeys-prove signs RSA keys with it) */
	const struct hostkey *initial_hostkey;
	/* it was presented as its HostCertificate (a *-cert-v01 algorithm):
	 * what a publickey-hostbound request must name, as OpenSSH's
	 * initial host key is what the first exchange sent */
	int initial_hostcert;
	const struct sigalg *hostkey_alg;
	int kex_count;      /* completed key exchanges, counted by transport_kex_done */
	int strict_kex;     /* strict KEX, as the first KEXINITs agreed: the transport applies it */
	uint64_t rekey_bytes;
	int rekey_seconds;
	/* conn_now_ms() times: the last NEWKEYS, and conn_init (LoginGraceTime
	 * counts from there) */
	int64_t last_kex_ms;
	int64_t start_ms;

	int authenticated;
	/* what SERVICE_REQUEST may start, from the entry point */
	const struct service *services;
	handler_fn dispatch[256];
	const struct loop_hooks *hooks;
	struct auth_result *auth; /* set by userauth on success */
	void *userauth;     /* services' own state */
	void *connection;
	int want_close;     /* a service finished the connection cleanly */
	/* signalfd for SIGTERM/SIGHUP/SIGINT from a launcher or ssh ending its
	 * ProxyCommand; the loops poll it to end through the one close path.
	 * 0 means none (fd 0 is always the connection). Set by main. */
	int sigfd;
};

/* transport/conn.c */
/* SIGTERM, SIGHUP and SIGINT, blocked, as a readable descriptor the loops
 * poll (conn's sigfd; the monitor's too), so that they end a connection
 * through the normal close path and its log line, without a handler and
 * global state; -1 on failure */
int conn_signals_fd(void);
void conn_init(struct conn *c, int rfd, int wfd, const struct config *cfg, const struct logger *log);
/* a connection on the heap, as conn_init leaves it; NULL without memory */
struct conn *conn_new(int rfd, int wfd, const struct config *cfg, const struct logger *log);
/* RekeyLimit's byte and time limits from cfg, OpenSSH's defaults for 0 */
void conn_rekey_limits(struct conn *c, const struct config *cfg);
void conn_free(struct conn *c);
/* transport/conn_match.c: makes c->cfg the configuration for this
 * connection after Match: the criteria of the peer and our end at once
 * (user NULL), and the user's once the first USERAUTH_REQUEST names it.
 * Nothing changes when the configuration has no Match block. */
int conn_match(struct conn *c, const char *user, int invalid_user);
/* CLOCK_MONOTONIC in milliseconds. The timers (LoginGraceTime, RekeyLimit's
 * time) run on it: whole seconds of time(NULL) let a grace of N seconds end
 * after anything from N-1 to N (a 1 s grace at once), and the wall clock
 * may step. */
int64_t conn_now_ms(void);

/* transport/packet.c */
/* starts a packet of the given type; the payload is appended to *b */
int pkt_begin(struct conn *c, uint8_t type, struct buf **b);
/* compresses, pads, encrypts and queues the packet begun last */
int pkt_send(struct conn *c);
/* the next whole packet's payload (type byte first), decrypted, checked and
 * inflated; SSH_ERR_SHORT when more bytes are needed */
int pkt_read(struct conn *c, const uint8_t **payload, size_t *len);
/* Switches one direction to new keys at NEWKEYS: the one we just queued
 * (PKT_TX) or the one we just read (PKT_RX). Installs cipher and MAC,
 * starts compression afresh (RFC 4253 6.2), restarts the sequence number
 * under strict KEX and the counters the re-key limits watch; PKT_TX also
 * sends the service messages held back since our KEXINIT. The key
 * exchange changes keys only through this. */
int pkt_newkeys(struct conn *c, enum pkt_dir dir, const struct pkt_algs *algs, const struct pkt_keys *keys);
/* RFC 4253 7.1: from the KEXINIT just sent until pkt_newkeys(PKT_TX),
 * service messages (50 and up) wait, in order */
void pkt_hold(struct conn *c);
/* what pkt_read needs of a packet before it knows the length: the length
 * field with AEAD and encrypt-then-MAC, else the first block */
size_t pkt_first_len(const struct direction *d);
/* SSH_OK when a received packet_length is one pkt_read takes under d's
 * cipher and MAC: SSH_ERR_TOOBIG or SSH_ERR_FORMAT otherwise */
int pkt_len_ok(const struct direction *d, uint32_t plen);
/* the cipher and MAC alone, for tests that key a direction directly */
int pkt_set_keys(struct direction *d, const struct cipher *ci, const struct mac *m,
		 const uint8_t *iv, const uint8_t *key, const uint8_t *mackey);
/* starts compression when the negotiated method calls for it now */
int pkt_start_compression(struct conn *c, int deflating);

/* transport/io.c */
int io_fill(struct conn *c);   /* one read(); SSH_ERR_EOF at end */
int io_flush(struct conn *c);  /* writes what the socket takes now */
int io_pending(const struct conn *c);
/* bytes we have queued for the peer that it has not received yet: our
 * buffer and, on a socket, what the kernel holds unacknowledged
 * (SIOCOUTQ). SSH_OK, or SSH_ERR_IO when the kernel cannot say (a pipe):
 * then the peer may be anywhere beyond it. */
int io_unsent(const struct conn *c, size_t *n);
/* writes everything, waiting at most ms milliseconds */
int io_drain(struct conn *c, int ms);

/* transport/transport.c */
/* runs the connection to its end; services are the rows a client may
 * start with SERVICE_REQUEST */
int transport_run(struct conn *c, const struct service *services);
/* the parts of transport_run that a test drives in memory: the transport's
 * and the key exchange's handlers, and one packet's payload (as pkt_read
 * returns it) through the gate to its handler */
void transport_install(struct conn *c, const struct service *services);
int transport_handle(struct conn *c, const uint8_t *p, size_t n);
/* sends DISCONNECT and logs; used by the one disconnect path */
void transport_disconnect(struct conn *c, int reason, const char *desc);
/* 1 when services may send now: not between our KEXINIT and NEWKEYS
 * (what they send then is held back, so this is for flow control) */
int transport_may_send(const struct conn *c);
/* userauth calls this right after queueing USERAUTH_SUCCESS */
int transport_authenticated(struct conn *c);
/* the loop of transport_run and its end, for a connection whose version
 * exchange and first key exchange another process did (the transport
 * state was imported: privsep/preauth.c) */
int transport_resume(struct conn *c);
/* the key exchange reports each completed exchange, after the peer's
 * NEWKEYS: counted, timed for RekeyLimit, and the first opens the services */
void transport_kex_done(struct conn *c);
/* rekey.c: 1 when a key exchange is due (RekeyLimit, or the limits that
 * keep nonces and counters unique whatever RekeyLimit says); rekey_overdue
 * is 1 when the peer let a due exchange run out, and the connection must
 * end. */
int rekey_due(const struct conn *c);
int rekey_overdue(const struct conn *c);

#endif
