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
	/* the flag of an ssh-agent SIGN_REQUEST that asks for this algorithm
	 * (draft-miller-ssh-agent 4.5.1: 2 rsa-sha2-256, 4 rsa-sha2-512) */
	uint32_t agent_flag;
};

/* NULL-terminated, in the server's order of preference */
extern const struct sigalg sigalgs[];
const struct sigalg *sigalg_find(const uint8_t *name, size_t len);

struct hostkey {
	enum keytype type;
	void *priv;            /* type-specific key, owned */
	char *path;            /* file it came from, for messages */
	/* HostKeyAgent: the private half lives in an ssh-agent; priv is
	 * NULL, the public blob is kept, signatures are asked of the agent
	 * over a connection opened at load time (so a re-key after the
	 * privilege drop still reaches it) */
	uint8_t *agent_blob;
	size_t agent_bloblen;
	int agent_fd;          /* 0 for none (fd 0 is the client) */
	uint8_t *cert;         /* its HostCertificate blob, or NULL */
	size_t cert_len;
	/* a public-only key (priv NULL): the blob, owned. The network-facing
	 * process of a separated server holds only these; the monitor signs
	 * (monitor/monitor.h). */
	uint8_t *pub;
	size_t publen;
};

/* kex/hostkey_agent.c: the public key of path (path itself when it ends
 * in .pub, else path.pub) whose private half the ssh-agent at sock holds.
 * SSH_OK, SSH_ERR_FILE (public key missing, agent unreachable),
 * SSH_ERR_KEY / SSH_ERR_UNSUPPORTED for a bad or unsupported public key. */
int hostkey_load_agent(const char *path, const char *sock, struct hostkey *k);
/* the agent's signature with alg over data: the signature blob appended */
int hostkey_agent_sign(const struct hostkey *k, const struct sigalg *alg, const uint8_t *data, size_t len,
		       struct buf *out);

/* Wire name of a key blob's type: "ssh-ed25519", "ecdsa-sha2-nistp256",
 * "ssh-rsa", ... */
const char *keytype_name(enum keytype t);

/* Reads an unencrypted private key: openssh-key-v1, or PEM (RSA PKCS#1,
 * EC SEC1 "EC PRIVATE KEY", PKCS#8 "PRIVATE KEY"). SSH_ERR_FILE when missing
 * or unreadable, SSH_ERR_ENCRYPTED when passphrase-protected,
 * SSH_ERR_UNSUPPORTED for an openssh-key-v1 key of a type we do not sign
 * with (ssh-dss), SSH_ERR_KEY when malformed or of another unsupported
 * kind. */
int hostkey_load(const char *path, struct hostkey *k);
/* bits: RSA modulus size (0 = 3072), ECDSA curve size (0 = 256) */
int hostkey_generate(struct hostkey *k, enum keytype type, int bits);
/* writes openssh-key-v1 to path (mode 0600) and the public line to path.pub */
int hostkey_save(const struct hostkey *k, const char *path);
void hostkey_free(struct hostkey *k);
/* Signs with each of the key's signature algorithms and verifies the result
 * with its public blob: SSH_OK when the private and public halves belong
 * together (loading trusts a stored public key) */
int hostkey_selftest(const struct hostkey *k);

/* A public-only copy of a key (type and blob), for the process that
 * holds no private keys. SSH_OK or SSH_ERR_ALLOC / SSH_ERR_KEY. */
int hostkey_public_only(struct hostkey *k, const uint8_t *blob, size_t len);
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

/* ---- Between hostkey.c, the per-type modules (sig_*.c) and the key file
 * readers (keyfile_*.c); other layers use the functions above. ---- */

/* One row per key type. Blob and private-field functions handle the fields
 * after the type name, which the caller reads or writes. */
struct keyops {
	enum keytype type;
	const char *name;
	int (*put_public)(const void *priv, struct buf *out);
	/* openssh-key-v1 private fields (PROTOCOL.key) */
	int (*get_private)(enum keytype t, struct rd *r, void **priv);
	int (*put_private)(const void *priv, struct buf *out);
	/* appends the raw signature: the inner string of the signature blob */
	int (*sign)(const void *priv, const struct sigalg *alg,
		    const uint8_t *data, size_t len, struct buf *out);
	/* pub holds the public blob after the type name; must reach its end */
	int (*verify)(enum keytype t, const struct sigalg *alg, struct rd *pub,
		      const uint8_t *data, size_t len, const uint8_t *sig,
		      size_t siglen);
	int (*generate)(enum keytype t, int bits, void **priv);
	void (*free)(void *priv);
};

extern const struct keyops keyops_ed25519, keyops_ecdsa_p256,
	keyops_ecdsa_p384, keyops_ecdsa_p521, keyops_rsa;
const struct keyops *keyops_get(enum keytype t);
const struct keyops *keyops_by_name(const uint8_t *name, size_t len);

/* Private keys from their parts, for the file readers. RSA's parts are
 * checked against each other (n = pq, ...); a stored public key is taken
 * as it is once it is well-formed, since deriving it again would be most of
 * a connection's work: hostkey_selftest (sshd-lite -t) checks the halves.
 * pk, when not NULL, is the stored Ed25519 public key. */
int ed25519_key_from_seed(const uint8_t *seed, size_t seedlen, const uint8_t *pk, void **priv);
/* q, when not NULL, is the SEC1 public point the file stored */
int ecdsa_key_from_scalar(enum keytype t, const uint8_t *d, size_t dlen,
			  const uint8_t *q, size_t qlen, void **priv);
/* KEY_NONE unless oid (DER content bytes) names a supported curve */
enum keytype ecdsa_type_by_oid(const uint8_t *oid, size_t len);
/* big-endian magnitudes; dP and dQ are recomputed, qInv (iqmp) is checked
 * when given (NULL: recomputed) */
struct rsa_parts {
	const uint8_t *n, *e, *d, *p, *q, *iqmp;
	size_t nlen, elen, dlen, plen, qlen, iqmplen;
};
int rsa_key_from_parts(const struct rsa_parts *rp, void **priv);

/* Helpers shared by the modules. mp is a libtommath mp_int *. */
/* a libtommath call whose failure sets e to SSH_ERR_CRYPTO and jumps to
 * the function's out label */
#define MP_TRY(x)                                 \
	do {                                      \
		if ((x) != MP_OKAY) {             \
			e = SSH_ERR_CRYPTO;       \
			goto out;                 \
		}                                 \
	} while (0)
int sig_digest(const char *hash, const uint8_t *data, size_t len,
	       uint8_t *out, size_t *outlen);
int mp_put_mpint(struct buf *out, const void *mp);
/* exactly len bytes, big-endian, zero-padded on the left */
int mp_put_fixed(const void *mp, uint8_t *out, size_t len);

/* Key files: the bytes are already taken out of their PEM armor. */
int keyfile_openssh_read(const uint8_t *p, size_t len, struct hostkey *k);
int keyfile_pem_read(const char *label, size_t labellen, const uint8_t *p,
		     size_t len, struct hostkey *k);

#endif
