/* OpenSSH's pattern matching, written from its documented behaviour
 * (ssh_config(5) PATTERNS, sshd_config(5) AllowUsers). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/pattern.h"
#include "transport/namelist.h"

int pat_match(const char *s, const char *p)
{
	/* iterative wildcard match: remember the last '*' to backtrack to */
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == '?' || (*p && *p == *s)) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == 0;
}

/* the next comma-separated entry of *list into buf (at most cap-1
 * bytes; longer entries are cut, which can only fail to match); 0 at
 * the end */
static int next_entry(struct namelist *it, char *buf, size_t cap)
{
	const char *p;
	size_t n;
	if (!namelist_next(it, &p, &n))
		return 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
	return 1;
}

int pat_match_list(const char *s, const char *list, int fold)
{
	char ent[1024], low[1024];
	struct namelist it;
	int got = 0;
	size_t i;
	size_t n = strnlen(s, sizeof low - 1);
	memcpy(low, s, n);
	low[n] = 0;
	for (i = 0; fold && i < n; i++)
		low[i] = (char)tolower((unsigned char)low[i]);
	namelist_init_str(&it, list);
	while (next_entry(&it, ent, sizeof ent)) {
		int neg = ent[0] == '!';
		if (fold)
			for (i = 0; ent[i]; i++)
				ent[i] = (char)tolower((unsigned char)ent[i]);
		if (pat_match(low, ent + neg)) {
			if (neg)
				return -1;
			got = 1;
		}
	}
	return got;
}

/* "a.b.c.d[/n]" or an IPv6 address[/n] into family, bytes and mask
 * length; -1 when ent is not an address */
static int parse_cidr(const char *ent, int *af, unsigned char *bytes, int *bits)
{
	char host[64], *slash, *end;
	size_t n = strlen(ent);
	if (n >= sizeof host)
		return -1;
	memcpy(host, ent, n + 1);
	slash = strchr(host, '/');
	if (slash)
		*slash++ = 0;
	if (inet_pton(AF_INET, host, bytes) == 1)
		*af = AF_INET, *bits = 32;
	else if (inet_pton(AF_INET6, host, bytes) == 1)
		*af = AF_INET6, *bits = 128;
	else
		return -1;
	if (slash) {
		long v = strtol(slash, &end, 10);
		if (!*slash || *end || v < 0 || v > *bits)
			return -2;
		*bits = (int)v;
	}
	return 0;
}

/* addr inside the block; bits past the mask must be zero in the block, as
 * OpenSSH requires */
static int in_block(const char *addr, int af, const unsigned char *net, int bits, int *bad)
{
	unsigned char a[16];
	int len = af == AF_INET ? 4 : 16;
	for (int i = 0; i < len; i++) {
		int keep = bits >= (i + 1) * 8 ? 8 : bits > i * 8 ? bits - i * 8 : 0;
		unsigned char mask = (unsigned char)(0xff00 >> keep);
		if (net[i] & (unsigned char)~mask)
			*bad = 1;
	}
	if (!addr || inet_pton(af, addr, a) != 1)
		return 0;
	for (int i = 0; i < len; i++) {
		int keep = bits >= (i + 1) * 8 ? 8 : bits > i * 8 ? bits - i * 8 : 0;
		unsigned char mask = (unsigned char)(0xff00 >> keep);
		if ((a[i] & mask) != (net[i] & mask))
			return 0;
	}
	return 1;
}

int pat_addr_list(const char *addr, const char *list, int strict)
{
	char ent[256];
	struct namelist it;
	unsigned char net[16];
	int got = 0, af, bits, bad = 0;
	namelist_init_str(&it, list);
	while (next_entry(&it, ent, sizeof ent)) {
		int neg = ent[0] == '!', r = parse_cidr(ent + neg, &af, net, &bits);
		if (r == -2 || (r == -1 && (strict || strchr(ent, '/'))))
			return -2;
		if (r == -1)
			continue; /* a host name pattern, for the caller */
		if (in_block(addr, af, net, bits, &bad)) {
			if (neg)
				return -1;
			got = 1;
		}
		if (bad)
			return -2;
	}
	return got;
}

int pat_match_user(const char *user, const char *host, const char *addr, const char *pattern)
{
	const char *at = strchr(pattern, '@');
	char up[256];
	int ra, rh;
	size_t n = at ? (size_t)(at - pattern) : strlen(pattern);
	if (n >= sizeof up || (at && (!at[1] || strchr(at + 1, '@'))))
		return -1;
	memcpy(up, pattern, n);
	up[n] = 0;
	if (at && pat_addr_list(NULL, at + 1, 0) == -2)
		return -1;
	if (!user || !pat_match(user, up))
		return 0;
	if (!at)
		return 1;
	/* OpenSSH's match_host_and_ip: a negated address or name refuses,
	 * else either may match */
	ra = pat_addr_list(addr, at + 1, 0);
	rh = pat_match_list(host ? host : "", at + 1, 1);
	if (ra == -1 || rh == -1)
		return 0;
	return ra == 1 || rh == 1;
}
