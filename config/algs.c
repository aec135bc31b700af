#include <string.h>

#include "config/algs.h"
#include "kex/hostkey.h"
#include "kex/kex.h"
#include "transport/cipher.h"
#include "transport/mac.h"

static void add(char *out, size_t outlen, const char *name)
{
	size_t n = strlen(out), l = strlen(name);
	if (n + l + 2 > outlen)
		return;
	if (n)
		out[n++] = ',';
	memcpy(out + n, name, l + 1);
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
	}
}
