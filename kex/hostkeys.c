#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kex/hostkeys.h"
#include "transport/err.h"

static const char *const default_keys[] = {
	"/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_rsa_key",
};

enum keytype keyspec_type(const struct keyspec *ks)
{
	switch (ks->family) {
	case KF_ED25519:
		return KEY_ED25519;
	case KF_ECDSA:
		return ks->bits == 521 ? KEY_ECDSA_P521 : ks->bits == 384 ? KEY_ECDSA_P384 : KEY_ECDSA_P256;
	case KF_RSA:
		return KEY_RSA;
	}
	return KEY_NONE;
}

const struct keyspec *keyspec_for_create(const char *path, const char *value)
{
	const char *base = strrchr(path, '/');
	const struct keyspec *named = NULL, *want = keyspec_find(value);
	base = base ? base + 1 : path;
	/* ssh_host_ecdsa_key must never hold an RSA key, whatever the value */
	if (strstr(base, "ed25519"))
		named = keyspec_find("ed25519");
	else if (strstr(base, "ecdsa"))
		named = keyspec_find("ecdsa");
	else if (strstr(base, "rsa"))
		named = keyspec_find("rsa");
	if (named)
		return want && want->family == named->family ? want : named;
	if (want)
		return want;
	return !strcmp(value, "yes") ? keyspec_find("ed25519") : NULL;
}

/* Writes a new key beside path and links it into place: when several
 * first connections race, the first link wins and everyone loads that
 * one, so no client ever sees two different keys for one file. */
static int create_key(const char *path, const struct keyspec *ks, struct hostkey *k, const struct logger *log)
{
	char tmp[PATH_MAX], tmppub[PATH_MAX + 8], pub[PATH_MAX + 8];
	struct hostkey gen;
	int e, won = 0;

	if (snprintf(tmp, sizeof tmp, "%s.new%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return SSH_ERR_FILE;
	snprintf(tmppub, sizeof tmppub, "%s.pub", tmp);
	snprintf(pub, sizeof pub, "%s.pub", path);
	e = hostkey_generate(&gen, keyspec_type(ks), ks->bits);
	if (e != SSH_OK)
		return e;
	e = hostkey_save(&gen, tmp);
	hostkey_free(&gen);
	if (e == SSH_OK) {
		if (link(tmp, path) == 0)
			won = 1;
		else if (errno != EEXIST)
			e = SSH_ERR_FILE;
	}
	if (won && rename(tmppub, pub) != 0)
		logit(log, LOG_ERR, "%s: cannot write the public key: %s", pub, strerror(errno));
	unlink(tmp);
	unlink(tmppub);
	if (won)
		logit(log, LOG_INFO, "created %s host key %s", ks->name, path);
	return e == SSH_OK ? hostkey_load(path, k) : e;
}

static int ephemeral_key(struct hostkey *k, const struct logger *log)
{
	struct buf blob;
	char fp[128] = "?";
	int e = hostkey_generate(k, KEY_ED25519, 0);
	if (e != SSH_OK)
		return e;
	buf_init(&blob, 0);
	if (hostkey_public_blob(k, &blob) == SSH_OK && !blob.err)
		key_fingerprint(blob.d, blob.len, fp, sizeof fp);
	buf_free(&blob);
	logit(log, LOG_INFO, "pipe mode: using an ephemeral ED25519 host key %s", fp);
	return SSH_OK;
}

/* one HostKey file into k, created first under HostKeyCreate when it is
 * missing; SSH_OK, or an error with the reason in why and whether it was
 * the creation that failed */
static int load_one(const struct config *cfg, const char *path, struct hostkey *k, const struct logger *log,
		    int *created, char *why, size_t whylen)
{
	const char *hkc = cfg->host_key_create, *agent = cfg->host_key_agent;
	int e = hostkey_load(path, k);
	*created = 0;
	/* HostKeyAgent: a key whose private file we lack (or cannot read)
	 * may be one the agent holds, named by its public key */
	if (e != SSH_OK && agent && *agent && strcmp(agent, "none")) {
		int ea = hostkey_load_agent(path, agent, k);
		if (ea == SSH_OK) {
			logit(log, LOG_DEBUG, "will rely on agent for hostkey %s", path);
			return SSH_OK;
		}
		if (ea != SSH_ERR_FILE || access(path, F_OK) != 0)
			e = ea;
	}
	if (e == SSH_ERR_FILE && hkc && access(path, F_OK) != 0) {
		const struct keyspec *ks = keyspec_for_create(path, hkc);
		e = ks ? create_key(path, ks, k, log) : SSH_ERR_UNSUPPORTED;
		*created = 1;
	}
	if (e != SSH_OK)
		snprintf(why, whylen, "%s",
			 e == SSH_ERR_FILE && access(path, R_OK) != 0 ? strerror(errno)
			 : e == SSH_ERR_UNSUPPORTED		       ? "key type not supported (DSA, or another)"
								       : ssh_err(e));
	return e;
}

int hostkeys_load(const struct config *cfg, const struct logger *log, struct hostkey *keys, int max,
		  char *err, size_t errlen)
{
	int n = 0, explicit = cfg->host_keys.n > 0, e, created;
	int count = explicit ? cfg->host_keys.n : (int)(sizeof default_keys / sizeof default_keys[0]);
	const char *hkc = cfg->host_key_create;
	char why[256];

	for (int i = 0; i < count && n < max; i++) {
		const char *path = explicit ? cfg->host_keys.v[i] : default_keys[i];
		if (!explicit && access(path, F_OK) != 0)
			continue;
		e = load_one(cfg, path, &keys[n], log, &created, why, sizeof why);
		/* a default key this user may not read (pipe mode as non-root)
		 * is skipped quietly */
		if (e == SSH_ERR_FILE && !explicit) {
			logit(log, LOG_DEBUG, "%s: not readable, skipped", path);
			continue;
		}
		/* as sshd: a key that cannot be loaded (missing, unreadable,
		 * DSA, a type not supported) is logged and skipped; only
		 * having none at all stops the server */
		if (e != SSH_OK) {
			logit(log, LOG_ERR, "Unable to %s host key \"%s\": %s", created ? "create" : "load", path, why);
			/* the last one's words for the error if none loads */
			snprintf(err, errlen, "no hostkeys available -- exiting (%s: cannot %s host key: %s)", path,
				 created ? "create" : "load", why);
			continue;
		}
		n++;
	}
	if (n == 0 && explicit)
		return -1;
	if (n == 0 && !explicit && hkc) {
		const struct keyspec *ks = keyspec_for_create(default_keys[0], hkc);
		if ((e = create_key(default_keys[0], ks, &keys[0], log)) != SSH_OK) {
			snprintf(err, errlen, "%s: cannot create host key: %s", default_keys[0], ssh_err(e));
			return -1;
		}
		n = 1;
	}
	if (n == 0 && !explicit && cfg->pipe_auth) {
		if ((e = ephemeral_key(&keys[0], log)) != SSH_OK) {
			snprintf(err, errlen, "cannot generate a host key: %s", ssh_err(e));
			return -1;
		}
		n = 1;
	}
	if (n == 0) {
		snprintf(err, errlen, "no host keys available: give -h FILE, HostKey or HostKeyCreate");
		return -1;
	}
	return n;
}

int hostkeys_generate_file(const char *name, const char *path, char *err, size_t errlen)
{
	const struct keyspec *ks = keyspec_find(name);
	struct hostkey k;
	int e;
	if (!ks) {
		snprintf(err, errlen, "-K: unknown key type '%s' (ed25519, ecdsa, ecdsa-384, ecdsa-521, rsa, rsa-2048, "
				      "rsa-4096)", name);
		return -1;
	}
	if (access(path, F_OK) == 0) {
		snprintf(err, errlen, "%s: already exists", path);
		return -1;
	}
	e = hostkey_generate(&k, keyspec_type(ks), ks->bits);
	if (e == SSH_OK) {
		e = hostkey_save(&k, path);
		hostkey_free(&k);
	}
	if (e != SSH_OK) {
		snprintf(err, errlen, "%s: %s", path, ssh_err(e));
		return -1;
	}
	return 0;
}
