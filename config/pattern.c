/* OpenSSH's pattern matching, written from its documented behaviour
 * (ssh_config(5) PATTERNS, sshd_config(5) AllowUsers and Match): the one
 * copy that access lists and Match criteria share. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/pattern.h"
#include "transport/namelist.h"

/* the bits of byte i that a mask of bits keeps */
static unsigned char mask_byte(int bits, int i)
{
	int keep = bits >= (i + 1) * 8 ? 8 : bits > i * 8 ? bits - i * 8 : 0;
	return (unsigned char)(0xff00 >> keep);
}

/* one pattern of plen bytes against s; with fold, without regard to case.
 * Iterative: on a mismatch after a '*', the star takes one more character
 * (no recursion, no exponential cases). */
static int wild(const char *s, const char *p, size_t plen, int fold)
{
	const char *star = NULL, *resume = NULL, *end = p + plen;
	while (*s) {
		if (p < end && *p == '*') {
			star = p++;
			resume = s;
		} else if (p < end && (*p == '?' || (fold ? tolower((unsigned char)*p) == tolower((unsigned char)*s)
							 : *p == *s))) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (p < end && *p == '*')
		p++;
	return p == end;
}

int pat_match(const char *s, const char *p)
{
	return wild(s, p, strlen(p), 0);
}

int pat_match_list(const char *s, const char *list, int fold)
{
	struct namelist it;
	const char *ent;
	size_t n;
	int got = 0;
	namelist_init_str(&it, list);
	while (namelist_next(&it, &ent, &n)) {
		int neg = n && *ent == '!';
		if (wild(s, ent + neg, n - (size_t)neg, fold)) {
			if (neg)
				return -1;
			got = 1;
		}
	}
	return got;
}

/* "a.b.c.d[/n]" or an IPv6 address[/n], n bytes of it, into family, bytes
 * and mask length: 0, -1 when it is not an address, -2 for a bad mask
 * length or bits set past the mask (OpenSSH's addr_pton_cidr) */
static int parse_cidr(const char *ent, size_t n, int *af, unsigned char *bytes, int *bits)
{
	char host[64], *slash, *end;
	if (n >= sizeof host)
		return -1;
	memcpy(host, ent, n);
	host[n] = 0;
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
	for (int i = 0; i < (*af == AF_INET ? 4 : 16); i++)
		if (bytes[i] & (unsigned char)~mask_byte(*bits, i))
			return -2;
	return 0;
}

/* addr inside the block */
static int in_block(const char *addr, int af, const unsigned char *net, int bits)
{
	unsigned char a[16];
	if (inet_pton(af, addr, a) != 1)
		return 0;
	for (int i = 0; i < (af == AF_INET ? 4 : 16); i++)
		if ((a[i] & mask_byte(bits, i)) != (net[i] & mask_byte(bits, i)))
			return 0;
	return 1;
}

int pat_addr_list(const char *addr, const char *list)
{
	unsigned char net[16];
	int got = 0, af, bits;
	struct namelist it;
	const char *ent;
	size_t n;
	namelist_init_str(&it, list);
	while (namelist_next(&it, &ent, &n)) {
		int neg = n && *ent == '!', m = 0;
		const char *e = ent + neg;
		size_t en = n - (size_t)neg;
		int r = en ? parse_cidr(e, en, &af, net, &bits) : -2;
		if (r == -2 || (r == -1 && memchr(e, '/', en)))
			return -2;
		if (addr)
			m = r == 0 ? in_block(addr, af, net, bits) : wild(addr, e, en, 1);
		if (m && neg)
			return -1;
		got |= m;
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
	if (at && pat_addr_list(NULL, at + 1) == -2)
		return -1;
	if (!user || !pat_match(user, up))
		return 0;
	if (!at)
		return 1;
	/* OpenSSH's match_host_and_ip: a negated address or name refuses,
	 * else either may match */
	ra = pat_addr_list(addr, at + 1);
	rh = pat_match_list(host ? host : "", at + 1, 1);
	if (ra == -1 || rh == -1)
		return 0;
	return ra == 1 || rh == 1;
}
