/* libpam, loaded when the PAM process first needs it (services/pam.c).
 * Linked into the binary, libpam and what it pulls in (libaudit,
 * libcap-ng) were mapped and relocated at the start of every connection,
 * PAM or not: a quarter of a millisecond of each exec, and more in every
 * fork and exit of the processes that mapped them. With UsePAM yes the
 * PAM process loads them once, before its first conversation. */
#ifndef SSHL_PAM_LIB_H
#define SSHL_PAM_LIB_H

#include <stddef.h>

#ifdef USE_PAM
#include <security/pam_appl.h>

/* the library's soname: its ABI has been .so.0 since Linux-PAM began */
#define PAM_LIB_SONAME "libpam.so.0"

struct pam_lib {
	int (*start)(const char *, const char *, const struct pam_conv *, pam_handle_t **);
	int (*end)(pam_handle_t *, int);
	int (*set_item)(pam_handle_t *, int, const void *);
	int (*get_item)(const pam_handle_t *, int, const void **);
	int (*authenticate)(pam_handle_t *, int);
	int (*acct_mgmt)(pam_handle_t *, int);
	int (*chauthtok)(pam_handle_t *, int);
	int (*setcred)(pam_handle_t *, int);
	int (*open_session)(pam_handle_t *, int);
	int (*close_session)(pam_handle_t *, int);
	char **(*getenvlist)(pam_handle_t *);
	const char *(*strerror)(pam_handle_t *, int);
};

/* Loads the library and fills l with its functions: 0, or -1 with err
 * saying what is missing. */
int pam_lib_load(struct pam_lib *l, char *err, size_t errlen);
#endif

#endif
