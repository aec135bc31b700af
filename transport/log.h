/* Logging to syslog (default), stderr (-e) or a file (-E). The logger is
 * owned by main and passed down; nothing here writes to fd 1, and fd 2 only
 * when the administrator asked for it with -e. */
#ifndef SSHL_LOG_H
#define SSHL_LOG_H

#include <stdarg.h>
#include <syslog.h>

struct logger {
	int level;      /* syslog priority; LOG_INFO by default, LOG_DEBUG with -d */
	int to_stderr;
	int fd;         /* -E file, or -1 */
	int facility;
};

void log_open(struct logger *l, int facility);
void logit(const struct logger *l, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_close(struct logger *l);

#endif
