#include <string.h>

#include "services/service.h"
#include "transport/namelist.h"

const struct service transport_services[] = {
	{"ssh-userauth", userauth_install},
	{NULL, NULL},
};

const struct service auth_services[] = {
	{"ssh-connection", connection_install},
	{NULL, NULL},
};

const struct service *service_find(const struct service *table, const char *name, size_t len)
{
	for (; table->name; table++)
		if (name_eq(table->name, name, len))
			return table;
	return NULL;
}
