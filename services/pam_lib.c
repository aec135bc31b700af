/* libpam through dlopen (services/pam_lib.h). */
#ifdef USE_PAM
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "services/pam_lib.h"

/* each function pointer of struct pam_lib, by its libpam name */
static const struct {
	const char *name;
	size_t off;
} syms[] = {
	{"pam_start", offsetof(struct pam_lib, start)},
	{"pam_end", offsetof(struct pam_lib, end)},
	{"pam_set_item", offsetof(struct pam_lib, set_item)},
	{"pam_get_item", offsetof(struct pam_lib, get_item)},
	{"pam_authenticate", offsetof(struct pam_lib, authenticate)},
	{"pam_acct_mgmt", offsetof(struct pam_lib, acct_mgmt)},
	{"pam_chauthtok", offsetof(struct pam_lib, chauthtok)},
	{"pam_setcred", offsetof(struct pam_lib, setcred)},
	{"pam_open_session", offsetof(struct pam_lib, open_session)},
	{"pam_close_session", offsetof(struct pam_lib, close_session)},
	{"pam_getenvlist", offsetof(struct pam_lib, getenvlist)},
	{"pam_strerror", offsetof(struct pam_lib, strerror)},
};

int pam_lib_load(struct pam_lib *l, char *err, size_t errlen)
{
	/* global, as a linked libpam would be: a module that does not name
	 * libpam among its own dependencies still finds its functions */
	void *h = dlopen(PAM_LIB_SONAME, RTLD_NOW | RTLD_GLOBAL);
	memset(l, 0, sizeof *l);
	if (!h) {
		snprintf(err, errlen, "PAM: cannot load %s: %s", PAM_LIB_SONAME, dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		void *f = dlsym(h, syms[i].name);
		if (!f) {
			snprintf(err, errlen, "PAM: %s has no %s", PAM_LIB_SONAME, syms[i].name);
			memset(l, 0, sizeof *l);
			return -1;
		}
		/* POSIX: a function's address from dlsym converts to a
		 * function pointer */
		memcpy((char *)l + syms[i].off, &f, sizeof f);
	}
	return 0;
}
#endif
