/* The server's half of a key agreement, uniform across classic DH, ECDH,
 * X25519 and KEM hybrids (mlkem768x25519, sntrup761x25519), in the shape of
 * OpenSSH's kexgen: one call consumes the client's value and produces
 * everything the generic driver needs. */
#ifndef SSHL_AGREE_H
#define SSHL_AGREE_H

#include <stddef.h>
#include <stdint.h>

#include "transport/buf.h"

/* A finite-field group: p as a big-endian magnitude, g small or large. */
struct dh_group {
	const uint8_t *p;
	size_t plen;
	const uint8_t *g;
	size_t glen;
};

struct agree {
	/* Reads the client's value from msg (the payload after the message
	 * number; the function checks rd_end), then appends:
	 *   reply    - the server's value as KEXDH_REPLY carries it
	 *              (string Q_S, or mpint f)
	 *   hashpart - the client's and the server's value encoded as the
	 *              exchange hash takes them (e.g. string Q_C || string Q_S,
	 *              or mpint e || mpint f)
	 *   secret   - the shared secret K encoded as the exchange hash and
	 *              key derivation take it (mpint for DH/ECDH/X25519,
	 *              string for the KEM hybrids)
	 * param is the row's parameter (curve, group) or, for group exchange,
	 * the negotiated group. Ephemeral secrets are wiped before returning.
	 * Returns SSH_ERR_KEY for an invalid client value (off-curve point,
	 * e outside [2, p-2], all-zero X25519 result). */
	int (*server)(const void *param, struct rd *msg, struct buf *reply,
		      struct buf *hashpart, struct buf *secret);
};

extern const struct agree agree_x25519;   /* param unused */
extern const struct agree agree_ecdh;     /* param: const struct ecdh_curve * */
extern const struct agree agree_dh;       /* param: const struct dh_group * */
extern const struct agree agree_sntrup761x25519; /* param unused */
extern const struct agree agree_mlkem768x25519;   /* param unused */
extern const struct agree agree_mlkem768nistp256; /* param unused */

/* NIST curves for ecdh-sha2-nistp* (RFC 5656) */
struct ecdh_curve {
	const char *name;   /* "nistp256" */
	size_t size;        /* field element bytes: 32, 48, 66 */
};
extern const struct ecdh_curve ecdh_p256, ecdh_p384, ecdh_p521;

/* Built-in groups: RFC 2409 group 1 (Oakley 2), RFC 3526 groups 14, 16, 18 */
extern const struct dh_group dh_group1, dh_group14, dh_group16, dh_group18;

/* Group exchange (RFC 4419): picks, from a file in /etc/ssh/moduli format,
 * a safe-prime group of the size closest to want within [min, max] bits,
 * choosing at random among equally close candidates; falls back to the
 * built-in groups when the file is missing or has none in range.
 * Allocates storage for the group in *out (released with dh_group_free).
 * SSH_ERR_NOALG when nothing fits. */
int dh_gex_choose(const char *moduli_path, uint32_t min, uint32_t want,
		  uint32_t max, struct dh_group *out);
void dh_group_free(struct dh_group *g);
/* Largest group any agreement accepts, in bits (RFC 4419's upper bound);
 * dh_gex_choose never returns a bigger one. */
#define DH_MAX_BITS 8192

#endif
