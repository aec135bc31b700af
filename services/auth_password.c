/* "password" (RFC 4252 8) and "keyboard-interactive" (RFC 4256) with a
 * single "Password: " prompt; both end in one crypt(3) check. */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "services/crypt_lib.h"
#include "services/pam.h"
#include "services/userauth.h"
#include "transport/msg.h"

/* longer passwords are refused, as OpenSSH does */
#define PASSWORD_MAX 1024
/* message 60 has two names; this one belongs to RFC 4256 */
#define SSH_MSG_USERAUTH_INFO_REQUEST SSH_MSG_USERAUTH_PK_OK

int auth_password_enabled(const struct conn *c) { return c->cfg->password_authentication; }
int auth_kbdint_enabled(const struct conn *c) { return c->cfg->kbd_interactive_authentication; }

/* for accounts with no usable hash: the method and cost real ones have */
static const char *dummy_setting(const struct crypt_lib *l, char *out, size_t len)
{
	return user_dummy_setting(l->gensalt_rn, out, len) == SSH_OK ? out : "$6$sshdlitedummy$";
}

int password_check(struct conn *c, struct userauth *u, const uint8_t *pw, size_t len)
{
	char plain[PASSWORD_MAX + 1], hash[512], setting[256];
	struct crypt_data *cd;
	const char *setting_for = NULL, *res;
	int have, ok = 0, usable;

	if (crypt_lib_load(&u->crypt, setting, sizeof setting) < 0) {
		logit(c->log, LOG_ERR, "password check for %s: %s", u->logname, setting);
		wipe((void *)pw, len);
		return UA_FAILURE;
	}
	if (!(cd = calloc(1, sizeof *cd)))
		return SSH_ERR_ALLOC;
	usable = len <= PASSWORD_MAX && !memchr(pw, 0, len);
	if (usable) {
		memcpy(plain, pw, len);
		plain[len] = 0;
	} else {
		plain[0] = 0;
	}
	have = u->user.valid && user_password_hash(u->user.name, hash, sizeof hash) == SSH_OK;
	if (have && hash[0] == 0) {
		/* no password set: only an empty one, and only if allowed */
		ok = usable && len == 0 && c->cfg->permit_empty_passwords;
	} else if (have && hash[0] != '!' && hash[0] != '*') {
		setting_for = hash;
	} else if (have && hash[0] == '!' && hash[1] == '$') {
		/* a locked hash is still worked out, then refused */
		setting_for = hash + 1;
	}
	res = u->crypt.crypt_r(plain, setting_for ? setting_for : dummy_setting(&u->crypt, setting, sizeof setting), cd);
	if (setting_for == hash && usable && res && res[0] != '*' && strlen(res) == strlen(hash))
		ok = ct_eq(res, hash, strlen(hash));
	if (len == 0 && !c->cfg->permit_empty_passwords)
		ok = 0;
	wipe(plain, sizeof plain);
	wipe(hash, sizeof hash);
	wipe(cd, sizeof *cd);
	free(cd);
	/* the password also sits in the packet buffer: clear it there */
	wipe((void *)pw, len);
	if (!ok || !u->user.allowed)
		return UA_FAILURE;
	return ua_root_allowed(c, u, "password", 0) ? UA_SUCCESS : UA_FAILURE;
}

int auth_password(struct conn *c, struct userauth *u, struct rd *r)
{
	const uint8_t *pw, *npw;
	size_t len, nlen;
	int change, e;

	/* change flag, password[, new password] */
	if ((e = rd_bool(r, &change)) != SSH_OK || (e = rd_string(r, &pw, &len)) != SSH_OK)
		return e;
	if (change) {
		if ((e = rd_string(r, &npw, &nlen)) != SSH_OK)
			return e;
		wipe((void *)npw, nlen);
		wipe((void *)pw, len);
		logit(c->log, LOG_INFO, "password change not supported for %s", u->logname);
		return UA_FAILURE;
	}
	if ((e = rd_end(r)) != SSH_OK)
		return e;
	if (c->cfg->use_pam)
		return pam_password(c, u, pw, len);
	return password_check(c, u, pw, len);
}

static int h_info_response(struct conn *c, uint8_t type, struct rd *r)
{
	struct userauth *u = c->userauth;
	const uint8_t *pw;
	size_t len;
	uint32_t n;
	int e;
	(void)type;

	if (!u || !u->kbd_pending)
		return SSH_ERR_PROTO;
	u->kbd_pending = 0;
	c->dispatch[SSH_MSG_USERAUTH_INFO_RESPONSE] = NULL;
	/* num-responses, then one response per prompt: we asked one */
	if ((e = rd_u32(r, &n)) != SSH_OK)
		return e;
	/* RFC 4256 3.4: a count that does not match is answered with FAILURE */
	if (n != 1)
		return ua_finish(c, u, UA_FAILURE, "keyboard-interactive");
	if ((e = rd_string(r, &pw, &len)) != SSH_OK || (e = rd_end(r)) != SSH_OK)
		return e;
	u->extra[0] = 0;
	return ua_finish(c, u, password_check(c, u, pw, len), "keyboard-interactive");
}

int auth_kbdint(struct conn *c, struct userauth *u, struct rd *r)
{
	struct buf *b;
	int e;

	/* language tag (deprecated), submethods: both ignored */
	if ((e = rd_string(r, NULL, NULL)) != SSH_OK || (e = rd_string(r, NULL, NULL)) != SSH_OK ||
	    (e = rd_end(r)) != SSH_OK)
		return e;
	if (c->cfg->use_pam)
		return pam_kbdint(c, u);
	/* INFO_REQUEST: name, instruction, language tag, num-prompts, then
	 * prompt and echo for each */
	if ((e = pkt_begin(c, SSH_MSG_USERAUTH_INFO_REQUEST, &b)) != SSH_OK)
		return e;
	buf_cstring(b, "");
	buf_cstring(b, "");
	buf_cstring(b, "");
	buf_u32(b, 1);
	buf_cstring(b, "Password: ");
	buf_bool(b, 0);
	if ((e = pkt_send(c)) != SSH_OK)
		return e;
	u->kbd_pending = 1;
	c->dispatch[SSH_MSG_USERAUTH_INFO_RESPONSE] = h_info_response;
	return UA_POSTPONED;
}
