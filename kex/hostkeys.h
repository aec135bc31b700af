/* Host keys at start-up: which files, creating missing ones under
 * HostKeyCreate without two parallel first connections racing each other,
 * and an in-memory key for pipe mode when no file is at hand. */
#ifndef SSHL_HOSTKEYS_H
#define SSHL_HOSTKEYS_H

#include <stddef.h>

#include "config/config.h"
#include "kex/hostkey.h"
#include "transport/log.h"

/* The type HostKeyCreate makes for path: the family its file name names
 * (ed25519, ecdsa, rsa) wins; value ("yes" or a keyspec name) picks the
 * size within that family, or the type when the name names none. */
const struct keyspec *keyspec_for_create(const char *path, const char *value);
/* the key type a key spec names */
enum keytype keyspec_type(const struct keyspec *ks);

/* Loads cfg's HostKey files, or the system's default ones that exist.
 * Missing files are created when HostKeyCreate is set. In pipe mode with
 * nothing usable, one Ed25519 key is generated in memory. Returns the
 * number of keys (>= 1), or -1 with a message in err. */
int hostkeys_load(const struct config *cfg, const struct logger *log, struct hostkey *keys, int max,
		  char *err, size_t errlen);

/* -K: writes a new key of type name to path */
int hostkeys_generate_file(const char *name, const char *path, char *err, size_t errlen);

#endif
