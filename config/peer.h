/* Who is at the other end: the launcher hands over a socket (inetd, xinetd,
 * systemd, tcpserver), or a pipe with the address in the environment
 * (UCSPI's TCPREMOTEIP), or a plain pipe (ProxyCommand), known as UNKNOWN. */
#ifndef SSHL_PEER_H
#define SSHL_PEER_H

#include <stddef.h>

struct peer {
	char addr[64];  /* "UNKNOWN" when there is no way to know */
	int port;
	char laddr[64];
	int lport;
	int network;    /* 1 when fd is a TCP socket or the environment names one (the
			 * entry point sets it for any socket: PipeAuthentication) */
};

/* fills p from fd's socket addresses, else from TCPREMOTEIP/TCPREMOTEPORT
 * and TCPLOCALIP/TCPLOCALPORT; IPv4-mapped IPv6 addresses are shown as IPv4 */
void peer_lookup(int fd, struct peer *p);
/* TCPKeepAlive: SO_KEEPALIVE on fd when it is a socket, as sshd does in
 * inetd mode too (a launcher does not set it), so that a client that
 * vanished is noticed; 0, or -1 with errno when a socket refused it */
int peer_keepalive(int fd);

#endif
