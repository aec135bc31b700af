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
#include "config/config_src.h"
#include "transport/namelist.h"

#define F(field) offsetof(struct config, field)

const struct keyword keywords[] = {
	{"HostKey", K_LIST, F(host_keys), KW_APPEND},
	{"HostKeyAgent", K_STR, F(host_key_agent), 0},
	{"HostCertificate", K_LIST, F(host_certificates), KW_APPEND},
	{"HostDSAKey", K_LIST, F(host_keys), KW_APPEND | KW_ALIAS},
	{"KexAlgorithms", K_ALG, F(kex_algorithms), 0},
	{"Ciphers", K_ALG, F(ciphers), 0},
	{"MACs", K_ALG, F(macs), 0},
	{"HostKeyAlgorithms", K_ALG, F(host_key_algorithms), 0},
	{"PubkeyAcceptedAlgorithms", K_ALG, F(pubkey_accepted_algorithms), KW_MATCH},
	{"PubkeyAcceptedKeyTypes", K_ALG, F(pubkey_accepted_algorithms), KW_MATCH | KW_ALIAS},
	{"Compression", K_COMP, F(compression), 0},
	{"LoginGraceTime", K_TIME, F(login_grace_time), 0},
	{"MaxAuthTries", K_INT, F(max_auth_tries), KW_MATCH},
	{"MaxSessions", K_INT, F(max_sessions), KW_MATCH},
	{"RequiredRSASize", K_INT, F(required_rsa_size), KW_MATCH},
	{"RekeyLimit", K_REKEY, F(rekey_bytes), KW_MATCH},
	{"ModuliFile", K_STR, F(moduli_file), 0},
	{"LogLevel", K_LOGLEVEL, F(log_level), KW_MATCH},
	{"SyslogFacility", K_FACILITY, F(syslog_facility), 0},
	{"AuthorizedKeysFile", K_LIST, F(authorized_keys_files), KW_MATCH},
	{"AuthorizedKeysCommand", K_STR, F(authorized_keys_command), KW_MATCH},
	{"AuthorizedKeysCommandUser", K_STR, F(authorized_keys_command_user), KW_MATCH},
	{"TrustedUserCAKeys", K_STR, F(trusted_user_ca_keys), KW_MATCH},
	{"AuthorizedPrincipalsFile", K_STR, F(authorized_principals_file), KW_MATCH},
	{"AuthorizedPrincipalsCommand", K_STR, F(authorized_principals_command), KW_MATCH},
	{"AuthorizedPrincipalsCommandUser", K_STR, F(authorized_principals_command_user), KW_MATCH},
	{"CASignatureAlgorithms", K_ALG, F(ca_signature_algorithms), KW_MATCH},
	{"RevokedKeys", K_STR, F(revoked_keys), KW_MATCH},
	{"AuthenticationMethods", K_AUTHMETHODS, F(authentication_methods), KW_MATCH},
	{"PubkeyAuthentication", K_BOOL, F(pubkey_authentication), KW_MATCH},
	{"PubkeyAuthOptions", K_PKOPTS, F(pubkey_auth_options), KW_MATCH},
	{"DSAAuthentication", K_BOOL, F(pubkey_authentication), KW_ALIAS},
	{"PasswordAuthentication", K_BOOL, F(password_authentication), KW_MATCH},
	{"KbdInteractiveAuthentication", K_BOOL, F(kbd_interactive_authentication), KW_MATCH},
	{"ChallengeResponseAuthentication", K_BOOL, F(kbd_interactive_authentication), KW_MATCH | KW_ALIAS},
	{"SKeyAuthentication", K_BOOL, F(kbd_interactive_authentication), KW_MATCH | KW_ALIAS},
	{"PermitEmptyPasswords", K_BOOL, F(permit_empty_passwords), KW_MATCH},
	{"PermitRootLogin", K_ROOT, F(permit_root_login), KW_MATCH},
	{"StrictModes", K_BOOL, F(strict_modes), 0},
	{"TCPKeepAlive", K_BOOL, F(tcp_keep_alive), 0},
	{"KeepAlive", K_BOOL, F(tcp_keep_alive), KW_ALIAS},
	/* appended line after line; a Match block's list replaces */
	{"DenyUsers", K_PATLIST, F(deny_users), KW_MATCH | KW_APPEND},
	{"AllowUsers", K_PATLIST, F(allow_users), KW_MATCH | KW_APPEND},
	{"DenyGroups", K_PATLIST, F(deny_groups), KW_MATCH | KW_APPEND},
	{"AllowGroups", K_PATLIST, F(allow_groups), KW_MATCH | KW_APPEND},
	{"Banner", K_STR, F(banner), KW_MATCH},
	{"AllowTcpForwarding", K_BOOL, F(allow_tcp_forwarding), KW_MATCH},
	{"AllowAgentForwarding", K_BOOL, F(allow_agent_forwarding), KW_MATCH},
	{"X11Forwarding", K_BOOL, F(x11_forwarding), KW_MATCH},
	{"X11DisplayOffset", K_INT, F(x11_display_offset), KW_MATCH},
	{"X11UseLocalhost", K_BOOL, F(x11_use_localhost), KW_MATCH},
	{"XAuthLocation", K_STR, F(xauth_location), 0},
	{"PermitTTY", K_BOOL, F(permit_tty), KW_MATCH},
	{"PermitUserRC", K_BOOL, F(permit_user_rc), KW_MATCH},
	{"PermitUserEnvironment", K_USERENV, F(permit_user_env), 0},
	{"AcceptEnv", K_LIST, F(accept_env), KW_MATCH | KW_APPEND},
	{"Subsystem", K_SUBSYS, F(sftp_server), KW_MATCH},
	{"ClientAliveInterval", K_TIME, F(client_alive_interval), KW_MATCH},
	{"ClientAliveCountMax", K_INT, F(client_alive_count_max), KW_MATCH},
	{"GatewayPorts", K_BOOL, F(gateway_ports), KW_MATCH},
	{"AllowStreamLocalForwarding", K_FWD, F(allow_streamlocal_forwarding), KW_MATCH},
	{"StreamLocalBindMask", K_MODE, F(streamlocal_bind_mask), KW_MATCH},
	{"StreamLocalBindUnlink", K_BOOL, F(streamlocal_bind_unlink), KW_MATCH},
	{"PrintMotd", K_BOOL, F(print_motd), 0},
	{"PrintLastLog", K_BOOL, F(print_last_log), 0},
	{"UseDNS", K_BOOL, F(use_dns), 0},
	{"VersionAddendum", K_STR, F(version_addendum), 0},
	{"PipeAuthentication", K_BOOL, F(pipe_auth), 0},
	{"PipeAuthenticationAllowRoot", K_BOOL, F(pipe_auth_root), 0},
	{"HostKeyCreate", K_KEYCREATE, F(host_key_create), 0},
	{"UsePAM", K_BOOL, F(use_pam), 0},
	{"PAMServiceName", K_STR, F(pam_service_name), KW_MATCH},
	{"ForceCommand", K_STR, F(force_command), KW_MATCH},
	{"ChrootDirectory", K_STR, F(chroot_directory), KW_MATCH},
	{"SetEnv", K_ENV, F(set_env), KW_MATCH},
	{"PermitOpen", K_PERMIT, F(permit_open), KW_MATCH},
	{"PermitListen", K_PERMIT, F(permit_listen), KW_MATCH},
	{"DisableForwarding", K_BOOL, F(disable_forwarding), KW_MATCH},
	{"ExposeAuthInfo", K_BOOL, F(expose_auth_info), KW_MATCH},
	{"ChannelTimeout", K_CHANTIMEOUT, F(channel_timeout), KW_MATCH},
	{"UnusedConnectionTimeout", K_TIMENONE, F(unused_connection_timeout), KW_MATCH},
	{"RefuseConnection", K_BOOL, F(refuse_connection), KW_MATCH},
};

const size_t nkeywords = sizeof keywords / sizeof keywords[0];
_Static_assert(sizeof keywords / sizeof keywords[0] <= CONFIG_MAX_KEYWORDS, "raise CONFIG_MAX_KEYWORDS");

const void *keyword_find(const char *name, int *other)
{
	for (size_t i = 0; i < nkeywords; i++)
		if (!strcasecmp(keywords[i].name, name)) {
			*other = 0;
			return &keywords[i];
		}
	for (size_t i = 0; i < nother_keywords; i++)
		if (!strcasecmp(other_keywords[i].name, name)) {
			*other = 1;
			return &other_keywords[i];
		}
	return NULL;
}

size_t keyword_slot(const struct keyword *k)
{
	for (size_t i = 0; i < nkeywords; i++)
		if (keywords[i].off == k->off)
			return i;
	return (size_t)(k - keywords);
}

size_t other_slot(const struct other_keyword *o)
{
	size_t i = (size_t)(o - other_keywords);
	/* an alias follows its keyword */
	while (i > 0 && (other_keywords[i].flags & KW_ALIAS))
		i--;
	return i;
}

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

void strlist_add(struct strlist *l, const char *v) { (void)strlist_push(l, v); }

int strlist_push(struct strlist *l, const char *v)
{
	char *d;
	if (l->n >= CONFIG_MAX_LIST || !(d = strdup(v)))
		return -1;
	l->v[l->n++] = d;
	return 0;
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
	/* passwords travel to crypt(3) only when the administrator asks for it */
	c->password_authentication = 0;
	c->kbd_interactive_authentication = -1; /* follows PasswordAuthentication */
	c->permit_root_login = ROOT_PROHIBIT_PASSWORD;
	c->strict_modes = 1;
	c->tcp_keep_alive = 1;
	c->allow_tcp_forwarding = 1;
	c->allow_streamlocal_forwarding = FWD_ALL;
	c->streamlocal_bind_mask = 0177;
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

/* the methods AuthenticationMethods may name, and the setting that enables
 * each (-1: never enabled here: hostbased, GSSAPI) */
static const struct {
	const char *name;
	long enabled;
} auth_method_names[] = {
	{"publickey", F(pubkey_authentication)},
	{"password", F(password_authentication)},
	{"keyboard-interactive", F(kbd_interactive_authentication)},
	{"hostbased", -1},
	{"gssapi-with-mic", -1},
};

/* the row of one method of a list ("keyboard-interactive:pam" is
 * keyboard-interactive with a device name), or -1 */
static int auth_method_row(const char *m, size_t n)
{
	const char *colon = memchr(m, ':', n);
	if (colon)
		n = (size_t)(colon - m);
	for (size_t i = 0; i < sizeof auth_method_names / sizeof auth_method_names[0]; i++)
		if (name_eq(auth_method_names[i].name, m, n) && (!colon || i == 2))
			return (int)i;
	return -1;
}

/* One list of methods (len bytes, commas between them): -1 for an unknown
 * method (named in err), else 1 when each is known and, with c, enabled
 * there, 0 when one is not enabled */
static int authmethods_list(const struct config *c, const char *list, size_t len, char *err, size_t errlen)
{
	struct namelist it;
	const char *m;
	size_t n;
	int ok = 1;
	namelist_init(&it, list, len);
	while (namelist_next(&it, &m, &n)) {
		int row = auth_method_row(m, n);
		if (row < 0) {
			snprintf(err, errlen, "AuthenticationMethods: unknown method \"%.*s\"", (int)n, m);
			return -1;
		}
		if (c && (auth_method_names[row].enabled < 0 ||
			  *(const int *)((const char *)c + auth_method_names[row].enabled) <= 0))
			ok = 0;
	}
	return ok;
}

/* the lists, one space apart as config_set keeps them: -1 for an unknown
 * method, else 1 when some list passes authmethods_list, 0 when none does */
static int authmethods_scan(const struct config *c, const char *lists, char *err, size_t errlen)
{
	int some = 0;
	while (*lists) {
		size_t n = strcspn(lists, " ");
		int r = authmethods_list(c, lists, n, err, errlen);
		if (r < 0)
			return -1;
		some |= r;
		lists += n + (lists[n] == ' ');
	}
	return some;
}

int authmethods_valid(const char *lists, char *err, size_t errlen)
{
	return authmethods_scan(NULL, lists, err, errlen) < 0 ? -1 : 0;
}

/* as sshd at start-up: at least one list must be made only of enabled
 * methods, or nobody could ever log in */
static int authmethods_satisfiable(const struct config *c, char *err, size_t errlen)
{
	if (!c->authentication_methods || authmethods_scan(c, c->authentication_methods, err, errlen) == 1)
		return 0;
	snprintf(err, errlen, "AuthenticationMethods cannot be satisfied by enabled authentication methods");
	return -1;
}
/* CASignatureAlgorithms: OpenSSH's default (no SHA-1), and what may be
 * added to it */
#define CA_SIG_DEFAULT                                                                                             \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"       \
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
#define CA_SIG_SUPPORTED CA_SIG_DEFAULT ",ssh-rsa"

/* keyboard-interactive:DEVICE: on Linux OpenSSH has one device, "pam",
 * and only with UsePAM; the checks run the plain method, so any other
 * device would be a restriction accepted and ignored: refused instead */
static int authmethods_device(const struct config *c, const char *m, size_t n, char *err, size_t errlen)
{
	const char *dev = memchr(m, ':', n);
	size_t dn;
	if (!dev || auth_method_row(m, n) != 2)
		return 0;
	dev++;
	dn = n - (size_t)(dev - m);
	if (!name_eq("pam", dev, dn)) {
		snprintf(err, errlen, "AuthenticationMethods: keyboard-interactive device \"%.*s\" not supported "
			 "by sshd-lite (only pam, with UsePAM yes)", (int)dn, dev);
		return -1;
	}
	if (c->use_pam <= 0) {
		snprintf(err, errlen, "AuthenticationMethods: keyboard-interactive:pam needs UsePAM yes");
		return -1;
	}
	return 0;
}

static int authmethods_devices(const struct config *c, char *err, size_t errlen)
{
	const char *lists = c->authentication_methods, *m;
	struct namelist it;
	size_t n, ml;
	while (lists && *lists) {
		n = strcspn(lists, " ");
		namelist_init(&it, lists, n);
		while (namelist_next(&it, &m, &ml))
			if (authmethods_device(c, m, ml, err, errlen) < 0)
				return -1;
		lists += n + (lists[n] == ' ');
	}
	return 0;
}

int config_finish(struct config *c, algs_names_fn *names, char *err, size_t errlen)
{
	char def[2048], sup[2048];
	c->names = names;
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
	if (authmethods_devices(c, err, errlen) < 0 || authmethods_satisfiable(c, err, errlen) < 0)
		return -1;
	/* as sshd: a command nobody is named to run is an error */
	if (c->authorized_keys_command && *c->authorized_keys_command &&
	    strcasecmp(c->authorized_keys_command, "none") &&
	    (!c->authorized_keys_command_user || !strcasecmp(c->authorized_keys_command_user, "none"))) {
		snprintf(err, errlen, "AuthorizedKeysCommand set without AuthorizedKeysCommandUser");
		return -1;
	}
	if (c->authorized_principals_command && strcmp(c->authorized_principals_command, "none")) {
		/* OpenSSH refuses both at start-up, not at the first login */
		if (c->authorized_principals_command[0] != '/') {
			snprintf(err, errlen, "AuthorizedPrincipalsCommand must be an absolute path");
			return -1;
		}
		if (!c->authorized_principals_command_user) {
			snprintf(err, errlen, "AuthorizedPrincipalsCommand set without AuthorizedPrincipalsCommandUser");
			return -1;
		}
	}
	if (c->authorized_keys_files.n == 0) {
		strlist_add(&c->authorized_keys_files, ".ssh/authorized_keys");
		strlist_add(&c->authorized_keys_files, ".ssh/authorized_keys2");
	}
	for (size_t i = 0; i < sizeof alg_lists / sizeof alg_lists[0]; i++) {
		names(alg_lists[i].kind, 0, def, sizeof def);
		names(alg_lists[i].kind, 1, sup, sizeof sup);
		if (resolve((char **)((char *)c + alg_lists[i].list), *(char **)((char *)c + alg_lists[i].spec), def,
			    sup, alg_lists[i].keyword, err, errlen) < 0)
			return -1;
	}
	if (resolve(&c->ca_sig_list, c->ca_signature_algorithms, CA_SIG_DEFAULT, CA_SIG_SUPPORTED,
		    "CASignatureAlgorithms", err, errlen) < 0)
		return -1;
	free(c->comp_list);
	/* as OpenSSH since 7.4: nothing inflated before authentication unless
	 * asked for by name */
	c->comp_list = strdup(c->compression == COMP_PREAUTH ? "none,zlib@openssh.com,zlib"
			      : c->compression == COMP_YES ? "none,zlib@openssh.com" : "none");
	return 0;
}

/* the fields of one row that own memory: what config_copy duplicates and
 * config_free frees (a new kind of value that allocates belongs here) */
static int owns_string(enum ktype t)
{
	return t == K_STR || t == K_ALG || t == K_FACILITY || t == K_SUBSYS || t == K_KEYCREATE || t == K_AUTHMETHODS ||
	       t == K_USERENV;
}

static const size_t derived[] = {F(kex_list), F(cipher_list), F(mac_list), F(hostkey_alg_list), F(comp_list),
				 F(pubkey_alg_list), F(ca_sig_list)};

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

int config_copy(struct config *dst, const struct config *src)
{
	*dst = *src;
	dst->src_owner = 0;
	for (size_t i = 0; i < nkeywords; i++) {
		void *p = (char *)dst + keywords[i].off;
		if (keyword_slot(&keywords[i]) != i)
			continue; /* an alias: its field is copied with its keyword */
		if (owns_string(keywords[i].type)) {
			*(char **)p = dup_or_null(*(char **)p);
		} else if (K_OWNS_LIST(keywords[i].type)) {
			struct strlist *l = p;
			for (int j = 0; j < l->n; j++)
				l->v[j] = strdup(l->v[j]);
		}
	}
	for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++) {
		char **p = (char **)((char *)dst + derived[i]);
		*p = dup_or_null(*p);
	}
	for (size_t i = 0; i < CONFIG_MAX_OTHER; i++)
		dst->other[i] = dup_or_null(dst->other[i]);
	return 0;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < nkeywords; i++) {
		void *p = (char *)c + keywords[i].off;
		if (keyword_slot(&keywords[i]) != i)
			continue;
		if (owns_string(keywords[i].type))
			free(*(char **)p);
		else if (K_OWNS_LIST(keywords[i].type))
			strlist_clear(p);
	}
	for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++)
		free(*(char **)((char *)c + derived[i]));
	for (size_t i = 0; i < CONFIG_MAX_OTHER; i++)
		free(c->other[i]);
	if (c->src_owner)
		config_src_free(c->src);
	memset(c, 0, sizeof *c);
}
