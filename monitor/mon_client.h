/* The server's side of the monitor's socket (monitor.h). */
#ifndef SSHL_MON_CLIENT_H
#define SSHL_MON_CLIENT_H

#include <stddef.h>

#include "kex/hostkey.h"

/* Waits for the monitor's MON_KEYS and makes keys[0..*nkeys) public-only
 * copies. SSH_OK, or an error with err set (the monitor's own message when
 * it could not load the keys). */
int mon_client_keys(int fd, struct hostkey *keys, int max, int *nkeys, char *err, size_t errlen);

#endif
