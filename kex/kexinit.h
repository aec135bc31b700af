#ifndef SSHL_KEXINIT_H
#define SSHL_KEXINIT_H

#include <stddef.h>
#include <stdint.h>

#include "transport/buf.h"

struct conn;
struct kex;

/* what the guess rule needs from the client's KEXINIT */
struct kexinit_client {
	int follows;            /* first_kex_packet_follows */
	int kex_right;          /* its first kex name is the server's first */
	int hostkey_right;      /* its first host key name is the server's first */
};

int kexinit_build(const struct conn *c, struct buf *b);
/* reads the client's KEXINIT (after the message number) and negotiates */
int kexinit_parse(struct conn *c, struct kex *k, struct rd *r, struct kexinit_client *ci);
void kexinit_hostkey_algs(const struct conn *c, char *out, size_t outlen);

#endif
