/* Theoretical Rpeak, the TOP500 way: cores x nominal clock x FP64 flops per cycle per core for CPUs,
 * and the vendor's rated FP64 peak for GPUs. Not a measurement: a calibrated dgemm x cores
 * (exa_calibrate_dgemm_gflops) measures Rmax-like behaviour and must not stand in for Rpeak.
 *
 * The clock is the nominal (base) frequency, because TOP500's Rpeak uses it; the sources are tried
 * in this order and the one used is named in clock_source:
 *   "EXA_CPU_GHZ"                 the environment (the same override exa_peak honours)
 *   "cpufreq base_frequency"      /sys/devices/system/cpu/cpu0/cpufreq/base_frequency (intel_pstate)
 *   "CPUID leaf 0x16"             the processor's own base frequency (Intel, Skylake and later)
 *   "cpuinfo model name"          the "@ 2.10GHz" in /proc/cpuinfo's model name (Intel's nominal)
 *   "cpufreq cpuinfo_max_freq"    the highest P-state: the nominal clock under acpi-cpufreq but the
 *                                 single-core turbo under intel_pstate/amd-pstate, so only after
 *                                 the nominal sources above
 *   "cpuinfo cpu MHz"             the current clock of cpu0 (a VM's or a throttled core's)
 * MPI-free, and independent of the harness: benchmarks and the harness can both call it. */
#ifndef EXA_RPEAK_H
#define EXA_RPEAK_H

#include <stddef.h>

struct exa_rpeak {
    int cores;                 /* physical cores (all sockets) */
    char cores_source[64];     /* "sysfs topology (package, core) pairs" or "online logical CPUs" */
    double ghz;                /* nominal clock; 0 unknown */
    char clock_source[64];     /* see above; "unknown" */
    int flops_per_cycle;       /* FP64 per core per cycle; 0 unknown */
    char isa[32];              /* "avx512", "avx2", "avx", "sse2", "override", "unknown" */
    char fpc_basis[160];       /* why that many, e.g. "AVX-512, 2 FMA units: Sapphire Rapids" */
    double gflops;             /* cores x ghz x flops_per_cycle; 0 when a factor is unknown */
};

/* THE table of FP64 flops per cycle per core: vector doubles x 2 (FMA) x FMA units. isa is
 * exa_cpu_peak_detect's classification ("avx512", "avx2" (with FMA), "avx", "sse2"); vendor the
 * cpuinfo vendor_id ("GenuineIntel", "AuthenticAMD"); family and model the cpuinfo "cpu family" and
 * "model" numbers (-1 unknown); model_name cpuinfo's model name (may be NULL). Writes the basis
 * (ISA, FMA units, which CPU or "assumed") to basis. Returns the flops per cycle, 0 for an unknown
 * ISA. Examples: Sapphire Rapids 32, Xeon Silver 4114 (Skylake-SP, 1 FMA unit) 16, Zen 4 with
 * AVX-512 16 (256-bit datapaths), Zen 5 EPYC 32, Zen 1 8, Haswell 16, Sandy Bridge 8, SSE2 4. */
int exa_rpeak_flops_per_cycle(const char *isa, const char *vendor, int family, int model, const char *model_name,
                              char *basis, size_t len);

/* The GHz in a model name such as "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz" (also "MHz"), or 0. */
double exa_rpeak_ghz_from_model_name(const char *model_name);

/* Rpeak from given facts (pure: no files read). Fills out; returns 0, or -1 when cores, ghz or the
 * flops per cycle is unknown (out->gflops 0, the rest filled as far as known). */
int exa_rpeak_from(struct exa_rpeak *out, int cores, double ghz, const char *clock_source, const char *isa,
                   const char *vendor, int family, int model, const char *model_name);

/* Rpeak of this machine (every socket), from sysfs, CPUID and /proc/cpuinfo as described above;
 * the ISA from exa_cpu_peak_detect (EXA_FLOPS_PER_CYCLE overrides the table, as there). Returns
 * as exa_rpeak_from. */
int exa_rpeak_this_machine(struct exa_rpeak *out);

/* Rated FP64 peaks of accelerators, per device (per GPU module; an MI250X is one device of two
 * GCDs). */
struct exa_gpu_rpeak {
    const char *name;          /* canonical name, e.g. "NVIDIA H100 SXM5" */
    double fp64_tflops;        /* vector (CUDA core / shader) FP64 */
    double fp64_matrix_tflops; /* FP64 Tensor Core / Matrix Core; 0 when there is none */
    const char *basis;         /* where the figures come from */
};

/* The entry for a device name as CUDA or ROCm reports it ("NVIDIA H100 80GB HBM3",
 * "NVIDIA A100-SXM4-40GB", "AMD Instinct MI250X"...), case-insensitively, or NULL. */
const struct exa_gpu_rpeak *exa_rpeak_gpu_lookup(const char *device_name);

/* The figure for Rpeak in Gflop/s: the FP64 matrix (Tensor Core) peak where the device has one,
 * since HPL's DGEMM runs on those units, else the vector peak; 0 for NULL. Callers that must
 * follow a site's rule for the vector figure read fp64_tflops instead. */
double exa_rpeak_gpu_gflops(const struct exa_gpu_rpeak *g);

#endif
