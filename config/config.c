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

static void list_add(struct strlist *l, const char *v)
{
	if (l->n < CONFIG_MAX_LIST)
		l->v[l->n++] = strdup(v);
}

static void list_clear(struct strlist *l)
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

/* OpenSSH time format: 90, 90s, 2m, 1h30m, 1d */
static int parse_time(const char *s, int *out)
{
	long total = 0;
	if (!*s)
		return -1;
	while (*s) {
		char *end;
		long v = strtol(s, &end, 10), mul = 1;
		if (end == s || v < 0)
			return -1;
		switch (tolower((unsigned char)*end)) {
		case 0: break;
		case 's': mul = 1; end++; break;
		case 'm': mul = 60; end++; break;
		case 'h': mul = 3600; end++; break;
		case 'd': mul = 86400; end++; break;
		case 'w': mul = 604800; end++; break;
		default: return -1;
		}
		if (v > 0x7fffffff / mul || total > 0x7fffffff - v * mul)
			return -1;
		total += v * mul;
		s = end;
	}
	*out = (int)total;
	return 0;
}

static int parse_size(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	int64_t mul = 1;
	if (end == s || v < 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 0: break;
	case 'K': mul = 1024; end++; break;
	case 'M': mul = 1024 * 1024; end++; break;
	case 'G': mul = 1024LL * 1024 * 1024; end++; break;
	default: return -1;
	}
	if (*end || v > INT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes"))
		*out = 1;
	else if (!strcasecmp(v, "no"))
		*out = 0;
	else
		return -1;
	return 0;
}

static const struct keyword *find_kw(const char *name)
{
	for (size_t i = 0; i < nkeywords; i++)
		if (!strcasecmp(keywords[i].name, name))
			return &keywords[i];
	return NULL;
}

/* splits "Keyword value" / "Keyword=value"; value keeps inner spaces */
static int split(char *line, char **kw, size_t *kwlen, char **val)
{
	char *p = line, *e;
	while (isspace((unsigned char)*p))
		p++;
	*kw = p;
	while (*p && !isspace((unsigned char)*p) && *p != '=')
		p++;
	*kwlen = (size_t)(p - *kw);
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '=')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		*--e = 0;
	if (*p == '"' && e > p + 1 && e[-1] == '"') {
		e[-1] = 0;
		p++;
	}
	*val = p;
	(*kw)[*kwlen] = 0; /* the separator, or the end: the value starts after it */
	return *kwlen ? 0 : -1;
}

/* One parser per kind of value: each stores val into k's field and returns
 * 0, -1 for a bad value, or -2 when it wrote its own message to err. */
typedef int setter(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen);

static void *field(struct config *c, const struct keyword *k) { return (char *)c + k->off; }

static int set_str(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char **dst = field(c, k);
	(void)err, (void)errlen;
	free(*dst);
	*dst = strdup(val);
	return 0;
}

static int set_ignored(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)c, (void)k, (void)val, (void)err, (void)errlen;
	return 0;
}

static int set_int(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char *end;
	long v = strtol(val, &end, 10);
	(void)err, (void)errlen;
	if (*end || v < 0 || v > 1000000)
		return -1;
	*(int *)field(c, k) = (int)v;
	return 0;
}

static int set_bool(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return parse_bool(val, field(c, k));
}

static int set_time(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return parse_time(val, field(c, k));
}

/* a name from a NULL-terminated table of names, case-insensitive: its
 * index, or -1 */
static int pick(const char *val, const void *table, size_t stride)
{
	int found = -1;
	for (int i = 0;; i++) {
		const char *name = *(const char *const *)((const char *)table + (size_t)i * stride);
		if (!name)
			return found;
		if (!strcasecmp(val, name))
			found = i;
	}
}

static int set_facility(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	int i = pick(val, facilities, sizeof facilities[0]);
	(void)k, (void)err, (void)errlen;
	if (i < 0)
		return -1;
	free(c->syslog_facility);
	c->syslog_facility = strdup(facilities[i].name);
	return 0;
}

static int set_loglevel(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	int i = pick(val, loglevels, sizeof loglevels[0]);
	(void)k, (void)err, (void)errlen;
	if (i < 0)
		return -1;
	c->log_level = loglevels[i].prio;
	c->log_level_name = loglevels[i].name;
	return 0;
}

static int set_keycreate(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)k, (void)err, (void)errlen;
	if (strcasecmp(val, "no") && strcasecmp(val, "yes") && !keyspec_find(val))
		return -1;
	free(c->host_key_create);
	c->host_key_create = strcasecmp(val, "no") ? strdup(val) : NULL;
	if (c->host_key_create && !strcasecmp(val, "yes"))
		strcpy(c->host_key_create, "yes");
	return 0;
}

/* OpenSSH: AuthorizedKeysFile replaces, HostKey and AcceptEnv append; a
 * HostKey path is never split */
static int set_list(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	struct strlist *dst = field(c, k);
	char *tok, *save;
	(void)err, (void)errlen;
	if (k->off == F(authorized_keys_files))
		list_clear(dst);
	for (tok = strtok_r(val, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		list_add(dst, tok);
		if (k->off == F(host_keys))
			break;
	}
	return 0;
}

static int set_root(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	int *dst = field(c, k);
	(void)err, (void)errlen;
	if (!strcasecmp(val, "yes"))
		*dst = ROOT_YES;
	else if (!strcasecmp(val, "no"))
		*dst = ROOT_NO;
	else if (!strcasecmp(val, "prohibit-password") || !strcasecmp(val, "without-password"))
		*dst = ROOT_PROHIBIT_PASSWORD;
	else if (!strcasecmp(val, "forced-commands-only"))
		*dst = ROOT_FORCED_COMMANDS;
	else
		return -1;
	return 0;
}

static int set_comp(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	(void)k, (void)err, (void)errlen;
	if (!strcasecmp(val, "yes") || !strcasecmp(val, "delayed"))
		c->compression = COMP_YES;
	else if (!strcasecmp(val, "no"))
		c->compression = COMP_NO;
	else if (!strcasecmp(val, "zlib"))
		c->compression = COMP_PREAUTH;
	else
		return -1;
	return 0;
}

/* RekeyLimit: bytes ("default" or a size of at least 16), then optionally
 * seconds ("none", "default" or a time) */
static int set_rekey(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char *sp = strpbrk(val, " \t");
	(void)k, (void)err, (void)errlen;
	if (sp)
		*sp++ = 0;
	if (!strcasecmp(val, "default"))
		c->rekey_bytes = 0;
	else if (parse_size(val, &c->rekey_bytes) < 0 || c->rekey_bytes < 16)
		return -1;
	if (!sp)
		return 0;
	while (*sp == ' ' || *sp == '\t')
		sp++;
	if (!strcasecmp(sp, "none") || !strcasecmp(sp, "default"))
		c->rekey_seconds = 0;
	else if (parse_time(sp, &c->rekey_seconds) < 0)
		return -1;
	return 0;
}

static int set_subsys(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen)
{
	char *sp = strpbrk(val, " \t");
	(void)k;
	if (!sp)
		return -1;
	*sp++ = 0;
	while (*sp == ' ' || *sp == '\t')
		sp++;
	if (strcmp(val, "sftp") || !*sp) {
		snprintf(err, errlen, "Subsystem: only 'sftp PATH' is supported");
		return -2;
	}
	free(c->sftp_server);
	c->sftp_server = strdup(sp);
	return 0;
}

static setter *const setters[] = {
	[K_STR] = set_str, [K_ALG] = set_str, [K_INT] = set_int, [K_BOOL] = set_bool, [K_TIME] = set_time,
	[K_LIST] = set_list, [K_ROOT] = set_root, [K_COMP] = set_comp, [K_LOGLEVEL] = set_loglevel,
	[K_REKEY] = set_rekey, [K_SUBSYS] = set_subsys, [K_FACILITY] = set_facility,
	[K_KEYCREATE] = set_keycreate, [K_IGNORED] = set_ignored,
};

int config_set(struct config *c, const char *line_in, char *err, size_t errlen)
{
	char *line = strdup(line_in), *kw, *val;
	size_t kwlen;
	const struct keyword *k;
	int rc = -1;

	if (!line) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (split(line, &kw, &kwlen, &val) < 0) {
		snprintf(err, errlen, "missing keyword");
	} else if (!(k = find_kw(kw))) {
		snprintf(err, errlen, "unknown keyword '%s'", kw);
	} else if (!*val) {
		snprintf(err, errlen, "%s: missing value", k->name);
	} else if ((rc = setters[k->type](c, k, val, err, errlen)) == -1) {
		snprintf(err, errlen, "%s: bad value '%s'", k->name, val);
	}
	free(line);
	return rc < 0 ? -1 : 0;
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
		list_add(&c->authorized_keys_files, ".ssh/authorized_keys");
		list_add(&c->authorized_keys_files, ".ssh/authorized_keys2");
	}
	if (c->accept_env.n == 0 && !c->accept_env.v[0]) {
		list_add(&c->accept_env, "LANG");
		list_add(&c->accept_env, "LC_*");
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
			list_clear(p);
	}
	free(c->kex_list);
	free(c->cipher_list);
	free(c->mac_list);
	free(c->hostkey_alg_list);
	free(c->comp_list);
	free(c->pubkey_alg_list);
	memset(c, 0, sizeof *c);
}
