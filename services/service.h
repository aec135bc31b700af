/* Services that SERVICE_REQUEST selects: rows keyed by name. A service's
 * install() puts its handlers into the dispatch table for its message
 * range, so it owns those numbers from then on. */
#ifndef SSHL_SERVICE_H
#define SSHL_SERVICE_H

#include <stddef.h>

struct conn;

struct service {
	const char *name;
	int (*install)(struct conn *c);
};

/* the services a client may ask for by SERVICE_REQUEST */
extern const struct service transport_services[];
/* the services userauth may start after success (RFC 4252 5) */
extern const struct service auth_services[];
const struct service *service_find(const struct service *table, const char *name, size_t len);

int userauth_install(struct conn *c);
int connection_install(struct conn *c);

#endif
