#include "services/service.h"

const struct service transport_services[] = {
	{"ssh-userauth", userauth_install},
	{NULL, NULL},
};

const struct service auth_services[] = {
	{"ssh-connection", connection_install},
	{NULL, NULL},
};
