/* The entry point's wiring (wiring.c): the one place that knows the tables
 * of every layer. config/ is a leaf that the layers read; the names an
 * algorithm list may hold come from kex/, transport/ and services/, and are
 * handed to config_finish from here. */
#ifndef SSHL_WIRING_H
#define SSHL_WIRING_H

#include <stddef.h>

#include "config/config.h"

/* config_finish's algs_names_fn: each kind's names from the table of the
 * layer that owns it (legacy rows only when all is 1) */
void algs_names(enum algs_kind kind, int all, char *out, size_t outlen);

/* -Q: prints every supported name of one kind, one a line, to fd, as
 * ssh -Q does. what is kex, cipher, mac, key, sig or compression, or the
 * sshd_config keyword of the list (KexAlgorithms, Ciphers, ...).
 * Returns -1 for an unknown kind. */
int algs_query(const char *what, int fd);

#endif
