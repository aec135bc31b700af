/* The keyword table shared by the parser (config.c) and -T (config_print.c). */
#ifndef SSHL_KEYWORDS_H
#define SSHL_KEYWORDS_H

#include <stddef.h>

enum ktype {
	K_STR, K_INT, K_BOOL, K_TIME, K_LIST, K_ROOT, K_COMP, K_LOGLEVEL, K_REKEY, K_SUBSYS, K_ALG,
	K_FACILITY, K_KEYCREATE,
	K_ENV,         /* SetEnv: NAME=value words, quotes kept together */
	K_PERMIT,      /* PermitOpen, PermitListen: "any" (empty), "none" or [host:]port words */
	K_CHANTIMEOUT, /* ChannelTimeout: type=interval words, "none" (empty) */
	K_TIMENONE,    /* a time where "none" or 0 means none */
	K_IGNORED, /* about the listening socket, which the launcher owns */
};

struct keyword {
	const char *name;
	enum ktype type;
	size_t off; /* of the field in struct config */
};

extern const struct keyword keywords[];
extern const size_t nkeywords;

struct strlist;
struct config;
/* a copy of v at the end of the list, when there is room */
void strlist_add(struct strlist *l, const char *v);
void strlist_clear(struct strlist *l);

/* NULL-terminated name tables */
extern const struct loglevel {
	const char *name;
	int prio;
} loglevels[];
extern const struct facility {
	const char *name;
	int value;
} facilities[];


/* the parsers of the session keywords (config_session.c), with the
 * signature of config_set.c's setters */
int set_env(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen);
int set_permit(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen);
int set_chantimeout(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen);
int set_timenone(struct config *c, const struct keyword *k, char *val, char *err, size_t errlen);

#endif
