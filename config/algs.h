/* Bridges the configuration to the algorithm tables: the names each table
 * offers by default and all that it supports. */
#ifndef SSHL_ALGS_H
#define SSHL_ALGS_H

#include <stddef.h>

enum algs_kind { ALGS_KEX, ALGS_CIPHER, ALGS_MAC, ALGS_SIG, ALGS_PUBKEY };

/* writes the comma list of the table's names: defaults only (legacy rows
 * left out) when all is 0, every row when 1 */
void algs_names(enum algs_kind kind, int all, char *out, size_t outlen);

/* -Q: prints every supported name of one kind, one a line, to fd, as
 * ssh -Q does. what is kex, cipher, mac, key, sig or compression, or the
 * sshd_config keyword of the list (KexAlgorithms, Ciphers, ...).
 * Returns -1 for an unknown kind. */
int algs_query(const char *what, int fd);

#endif
