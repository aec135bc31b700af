/* Host keys and signatures. Key types and signature algorithms are rows in
 * tables; the transport and userauth look them up by wire name. */
#ifndef SSHL_HOSTKEY_H
#define SSHL_HOSTKEY_H

#include <stddef.h>
#include <stdint.h>

#include "transport/buf.h"

enum keytype {
	KEY_NONE = 0,
	KEY_ED25519,
	KEY_ECDSA_P256,
	KEY_ECDSA_P384,
	KEY_ECDSA_P521,
	KEY_RSA,
};

struct sigalg {
	const char *name;      /* signature / HostKeyAlgorithms name */
	enum keytype type;     /* key type it signs with */
	int legacy;            /* ssh-rsa (SHA-1): offered only when enabled */
	/* hash name for libtomcrypt: "sha256", ... (NULL for ed25519) */
	const char *hash;
};

/* NULL-terminated, in the server's order of preference */
extern const struct sigalg sigalgs[];
const struct sigalg *sigalg_find(const uint8_t *name, size_t len);

struct hostkey {
	enum keytype type;
	void *priv;            /* type-specific key, owned */
	char *path;            /* file it came from, for messages */
};

/* Wire name of a key blob's type: "ssh-ed25519", "ecdsa-sha2-nistp256",
 * "ssh-rsa", ... */
const char *keytype_name(enum keytype t);

/* Reads an unencrypted private key: openssh-key-v1, or PEM (RSA PKCS#1,
 * EC SEC1 "EC PRIVATE KEY", PKCS#8 "PRIVATE KEY"). SSH_ERR_FILE when missing
 * or unreadable, SSH_ERR_ENCRYPTED when passphrase-protected, SSH_ERR_KEY
 * when malformed or of an unsupported type. */
int hostkey_load(const char *path, struct hostkey *k);
/* bits: RSA modulus size (0 = 3072), ECDSA curve size (0 = 256) */
int hostkey_generate(struct hostkey *k, enum keytype type, int bits);
/* writes openssh-key-v1 to path (mode 0600) and the public line to path.pub */
int hostkey_save(const struct hostkey *k, const char *path);
void hostkey_free(struct hostkey *k);

/* Appends the public key blob (without an outer length). */
int hostkey_public_blob(const struct hostkey *k, struct buf *out);
/* Appends the signature blob (string alg name, string signature), without
 * an outer length. alg->type must equal k->type. */
int hostkey_sign(const struct hostkey *k, const struct sigalg *alg,
		 const uint8_t *data, size_t len, struct buf *out);
/* Verifies a signature blob over data with a public key blob, for userauth.
 * The blob's key type must match alg->type and the signature's name must be
 * alg->name. SSH_OK or SSH_ERR_SIG / SSH_ERR_KEY / SSH_ERR_FORMAT. */
int key_verify(const struct sigalg *alg, const uint8_t *blob, size_t bloblen,
	       const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen);
/* "SHA256:" + unpadded base64 of SHA-256(blob), as OpenSSH prints it */
int key_fingerprint(const uint8_t *blob, size_t bloblen, char *out, size_t outlen);

#endif
