/* Minimal checks for unit tests: each CHECK prints one "ok"/"not ok" line
 * that tests/run counts. */
#ifndef SSHL_T_H
#define SSHL_T_H

#include <stdio.h>

static int t_failed;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (cond) {                                                \
			printf("ok - ");                                   \
		} else {                                                   \
			printf("not ok - ");                               \
			t_failed++;                                        \
		}                                                          \
		printf(__VA_ARGS__);                                       \
		printf("\n");                                              \
	} while (0)

/* Reports one check for a whole batch (e.g. all vectors of a file), listing
 * the first failures individually so a broken vector is named. */
#define BATCH(name, bad, total)                                            \
	CHECK((bad) == 0 && (total) > 0, "%s: %d of %d vectors failed", name, (int)(bad), (int)(total))

static inline int t_done(void) { return t_failed ? 1 : 0; }

#endif
