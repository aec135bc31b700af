/* kexcost: the server's CPU per key agreement, in process, for make bench.
 *
 *   kexcost ROUNDS MS
 *
 * Runs the method table's agreement (kex/agree.h) for curve25519-sha256,
 * ecdh-sha2-nistp256 and each post-quantum hybrid on a valid client value
 * made here, about MS milliseconds of calls per method and round, the
 * methods interleaved round by round, and prints one line per method: its
 * name and the median over the rounds of the CPU microseconds per call. A whole connection cannot resolve a tenth of a
 * millisecond on a shared machine (process start and the session vary by
 * more); this measures the part that differs between key exchanges. bench.py
 * builds it against the server's objects in build/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tomcrypt.h>

#include "kex/ecc_point.h"
#include "kex/kex.h"
#include "kex/mlkem768.h"
#include "kex/sntrup761.h"
#include "kex/x25519.h"
#include "transport/crypto.h"

#define MAX_ROUNDS 1000
#define X25519_LEN 32
#define P256_LEN 65

struct method {
	const char *name;
	const struct kex_method *m;
	struct buf msg; /* KEX_ECDH_INIT after the message number */
	int calls;      /* per round */
	double us[MAX_ROUNDS];
};

static struct method methods[] = {
	{"curve25519-sha256", NULL, {0}, 0, {0}},
	{"mlkem768x25519-sha256", NULL, {0}, 0, {0}},
	{"sntrup761x25519-sha512", NULL, {0}, 0, {0}},
	{"ecdh-sha2-nistp256", NULL, {0}, 0, {0}},
	{"mlkem768nistp256-sha256", NULL, {0}, 0, {0}},
};
#define NMETHODS (sizeof methods / sizeof methods[0])

static double cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int p256_public(uint8_t q[P256_LEN])
{
	int idx = ec_curve_index(32);
	unsigned long len = P256_LEN;
	ecc_key key;
	int rc = -1;
	if (idx < 0 || ecc_make_key_ex(NULL, idx_prng(), &key, &ltc_ecc_sets[idx]) != CRYPT_OK)
		return -1;
	if (ecc_ansi_x963_export(&key, q, &len) == CRYPT_OK && len == P256_LEN)
		rc = 0;
	ecc_free(&key);
	return rc;
}

/* string C_INIT for each method, from key pairs made with our own code;
 * the secret halves are not needed: only the server's side runs */
static int make_inits(void)
{
	static uint8_t ek[MLKEM768_EK_LEN], dk[MLKEM768_DK_LEN];
	static uint8_t pk[SNTRUP761_PUBLICKEYBYTES], sk[SNTRUP761_SECRETKEYBYTES];
	uint8_t xsk[X25519_LEN], xpub[X25519_LEN], q[P256_LEN];
	struct buf *b;

	mlkem768_keygen(ek, dk);
	sntrup761_keypair(pk, sk, NULL, NULL);
	rand_bytes(xsk, sizeof xsk);
	if (x25519_base(xpub, xsk) != SSH_OK || p256_public(q) != 0)
		return -1;
	for (size_t i = 0; i < NMETHODS; i++)
		buf_init(&methods[i].msg, 0);
	buf_string(&methods[0].msg, xpub, sizeof xpub);
	b = &methods[1].msg;
	buf_u32(b, MLKEM768_EK_LEN + X25519_LEN);
	buf_put(b, ek, sizeof ek);
	buf_put(b, xpub, sizeof xpub);
	b = &methods[2].msg;
	buf_u32(b, SNTRUP761_PUBLICKEYBYTES + X25519_LEN);
	buf_put(b, pk, sizeof pk);
	buf_put(b, xpub, sizeof xpub);
	buf_string(&methods[3].msg, q, sizeof q);
	b = &methods[4].msg;
	buf_u32(b, MLKEM768_EK_LEN + P256_LEN);
	buf_put(b, ek, sizeof ek);
	buf_put(b, q, sizeof q);
	for (size_t i = 0; i < NMETHODS; i++)
		if (methods[i].msg.err != SSH_OK)
			return -1;
	return 0;
}

/* CPU microseconds per agreement over calls calls; -1 on a failure */
static double run(const struct method *me, int calls)
{
	struct buf reply, hp, secret;
	struct rd r;
	double t0 = cpu_us();
	int ok = 1;
	for (int i = 0; i < calls; i++) {
		buf_init(&reply, 0);
		buf_init(&hp, 0);
		buf_init(&secret, 0);
		rd_init(&r, me->msg.d, me->msg.len);
		ok &= me->m->agree->server(me->m->param, &r, &reply, &hp, &secret) == SSH_OK;
		buf_free(&reply);
		buf_free(&hp);
		buf_free(&secret);
	}
	return ok ? (cpu_us() - t0) / calls : -1;
}

/* a count from the command line; 0 for anything but digits */
static int count(int argc, char **argv, int i)
{
	char *end;
	long v;
	if (i >= argc)
		return 0;
	v = strtol(argv[i], &end, 10);
	return *argv[i] && !*end && v > 0 && v <= 1000000 ? (int)v : 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = count(argc, argv, 1), ms = count(argc, argv, 2);

	if (rounds < 1 || rounds > MAX_ROUNDS || ms < 1) {
		fprintf(stderr, "usage: kexcost ROUNDS (1-%d) MS\n", MAX_ROUNDS);
		return 2;
	}
	if (crypto_init() != 0 || make_inits() != 0) {
		fprintf(stderr, "kexcost: set-up failed\n");
		return 1;
	}
	for (size_t i = 0; i < NMETHODS; i++)
		if (!(methods[i].m = kex_method_find(methods[i].name, strlen(methods[i].name)))) {
			fprintf(stderr, "kexcost: no method %s\n", methods[i].name);
			return 1;
		}
	/* a few calls to warm up and size the rounds: P-256 costs 20 X25519s */
	for (size_t i = 0; i < NMETHODS; i++) {
		double us = run(&methods[i], 5);
		if (us <= 0) {
			fprintf(stderr, "kexcost: %s refused its client value\n", methods[i].name);
			return 1;
		}
		methods[i].calls = (int)(ms * 1000.0 / us) + 1;
	}
	for (int r = 0; r < rounds; r++)
		for (size_t i = 0; i < NMETHODS; i++) {
			/* a different method first each round */
			struct method *me = &methods[(i + (size_t)r) % NMETHODS];
			if ((me->us[r] = run(me, me->calls)) < 0) {
				fprintf(stderr, "kexcost: %s refused its client value\n", me->name);
				return 1;
			}
		}
	for (size_t i = 0; i < NMETHODS; i++) {
		qsort(methods[i].us, (size_t)rounds, sizeof(double), cmp);
		printf("%s %.1f\n", methods[i].name, methods[i].us[rounds / 2]);
		buf_free(&methods[i].msg);
	}
	return 0;
}
