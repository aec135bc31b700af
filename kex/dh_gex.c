/* Group choice for diffie-hellman-group-exchange (RFC 4419 3) from a file
 * in the /etc/ssh/moduli format, one group per line:
 *   time type tests tries size generator modulus
 * decimal except the hex generator and modulus; size is the bit count
 * minus one. Only safe primes (type 2) that passed Miller-Rabin (tests bit
 * 0x04, composite bit 0x01 clear) qualify; anything malformed is skipped.
 *
 * "Closest to want" is |bits - want|; when a bigger and a smaller size are
 * equally close the bigger wins. Among groups of the chosen size one is
 * picked uniformly at random (reservoir sampling, so one pass suffices). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kex/agree.h"
#include "transport/crypto.h"

#define MODULI_TYPE_SAFE 2
#define MODULI_TEST_COMPOSITE 0x01
#define MODULI_TEST_MILLER_RABIN 0x04
#define MODULI_FIELDS 7
#define DH_MAX_BYTES (DH_MAX_BITS / 8)
/* the longest valid line: five numbers, hex generator and modulus */
#define MODULI_LINE_MAX (2 * (2 * DH_MAX_BYTES) + 128)

struct pick {
	uint32_t bits;     /* size of the current choice, 0 = none yet */
	uint32_t ties;     /* candidates of that size seen so far */
	uint8_t p[DH_MAX_BYTES];
	size_t plen;
	uint8_t g[DH_MAX_BYTES];
	size_t glen;
};

static uint32_t dist(uint32_t a, uint32_t b) { return a > b ? a - b : b - a; }

/* >0 when a group of `bits` beats the current choice, 0 on a tie in size */
static int rank(const struct pick *k, uint32_t bits, uint32_t want)
{
	if (k->bits == 0 || dist(bits, want) < dist(k->bits, want))
		return 1;
	if (bits == k->bits)
		return 0;
	if (dist(bits, want) == dist(k->bits, want) && bits > k->bits)
		return 1;
	return -1;
}

/* 1 with probability 1/n, unbiased */
static int one_in(uint32_t n)
{
	uint32_t r, lim = UINT32_MAX - UINT32_MAX % n;
	do
		rand_bytes(&r, sizeof r);
	while (r >= lim);
	return r % n == 0;
}

/* Offers a candidate; its bytes are copied only if it is taken. */
static void offer(struct pick *k, uint32_t bits, uint32_t want,
		  const uint8_t *p, size_t plen, const uint8_t *g, size_t glen)
{
	int r = rank(k, bits, want);
	if (r < 0)
		return;
	if (r > 0) {
		k->bits = bits;
		k->ties = 1;
	} else if (!one_in(++k->ties)) {
		return;
	}
	memcpy(k->p, p, plen);
	k->plen = plen;
	memcpy(k->g, g, glen);
	k->glen = glen;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* hex (odd length allowed) into out, leading zero bytes dropped; 0 if
 * malformed, empty or longer than max */
static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s), len = (n + 1) / 2, i;
	int odd = (int)(n % 2);
	if (n == 0 || len > max)
		return 0;
	for (i = 0; i < len; i++) {
		int hi = (i == 0 && odd) ? 0 : hexval(*s++);
		int lo = hexval(*s++);
		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	for (i = 0; i < len && out[i] == 0; i++)
		;
	memmove(out, out + i, len - i);
	return len - i;
}

/* a decimal field (the time stamp needs 64 bits); -1 if malformed */
static int decimal(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

static uint32_t bitlen(const uint8_t *p, size_t n)
{
	uint32_t b = 8;
	if (n == 0)
		return 0;
	while (!(p[0] & (1u << (b - 1))))
		b--;
	return (uint32_t)(n - 1) * 8 + b;
}

/* 1 < g < p - 1, with p odd; byte strings are minimal */
static int gen_ok(const uint8_t *g, size_t glen, const uint8_t *p, size_t plen)
{
	size_t i;
	if (glen == 0 || (glen == 1 && g[0] < 2) || glen > plen)
		return 0;
	if (glen < plen)
		return 1;
	/* same length: compare with p - 1, which differs from p only in
	 * the last byte since p is odd */
	for (i = 0; i + 1 < plen; i++)
		if (g[i] != p[i])
			return g[i] < p[i];
	return g[plen - 1] < p[plen - 1] - 1;
}

/* Parses one line and offers it; malformed or unfit lines are ignored. */
static void consider(struct pick *k, char *line, uint32_t min, uint32_t want,
		     uint32_t max)
{
	char *f[MODULI_FIELDS], *save = NULL, *t;
	uint64_t num[5];
	uint32_t bits;
	uint8_t *p = NULL, *g = NULL;
	size_t plen, glen;
	int n = 0, i;

	for (t = strtok_r(line, " \t\r\n", &save); t != NULL;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MODULI_FIELDS || (n == 0 && t[0] == '#'))
			return;
		f[n++] = t;
	}
	if (n != MODULI_FIELDS)
		return;
	/* time type tests tries size */
	for (i = 0; i < 5; i++)
		if (decimal(f[i], &num[i]) < 0)
			return;
	if (num[1] != MODULI_TYPE_SAFE || (num[2] & MODULI_TEST_COMPOSITE) ||
	    !(num[2] & MODULI_TEST_MILLER_RABIN) || num[4] >= DH_MAX_BITS)
		return;
	bits = (uint32_t)num[4] + 1;
	if (bits < min || bits > max || rank(k, bits, want) < 0)
		return;
	p = malloc(DH_MAX_BYTES);
	g = malloc(DH_MAX_BYTES);
	if (p == NULL || g == NULL)
		goto out;
	plen = unhex(f[6], p, DH_MAX_BYTES);
	glen = unhex(f[5], g, DH_MAX_BYTES);
	if (bitlen(p, plen) != bits || !(p[plen - 1] & 1) ||
	    !gen_ok(g, glen, p, plen))
		goto out;
	offer(k, bits, want, p, plen, g, glen);
out:
	free(p);
	free(g);
}

/* Reads the file line by line; over-long lines are skipped whole. */
static void scan_file(struct pick *k, const char *path, uint32_t min,
		      uint32_t want, uint32_t max)
{
	char *line;
	int skipping = 0;
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return;
	line = malloc(MODULI_LINE_MAX);
	while (line != NULL && fgets(line, MODULI_LINE_MAX, fp) != NULL) {
		size_t n = strlen(line);
		int whole = n > 0 && line[n - 1] == '\n';
		if (!skipping && (whole || feof(fp)))
			consider(k, line, min, want, max);
		skipping = !whole && !feof(fp);
	}
	free(line);
	fclose(fp);
}

int dh_gex_choose(const char *moduli_path, uint32_t min, uint32_t want,
		  uint32_t max, struct dh_group *out)
{
	static const struct dh_group *const builtin[] = {
		&dh_group14, &dh_group16, &dh_group18,
	};
	struct pick *k;
	uint8_t *mem;
	size_t i;
	int rc = SSH_OK;

	memset(out, 0, sizeof *out);
	if (min > max)
		return SSH_ERR_NOALG;
	k = calloc(1, sizeof *k);
	if (k == NULL)
		return SSH_ERR_ALLOC;
	if (moduli_path != NULL)
		scan_file(k, moduli_path, min, want, max);
	if (k->bits == 0) {
		for (i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
			const struct dh_group *b = builtin[i];
			uint32_t bits = (uint32_t)b->plen * 8;
			if (bits >= min && bits <= max)
				offer(k, bits, want, b->p, b->plen, b->g,
				      b->glen);
		}
	}
	if (k->bits == 0) {
		rc = SSH_ERR_NOALG;
	} else if ((mem = malloc(k->plen + k->glen)) == NULL) {
		rc = SSH_ERR_ALLOC;
	} else {
		/* one block, so dh_group_free has one pointer to release */
		memcpy(mem, k->p, k->plen);
		memcpy(mem + k->plen, k->g, k->glen);
		out->p = mem;
		out->plen = k->plen;
		out->g = mem + k->plen;
		out->glen = k->glen;
	}
	free(k);
	return rc;
}

void dh_group_free(struct dh_group *g)
{
	free((void *)g->p);
	memset(g, 0, sizeof *g);
}
