/* sshd-lite: an SSH server started once per connection with the client's
 * socket (or a pipe) on stdin/stdout, as inetd, xinetd, systemd socket
 * activation, tcpserver and ProxyCommand start a program.
 *
 * stdout, and often stderr, are the client's connection: nothing but the
 * protocol may reach fd 1, and fd 2 only when it is not the connection. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "config/config.h"
#include "config/peer.h"
#include "kex/hostkey.h"
#include "kex/hostcert.h"
#include "kex/hostkeys.h"
#include "monitor/monitor.h"
#include "privsep/preauth.h"
#include "services/auth.h"
#include "services/loginrec.h"
#include "services/service.h"
#include "services/userauth.h"
#include "transport/conn.h"
#include "transport/crypto.h"
#include "transport/log.h"
#include "transport/version.h"
#include "wiring.h"

#ifndef SSHD_LITE_CONFIG
#define SSHD_LITE_CONFIG "/etc/sshd-lite/sshd_config"
#endif
#define MAX_OPTS 128
#define MAX_MADE 8

static const char usage_text[] =
	"usage: sshd-lite [-46DdeGiqTtV] [-C connection_spec] [-c host_cert_file] [-E log_file]\n"
	"                 [-f config_file] [-g login_grace_time] [-h host_key_file] [-K key_type]\n"
	"                 [-o option] [-p port] [-Q query]\n"
	"  -i            inetd mode: serve the connection on stdin/stdout (always)\n"
	"  -4, -6, -D    accepted, as sshd's: the launcher listens, nothing detaches\n"
	"  -p PORT       as Port: accepted, the launcher listens\n"
	"  -h FILE       host key file (repeatable; default the /etc/ssh/ssh_host_*_key that exist)\n"
	"  -c FILE       host certificate file (repeatable), as HostCertificate\n"
	"  -g TIME       the time a client has to log in, as LoginGraceTime\n"
	"  -f FILE       read settings from FILE (default " SSHD_LITE_CONFIG " when it exists)\n"
	"  -o KW=VALUE   any sshd_config keyword, e.g. -o PasswordAuthentication=yes\n"
	"  -e            log to stderr instead of syslog (ignored when stderr is the connection)\n"
	"  -E FILE       append the log to FILE instead of syslog\n"
	"  -d            debug logging (LogLevel DEBUG)\n"
	"  -q            quiet: log errors only\n"
	"  -t            check the configuration and the host keys, then exit 0 or 1\n"
	"  -T, -G        print the effective configuration, then exit (host keys are not needed)\n"
	"  -C SPEC       with -T: the configuration of a connection after Match, SPEC being\n"
	"                user=U,host=H,addr=A,laddr=L,lport=P,rdomain=R (as sshd -C)\n"
	"  -K TYPE       write a new host key of TYPE (ed25519, ecdsa, ecdsa-384, ecdsa-521,\n"
	"                rsa, rsa-2048, rsa-4096) to the one -h FILE, then exit\n"
	"  -Q KIND       list the supported kex, cipher, mac, key, sig or compression names\n"
	"  -V            print the version, then exit\n"
	"  -?, --help    print this help, then exit\n";

struct args {
	const char *config_file, *keygen, *logfile, *query, *conn_spec;
	const char *opts[MAX_OPTS], *hkeys[CONFIG_MAX_LIST];
	int nopts, nh, test, print, debug, quiet, to_stderr;
	/* -c, -g and -p as the -o options they are */
	char made[MAX_MADE][PATH_MAX + 32];
	int nmade;
	/* -t, -T, -Q, -V, -K: no connection is served, so stderr is a person's
	 * even when it is the same file as stdout (`>out 2>&1`, `2>&1 | grep`) */
	int offline;
};

static int same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* stderr is the client's connection under inetd and xinetd */
static int stderr_is_conn(void) { return same_file(2, 0) || same_file(2, 1); }

/* A start-up error: on stderr when that reaches a person (terminal,
 * journal, ssh's own stderr for a ProxyCommand), else to syslog, since
 * bytes on the connection would only confuse the client. Returns 1, the
 * exit status. */
static int failv(int offline, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (offline || !stderr_is_conn()) {
		fprintf(stderr, "sshd-lite: %s\n", msg);
	} else {
		openlog("sshd-lite", LOG_PID, LOG_AUTH);
		syslog(LOG_ERR, "%s", msg);
		closelog();
	}
	return 1;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = failv(0, fmt, ap);
	va_end(ap);
	return rc;
}

/* an error of a run that serves no connection: always on stderr */
static int fail_off(const struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_off(const struct args *a, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = failv(a->offline, fmt, ap);
	va_end(ap);
	return rc;
}

/* A launcher may start us with fd 2 closed; a log file opened later
 * would then become "stderr". */
static void fill_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			open("/dev/null", O_RDWR);
}

/* asked-for help goes to stdout unless that is a socket: it could be a
 * client's */
static void usage_out(void)
{
	struct stat st;
	int sock = fstat(1, &st) == 0 && S_ISSOCK(st.st_mode);
	if (!sock || !stderr_is_conn())
		fputs(usage_text, sock ? stderr : stdout);
}

/* sshd's options that stand for a keyword: -c FILE, -g TIME, -p PORT */
static int opt_keyword(struct args *a, const char *kw, const char *val)
{
	if (a->nopts >= MAX_OPTS || a->nmade >= MAX_MADE || strlen(val) >= PATH_MAX)
		return fail("too many or too long -c and -g options");
	snprintf(a->made[a->nmade], sizeof a->made[0], "%s=%s", kw, val);
	a->opts[a->nopts++] = a->made[a->nmade++];
	return 0;
}

/* 0: go on; 1: exit 1; 2: exit 0 (help, version) */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "46DdeGiqtTVf:h:o:C:E:K:Q:c:g:p:", longopts, NULL)) != -1) {
		switch (ch) {
		case '4': case '6': case 'i': case 'D':
			break; /* the launcher listens; we are always in inetd mode */
		case 'p':
			if (opt_keyword(a, "Port", optarg))
				return 1;
			break;
		case 'c':
			if (opt_keyword(a, "HostCertificate", optarg))
				return 1;
			break;
		case 'g':
			if (opt_keyword(a, "LoginGraceTime", optarg))
				return 1;
			break;
		case 'd': a->debug = 1; break;
		case 'e': a->to_stderr = 1; break;
		case 'q': a->quiet = 1; break;
		case 't': a->test = a->offline = 1; break;
		case 'T': case 'G': a->print = a->offline = 1; break;
		case 'C': a->conn_spec = optarg; break;
		case 'V':
			fprintf(stderr, "sshd-lite_%s\n", SSHD_LITE_VERSION);
			return 2;
		case 'f': a->config_file = optarg; break;
		case 'E': a->logfile = optarg; break;
		case 'K': a->keygen = optarg; a->offline = 1; break;
		case 'Q': a->query = optarg; a->offline = 1; break;
		case 'h':
			if (a->nh >= CONFIG_MAX_LIST)
				return fail("too many host keys (at most %d)", CONFIG_MAX_LIST);
			a->hkeys[a->nh++] = optarg;
			break;
		case 'o':
			if (a->nopts >= MAX_OPTS)
				return fail("too many -o options");
			a->opts[a->nopts++] = optarg;
			break;
		case 'H':
			usage_out();
			return 2;
		default:
			if (optopt == '?') {
				usage_out();
				return 2;
			}
			if (optopt && strchr("fhoCEKQcgp", optopt))
				fail_off(a, "option -%c needs an argument", optopt);
			else if (optopt)
				fail_off(a, "unknown option -%c", optopt);
			else
				fail_off(a, "unknown option %s", argv[optind - 1]);
			if (a->offline || !stderr_is_conn())
				fputs(usage_text, stderr);
			return 1;
		}
	}
	if (optind < argc)
		return fail_off(a, "unexpected argument '%s'", argv[optind]);
	if (a->conn_spec && !a->print)
		return fail_off(a, "Config test connection parameter (-C) provided without test mode (-T)");
	return 0;
}

/* -o, then the config file, then -h. As in OpenSSH the first value
 * obtained for a keyword wins, so the command line wins over the file;
 * among -o options the last one wins, as sshd-lite always had it */
static int configure(struct config *cfg, const struct args *a)
{
	char err[512];
	const char *file = a->config_file;
	if (!file && access(SSHD_LITE_CONFIG, F_OK) == 0)
		file = SSHD_LITE_CONFIG;
	cfg->override = 1;
	for (int i = 0; i < a->nopts; i++)
		if (config_set(cfg, a->opts[i], err, sizeof err) < 0)
			return fail_off(a, "-o %s: %s", a->opts[i], err);
	cfg->override = 0;
	if (file && config_read_file(cfg, file, err, sizeof err) < 0)
		return fail_off(a, "%s", err);
	if (a->nh) {
		for (int i = 0; i < cfg->host_keys.n; i++)
			free(cfg->host_keys.v[i]);
		cfg->host_keys.n = 0;
		for (int i = 0; i < a->nh; i++)
			cfg->host_keys.v[cfg->host_keys.n++] = strdup(a->hkeys[i]);
	}
	if (a->debug || a->quiet)
		cfg->log_level_name = NULL;
	if (a->debug)
		cfg->log_level = LOG_DEBUG;
	if (a->quiet)
		cfg->log_level = LOG_ERR;
	if (config_finish(cfg, algs_names, err, sizeof err) < 0)
		return fail_off(a, "%s", err);
	/* plain zlib's streams start at NEWKEYS, in the pre-authentication
	 * process, and cannot move to the user's (privsep/preauth.h) */
	if (cfg->compression == COMP_PREAUTH && geteuid() == 0)
		return fail_off(a, "Compression zlib (before authentication) cannot be used with privilege separation, "
			       "which is on when sshd-lite runs as root: use Compression yes (zlib@openssh.com)");
	return 0;
}

/* -T [-C spec]: the configuration, after Match for that connection */
static int print_config(const struct config *cfg, const struct args *a)
{
	struct config m;
	struct match_ctx ctx = {.lport = -1, .version = "sshd-lite_" SSHD_LITE_VERSION, .test = 1};
	char err[512], *spec;
	int rc;
	memset(&m, 0, sizeof m);
	if (!a->conn_spec) {
		config_print(cfg, 1);
		return 0;
	}
	if (!(spec = strdup(a->conn_spec)))
		return 1;
	rc = match_ctx_parse(&ctx, spec, err, sizeof err) < 0 || config_match(cfg, &ctx, &m, err, sizeof err) < 0;
	if (rc)
		fail_off(a, "%s", err);
	else
		config_print(&m, 1);
	config_free(&m);
	free(spec);
	return rc;
}

static int open_log(struct logger *log, const struct config *cfg, const struct args *a)
{
	log->level = cfg->log_level;
	log->to_stderr = a->to_stderr && (a->test || !stderr_is_conn());
	if (a->logfile) {
		log->fd = open(a->logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
		if (log->fd < 0)
			return fail("%s: %s", a->logfile, strerror(errno));
	}
	log_open(log, config_facility(cfg));
	return 0;
}

/* the signal that ended the connection, or 0 */
static int signal_taken(int fd)
{
	struct signalfd_siginfo si;
	if (fd <= 0 || read(fd, &si, sizeof si) != (ssize_t)sizeof si)
		return 0;
	return (int)si.ssi_signo;
}

static const char *close_reason(int rc, int signo, char *buf, size_t len)
{
	if (signo) {
		snprintf(buf, len, "terminated by signal SIG%s", sigabbrev_np(signo));
		return buf;
	}
	if (rc == SSH_OK)
		return "session ended";
	return ssh_err(rc);
}

/* a host key error: in the log, and where a person looks too (the log may
 * be a file or syslog); offline: a run that serves no connection (-t) */
static void key_error(const struct logger *log, int offline, const char *err)
{
	struct args a = {.offline = offline};
	logit(log, LOG_ERR, "%s", err);
	if (!log->to_stderr && (offline || !stderr_is_conn()))
		fail_off(&a, "%s", err);
}

/* HostCertificate files are public: each pairs with the public half of
 * the key it certifies, wherever the private half lives */
static void load_certs(const struct config *cfg, const struct logger *log, struct hostkey *keys, int nkeys)
{
	hostcerts_load((const char *const *)cfg->host_certificates.v, cfg->host_certificates.n, log, keys, nkeys);
}

/* The close path of the process that ends the connection: the log line,
 * and the exit status */
static int conn_end(struct conn *c, int rc)
{
	const struct logger *log = c->log;
	char why[64], user[96] = "";
	int signo = signal_taken(c->sigfd);

	if (signo)
		transport_disconnect(c, SSH_DISCONNECT_BY_APPLICATION, "server shutting down");
	if (c->auth)
		snprintf(user, sizeof user, " (user %s)", c->auth->user);
	logit(log, LOG_INFO, "Connection closed by %s port %d%s: %s; bytes in %llu, out %llu", c->addr, c->port,
	      user, close_reason(rc, signo, why, sizeof why), (unsigned long long)c->rx.total,
	      (unsigned long long)c->tx.total);
	if (c->sigfd > 0)
		close(c->sigfd);
	userauth_free(c);
	conn_free(c);
	free(c);
	/* as sshd -i after "Protocol mismatch." (fatal) */
	if (rc == SSH_ERR_VERSION)
		return 255;
	return signo || (rc != SSH_OK && rc != SSH_ERR_PEER_DISC && rc != SSH_ERR_EOF);
}

/* *nkeys < 0: started as root, the monitor loads the keys (monitor.h) and
 * keys[] get their public halves; else keys[] were loaded here */
static int serve(const struct config *cfg, const struct logger *log, struct hostkey *keys, int *nkeys)
{
	struct peer peer;
	struct stat st;
	struct conn *c;
	struct sandbox sb;
	char err[512];
	int rc;

	int monfd = 0;

	signal(SIGPIPE, SIG_IGN);
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
	peer_lookup(0, &peer);
	/* PipeAuthentication trusts only a local pipe: any socket is a peer
	 * of unknown identity */
	if (fstat(0, &st) == 0 && S_ISSOCK(st.st_mode))
		peer.network = 1;
	if (cfg->tcp_keep_alive && peer_keepalive(0) < 0)
		logit(log, LOG_ERR, "setsockopt SO_KEEPALIVE: %s", strerror(errno));
	/* before the connection's state exists: the smaller the process, the
	 * cheaper the fork */
	if (*nkeys < 0) {
		/* as root, the account and the chroot before the fork: P then
		 * looks nothing up, and a missing one refuses to serve at once */
		if (sandbox_prepare(&sb, err, sizeof err) != 0) {
			logit(log, LOG_ERR, "%s", err);
			return 255;
		}
		monfd = monitor_start(cfg, log, &peer, keys, CONFIG_MAX_LIST, nkeys, conn_end, err, sizeof err);
		if (monfd < 0) {
			key_error(log, 0, err);
			return 1;
		}
		load_certs(cfg, log, keys, *nkeys);
	} else {
		logit(log, LOG_INFO, "not started as root: no privilege separation, no utmp, wtmp or lastlog records");
	}
	c = conn_new(0, 1, cfg, log);
	if (!c) {
		if (monfd > 0)
			close(monfd);
		return 1;
	}
	c->monfd = monfd;
	if (monfd > 0) {
		c->sign = monitor_sign;
		c->choose_group = monitor_group;
	}
	c->keys = keys;
	c->nkeys = *nkeys;
	c->sigfd = conn_signals_fd();
	if (c->sigfd < 0) {
		logit(log, LOG_ERR, "signalfd: %s", strerror(errno));
		c->sigfd = 0;
	}
	snprintf(c->addr, sizeof c->addr, "%s", peer.addr);
	snprintf(c->laddr, sizeof c->laddr, "%s", peer.laddr);
	c->port = peer.port;
	c->lport = peer.lport;
	c->network_peer = peer.network;
	logit(log, LOG_INFO, "Connection from %s port %d on %s port %d", c->addr, c->port, c->laddr, c->lport);
	/* Match blocks on Address, Host, LocalAddress, LocalPort apply from
	 * the start; the user's come with the first USERAUTH_REQUEST */
	rc = conn_match(c, NULL, 0);
	if (rc == SSH_OK && c->monfd > 0)
		return privsep_preauth(c, &sb, conn_end);
	if (rc == SSH_OK)
		rc = transport_run(c, transport_services);
	return conn_end(c, rc);
}

/* -t: connections trust the public half stored in a key file, so the check
 * that it belongs to the private half is made here */
static int selftest(const struct args *a, const struct hostkey *keys, int n)
{
	int rc = 0;
	for (int i = 0; i < n; i++) {
		int e = hostkey_selftest(&keys[i]);
		if (e != SSH_OK) {
			fail_off(a, "%s: the public key does not match the private key (%s)",
			     keys[i].path ? keys[i].path : "generated key", ssh_err(e));
			rc = 1;
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	static struct hostkey keys[CONFIG_MAX_LIST];
	/* static: zero without writing 36 KB of stack, whose pages the monitor
	 * and every process forked from it would carry for the whole session */
	static struct args a;
	struct logger log = {LOG_INFO, 0, -1, LOG_AUTH};
	char err[512];
	int nkeys, rc;

	fill_std_fds();
	if ((rc = parse_args(argc, argv, &a)) != 0)
		return rc == 2 ? 0 : 1;
	if (a.query) {
		if (algs_query(a.query, 1) < 0)
			return fail_off(&a, "-Q: unknown query '%s' (kex, cipher, mac, key, sig, compression)", a.query);
		return 0;
	}
	config_defaults(&cfg);
	if (crypto_init() < 0)
		return fail_off(&a, "cannot initialise the crypto library");
	if (configure(&cfg, &a))
		return 1;
	if (a.keygen) {
		if (cfg.host_keys.n != 1)
			return fail_off(&a, "-K needs exactly one -h FILE");
		if (hostkeys_generate_file(a.keygen, cfg.host_keys.v[0], err, sizeof err) < 0)
			return fail_off(&a, "%s", err);
		return 0;
	}
	if (a.print) {
		rc = print_config(&cfg, &a);
		config_free(&cfg);
		return rc;
	}
	if (open_log(&log, &cfg, &a))
		return 1;
	/* as root the monitor loads the keys, in its own process */
	nkeys = -1;
	if (a.test || geteuid() != 0)
		nkeys = hostkeys_load(&cfg, &log, keys, CONFIG_MAX_LIST, err, sizeof err);
	if (nkeys > 0)
		load_certs(&cfg, &log, keys, nkeys);
	if (nkeys < 0 && (a.test || geteuid() != 0)) {
		key_error(&log, a.offline, err);
		rc = 1;
	} else if (a.test) {
		rc = selftest(&a, keys, nkeys);
	} else {
		rc = serve(&cfg, &log, keys, &nkeys);
	}
	for (int i = 0; i < nkeys; i++)
		hostkey_free(&keys[i]);
	config_free(&cfg);
	log_close(&log);
	return rc;
}
