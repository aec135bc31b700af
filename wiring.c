/* The entry point's wiring: what needs the tables of every layer at once.
 * The layers include none of it; sshd-lite.c, the tests and the fuzz
 * harnesses do. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kex/hostkey.h"
#include "kex/kex.h"
#include "services/userauth.h"
#include "transport/cipher.h"
#include "transport/comp.h"
#include "transport/mac.h"
#include "transport/namelist.h"
#include "wiring.h"

static void add(char *out, size_t outlen, const char *name)
{
	namelist_append(out, outlen, name, strlen(name));
}

void algs_names(enum algs_kind kind, int all, char *out, size_t outlen)
{
	int i;
	out[0] = 0;
	switch (kind) {
	case ALGS_KEX:
		for (i = 0; kex_methods[i]; i++)
			if (all || !kex_methods[i]->legacy)
				add(out, outlen, kex_methods[i]->name);
		break;
	case ALGS_CIPHER:
		for (i = 0; ciphers[i]; i++)
			if (all || !ciphers[i]->legacy)
				add(out, outlen, ciphers[i]->name);
		break;
	case ALGS_MAC:
		for (i = 0; macs[i]; i++)
			if (all || !macs[i]->legacy)
				add(out, outlen, macs[i]->name);
		break;
	case ALGS_SIG:
		for (i = 0; sigalgs[i].name; i++)
			if (all || !sigalgs[i].legacy)
				add(out, outlen, sigalgs[i].name);
		break;
	case ALGS_PUBKEY:
		/* host key signatures plus the security-key types of userauth */
		pubkey_alg_names(all, out, outlen);
		break;
	}
}

static const struct {
	const char *name, *keyword;
	int kind; /* an algs_kind, or -1 key types, -2 compression */
} queries[] = {
	{"kex", "KexAlgorithms", ALGS_KEX},
	{"cipher", "Ciphers", ALGS_CIPHER},
	{"mac", "MACs", ALGS_MAC},
	{"key", "HostKey", -1},
	{"sig", "HostKeyAlgorithms", ALGS_SIG},
	{"pubkey", "PubkeyAcceptedAlgorithms", ALGS_PUBKEY},
	{"compression", "Compression", -2},
};

int algs_query(const char *what, int fd)
{
	char list[2048];
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		if (strcasecmp(what, queries[i].name) && strcasecmp(what, queries[i].keyword))
			continue;
		if (queries[i].kind == -1) {
			for (int t = KEY_ED25519; t <= KEY_RSA; t++)
				dprintf(fd, "%s\n", keytype_name((enum keytype)t));
		} else if (queries[i].kind == -2) {
			for (int j = 0; compressions[j]; j++)
				dprintf(fd, "%s\n", compressions[j]->name);
		} else {
			struct namelist it;
			const char *p;
			size_t l;
			algs_names((enum algs_kind)queries[i].kind, 1, list, sizeof list);
			namelist_init_str(&it, list);
			while (namelist_next(&it, &p, &l))
				dprintf(fd, "%.*s\n", (int)l, p);
		}
		return 0;
	}
	return -1;
}
