#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "config/peer.h"

/* 1 for an IPv4 or IPv6 address, with its text and port */
static int sockaddr_text(const struct sockaddr_storage *ss, char *out, size_t outlen, int *port)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &s->sin_addr, out, (socklen_t)outlen);
		*port = ntohs(s->sin_port);
		return 1;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
		if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr))
			/* an IPv4 client on a dual-stack socket: show it as IPv4 */
			inet_ntop(AF_INET, &s->sin6_addr.s6_addr[12], out, (socklen_t)outlen);
		else
			inet_ntop(AF_INET6, &s->sin6_addr, out, (socklen_t)outlen);
		*port = ntohs(s->sin6_port);
		return 1;
	}
	return 0;
}

static int env_port(const char *name)
{
	const char *v = getenv(name);
	char *end;
	long n = v ? strtol(v, &end, 10) : -1;
	return v && *v && !*end && n >= 0 && n <= 65535 ? (int)n : 0;
}

/* the environment's address only when it is one: it is copied into logs */
static int env_addr(const char *name, char *out, size_t outlen)
{
	const char *v = getenv(name);
	unsigned char bin[sizeof(struct in6_addr)];
	if (!v || strlen(v) >= outlen)
		return 0;
	if (inet_pton(AF_INET, v, bin) != 1 && inet_pton(AF_INET6, v, bin) != 1)
		return 0;
	snprintf(out, outlen, "%s", v);
	return 1;
}

void peer_lookup(int fd, struct peer *p)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	snprintf(p->addr, sizeof p->addr, "UNKNOWN");
	snprintf(p->laddr, sizeof p->laddr, "UNKNOWN");
	p->port = p->lport = 65535; /* what OpenSSH shows for an unknown port */
	p->network = 0;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 && sockaddr_text(&ss, p->addr, sizeof p->addr, &p->port)) {
		p->network = 1;
		len = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
			sockaddr_text(&ss, p->laddr, sizeof p->laddr, &p->lport);
		return;
	}
	/* UCSPI (tcpserver, s6, sslh in transparent pipe setups) */
	if (env_addr("TCPREMOTEIP", p->addr, sizeof p->addr)) {
		p->network = 1;
		p->port = env_port("TCPREMOTEPORT");
		if (env_addr("TCPLOCALIP", p->laddr, sizeof p->laddr))
			p->lport = env_port("TCPLOCALPORT");
	}
}

int peer_keepalive(int fd)
{
	int one = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) == 0 || errno == ENOTSOCK)
		return 0;
	return -1;
}
