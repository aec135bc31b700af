#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

void log_open(struct logger *l, int facility)
{
	l->facility = facility;
	if (!l->to_stderr && l->fd < 0)
		openlog("sshd-lite", LOG_PID | LOG_NDELAY, facility);
}

void logit(const struct logger *l, int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!l || prio > l->level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* never let a peer-controlled string forge log lines */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (l->to_stderr || l->fd >= 0) {
		char line[1200];
		int n = snprintf(line, sizeof line, "sshd-lite[%d]: %s\n", (int)getpid(), msg);
		if (n > (int)sizeof line - 1)
			n = (int)sizeof line - 1;
		if (write(l->to_stderr ? 2 : l->fd, line, (size_t)n) < 0) {
			/* a closed or full log must not end the connection */
		}
		return;
	}
	syslog(prio, "%s", msg);
}

void log_close(struct logger *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
