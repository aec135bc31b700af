/* Settings with OpenSSH's sshd_config keywords, meanings and defaults. Each
 * keyword is a row in a table (config.c) that says how to parse it and
 * where it goes, so -o, -f and -T share one definition. */
#ifndef SSHL_CONFIG_H
#define SSHL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* OpenSSH once capped AllowUsers and friends at 256 entries */
#define CONFIG_MAX_LIST 256
/* room for the first-wins bookkeeping of each table (checked where the
 * tables are defined) */
#define CONFIG_MAX_KEYWORDS 160
#define CONFIG_MAX_OTHER 128

enum { ROOT_NO = 0, ROOT_PROHIBIT_PASSWORD, ROOT_FORCED_COMMANDS, ROOT_YES };
/* which way a forwarding keyword allows (OpenSSH's FORWARD_LOCAL/REMOTE) */
enum { FWD_LOCAL = 1, FWD_REMOTE = 2, FWD_ALL = 3 };
/* COMP_PREAUTH: also plain zlib, which starts at NEWKEYS, before
 * authentication; only when named (`Compression zlib`) */
enum { COMP_NO = 0, COMP_YES, COMP_PREAUTH };
/* PubkeyAuthOptions: FIDO signatures must show a touch even when
 * authorized_keys says no-touch-required / must show user verification */
enum { PKOPT_TOUCH_REQUIRED = 1, PKOPT_VERIFY_REQUIRED = 2 };

struct strlist {
	char *v[CONFIG_MAX_LIST];
	int n;
};

/* The algorithm-list keywords. The names each list may hold live in the
 * tables of the layers (kex/, transport/, services/); the entry point's
 * wiring (wiring.c) hands config_finish a function that reads them, so
 * configuration includes none of those layers. */
enum algs_kind { ALGS_KEX, ALGS_CIPHER, ALGS_MAC, ALGS_SIG, ALGS_PUBKEY };
/* writes the comma list of one kind's names: the defaults (all 0) or every
 * supported name (all 1) */
typedef void algs_names_fn(enum algs_kind kind, int all, char *out, size_t outlen);

struct config_src; /* the Match blocks as read (config_src.c) */

struct config {
	struct strlist host_keys;
	char *host_key_agent;       /* HostKeyAgent: socket, "SSH_AUTH_SOCK", NULL/"none" */
	struct strlist host_certificates; /* each paired with the key it certifies */
	char *kex_algorithms;       /* specs as given (+/-/^ syntax) ... */
	char *ciphers;
	char *macs;
	char *host_key_algorithms;
	char *pubkey_accepted_algorithms;
	int compression;
	int login_grace_time;       /* seconds; 0 = none */
	int max_auth_tries;
	int required_rsa_size; /* smallest RSA modulus, in bits, for user keys */
	int max_sessions;
	int64_t rekey_bytes;        /* 0 = default (1 GiB) */
	int rekey_seconds;          /* 0 = default (1 hour) */
	char *moduli_file;
	int log_level;              /* syslog priority: lines above it are dropped */
	const char *log_level_name; /* the LogLevel given (VERBOSE and INFO share LOG_INFO), or NULL */
	char *syslog_facility;
	struct strlist authorized_keys_files;
	char *authorized_keys_command;      /* NULL or "none" for none */
	char *authorized_keys_command_user;
	/* user certificates (services/auth_cert.c); NULL for none */
	char *trusted_user_ca_keys;
	char *authorized_principals_file;
	char *authorized_principals_command;      /* a program and its arguments */
	char *authorized_principals_command_user; /* the user it runs as */
	char *ca_signature_algorithms; /* as given (+, -, ^ forms); NULL: default */
	char *ca_sig_list;             /* the list it resolves to */
	char *revoked_keys;
	/* AuthenticationMethods: space-separated comma lists as given, NULL for any */
	char *authentication_methods;
	int pubkey_authentication;
	int pubkey_auth_options;    /* PubkeyAuthOptions: PKOPT_* bits */
	int password_authentication;
	int kbd_interactive_authentication;
	int permit_empty_passwords;
	int use_pam;             /* UsePAM: the root helper runs PAM (services/pam.c) */
	char *pam_service_name;  /* PAMServiceName: the file in /etc/pam.d */
	int permit_root_login;
	int strict_modes;
	int tcp_keep_alive;         /* TCPKeepAlive: SO_KEEPALIVE on the client's socket */
	/* access control (services/access.c), patterns as given */
	struct strlist allow_users, deny_users, allow_groups, deny_groups;
	char *banner;
	int allow_tcp_forwarding;
	int allow_agent_forwarding;
	int x11_forwarding;
	int x11_display_offset;     /* the first display number tried */
	int x11_use_localhost;      /* listen on loopback only */
	char *xauth_location;
	int permit_tty;
	int permit_user_rc;         /* run ~/.ssh/rc before the session */
	/* PermitUserEnvironment: NULL (no), "yes", or a pattern-list of the
	 * variable names ~/.ssh/environment and environment= may set */
	char *permit_user_env;
	struct strlist accept_env;
	char *sftp_server;          /* Subsystem sftp PATH */
	int client_alive_interval;
	int client_alive_count_max;
	int gateway_ports;
	int allow_streamlocal_forwarding; /* FWD_ bits */
	int streamlocal_bind_mask;        /* umask for the sockets streamlocal-forward makes */
	int streamlocal_bind_unlink;      /* remove an existing socket file first */
	int print_motd;
	int print_last_log;
	int use_dns;
	char *version_addendum;
	/* sessions (services/session_cfg.c and friends); a string "none" is
	 * OpenSSH's way of saying none */
	char *force_command;        /* ForceCommand: the client's command goes to SSH_ORIGINAL_COMMAND */
	char *chroot_directory;     /* ChrootDirectory, with %h %u %U %% */
	struct strlist set_env;     /* SetEnv NAME=value */
	struct strlist permit_open; /* PermitOpen host:port; empty = any, "none" = none */
	struct strlist permit_listen; /* PermitListen [host:]port; empty = any, "none" = none */
	int disable_forwarding;     /* DisableForwarding: every kind of forwarding off */
	int expose_auth_info;       /* ExposeAuthInfo: SSH_USER_AUTH names a file of the methods */
	struct strlist channel_timeout; /* ChannelTimeout type=interval; empty = none */
	int unused_connection_timeout;  /* seconds without a channel; 0 = none */
	int refuse_connection;      /* RefuseConnection: end at the first authentication request */
	/* sshd-lite's own, for pipe mode and key creation */
	int pipe_auth;              /* PipeAuthentication: log in with none as the invoking user */
	int pipe_auth_root;         /* PipeAuthenticationAllowRoot */
	char *host_key_create;      /* HostKeyCreate: NULL (no), "yes" or a key type */

	/* resolved by config_finish: comma-separated lists the server offers */
	char *kex_list, *cipher_list, *mac_list, *hostkey_alg_list, *comp_list, *pubkey_alg_list;

	/* the keywords of other_keywords[] (keywords.h), as text for -T */
	char *other[CONFIG_MAX_OTHER];
	/* the parser's bookkeeping: OpenSSH keeps the first value obtained
	 * for a keyword, so each pass (the main section, then the Match
	 * blocks of one connection) marks what it has set */
	unsigned char seen[CONFIG_MAX_KEYWORDS], seen_other[CONFIG_MAX_OTHER];
	int in_match;                /* lines now come from a Match block */
	int override;                /* -o lines: a later one replaces an earlier one */
	struct config_src *src;      /* Match blocks; shared by config_match's copies */
	int src_owner;               /* this config frees src */
	algs_names_fn *names;        /* as config_finish got it, for config_match */
};

/* What a Match block is tested against: one connection (or -C's spec) */
struct match_ctx {
	const char *user;    /* NULL: not known yet (blocks that need it do not match) */
	int invalid_user;    /* the user does not exist */
	const char *host;    /* the peer's name (its address unless UseDNS) */
	const char *addr;    /* the peer's address */
	const char *laddr;   /* our address */
	int lport;           /* our port; -1 unknown */
	const char *rdomain; /* routing domain (VRF); NULL: none */
	const char *version; /* the server's version, for Match Version */
	int test;            /* from -C: a criterion it does not give is an error */
};


/* a host key type as -K and HostKeyCreate spell it: ed25519, ecdsa,
 * ecdsa-256, ecdsa-384, ecdsa-521, rsa, rsa-2048, rsa-3072, rsa-4096 */
enum keyfamily { KF_ED25519, KF_ECDSA, KF_RSA };
struct keyspec {
	const char *name;
	enum keyfamily family;
	int bits; /* RSA modulus or ECDSA curve size; 0 for ed25519 */
};
const struct keyspec *keyspec_find(const char *name);

/* OpenSSH's time format (90, 2m, 1h30m) into seconds; 0 or -1 */
int config_parse_time(const char *s, int *out);

void config_defaults(struct config *c);
/* an AuthenticationMethods value made canonical (comma lists separated by
 * one space): 0, or -1 naming the unknown method in err */
int authmethods_valid(const char *lists, char *err, size_t errlen);
/* one "Keyword value" or "Keyword=value"; err receives a message.
 * Returns 0 or -1. */
int config_set(struct config *c, const char *line, char *err, size_t errlen);
/* reads an sshd_config file; -1 with a message naming file and line */
int config_read_file(struct config *c, const char *path, char *err, size_t errlen);
/* applies defaults that depend on other settings, resolves algorithm lists
 * against the names names() gives */
int config_finish(struct config *c, algs_names_fn *names, char *err, size_t errlen);
/* the configuration of one connection: a copy of base with the lines of
 * the Match blocks ctx matches applied over it, first match winning per
 * keyword, as OpenSSH's parse_server_match_config does. out is finished
 * and is config_free'd by the caller. 0, or -1 with a message. */
int config_match(const struct config *base, const struct match_ctx *ctx, struct config *out, char *err,
		 size_t errlen);
/* whether the configuration has any Match block */
int config_has_match(const struct config *c);
/* -C's "user=u,host=h,addr=a,laddr=l,lport=p,rdomain=r,invalid-user": ctx
 * points into spec, which is modified. 0 or -1 with a message. */
int match_ctx_parse(struct match_ctx *ctx, char *spec, char *err, size_t errlen);
/* a copy of src, its lists and strings its own (Match blocks shared) */
int config_copy(struct config *dst, const struct config *src);
/* prints the effective configuration (-T), one "keyword value" per line */
void config_print(const struct config *c, int fd);
void config_free(struct config *c);
/* the syslog facility SyslogFacility names (LOG_AUTH by default) */
int config_facility(const struct config *c);

/* Applies an OpenSSH algorithm spec to a default list: "a,b" replaces,
 * "+a,b" appends, "-a,b" removes (wildcards * and ?), "^a,b" prepends.
 * Every name must be in supported (a comma list). Returns a new string or
 * NULL with a message. */
char *alglist_apply(const char *defaults, const char *supported, const char *spec,
		    char *err, size_t errlen);

#endif
