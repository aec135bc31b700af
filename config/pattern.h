/* OpenSSH's pattern language (ssh_config(5) PATTERNS): '*' and '?'
 * wildcards, comma lists with '!' negation, and address lists with CIDR.
 * Used by AllowUsers/DenyUsers/AllowGroups/DenyGroups (services/access.c),
 * Match criteria (config/match.c) and anything else that matches names or
 * addresses the same way. */
#ifndef SSHL_PATTERN_H
#define SSHL_PATTERN_H

/* one pattern against s; 1 or 0 */
int pat_match(const char *s, const char *pattern);
/* a comma list: 1 when an entry matches, -1 when a negated entry
 * ("!pat") matches (a negation always wins), else 0. With fold, s is
 * compared in lower case (host names). */
int pat_match_list(const char *s, const char *list, int fold);
/* OpenSSH's addr_match_list: a comma list of addresses, CIDR blocks and
 * address patterns ("192.168.*"), each maybe negated with '!', against
 * addr: 1 match, -1 negated match, 0 none, -2 a malformed entry (empty, a
 * bad mask, bits set past the mask, a '/' in a pattern). Other entries
 * are patterns over the address's text, matched without regard to case
 * (so a host name matches no address). addr NULL only checks the list. */
int pat_addr_list(const char *addr, const char *list);
/* OpenSSH's match_user: pattern is "user" or "user@hostlist"; the host
 * list is matched against both host (name patterns) and addr (CIDR).
 * 1, 0, or -1 for a malformed pattern (user NULL only checks it). */
int pat_match_user(const char *user, const char *host, const char *addr, const char *pattern);

#endif
