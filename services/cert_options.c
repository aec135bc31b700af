/* A certificate's critical options and extensions (PROTOCOL.certkeys 2.1),
 * folded into the options of the authorized_keys line (or of nothing, for
 * TrustedUserCAKeys) the way OpenSSH's sshauthopt_merge does: whatever
 * either side forbids stays forbidden. */
#include <string.h>

#include "services/cert.h"
#include "transport/namelist.h"

/* the data of force-command and source-address: one string, then nothing */
static int one_text(const uint8_t *d, size_t dl, char *out, size_t cap)
{
	struct rd r;
	const uint8_t *p;
	size_t pl;
	rd_init(&r, d, dl);
	if (rd_text(&r, &p, &pl) != SSH_OK || rd_end(&r) != SSH_OK || pl >= cap)
		return SSH_ERR_FORMAT;
	memcpy(out, p, pl);
	out[pl] = 0;
	return SSH_OK;
}

/* source-address is CIDR blocks and addresses only, no wildcards or
 * negation (OpenSSH's addr_match_cidr_list) */
static int cidr_only(const char *list)
{
	return *list && !strpbrk(list, "*?! ");
}

static int critical(const uint8_t *n, size_t nl, const uint8_t *d, size_t dl, struct authkey *k, const char *addr,
		    char *store, size_t cap, const char **why)
{
	char src[1024];
	if (name_eq("force-command", n, nl)) {
		if (one_text(d, dl, store, cap) != SSH_OK) {
			*why = "malformed force-command";
			return SSH_ERR_AUTH;
		}
		if (k->command && strcmp(k->command, store)) {
			*why = "certificate force-command and authorized_keys command= differ";
			return SSH_ERR_AUTH;
		}
		k->command = store;
	} else if (name_eq("source-address", n, nl)) {
		if (one_text(d, dl, src, sizeof src) != SSH_OK || !cidr_only(src)) {
			*why = "malformed source-address";
			return SSH_ERR_AUTH;
		}
		if (!authkey_from_match(src, addr)) {
			*why = "certificate source-address does not match the client's address";
			return SSH_ERR_AUTH;
		}
	} else if (name_eq("verify-required", n, nl)) {
		k->verify_required = 1;
	} else {
		*why = "unknown critical option";
		return SSH_ERR_AUTH;
	}
	return SSH_OK;
}

/* each permit-* extension that is missing forbids what it names */
static void extensions(const struct cert *c, struct authkey *k)
{
	static const struct {
		const char *name;
		size_t off;
	} perm[] = {
		{"permit-pty", offsetof(struct authkey, no_pty)},
		{"permit-port-forwarding", offsetof(struct authkey, no_port_forwarding)},
		{"permit-agent-forwarding", offsetof(struct authkey, no_agent_forwarding)},
		{"permit-X11-forwarding", offsetof(struct authkey, no_x11_forwarding)},
		{"permit-user-rc", offsetof(struct authkey, no_user_rc)},
	};
	int touch = 0;
	for (size_t i = 0; i < sizeof perm / sizeof perm[0]; i++) {
		struct rd r;
		const uint8_t *n;
		size_t nl;
		int found = 0;
		rd_init(&r, c->ext, c->ext_len);
		while (rd_text(&r, &n, &nl) == SSH_OK && rd_string(&r, NULL, NULL) == SSH_OK) {
			found |= name_eq(perm[i].name, n, nl);
			touch |= name_eq("no-touch-required", n, nl);
		}
		if (!found)
			*(int *)(void *)((char *)k + perm[i].off) = 1;
	}
	/* both the line and the certificate must waive touch */
	k->no_touch_required = k->no_touch_required && touch;
}

int cert_apply_options(const struct cert *c, struct authkey *k, const char *addr, char *store, size_t cap,
		       const char **why)
{
	struct rd r;
	const uint8_t *n, *d;
	size_t nl, dl;
	int e;
	rd_init(&r, c->crit, c->crit_len);
	while (rd_left(&r)) {
		/* name, data: checked by cert_parse */
		if (rd_text(&r, &n, &nl) != SSH_OK || rd_string(&r, &d, &dl) != SSH_OK) {
			*why = "malformed critical options";
			return SSH_ERR_AUTH;
		}
		if ((e = critical(n, nl, d, dl, k, addr, store, cap, why)) != SSH_OK)
			return e;
	}
	extensions(c, k);
	return SSH_OK;
}
