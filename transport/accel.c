/* glibc's loader asks the CPU (CPUID) once at start and keeps the
 * answers where <sys/platform/x86.h> reads them. Asking again, here or
 * through libgcc's __builtin_cpu_init (a constructor in every process
 * that links it), costs a VM exit per CPUID where the server runs in a
 * virtual machine: some 0.1 ms of every connection on the benchmark's. */
#if defined(__x86_64__) && defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define ACCEL_GLIBC_CPU 1
#endif
#endif
#if defined(__x86_64__) && !defined(ACCEL_GLIBC_CPU)
#include <cpuid.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "accel.h"

/* Written once by crypto_init before any connection, read-only after (the
 * unit tests flip it between their runs): a fact about the CPU, not state
 * of a connection, hence the one global here. */
static unsigned flags;
static int ready;

static unsigned detect(void)
{
	unsigned f = 0;
#if defined(ACCEL_GLIBC_CPU)
	f |= ACCEL_SSE2; /* part of x86-64 */
	if (CPU_FEATURE_ACTIVE(AES) && CPU_FEATURE_ACTIVE(SSSE3) && CPU_FEATURE_ACTIVE(SSE4_1))
		f |= ACCEL_AES;
	if ((f & ACCEL_AES) && CPU_FEATURE_ACTIVE(PCLMULQDQ))
		f |= ACCEL_CLMUL;
	/* active: the CPU has it and the OS saves the YMM state */
	if (CPU_FEATURE_ACTIVE(AVX2))
		f |= ACCEL_AVX2;
	/* VAES and VPCLMULQDQ on 256-bit vectors: AVX2 is all else they need */
	if ((f & ACCEL_AES) && (f & ACCEL_CLMUL) && (f & ACCEL_AVX2) && CPU_FEATURE_ACTIVE(VAES) &&
	    CPU_FEATURE_ACTIVE(VPCLMULQDQ))
		f |= ACCEL_VAES;
	if (CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSSE3) && CPU_FEATURE_ACTIVE(SSE4_1))
		f |= ACCEL_SHA;
#elif defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	__builtin_cpu_init();
	f |= ACCEL_SSE2; /* part of x86-64 */
	if (__builtin_cpu_supports("aes") && __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1"))
		f |= ACCEL_AES;
	if ((f & ACCEL_AES) && __builtin_cpu_supports("pclmul"))
		f |= ACCEL_CLMUL;
	if (__builtin_cpu_supports("avx2"))
		f |= ACCEL_AVX2;
	/* VAES and VPCLMULQDQ: CPUID leaf 7, ECX bits 9 and 10, on 256-bit
	 * vectors, so AVX2 is all else they need (the OS saves the YMM state
	 * when __builtin_cpu_supports says avx2) */
	if ((f & ACCEL_AES) && (f & ACCEL_CLMUL) && (f & ACCEL_AVX2)) {
		unsigned a, b, c, d;
		if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (c >> 9 & 1) && (c >> 10 & 1))
			f |= ACCEL_VAES;
	}
	{
		/* SHA: CPUID leaf 7, EBX bit 29 (older compilers lack the name) */
		unsigned a, b, c, d;
		if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1) && __builtin_cpu_supports("ssse3") &&
		    __builtin_cpu_supports("sse4.1"))
			f |= ACCEL_SHA;
	}
#endif
	return f;
}

void accel_init(void)
{
	const char *e;
	if (ready)
		return;
	e = getenv("SSHD_LITE_PORTABLE_CRYPTO");
	flags = (e && !strcmp(e, "1")) ? 0 : detect();
	/* AES-NI alone, to compare with the VAES path (docs/BENCHMARKS.md) */
	e = getenv("SSHD_LITE_NO_VAES");
	if (e && !strcmp(e, "1"))
		flags &= ~(unsigned)ACCEL_VAES;
	ready = 1;
}

unsigned accel_flags(void)
{
	accel_init();
	return flags;
}

void accel_force_portable(int on)
{
	ready = 0;
	accel_init();
	if (on)
		flags = 0;
}
