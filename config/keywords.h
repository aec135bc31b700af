/* The keyword tables shared by the parser (config_set.c), the reader
 * (config_src.c), the Match layer (config_match.c) and -T (config_print.c).
 *
 * keywords[] (config.c) holds what sshd-lite implements: one row per
 * keyword, {name, type, field, flags}. A row marked KW_MATCH may appear in
 * a Match block and is then applied per connection: nothing else is needed
 * for Match support (see docs/ARCHITECTURE.md, "Configuration").
 *
 * other_keywords[] (keywords_other.c) holds the rest of OpenSSH's
 * sshd_config(5): keywords accepted with a documented reason, and
 * keywords refused unless they keep their default, because ignoring them
 * would silently weaken the server. A row in keywords[] with the same name
 * takes precedence, so implementing one is adding its row to keywords[]. */
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
	K_FWD,  /* yes|all|no|local|remote: FWD_LOCAL and FWD_REMOTE bits */
	K_MODE, /* an octal file mode */
	K_PATLIST, /* whitespace-separated patterns, appended, never cut */
	K_AUTHMETHODS,
	K_PKOPTS,
	K_USERENV, /* PermitUserEnvironment: yes, no or a pattern-list of names */
};

/* a strlist field that config_free and config_copy must own */
#define K_OWNS_LIST(t) ((t) == K_LIST || (t) == K_PATLIST || (t) == K_ENV || (t) == K_PERMIT || (t) == K_CHANTIMEOUT)

/* flags of a row */
#define KW_MATCH  0x01 /* allowed inside a Match block (OpenSSH's SSHCFG_MATCH) */
#define KW_ALIAS  0x02 /* another name of the row before it with the same field: not printed by -T */
#define KW_APPEND 0x04 /* K_LIST: each line appends (HostKey, AcceptEnv) instead of the first winning */
#define KW_PORT   0x08 /* an other_keyword's value is a port: 1-65535 or a tcp service name, kept as its number */

struct keyword {
	const char *name;
	enum ktype type;
	size_t off; /* of the field in struct config */
	unsigned flags;
};

extern const struct keyword keywords[];
extern const size_t nkeywords;

/* A keyword of OpenSSH's that sshd-lite does not implement. value is kept
 * as text (c->other[]) for -T. */
struct other_keyword {
	const char *name;
	unsigned flags;     /* KW_MATCH, KW_ALIAS, KW_PORT */
	const char *def;    /* what -T prints by default; NULL: not printed */
	/* the values accepted, '|'-separated, case-insensitive; NULL: any
	 * value; "": none (the keyword is refused) */
	const char *allowed;
	const char *why;    /* the reason, for the error and the documentation */
};
extern const struct other_keyword other_keywords[];
extern const size_t nother_keywords;

/* the row of a keyword (keywords[] first), or NULL; *other says which
 * table it came from */
const void *keyword_find(const char *name, int *other);
/* the index that the first-wins bookkeeping uses for a row: aliases share
 * their canonical row's */
size_t keyword_slot(const struct keyword *k);
size_t other_slot(const struct other_keyword *o);

/* A configuration line as OpenSSH reads it: the keyword (after leading
 * blanks) ends at a blank or '='; the value starts after blanks, one '='
 * and blanks ("Keyword value", "Keyword=value", "Keyword = value") and
 * loses its trailing blanks. *kw and *kwlen receive the keyword (not
 * terminated); returns the value. config_set.c, also for config_src.c. */
char *config_line_split(char *line, char **kw, size_t *kwlen);

struct strlist;
struct config;
/* a copy of v at the end of the list, when there is room */
void strlist_add(struct strlist *l, const char *v);
/* the same, -1 when the list is full */
int strlist_push(struct strlist *l, const char *v);
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
