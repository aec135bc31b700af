/* libcrypt, loaded at the first password check (services/auth_password.c).
 * Linked, it was mapped and relocated at the start of every connection,
 * most of which check no password, and it was in every fork and exit of
 * the processes that mapped it: about a quarter of a millisecond of CPU a
 * connection. A real check and a dummy one (no such user, no usable hash)
 * both load it, so the load costs the same whichever the account. */
#ifndef SSHL_CRYPT_LIB_H
#define SSHL_CRYPT_LIB_H

#include <stddef.h>

struct crypt_data;

/* libxcrypt's soname, as Debian's libcrypt1 installs it */
#define CRYPT_LIB_SONAME "libcrypt.so.1"

/* crypt_r and crypt_gensalt_rn, as crypt(3) and crypt_gensalt(3) have them */
struct crypt_lib {
	char *(*crypt_r)(const char *phrase, const char *setting, struct crypt_data *data);
	char *(*gensalt_rn)(const char *prefix, unsigned long count, const char *rbytes, int nrbytes, char *out,
			    int outlen);
};

/* Fills l, once: 0 (also when already filled), or -1 with err saying what
 * is missing and l left empty. */
int crypt_lib_load(struct crypt_lib *l, char *err, size_t errlen);

#endif
