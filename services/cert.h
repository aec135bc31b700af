/* OpenSSH certificates (PROTOCOL.certkeys): the *-cert-v01@openssh.com key
 * blobs a user presents. Everything here is a pure function of its arguments
 * (no files, no clock, no configuration), so unit tests and the fuzzer can
 * feed it any bytes. Which CA is trusted is auth_cert.c's question. */
#ifndef SSHL_CERT_H
#define SSHL_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "services/authkeys.h"
#include "transport/buf.h"

enum { CERT_USER = 1, CERT_HOST = 2 };

struct cert {
	const char *plain;      /* the certified key's own type, "ssh-ed25519" */
	const char *logtype;    /* OpenSSH's sshkey_type: "ED25519-CERT" */
	struct buf key;         /* the certified key as a plain key blob */
	uint64_t serial;
	uint32_t type;          /* CERT_USER or CERT_HOST */
	const uint8_t *key_id;  /* the strings below point into the blob */
	size_t key_id_len;
	const uint8_t *principals; /* packed strings */
	size_t principals_len;
	uint64_t valid_after, valid_before;
	const uint8_t *crit, *ext; /* packed (name, data) pairs */
	size_t crit_len, ext_len;
	const uint8_t *ca, *sig;   /* signature key blob, signature blob */
	size_t ca_len, sig_len;
	const uint8_t *blob;    /* the whole certificate as parsed */
	size_t blob_len;
	size_t signed_len;      /* the signature covers the blob up to here
				 * (the signature key included) */
};

void cert_init(struct cert *c);
void cert_free(struct cert *c);

/* 1 when name (len bytes) is a certificate key type sshd-lite reads */
int cert_type_known(const uint8_t *name, size_t len);

/* Parses a certificate blob: every length checked, nothing left over,
 * the options and extensions well-formed. SSH_OK or SSH_ERR_FORMAT, with
 * *why saying what is wrong. The signature is not checked here. */
int cert_parse(struct cert *c, const uint8_t *blob, size_t len, const char **why);

/* The CA's signature over the certificate: its algorithm must be in
 * ca_algs (a comma list, CASignatureAlgorithms) and the CA key a plain key
 * (never itself a certificate). SSH_OK or an error with *why. */
int cert_verify(const struct cert *c, const uint8_t *blob, const char *ca_algs, const char **why);

/* The checks that need only the certificate and the moment: a user
 * certificate, valid at now (no clock skew, as sshd), with a principal list
 * that is not empty (OpenSSH 10.3), naming principal when it is not NULL.
 * SSH_OK or SSH_ERR_AUTH with *why in OpenSSH's words. */
int cert_check(const struct cert *c, uint64_t now, const char *principal, const char **why);

/* 1 when one of the certificate's principals is an entry of the comma list
 * (authorized_keys principals="...") or, with list NULL, equals name */
int cert_has_principal(const struct cert *c, const char *list, const char *name);

/* Applies the critical options and extensions to an authorized_keys line's
 * options, the most restrictive winning: an extension missing sets the
 * matching no-* flag; force-command must agree with command=; source-address
 * must match addr. store receives force-command's text (cap bytes).
 * SSH_OK or SSH_ERR_AUTH with *why; an unknown critical option refuses. */
int cert_apply_options(const struct cert *c, struct authkey *k, const char *addr, char *store, size_t cap,
		       const char **why);

/* "ED25519" for "ssh-ed25519"... as OpenSSH's sshkey_type prints a plain
 * key blob's type; "unknown" otherwise */
const char *cert_key_logtype(const uint8_t *blob, size_t len);

#endif
