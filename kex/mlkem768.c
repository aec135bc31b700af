/* ML-KEM-768 (FIPS 203): K-PKE (section 5) and the KEM around it
 * (sections 6, 7), on the polynomial layer of kex/mlkem768_poly.c. */
#include <string.h>

#include <tomcrypt.h>

#include "kex/mlkem768.h"
#include "kex/mlkem768_poly.h"
#include "transport/buf.h"
#include "transport/crypto.h"

#define VEC12_LEN (MLKEM_K * MLKEM_POLY12_LEN) /* t or s: 1152 */
#define CT_U_LEN (MLKEM_K * MLKEM_POLY10_LEN)  /* u's part of ct: 960 */
/* dk = dk_PKE || ek || H(ek) || z */
#define DK_EK_OFF VEC12_LEN
#define DK_H_OFF (DK_EK_OFF + MLKEM768_EK_LEN)
#define DK_Z_OFF (DK_H_OFF + 32)

/* H: SHA3-256 */
static void hash_h(uint8_t out[32], const uint8_t *in, size_t len)
{
	hash_state st;
	sha3_256_init(&st);
	sha3_process(&st, in, (unsigned long)len);
	sha3_done(&st, out);
	wipe(&st, sizeof st);
}

/* G: SHA3-512 */
static void hash_g(uint8_t out[64], const uint8_t *in, size_t len)
{
	hash_state st;
	sha3_512_init(&st);
	sha3_process(&st, in, (unsigned long)len);
	sha3_done(&st, out);
	wipe(&st, sizeof st);
}

/* J(z || c): SHAKE256 to 32 bytes */
static void hash_j(uint8_t out[32], const uint8_t z[32], const uint8_t *c,
		   size_t clen)
{
	hash_state st;
	sha3_shake_init(&st, 256);
	sha3_shake_process(&st, z, 32);
	sha3_shake_process(&st, c, (unsigned long)clen);
	sha3_shake_done(&st, out, 32);
	wipe(&st, sizeof st);
}

/* K-PKE.KeyGen (Algorithm 13): ek_PKE and dk_PKE from the seed d */
static void pke_keygen(uint8_t ek[MLKEM768_EK_LEN], uint8_t dk[VEC12_LEN],
		       const uint8_t d[32])
{
	uint8_t in[33], rs[64];
	const uint8_t *rho = rs, *sigma = rs + 32;
	struct poly s[MLKEM_K], e, a, t;
	uint8_t i, j;

	/* (rho, sigma) = G(d || k): k binds the seed to the parameter set */
	memcpy(in, d, 32);
	in[32] = MLKEM_K;
	hash_g(rs, in, sizeof in);
	for (i = 0; i < MLKEM_K; i++) {
		poly_sample_cbd2(&s[i], sigma, i);
		poly_ntt(&s[i]);
	}
	for (i = 0; i < MLKEM_K; i++) {
		/* t[i] = sum_j A[i][j] s[j] + e[i], A[i][j] = SampleNTT(rho||j||i) */
		memset(&t, 0, sizeof t);
		for (j = 0; j < MLKEM_K; j++) {
			poly_sample_ntt(&a, rho, j, i);
			poly_basemul_acc(&t, &a, &s[j]);
		}
		poly_tomont(&t);
		poly_sample_cbd2(&e, sigma, (uint8_t)(MLKEM_K + i));
		poly_ntt(&e);
		poly_add(&t, &e);
		poly_to_bytes12(ek + i * MLKEM_POLY12_LEN, &t);
	}
	memcpy(ek + VEC12_LEN, rho, 32);
	for (i = 0; i < MLKEM_K; i++)
		poly_to_bytes12(dk + i * MLKEM_POLY12_LEN, &s[i]);
	wipe(in, sizeof in);
	wipe(rs, sizeof rs);
	wipe(s, sizeof s);
	wipe(&e, sizeof e);
	wipe(&t, sizeof t);
}

/* K-PKE.Encrypt (Algorithm 14) of m with randomness r, for the key t
 * (decoded) and rho */
static void pke_encrypt(uint8_t ct[MLKEM768_CT_LEN],
			const struct poly t[MLKEM_K], const uint8_t rho[32],
			const uint8_t m[32], const uint8_t r[32])
{
	struct poly y[MLKEM_K], acc, tmp;
	uint8_t i, j;

	for (i = 0; i < MLKEM_K; i++) {
		poly_sample_cbd2(&y[i], r, i);
		poly_ntt(&y[i]);
	}
	for (i = 0; i < MLKEM_K; i++) {
		/* u[i] = NTT^-1(sum_j A[j][i] y[j]) + e1[i], with
		 * A[j][i] = SampleNTT(rho || i || j) */
		memset(&acc, 0, sizeof acc);
		for (j = 0; j < MLKEM_K; j++) {
			poly_sample_ntt(&tmp, rho, i, j);
			poly_basemul_acc(&acc, &tmp, &y[j]);
		}
		poly_reduce(&acc);
		poly_invntt(&acc);
		poly_sample_cbd2(&tmp, r, (uint8_t)(MLKEM_K + i));
		poly_add(&acc, &tmp);
		poly_compress10(ct + i * MLKEM_POLY10_LEN, &acc);
	}
	/* v = NTT^-1(t . y) + e2 + Decompress1(m) */
	memset(&acc, 0, sizeof acc);
	for (j = 0; j < MLKEM_K; j++)
		poly_basemul_acc(&acc, &t[j], &y[j]);
	poly_reduce(&acc);
	poly_invntt(&acc);
	poly_sample_cbd2(&tmp, r, 2 * MLKEM_K);
	poly_add(&acc, &tmp);
	poly_from_msg(&tmp, m);
	poly_add(&acc, &tmp);
	poly_compress4(ct + CT_U_LEN, &acc);
	wipe(y, sizeof y);
	wipe(&acc, sizeof acc);
	wipe(&tmp, sizeof tmp);
}

/* K-PKE.Decrypt (Algorithm 15) */
static void pke_decrypt(uint8_t m[32], const uint8_t dk[VEC12_LEN],
			const uint8_t ct[MLKEM768_CT_LEN])
{
	struct poly s, u, w;

	memset(&w, 0, sizeof w);
	for (unsigned i = 0; i < MLKEM_K; i++) {
		poly_decompress10(&u, ct + i * MLKEM_POLY10_LEN);
		poly_ntt(&u);
		poly_from_bytes12(&s, dk + i * MLKEM_POLY12_LEN);
		poly_basemul_acc(&w, &s, &u);
	}
	poly_reduce(&w);
	poly_invntt(&w);
	/* m = Compress1(v - NTT^-1(s . NTT(u))) */
	poly_decompress4(&u, ct + CT_U_LEN);
	poly_sub(&u, &w);
	poly_to_msg(m, &u);
	wipe(&s, sizeof s);
	wipe(&u, sizeof u);
	wipe(&w, sizeof w);
}

static void decode_t(struct poly t[MLKEM_K], const uint8_t *ek)
{
	for (unsigned i = 0; i < MLKEM_K; i++)
		poly_from_bytes12(&t[i], ek + i * MLKEM_POLY12_LEN);
}

int mlkem768_ek_check(const uint8_t *ek, size_t len)
{
	if (len != MLKEM768_EK_LEN || !bytes12_canonical(ek, VEC12_LEN))
		return SSH_ERR_KEY;
	return SSH_OK;
}

int mlkem768_dk_check(const uint8_t *dk, size_t len)
{
	uint8_t h[32];
	int eq;

	if (len != MLKEM768_DK_LEN)
		return SSH_ERR_KEY;
	hash_h(h, dk + DK_EK_OFF, MLKEM768_EK_LEN);
	eq = ct_eq(h, dk + DK_H_OFF, sizeof h);
	return eq ? SSH_OK : SSH_ERR_KEY;
}

void mlkem768_keygen_derand(uint8_t ek[MLKEM768_EK_LEN],
			    uint8_t dk[MLKEM768_DK_LEN],
			    const uint8_t d[MLKEM768_SEED_LEN],
			    const uint8_t z[MLKEM768_SEED_LEN])
{
	pke_keygen(ek, dk, d);
	memcpy(dk + DK_EK_OFF, ek, MLKEM768_EK_LEN);
	hash_h(dk + DK_H_OFF, ek, MLKEM768_EK_LEN);
	memcpy(dk + DK_Z_OFF, z, MLKEM768_SEED_LEN);
}

void mlkem768_keygen(uint8_t ek[MLKEM768_EK_LEN], uint8_t dk[MLKEM768_DK_LEN])
{
	uint8_t dz[2 * MLKEM768_SEED_LEN];
	rand_bytes(dz, sizeof dz);
	mlkem768_keygen_derand(ek, dk, dz, dz + MLKEM768_SEED_LEN);
	wipe(dz, sizeof dz);
}

/* ML-KEM.Encaps_internal (Algorithm 17) on a checked ek */
static void encaps_internal(uint8_t ct[MLKEM768_CT_LEN],
			    uint8_t key[MLKEM768_SS_LEN], const uint8_t *ek,
			    const uint8_t m[MLKEM768_SEED_LEN])
{
	uint8_t in[64], kr[64];
	struct poly t[MLKEM_K];

	/* (K, r) = G(m || H(ek)) */
	memcpy(in, m, 32);
	hash_h(in + 32, ek, MLKEM768_EK_LEN);
	hash_g(kr, in, sizeof in);
	decode_t(t, ek);
	pke_encrypt(ct, t, ek + VEC12_LEN, m, kr + 32);
	memcpy(key, kr, MLKEM768_SS_LEN);
	wipe(in, sizeof in);
	wipe(kr, sizeof kr);
}

int mlkem768_encaps_derand(uint8_t ct[MLKEM768_CT_LEN],
			   uint8_t key[MLKEM768_SS_LEN], const uint8_t *ek,
			   size_t eklen, const uint8_t m[MLKEM768_SEED_LEN])
{
	int rc = mlkem768_ek_check(ek, eklen);
	if (rc == SSH_OK)
		encaps_internal(ct, key, ek, m);
	return rc;
}

int mlkem768_encaps(uint8_t ct[MLKEM768_CT_LEN], uint8_t key[MLKEM768_SS_LEN],
		    const uint8_t *ek, size_t eklen)
{
	uint8_t m[MLKEM768_SEED_LEN];
	int rc = mlkem768_ek_check(ek, eklen);
	if (rc != SSH_OK)
		return rc;
	rand_bytes(m, sizeof m);
	encaps_internal(ct, key, ek, m);
	wipe(m, sizeof m);
	return SSH_OK;
}

int mlkem768_decaps(uint8_t key[MLKEM768_SS_LEN], const uint8_t *ct,
		    size_t ctlen, const uint8_t *dk, size_t dklen)
{
	uint8_t in[64], kr[64], kbar[32], cbar[MLKEM768_CT_LEN], mask;
	volatile uint8_t opaque;
	struct poly t[MLKEM_K];

	if (ctlen != MLKEM768_CT_LEN || mlkem768_dk_check(dk, dklen) != SSH_OK)
		return SSH_ERR_KEY;
	/* m' = Decrypt(dk_PKE, c); (K', r') = G(m' || h) */
	pke_decrypt(in, dk, ct);
	memcpy(in + 32, dk + DK_H_OFF, 32);
	hash_g(kr, in, sizeof in);
	hash_j(kbar, dk + DK_Z_OFF, ct, ctlen);
	decode_t(t, dk + DK_EK_OFF);
	pke_encrypt(cbar, t, dk + DK_EK_OFF + VEC12_LEN, in, kr + 32);
	/* K' when c re-encrypts to itself, else K-bar: a mask the compiler
	 * cannot see through, so it cannot turn the selection into a branch */
	opaque = (uint8_t)-ct_eq(ct, cbar, sizeof cbar);
	mask = opaque;
	for (unsigned i = 0; i < MLKEM768_SS_LEN; i++)
		key[i] = (uint8_t)((kr[i] & mask) | (kbar[i] & ~mask));
	wipe(in, sizeof in);
	wipe(kr, sizeof kr);
	wipe(kbar, sizeof kbar);
	wipe(cbar, sizeof cbar);
	wipe(&mask, sizeof mask);
	opaque = 0;
	return SSH_OK;
}
