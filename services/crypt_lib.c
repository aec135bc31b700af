/* libcrypt through dlopen (services/crypt_lib.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "services/crypt_lib.h"

int crypt_lib_load(struct crypt_lib *l, char *err, size_t errlen)
{
	void *h, *c, *g;

	if (l->crypt_r && l->gensalt_rn)
		return 0;
	/* never closed: a second check finds it loaded */
	h = dlopen(CRYPT_LIB_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "cannot load %s: %s", CRYPT_LIB_SONAME, dlerror());
		return -1;
	}
	c = dlsym(h, "crypt_r");
	g = dlsym(h, "crypt_gensalt_rn");
	if (!c || !g) {
		snprintf(err, errlen, "%s has no %s", CRYPT_LIB_SONAME, c ? "crypt_gensalt_rn" : "crypt_r");
		return -1;
	}
	/* POSIX: a function's address from dlsym converts to a function
	 * pointer */
	memcpy(&l->crypt_r, &c, sizeof c);
	memcpy(&l->gensalt_rn, &g, sizeof g);
	return 0;
}
