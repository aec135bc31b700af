/* Base64 (RFC 4648, standard alphabet) and the PEM armor that key files
 * wear (RFC 7468). Decoding is strict: a key file or authorized_keys line
 * that is not canonical base64 is malformed, never guessed at. */
#ifndef SSHL_BASE64_H
#define SSHL_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "transport/buf.h"

/* pad=0 leaves out the '=' padding (OpenSSH fingerprints) */
int b64_encode(const uint8_t *p, size_t n, int pad, struct buf *out);
/* padded base64 with no whitespace; SSH_ERR_FORMAT otherwise */
int b64_decode(const char *s, size_t n, struct buf *out);

/* Finds the first BEGIN/END block in text and decodes its body into out.
 * label points into text; *used (if not NULL) is set to the offset just
 * past the block. SSH_ERR_ENCRYPTED for RFC 1421 "Proc-Type: 4,ENCRYPTED"
 * headers, SSH_ERR_FORMAT when there is no complete block. */
int pem_decode(const uint8_t *text, size_t len, const char **label,
	       size_t *labellen, struct buf *out, size_t *used);
/* Appends a block with 70-column lines, as ssh-keygen writes. */
int pem_encode(const char *label, const uint8_t *p, size_t n, struct buf *out);

#endif
