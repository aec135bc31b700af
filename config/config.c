#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "config/keywords.h"

#define F(field) offsetof(struct config, field)

const struct keyword keywords[] = {
	{"HostKey", K_LIST, F(host_keys)},
	{"KexAlgorithms", K_ALG, F(kex_algorithms)},
	{"Ciphers", K_ALG, F(ciphers)},
	{"MACs", K_ALG, F(macs)},
	{"HostKeyAlgorithms", K_ALG, F(host_key_algorithms)},
	{"PubkeyAcceptedAlgorithms", K_ALG, F(pubkey_accepted_algorithms)},
	{"Compression", K_COMP, F(compression)},
	{"LoginGraceTime", K_TIME, F(login_grace_time)},
	{"MaxAuthTries", K_INT, F(max_auth_tries)},
	{"MaxSessions", K_INT, F(max_sessions)},
	{"RequiredRSASize", K_INT, F(required_rsa_size)},
	{"RekeyLimit", K_REKEY, F(rekey_bytes)},
	{"ModuliFile", K_STR, F(moduli_file)},
	{"LogLevel", K_LOGLEVEL, F(log_level)},
	{"SyslogFacility", K_FACILITY, F(syslog_facility)},
	{"AuthorizedKeysFile", K_LIST, F(authorized_keys_files)},
	{"TrustedUserCAKeys", K_STR, F(trusted_user_ca_keys)},
	{"AuthorizedPrincipalsFile", K_STR, F(authorized_principals_file)},
	{"CASignatureAlgorithms", K_STR, F(ca_signature_algorithms)},
	{"RevokedKeys", K_STR, F(revoked_keys)},
	{"PubkeyAuthentication", K_BOOL, F(pubkey_authentication)},
	{"PasswordAuthentication", K_BOOL, F(password_authentication)},
	{"KbdInteractiveAuthentication", K_BOOL, F(kbd_interactive_authentication)},
	{"PermitEmptyPasswords", K_BOOL, F(permit_empty_passwords)},
	{"PermitRootLogin", K_ROOT, F(permit_root_login)},
	{"StrictModes", K_BOOL, F(strict_modes)},
	{"Banner", K_STR, F(banner)},
	{"AllowTcpForwarding", K_BOOL, F(allow_tcp_forwarding)},
	{"AllowAgentForwarding", K_BOOL, F(allow_agent_forwarding)},
	{"X11Forwarding", K_BOOL, F(x11_forwarding)},
	{"X11DisplayOffset", K_INT, F(x11_display_offset)},
	{"X11UseLocalhost", K_BOOL, F(x11_use_localhost)},
	{"XAuthLocation", K_STR, F(xauth_location)},
	{"PermitTTY", K_BOOL, F(permit_tty)},
	{"PermitUserRC", K_BOOL, F(permit_user_rc)},
	{"PermitUserEnvironment", K_BOOL, F(permit_user_environment)},
	{"AcceptEnv", K_LIST, F(accept_env)},
	{"Subsystem", K_SUBSYS, F(sftp_server)},
	{"ClientAliveInterval", K_TIME, F(client_alive_interval)},
	{"ClientAliveCountMax", K_INT, F(client_alive_count_max)},
	{"GatewayPorts", K_BOOL, F(gateway_ports)},
	{"PrintMotd", K_BOOL, F(print_motd)},
	{"PrintLastLog", K_BOOL, F(print_last_log)},
	{"UseDNS", K_BOOL, F(use_dns)},
	{"VersionAddendum", K_STR, F(version_addendum)},
	{"PipeAuthentication", K_BOOL, F(pipe_auth)},
	{"PipeAuthenticationAllowRoot", K_BOOL, F(pipe_auth_root)},
	{"HostKeyCreate", K_KEYCREATE, F(host_key_create)},
	{"UsePAM", K_BOOL, F(use_pam)},
	{"PAMServiceName", K_STR, F(pam_service_name)},
	/* the launcher owns the listening socket: accepted so that an
	 * sshd_config can be shared, and otherwise ignored */
	{"Port", K_IGNORED, 0},
	{"ListenAddress", K_IGNORED, 0},
	{"AddressFamily", K_IGNORED, 0},
	{"PidFile", K_IGNORED, 0},
	{"MaxStartups", K_IGNORED, 0},
};

const size_t nkeywords = sizeof keywords / sizeof keywords[0];

const struct loglevel loglevels[] = {
	{"QUIET", LOG_CRIT}, {"FATAL", LOG_CRIT}, {"ERROR", LOG_ERR}, {"INFO", LOG_INFO},
	{"VERBOSE", LOG_INFO}, {"DEBUG", LOG_DEBUG}, {"DEBUG1", LOG_DEBUG}, {"DEBUG2", LOG_DEBUG},
	{"DEBUG3", LOG_DEBUG}, {NULL, 0},
};

const struct facility facilities[] = {
	{"DAEMON", LOG_DAEMON}, {"USER", LOG_USER}, {"AUTH", LOG_AUTH}, {"AUTHPRIV", LOG_AUTHPRIV},
	{"LOCAL0", LOG_LOCAL0}, {"LOCAL1", LOG_LOCAL1}, {"LOCAL2", LOG_LOCAL2}, {"LOCAL3", LOG_LOCAL3},
	{"LOCAL4", LOG_LOCAL4}, {"LOCAL5", LOG_LOCAL5}, {"LOCAL6", LOG_LOCAL6}, {"LOCAL7", LOG_LOCAL7},
	{NULL, 0},
};

static const struct keyspec keyspecs[] = {
	{"ed25519", KF_ED25519, 0}, {"ecdsa", KF_ECDSA, 256}, {"ecdsa-256", KF_ECDSA, 256},
	{"ecdsa-384", KF_ECDSA, 384}, {"ecdsa-521", KF_ECDSA, 521}, {"rsa", KF_RSA, 3072},
	{"rsa-2048", KF_RSA, 2048}, {"rsa-3072", KF_RSA, 3072}, {"rsa-4096", KF_RSA, 4096},
};

const struct keyspec *keyspec_find(const char *name)
{
	for (size_t i = 0; i < sizeof keyspecs / sizeof keyspecs[0]; i++)
		if (!strcmp(keyspecs[i].name, name))
			return &keyspecs[i];
	return NULL;
}

int config_facility(const struct config *c)
{
	for (int i = 0; facilities[i].name; i++)
		if (c->syslog_facility && !strcasecmp(c->syslog_facility, facilities[i].name))
			return facilities[i].value;
	return LOG_AUTH;
}

void strlist_add(struct strlist *l, const char *v)
{
	if (l->n < CONFIG_MAX_LIST)
		l->v[l->n++] = strdup(v);
}

void strlist_clear(struct strlist *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->compression = COMP_YES;
	c->login_grace_time = 120;
	c->max_auth_tries = 6;
	c->required_rsa_size = 1024;
	c->max_sessions = 10;
	c->log_level = LOG_INFO;
	c->pubkey_authentication = 1;
	/* OpenSSH's default: no SHA-1 */
	c->ca_signature_algorithms = strdup("ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
					    "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"
					    "rsa-sha2-512,rsa-sha2-256");
	/* passwords travel to crypt(3) only when the administrator asks for it */
	c->password_authentication = 0;
	c->kbd_interactive_authentication = -1; /* follows PasswordAuthentication */
	c->permit_root_login = ROOT_PROHIBIT_PASSWORD;
	c->strict_modes = 1;
	c->allow_tcp_forwarding = 1;
	c->allow_agent_forwarding = 1;
	/* OpenSSH's defaults: X11 off (Debian's stock file turns it on),
	 * displays from localhost:10 */
	c->x11_display_offset = 10;
	c->x11_use_localhost = 1;
	c->xauth_location = strdup("/usr/bin/xauth");
	c->permit_tty = 1;
	c->permit_user_rc = 1;
	c->client_alive_count_max = 3;
	c->print_motd = 1;
	c->print_last_log = 1;
	c->moduli_file = strdup("/etc/ssh/moduli");
	c->sftp_server = strdup("internal-sftp");
	c->syslog_facility = strdup("AUTH");
	/* UsePAM no, as OpenSSH's built-in default; the service is ours,
	 * not sshd's, so that the two stacks can differ */
	c->pam_service_name = strdup("sshd-lite");
}

int config_read_file(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096], e2[512];
	int lineno = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char *p = line;
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s line %d: line too long", path, lineno);
			fclose(f);
			return -1;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (!strncasecmp(p, "Match", 5) && isspace((unsigned char)p[5])) {
			snprintf(err, errlen, "%s line %d: Match blocks are not supported", path, lineno);
			fclose(f);
			return -1;
		}
		if (config_set(c, p, e2, sizeof e2) < 0) {
			snprintf(err, errlen, "%s line %d: %s", path, lineno, e2);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static int resolve(char **out, const char *spec, const char *defaults, const char *supported,
		   const char *what, char *err, size_t errlen)
{
	char e2[256];
	free(*out);
	*out = alglist_apply(defaults, supported, spec, e2, sizeof e2);
	if (!*out) {
		snprintf(err, errlen, "%s: %s", what, e2);
		return -1;
	}
	if (!**out) {
		snprintf(err, errlen, "%s: empty list", what);
		return -1;
	}
	return 0;
}

/* the algorithm-list keywords: spec as given, list offered */
static const struct {
	enum algs_kind kind;
	const char *keyword;
	size_t spec, list;
} alg_lists[] = {
	{ALGS_KEX, "KexAlgorithms", F(kex_algorithms), F(kex_list)},
	{ALGS_CIPHER, "Ciphers", F(ciphers), F(cipher_list)},
	{ALGS_MAC, "MACs", F(macs), F(mac_list)},
	{ALGS_SIG, "HostKeyAlgorithms", F(host_key_algorithms), F(hostkey_alg_list)},
	{ALGS_PUBKEY, "PubkeyAcceptedAlgorithms", F(pubkey_accepted_algorithms), F(pubkey_alg_list)},
};

int config_finish(struct config *c, algs_names_fn *names, char *err, size_t errlen)
{
	char def[2048], sup[2048];
	if (c->kbd_interactive_authentication < 0)
		c->kbd_interactive_authentication = c->password_authentication;
#ifndef USE_PAM
	if (c->use_pam) {
		snprintf(err, errlen, "UsePAM yes: this sshd-lite was built without PAM (no libpam0g-dev, or USE_PAM=0)");
		return -1;
	}
#endif
	if (c->use_pam && (!c->pam_service_name || !*c->pam_service_name || strchr(c->pam_service_name, '/'))) {
		snprintf(err, errlen, "PAMServiceName: not a file name in /etc/pam.d");
		return -1;
	}
	if (c->authorized_keys_files.n == 0) {
		strlist_add(&c->authorized_keys_files, ".ssh/authorized_keys");
		strlist_add(&c->authorized_keys_files, ".ssh/authorized_keys2");
	}
	if (c->accept_env.n == 0 && !c->accept_env.v[0]) {
		strlist_add(&c->accept_env, "LANG");
		strlist_add(&c->accept_env, "LC_*");
	}
	for (size_t i = 0; i < sizeof alg_lists / sizeof alg_lists[0]; i++) {
		names(alg_lists[i].kind, 0, def, sizeof def);
		names(alg_lists[i].kind, 1, sup, sizeof sup);
		if (resolve((char **)((char *)c + alg_lists[i].list), *(char **)((char *)c + alg_lists[i].spec), def,
			    sup, alg_lists[i].keyword, err, errlen) < 0)
			return -1;
	}
	free(c->comp_list);
	/* as OpenSSH since 7.4: nothing inflated before authentication unless
	 * asked for by name */
	c->comp_list = strdup(c->compression == COMP_PREAUTH ? "none,zlib@openssh.com,zlib"
			      : c->compression == COMP_YES ? "none,zlib@openssh.com" : "none");
	return 0;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < nkeywords; i++) {
		void *p = (char *)c + keywords[i].off;
		if (keywords[i].type == K_STR || keywords[i].type == K_ALG || keywords[i].type == K_FACILITY ||
		    keywords[i].type == K_SUBSYS || keywords[i].type == K_KEYCREATE)
			free(*(char **)p);
		else if (keywords[i].type == K_LIST)
			strlist_clear(p);
	}
	free(c->kex_list);
	free(c->cipher_list);
	free(c->mac_list);
	free(c->hostkey_alg_list);
	free(c->comp_list);
	free(c->pubkey_alg_list);
	memset(c, 0, sizeof *c);
}
