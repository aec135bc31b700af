/* aescost: CPU seconds per GiB of the AES rows' primitives, in process,
 * AES-NI alone against VAES/VPCLMULQDQ (transport/aes_vaes.c) on the same
 * key, interleaved, best of 7 rounds of 256 MiB each:
 *
 *   cc -O2 -I. -o build/aescost bench/aescost.c build/transport/aes_ni.o \
 *      build/transport/aes_vaes.o build/transport/accel.o build/transport/buf.o
 *   build/aescost [PACKET_BYTES]     (default 32768)
 *
 * The best of several rounds, because the machine is shared: a round that
 * lost its core to another process only runs slower, never faster. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "transport/accel.h"

static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* mode 0/1: CTR narrow/wide, 2/3: GCM seal narrow/wide; s per GiB */
static double run(struct aesni_gcm *g, int mode, uint8_t *buf, size_t pk)
{
	uint8_t ctr[16] = {0}, iv[12] = {0}, tag[16];
	size_t reps = ((size_t)256 << 20) / pk;
	double t0 = cpu();
	g->k.wide = mode & 1;
	for (size_t r = 0; r < reps; r++) {
		if (mode < 2)
			aesni_ctr(&g->k, ctr, buf + 4, pk);
		else
			aesni_gcm_seal(g, iv, buf, 4, buf + 4, pk, tag);
	}
	return (cpu() - t0) * 4;
}

int main(int argc, char **argv)
{
	size_t pk = argc > 1 ? strtoul(argv[1], NULL, 0) : 32768;
	uint8_t key[16] = {1}, *buf = malloc(pk + 64);
	struct aesni_gcm *g = malloc(sizeof *g);
	double best[4] = {1e9, 1e9, 1e9, 1e9};
	if (!buf || !g || pk == 0 || pk % 16 || !(accel_flags() & ACCEL_VAES)) {
		if (buf && g && !(accel_flags() & ACCEL_VAES))
			printf("no VAES/VPCLMULQDQ on this CPU (flags %#x)\n", accel_flags());
		free(buf);
		free(g);
		return buf && g && pk && pk % 16 == 0 ? 0 : 2;
	}
	memset(buf, 7, pk + 64);
	aesni_gcm_init(g, key, 16);
	for (int round = 0; round < 7; round++)
		for (int m = 0; m < 4; m++) {
			double t = run(g, m, buf, pk);
			best[m] = t < best[m] ? t : best[m];
		}
	printf("%zu-byte packets, s/GiB: aes128-ctr AES-NI %.3f VAES %.3f; aes128-gcm AES-NI %.3f "
	       "VAES+VPCLMULQDQ %.3f\n", pk, best[0], best[1], best[2], best[3]);
	free(buf);
	free(g);
	return 0;
}
