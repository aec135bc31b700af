/* OpenSSH's binary key revocation lists (PROTOCOL.krl), as RevokedKeys
 * reads them. A pure function of its arguments, like cert.c, so that unit
 * tests and the fuzzer can feed it any bytes. */
#ifndef SSHL_KRL_H
#define SSHL_KRL_H

#include <stddef.h>
#include <stdint.h>

#include "services/cert.h"

enum {
	KRL_CLEAR = 0,   /* a well-formed KRL that does not revoke the key */
	KRL_REVOKED = 1, /* the key (or certificate) is revoked */
	KRL_NOT_KRL = 2, /* no KRL magic: the caller reads a plain key list */
};

/* 1 when the file starts with the KRL magic ("SSHKRL\n\0") */
int krl_is_krl(const uint8_t *p, size_t len);

/* Walks the whole KRL (every section checked, even after a match, since a
 * malformed list refuses every key as in OpenSSH) and says whether key (a
 * plain key blob: for a certificate, its certified key) is revoked by
 * hash, by explicit key, or, when ct is not NULL, as a certificate by its
 * CA's serial list, range, bitmap or key id. The signature section is
 * read and not checked, as sshd does. KRL_CLEAR, KRL_REVOKED, KRL_NOT_KRL,
 * or SSH_ERR_FORMAT with *why. */
int krl_check(const uint8_t *krl, size_t len, const uint8_t *key, size_t keylen, const struct cert *ct,
	      const char **why);

#endif
