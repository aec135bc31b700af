/* Host certificates (HostCertificate): a certificate file paired with the
 * loaded host key whose public key it certifies, and the
 * *-cert-v01@openssh.com host key algorithms offered for it. The server
 * signs with the paired key's own algorithm; the client checks the
 * certificate against its @cert-authority lines. */
#ifndef SSHL_HOSTCERT_H
#define SSHL_HOSTCERT_H

#include <stddef.h>
#include <stdint.h>

#include "kex/hostkey.h"
#include "transport/log.h"

struct hostcert_alg {
	const char *name;  /* the host key algorithm in KEXINIT */
	const char *plain; /* the signature algorithm it signs with */
};

/* NULL-terminated, in OpenSSH's order */
extern const struct hostcert_alg hostcert_algs[];
const struct hostcert_alg *hostcert_alg_find(const uint8_t *name, size_t len);

/* Reads each certificate file (a .pub line: type, base64, comment) and
 * gives it to the host key it certifies; one that cannot be read, is no
 * certificate of a type sshd-lite knows, or matches no key is logged and
 * skipped, as sshd does. */
void hostcerts_load(const char *const *files, int nfiles, const struct logger *log, struct hostkey *keys,
		    int nkeys);

/* The certified key of a certificate blob as a plain public key blob in
 * out: SSH_OK, or SSH_ERR_FORMAT for a blob that is not one. */
int hostcert_plain_blob(const uint8_t *cert, size_t len, struct buf *out);

#endif
