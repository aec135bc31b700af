/* Security-key signatures (OpenSSH PROTOCOL.u2f). The authenticator signs
 * SHA256(application) || flags || counter || SHA256(message) with a plain
 * Ed25519 or ECDSA P-256 key, so the check is the ordinary one over those 69
 * bytes, done by key_verify on the equivalent plain key and signature. */
#include <string.h>

#include <tomcrypt.h>

#include "kex/hostkey.h"
#include "services/userauth.h"
#include "transport/crypto.h"
#include "transport/namelist.h"

#define SK_USER_PRESENT 0x01
#define SK_USER_VERIFIED 0x04

static int sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned long ol = 32;
	return hash_memory(idx_sha256(), p, n, out, &ol) == CRYPT_OK ? SSH_OK : SSH_ERR_CRYPTO;
}

/* Rewrites the sk key blob as the plain key blob it contains and returns
 * the application string; name is the plain type. */
static int plain_key(const char *alg, const uint8_t *blob, size_t len, struct buf *out, const char **name,
		     const uint8_t **app, size_t *applen)
{
	struct rd r;
	const uint8_t *pk, *curve;
	size_t pkl, cl;
	int ed = !strcmp(alg, "sk-ssh-ed25519@openssh.com");

	rd_init(&r, blob, len);
	/* string type, then for ed25519: string public key; for ECDSA:
	 * string curve, string Q; then string application */
	if (rd_text(&r, NULL, NULL) != SSH_OK)
		return SSH_ERR_FORMAT;
	if (ed) {
		*name = "ssh-ed25519";
		if (rd_string(&r, &pk, &pkl) != SSH_OK)
			return SSH_ERR_FORMAT;
		buf_cstring(out, *name);
	} else {
		*name = "ecdsa-sha2-nistp256";
		if (rd_text(&r, &curve, &cl) != SSH_OK || rd_string(&r, &pk, &pkl) != SSH_OK)
			return SSH_ERR_FORMAT;
		buf_cstring(out, *name);
		buf_string(out, curve, cl);
	}
	buf_string(out, pk, pkl);
	if (rd_text(&r, app, applen) != SSH_OK || rd_end(&r) != SSH_OK)
		return SSH_ERR_FORMAT;
	return out->err;
}

int sk_verify(const char *alg, const uint8_t *blob, size_t bloblen, const uint8_t *data, size_t len,
	      const uint8_t *sig, size_t siglen, int touch_required, int verify_required)
{
	struct buf key, psig;
	struct rd r;
	const uint8_t *sn, *raw, *app;
	size_t snl, rawl, appl;
	const char *name;
	uint8_t msg[32 + 1 + 4 + 32], flags;
	uint32_t counter;
	int e;

	buf_init(&key, 4096);
	buf_init(&psig, 4096);
	e = plain_key(alg, blob, bloblen, &key, &name, &app, &appl);
	/* signature: string algorithm, string signature, byte flags,
	 * uint32 counter */
	rd_init(&r, sig, siglen);
	if (e == SSH_OK && (rd_text(&r, &sn, &snl) != SSH_OK || rd_string(&r, &raw, &rawl) != SSH_OK ||
			    rd_u8(&r, &flags) != SSH_OK || rd_u32(&r, &counter) != SSH_OK || rd_end(&r) != SSH_OK))
		e = SSH_ERR_FORMAT;
	if (e == SSH_OK && !name_eq(alg, sn, snl))
		e = SSH_ERR_SIG;
	if (e == SSH_OK)
		e = sha256(app, appl, msg);
	if (e == SSH_OK) {
		msg[32] = flags;
		put_u32(msg + 33, counter);
		e = sha256(data, len, msg + 37);
	}
	if (e == SSH_OK) {
		buf_cstring(&psig, name);
		buf_string(&psig, raw, rawl);
		e = psig.err;
	}
	if (e == SSH_OK) {
		const struct sigalg *sa = sigalg_find((const uint8_t *)name, strlen(name));
		e = sa ? key_verify(sa, key.d, key.len, msg, sizeof msg, psig.d, psig.len) : SSH_ERR_SIG;
	}
	if (e == SSH_OK && ((touch_required && !(flags & SK_USER_PRESENT)) ||
			    (verify_required && !(flags & SK_USER_VERIFIED))))
		e = SSH_ERR_AUTH;
	buf_free(&key);
	buf_free(&psig);
	return e;
}
