/* Expected values beside measurements: the theoretical peak from the CPU's ISA and clock, and a
 * short measured dgemm calibration, because on virtual machines the nominal clock is often below
 * what the cores really run at. Records carry both and say which one an efficiency uses. */
#ifndef EXA_PEAK_H
#define EXA_PEAK_H

#include <jansson.h>

struct exa_cpu_peak {
    const char *isa;               /* "avx512", "avx2", "sse2", or "override" */
    int dp_flops_per_cycle;        /* per core: FMA units x vector width x 2 */
    double ghz;                    /* nominal max clock, from cpufreq or /proc/cpuinfo; 0 unknown */
    double nominal_gflops_per_core;/* dp_flops_per_cycle x ghz; 0 when the clock is unknown */
};

/* Detects the nominal per-core peak. EXA_FLOPS_PER_CYCLE and EXA_CPU_GHZ override the detected
 * values; EXA_PEAK_GFLOPS_PER_CORE overrides the product. Returns 0 (fields may be 0 = unknown). */
int exa_cpu_peak_detect(struct exa_cpu_peak *peak);

/* Measured practical peak of one core: best Gflop/s of a few square dgemm calls of order n on one
 * thread through the BLAS. Takes about 0.1-0.5 s for n = 2000. */
double exa_calibrate_dgemm_gflops(int n, int repeats);

/* {"nominal_gflops_per_core", "isa", "dp_flops_per_cycle", "ghz", "calibrated_gflops_per_core"}. */
json_t *exa_peak_json(const struct exa_cpu_peak *peak, double calibrated_gflops_per_core);

/* OpenBLAS picks its kernels from the CPU model at load time (DYNAMIC_ARCH); a model newer than
 * the library falls back to its generic SSE kernels (0.3.21 on Emerald Rapids: "Prescott", 1/6 of
 * the DGEMM rate). Returns the OPENBLAS_CORETYPE that selects kernels matching the CPU's ISA, with
 * the reason in why, or NULL when the running kernels match (or the BLAS is not OpenBLAS with
 * DYNAMIC_ARCH). The variable only takes effect in a process started with it. */
const char *exa_blas_kernel_check(char *why, size_t len);
/* {"name": the OpenBLAS kernel set in use, "warning" and "suggested_coretype" when
 * exa_blas_kernel_check finds it below the CPU}, or NULL when the BLAS is not OpenBLAS. */
json_t *exa_blas_kernels_json(void);

/* Peak memory bandwidth of this node in GB/s from EXA_PEAK_MEM_BW_GBS, or 0 when not known. */
double exa_peak_memory_bandwidth(void);

#endif
