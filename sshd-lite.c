/* sshd-lite: an SSH server started once per connection with the client's
 * socket (or a pipe) on stdin/stdout, as inetd, xinetd, systemd socket
 * activation, tcpserver and ProxyCommand start a program. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "kex/hostkey.h"
#include "transport/conn.h"
#include "transport/crypto.h"
#include "transport/log.h"
#include "transport/version.h"

static const char usage_text[] =
	"usage: sshd-lite [-46deiqTtV] [-E log_file] [-f config_file] [-h host_key_file]\n"
	"                 [-K key_type] [-o option]\n"
	"  -i            inetd mode: serve the connection on stdin/stdout (the default)\n"
	"  -h FILE       host key file (repeatable; default the /etc/ssh/ssh_host_*_key that exist)\n"
	"  -f FILE       read settings from FILE (sshd_config syntax)\n"
	"  -o KW=VALUE   any sshd_config keyword, e.g. -o PasswordAuthentication=yes\n"
	"  -e            log to stderr instead of syslog\n"
	"  -E FILE       append the log to FILE instead of syslog\n"
	"  -d            debug logging\n"
	"  -q            quiet: log errors only\n"
	"  -t            check the configuration and the host keys, then exit\n"
	"  -T            print the effective configuration, then exit\n"
	"  -K TYPE       create a host key of TYPE (ed25519, ecdsa, ecdsa-384, ecdsa-521,\n"
	"                rsa, rsa-4096) in the -h file, then exit\n"
	"  -V            print the version, then exit\n";

static const char *const default_keys[] = {
	"/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_rsa_key",
};

struct keyspec {
	const char *name;
	enum keytype type;
	int bits;
};

static const struct keyspec keyspecs[] = {
	{"ed25519", KEY_ED25519, 0}, {"ecdsa", KEY_ECDSA_P256, 256}, {"ecdsa-256", KEY_ECDSA_P256, 256},
	{"ecdsa-384", KEY_ECDSA_P384, 384}, {"ecdsa-521", KEY_ECDSA_P521, 521}, {"rsa", KEY_RSA, 3072},
	{"rsa-2048", KEY_RSA, 2048}, {"rsa-3072", KEY_RSA, 3072}, {"rsa-4096", KEY_RSA, 4096},
};

static const struct keyspec *keyspec_find(const char *name)
{
	for (size_t i = 0; i < sizeof keyspecs / sizeof keyspecs[0]; i++)
		if (!strcmp(keyspecs[i].name, name))
			return &keyspecs[i];
	return NULL;
}

/* the key type a missing file's name suggests, for HostKeyCreate */
static const struct keyspec *keyspec_for_path(const char *path, const char *fallback)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strstr(base, "ed25519"))
		return keyspec_find("ed25519");
	if (strstr(base, "ecdsa"))
		return keyspec_find("ecdsa");
	if (strstr(base, "rsa"))
		return keyspec_find("rsa");
	return keyspec_find(fallback);
}

static int same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void peer_address(struct conn *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	const char *ip = getenv("TCPREMOTEIP"), *port = getenv("TCPREMOTEPORT");

	c->port = 65535;
	if (getpeername(c->rfd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *s = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &s->sin_addr, c->addr, sizeof c->addr);
			c->port = ntohs(s->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &s->sin6_addr, c->addr, sizeof c->addr);
			c->port = ntohs(s->sin6_port);
			/* an IPv4 client on a dual-stack socket */
			if (!strncmp(c->addr, "::ffff:", 7) && strchr(c->addr, '.'))
				memmove(c->addr, c->addr + 7, strlen(c->addr + 7) + 1);
		}
		len = sizeof ss;
		if (getsockname(c->rfd, (struct sockaddr *)&ss, &len) == 0) {
			if (ss.ss_family == AF_INET) {
				struct sockaddr_in *s = (struct sockaddr_in *)&ss;
				inet_ntop(AF_INET, &s->sin_addr, c->laddr, sizeof c->laddr);
				c->lport = ntohs(s->sin_port);
			} else if (ss.ss_family == AF_INET6) {
				struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
				inet_ntop(AF_INET6, &s->sin6_addr, c->laddr, sizeof c->laddr);
				c->lport = ntohs(s->sin6_port);
				if (!strncmp(c->laddr, "::ffff:", 7) && strchr(c->laddr, '.'))
					memmove(c->laddr, c->laddr + 7, strlen(c->laddr + 7) + 1);
			}
		}
		return;
	}
	if (ip && *ip && strlen(ip) < sizeof c->addr) {
		snprintf(c->addr, sizeof c->addr, "%s", ip);
		c->port = port ? atoi(port) : 0;
		ip = getenv("TCPLOCALIP");
		port = getenv("TCPLOCALPORT");
		if (ip && strlen(ip) < sizeof c->laddr) {
			snprintf(c->laddr, sizeof c->laddr, "%s", ip);
			c->lport = port ? atoi(port) : 0;
		}
	}
}

/* prints to stderr only when it is not the client's connection */
static void say(const struct logger *log, int prio, const char *fmt, const char *a, const char *b)
{
	char msg[1024];
	snprintf(msg, sizeof msg, fmt, a, b ? b : "");
	if (!isatty(2) && !log->to_stderr && (same_file(2, 0) || same_file(2, 1)))
		logit(log, prio, "%s", msg);
	else if (!log->to_stderr && log->fd < 0 && !isatty(2))
		logit(log, prio, "%s", msg);
	else
		fprintf(stderr, "sshd-lite: %s\n", msg);
}

static int load_keys(struct config *cfg, const struct logger *log, struct hostkey *keys, int *nkeys, int check)
{
	int n = 0, explicit = cfg->host_keys.n > 0;
	int count = explicit ? cfg->host_keys.n : (int)(sizeof default_keys / sizeof default_keys[0]);
	for (int i = 0; i < count && n < CONFIG_MAX_LIST; i++) {
		const char *path = explicit ? cfg->host_keys.v[i] : default_keys[i];
		int e;
		if (!explicit && access(path, F_OK) != 0)
			continue;
		e = hostkey_load(path, &keys[n]);
		if (e == SSH_ERR_FILE && cfg->host_key_create && access(path, F_OK) != 0) {
			const struct keyspec *ks = keyspec_for_path(path, cfg->host_key_create);
			if (!ks) {
				say(log, LOG_ERR, "HostKeyCreate: unknown key type '%s'%s", cfg->host_key_create, NULL);
				return -1;
			}
			e = hostkey_generate(&keys[n], ks->type, ks->bits);
			if (e == SSH_OK)
				e = hostkey_save(&keys[n], path);
			if (e == SSH_OK)
				logit(log, LOG_INFO, "created host key %s", path);
		}
		if (e != SSH_OK) {
			say(log, LOG_ERR, "%s: cannot load host key: %s", path, ssh_err(e));
			return -1;
		}
		n++;
	}
	*nkeys = n;
	if (n == 0) {
		say(log, LOG_ERR, "no host keys available%s%s", check ? "" : "", NULL);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	static struct hostkey keys[CONFIG_MAX_LIST];
	struct logger log = {LOG_INFO, 0, -1, LOG_AUTH};
	char err[512];
	const char *config_file = NULL, *keygen = NULL, *logfile = NULL;
	const char *opts[64], *hkeys[CONFIG_MAX_LIST];
	int nopts = 0, nh = 0, test = 0, print = 0, debug = 0, quiet = 0, nkeys = 0, ch, rc = 1;
	struct conn *c;

	config_defaults(&cfg);
	opterr = 0;
	while ((ch = getopt(argc, argv, "46deiqtTVf:h:o:E:K:")) != -1) {
		switch (ch) {
		case '4': case '6': case 'i':
			break;
		case 'd': debug = 1; break;
		case 'e': log.to_stderr = 1; break;
		case 'q': quiet = 1; break;
		case 't': test = 1; break;
		case 'T': print = 1; break;
		case 'V':
			fprintf(stderr, "sshd-lite_%s\n", SSHD_LITE_VERSION);
			return 0;
		case 'f': config_file = optarg; break;
		case 'E': logfile = optarg; break;
		case 'K': keygen = optarg; break;
		case 'h':
			if (nh >= CONFIG_MAX_LIST) {
				fprintf(stderr, "sshd-lite: too many host keys\n");
				return 1;
			}
			hkeys[nh++] = optarg;
			break;
		case 'o':
			if (nopts >= 64) {
				fprintf(stderr, "sshd-lite: too many -o options\n");
				return 1;
			}
			opts[nopts++] = optarg;
			break;
		default:
			fprintf(stderr, "sshd-lite: unknown option -%c\n%s", optopt, usage_text);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sshd-lite: unexpected argument '%s'\n%s", argv[optind], usage_text);
		return 1;
	}
	/* the file first, so that -o and -h given on the command line win */
	if (config_file && config_read_file(&cfg, config_file, err, sizeof err) < 0) {
		fprintf(stderr, "sshd-lite: %s\n", err);
		return 1;
	}
	for (int i = 0; i < nopts; i++) {
		if (config_set(&cfg, opts[i], err, sizeof err) < 0) {
			fprintf(stderr, "sshd-lite: -o %s: %s\n", opts[i], err);
			return 1;
		}
	}
	if (nh) {
		for (int i = 0; i < cfg.host_keys.n; i++)
			free(cfg.host_keys.v[i]);
		cfg.host_keys.n = 0;
		for (int i = 0; i < nh; i++)
			cfg.host_keys.v[cfg.host_keys.n++] = strdup(hkeys[i]);
	}
	if (debug)
		cfg.log_level = LOG_DEBUG;
	if (quiet)
		cfg.log_level = LOG_ERR;
	if (crypto_init() < 0) {
		fprintf(stderr, "sshd-lite: cannot initialise the crypto library\n");
		return 1;
	}
	if (config_finish(&cfg, err, sizeof err) < 0) {
		fprintf(stderr, "sshd-lite: %s\n", err);
		return 1;
	}
	log.level = cfg.log_level;
	if (keygen) {
		const struct keyspec *ks = keyspec_find(keygen);
		struct hostkey k;
		int e;
		if (!ks || cfg.host_keys.n != 1) {
			fprintf(stderr, "sshd-lite: -K needs a key type (ed25519, ecdsa, ecdsa-384, ecdsa-521, rsa, "
					"rsa-4096) and exactly one -h FILE\n");
			return 1;
		}
		e = hostkey_generate(&k, ks->type, ks->bits);
		if (e == SSH_OK)
			e = hostkey_save(&k, cfg.host_keys.v[0]);
		if (e != SSH_OK) {
			fprintf(stderr, "sshd-lite: %s: %s\n", cfg.host_keys.v[0], ssh_err(e));
			return 1;
		}
		hostkey_free(&k);
		return 0;
	}
	if (print) {
		config_print(&cfg, 1);
		return 0;
	}
	if (logfile) {
		log.fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (log.fd < 0) {
			fprintf(stderr, "sshd-lite: %s: %s\n", logfile, strerror(errno));
			return 1;
		}
	}
	/* stderr that is the client's socket must never carry log lines */
	if (log.to_stderr && !test && (same_file(2, 0) || same_file(2, 1)))
		log.to_stderr = 0;
	log_open(&log, LOG_AUTH);
	if (load_keys(&cfg, &log, keys, &nkeys, test) < 0)
		return 1;
	if (test)
		return 0;

	signal(SIGPIPE, SIG_IGN);
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
	c = calloc(1, sizeof *c);
	if (!c)
		return 1;
	conn_init(c, 0, 1, &cfg, &log);
	c->keys = keys;
	c->nkeys = nkeys;
	peer_address(c);
	logit(&log, LOG_INFO, "Connection from %s port %d on %s port %d", c->addr, c->port, c->laddr, c->lport);
	rc = transport_run(c);
	logit(&log, LOG_INFO, "Connection closed by %s port %d: %s; bytes in %llu, out %llu", c->addr, c->port,
	      ssh_err(rc), (unsigned long long)c->rx.total, (unsigned long long)c->tx.total);
	conn_free(c);
	free(c);
	for (int i = 0; i < nkeys; i++)
		hostkey_free(&keys[i]);
	config_free(&cfg);
	log_close(&log);
	return rc == SSH_OK || rc == SSH_ERR_PEER_DISC || rc == SSH_ERR_EOF ? 0 : 1;
}
