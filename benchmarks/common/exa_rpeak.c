/* Theoretical Rpeak: the flops-per-cycle table, the nominal clock's sources, physical cores, and
 * rated GPU peaks. See exa_rpeak.h. */
#include "exa_rpeak.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "exa_peak.h"
#include "exa_sysfs.h"

/* ---- FP64 flops per cycle ---- */

#define ANY (-1)

struct fpc_row {
    const char *isa;        /* exa_peak's classification */
    const char *vendor;     /* NULL: any */
    int family;             /* ANY or the cpuinfo "cpu family" */
    int model_lo, model_hi; /* ANY or an inclusive range of cpuinfo "model" */
    const char *name_has;   /* NULL or a substring of the model name */
    int fpc;
    const char *basis;
};

/* First match wins: exceptions before the rule they refine. */
static const struct fpc_row fpc_table[] = {
    /* Intel AVX-512: 8 doubles x 2 (FMA) x FMA units. Skylake/Cascade Lake server parts differ by
     * SKU: Bronze, Silver and most Gold 5xxx have one 512-bit FMA unit. */
    {"avx512", "GenuineIntel", 6, 0x55, 0x55, "Gold 5122", 32, "AVX-512, 2 FMA units: Xeon Gold 5122"},
    {"avx512", "GenuineIntel", 6, 0x55, 0x55, "Gold 5222", 32, "AVX-512, 2 FMA units: Xeon Gold 5222"},
    {"avx512", "GenuineIntel", 6, 0x55, 0x55, "Bronze", 16, "AVX-512, 1 FMA unit: Xeon Bronze (Skylake/Cascade Lake)"},
    {"avx512", "GenuineIntel", 6, 0x55, 0x55, "Silver", 16, "AVX-512, 1 FMA unit: Xeon Silver (Skylake/Cascade Lake)"},
    {"avx512", "GenuineIntel", 6, 0x55, 0x55, "Gold 5", 16, "AVX-512, 1 FMA unit: Xeon Gold 5xxx (Skylake/Cascade Lake)"},
    {"avx512", "GenuineIntel", 6, 0x55, 0x55, NULL, 32,
     "AVX-512, 2 FMA units: Skylake-SP/Cascade Lake/Cooper Lake Gold 6xxx, Platinum, W, Skylake-X"},
    {"avx512", "GenuineIntel", 6, 0x57, 0x57, NULL, 32, "AVX-512, 2 VPUs: Knights Landing"},
    {"avx512", "GenuineIntel", 6, 0x85, 0x85, NULL, 32, "AVX-512, 2 VPUs: Knights Mill"},
    {"avx512", "GenuineIntel", 6, 0x6a, 0x6c, NULL, 32, "AVX-512, 2 FMA units: Ice Lake-SP"},
    {"avx512", "GenuineIntel", 6, 0x8f, 0x8f, NULL, 32, "AVX-512, 2 FMA units: Sapphire Rapids"},
    {"avx512", "GenuineIntel", 6, 0xcf, 0xcf, NULL, 32, "AVX-512, 2 FMA units: Emerald Rapids"},
    {"avx512", "GenuineIntel", 6, 0xad, 0xae, NULL, 32, "AVX-512, 2 FMA units: Granite Rapids"},
    {"avx512", "GenuineIntel", 6, 0x66, 0x66, NULL, 16, "AVX-512, 1 FMA unit: Cannon Lake (client)"},
    {"avx512", "GenuineIntel", 6, 0x7d, 0x7e, NULL, 16, "AVX-512, 1 FMA unit: Ice Lake (client)"},
    {"avx512", "GenuineIntel", 6, 0x8c, 0x8d, NULL, 16, "AVX-512, 1 FMA unit: Tiger Lake (client)"},
    {"avx512", "GenuineIntel", 6, 0xa7, 0xa7, NULL, 16, "AVX-512, 1 FMA unit: Rocket Lake (client)"},
    {"avx512", "GenuineIntel", 6, 0x97, 0x9a, NULL, 16, "AVX-512, 1 FMA unit: Alder Lake P-core (client)"},
    {"avx512", "GenuineIntel", ANY, ANY, ANY, NULL, 32,
     "AVX-512, assumed 2 FMA units (server Xeon; this model is not in the table)"},
    /* AMD AVX-512: Zen 4 splits 512-bit operations over 256-bit pipes; Zen 5 desktop and server
     * cores have full 512-bit datapaths, Zen 5 mobile ones keep 256-bit. */
    {"avx512", "AuthenticAMD", 0x19, ANY, ANY, NULL, 16, "AVX-512 on 256-bit datapaths, 2 FMA pipes: Zen 4"},
    {"avx512", "AuthenticAMD", 0x1a, 0x20, 0x2f, NULL, 16, "AVX-512 on 256-bit datapaths: Zen 5 mobile"},
    {"avx512", "AuthenticAMD", 0x1a, 0x60, 0x7f, NULL, 16, "AVX-512 on 256-bit datapaths: Zen 5 mobile"},
    {"avx512", "AuthenticAMD", 0x1a, ANY, ANY, NULL, 32,
     "AVX-512, 2 full-width 512-bit FMA pipes: Zen 5 (EPYC 9005, Ryzen 9000)"},
    {"avx512", "AuthenticAMD", ANY, ANY, ANY, NULL, 16,
     "AVX-512, assumed 256-bit datapaths as on Zen 4 (this family is not in the table)"},
    {"avx512", NULL, ANY, ANY, ANY, NULL, 32, "AVX-512, assumed 2 FMA units (vendor not in the table)"},
    /* AVX2 with FMA: 4 doubles x 2 x 2 units, except on cores with 128-bit FMA units. */
    {"avx2", "AuthenticAMD", 0x17, 0x00, 0x2f, NULL, 8, "AVX2, 256-bit operations on 2 128-bit FMA pipes: Zen/Zen+"},
    {"avx2", "GenuineIntel", 6, 0xaf, 0xaf, NULL, 8, "AVX2, 128-bit FMA units: Sierra Forest (E-cores)"},
    {"avx2", "GenuineIntel", 6, 0xbe, 0xbe, NULL, 8, "AVX2, 128-bit FMA units: Alder Lake-N (E-cores)"},
    {"avx2", NULL, ANY, ANY, ANY, NULL, 16, "AVX2, 2 256-bit FMA units (Haswell and later, Zen 2/3)"},
    {"avx", NULL, ANY, ANY, ANY, NULL, 8, "AVX, one 256-bit add and one 256-bit multiply (Sandy/Ivy Bridge)"},
    {"sse2", NULL, ANY, ANY, ANY, NULL, 4, "SSE2, one 128-bit add and one 128-bit multiply"},
};

static int in_range(int v, int lo, int hi)
{
    return lo == ANY || (v >= lo && v <= hi);
}

int exa_rpeak_flops_per_cycle(const char *isa, const char *vendor, int family, int model, const char *model_name,
                              char *basis, size_t len)
{
    for (size_t i = 0; isa && i < sizeof fpc_table / sizeof fpc_table[0]; i++) {
        const struct fpc_row *r = &fpc_table[i];
        if (strcmp(r->isa, isa))
            continue;
        if (r->vendor && (!vendor || strcmp(r->vendor, vendor)))
            continue;
        if (r->family != ANY && r->family != family)
            continue;
        if (r->model_lo != ANY && (model < 0 || !in_range(model, r->model_lo, r->model_hi)))
            continue;
        if (r->name_has && (!model_name || !strstr(model_name, r->name_has)))
            continue;
        if (basis && len)
            snprintf(basis, len, "%s", r->basis);
        return r->fpc;
    }
    if (basis && len)
        snprintf(basis, len, "unknown ISA '%s': no FP64 vector width known", isa ? isa : "");
    return 0;
}

/* ---- clock ---- */

double exa_rpeak_ghz_from_model_name(const char *model_name)
{
    const char *at = model_name ? strrchr(model_name, '@') : NULL;
    if (!at)
        return 0;
    char *end;
    double v = strtod(at + 1, &end);
    while (*end == ' ')
        end++;
    if (!(v > 0))
        return 0;
    if (!strncasecmp(end, "GHz", 3))
        return v;
    if (!strncasecmp(end, "MHz", 3))
        return v / 1000;
    return 0;
}

/* CPUID leaf 0x16 EAX: the processor base frequency in MHz (0 when the leaf is absent). */
static double cpuid_base_ghz(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, NULL) < 0x16)
        return 0;
    __cpuid_count(0x16, 0, a, b, c, d);
    (void)b;
    (void)c;
    (void)d;
    return (a & 0xffff) / 1000.0;
#else
    return 0;
#endif
}

static double khz_file(const char *path)
{
    long khz;
    return exa_read_long(path, &khz) == 0 && khz > 0 ? (double)khz / 1e6 : 0;
}

static double clock_ghz(const char *model_name, char *source, size_t len)
{
    const char *env = getenv("EXA_CPU_GHZ");
    double ghz = env ? strtod(env, NULL) : 0;
    const char *src = "EXA_CPU_GHZ";
    if (!(ghz > 0)) {
        ghz = khz_file("/sys/devices/system/cpu/cpu0/cpufreq/base_frequency");
        src = "cpufreq base_frequency";
    }
    if (!(ghz > 0)) {
        ghz = cpuid_base_ghz();
        src = "CPUID leaf 0x16";
    }
    if (!(ghz > 0)) {
        ghz = exa_rpeak_ghz_from_model_name(model_name);
        src = "cpuinfo model name";
    }
    if (!(ghz > 0)) {
        ghz = khz_file("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
        src = "cpufreq cpuinfo_max_freq";
    }
    if (!(ghz > 0)) {
        char *mhz = exa_read_keyed("/proc/cpuinfo", "cpu MHz");
        ghz = mhz ? strtod(mhz, NULL) / 1000 : 0;
        free(mhz);
        src = "cpuinfo cpu MHz";
    }
    if (!(ghz > 0)) {
        ghz = 0;
        src = "unknown";
    }
    snprintf(source, len, "%s", src);
    return ghz;
}

/* ---- cores ---- */

static int physical_cores(char *source, size_t len)
{
    DIR *d = opendir("/sys/devices/system/cpu");
    long (*pairs)[2] = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, "cpu", 3) || !isdigit((unsigned char)e->d_name[3]))
            continue;
        char path[512];
        long pkg, core;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/%s/topology/physical_package_id", e->d_name);
        if (exa_read_long(path, &pkg) != 0)
            continue;  /* offline */
        snprintf(path, sizeof path, "/sys/devices/system/cpu/%s/topology/core_id", e->d_name);
        if (exa_read_long(path, &core) != 0)
            continue;
        int seen = 0;
        for (size_t i = 0; i < n && !seen; i++)
            seen = pairs[i][0] == pkg && pairs[i][1] == core;
        if (seen)
            continue;
        if (n == cap)
            pairs = realloc(pairs, (cap = cap ? 2 * cap : 64) * sizeof *pairs);
        pairs[n][0] = pkg;
        pairs[n][1] = core;
        n++;
    }
    if (d)
        closedir(d);
    free(pairs);
    if (n > 0) {
        snprintf(source, len, "sysfs topology (package, core) pairs");
        return (int)n;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(source, len, "online logical CPUs (topology unreadable)");
    return online > 0 ? (int)online : 0;
}

/* ---- Rpeak ---- */

int exa_rpeak_from(struct exa_rpeak *out, int cores, double ghz, const char *clock_source, const char *isa,
                   const char *vendor, int family, int model, const char *model_name)
{
    memset(out, 0, sizeof *out);
    out->cores = cores > 0 ? cores : 0;
    out->ghz = ghz > 0 ? ghz : 0;
    snprintf(out->clock_source, sizeof out->clock_source, "%s", clock_source ? clock_source : "given");
    snprintf(out->isa, sizeof out->isa, "%s", isa ? isa : "unknown");
    out->flops_per_cycle = exa_rpeak_flops_per_cycle(isa, vendor, family, model, model_name, out->fpc_basis,
                                                     sizeof out->fpc_basis);
    if (!out->cores || !(out->ghz > 0) || !out->flops_per_cycle)
        return -1;
    out->gflops = (double)out->cores * out->ghz * (double)out->flops_per_cycle;
    return 0;
}

static int keyed_int(const char *key)
{
    char *v = exa_read_keyed("/proc/cpuinfo", key);
    int n = v && isdigit((unsigned char)*v) ? atoi(v) : -1;
    free(v);
    return n;
}

int exa_rpeak_this_machine(struct exa_rpeak *out)
{
    struct exa_cpu_peak peak;
    exa_cpu_peak_detect(&peak);  /* the ISA from the cpuinfo flags; EXA_FLOPS_PER_CYCLE -> "override" */
    char *vendor = exa_read_keyed("/proc/cpuinfo", "vendor_id");
    char *name = exa_read_keyed("/proc/cpuinfo", "model name");
    int family = keyed_int("cpu family"), model = keyed_int("model");
    char csrc[64], osrc[64];
    double ghz = clock_ghz(name, csrc, sizeof csrc);
    int cores = physical_cores(osrc, sizeof osrc);
    int rc = exa_rpeak_from(out, cores, ghz, csrc, peak.isa, vendor, family, model, name);
    snprintf(out->cores_source, sizeof out->cores_source, "%s", osrc);
    if (peak.isa && !strcmp(peak.isa, "override") && getenv("EXA_FLOPS_PER_CYCLE")) {
        out->flops_per_cycle = peak.dp_flops_per_cycle;
        snprintf(out->fpc_basis, sizeof out->fpc_basis, "EXA_FLOPS_PER_CYCLE=%d (environment)", peak.dp_flops_per_cycle);
        rc = out->cores && out->ghz > 0 && out->flops_per_cycle > 0 ? 0 : -1;
        out->gflops = rc == 0 ? (double)out->cores * out->ghz * (double)out->flops_per_cycle : 0;
    }
    free(vendor);
    free(name);
    return rc;
}

/* ---- GPUs ---- */

struct gpu_row {
    const char *need[3];  /* substrings that must all be in the device name (case-insensitive) */
    struct exa_gpu_rpeak g;
};

#define NV_H100 "NVIDIA H100 datasheet: FP64 / FP64 Tensor Core, dense"
#define NV_H200 "NVIDIA H200 datasheet: FP64 / FP64 Tensor Core, dense"
#define NV_A100 "NVIDIA A100 datasheet: FP64 / FP64 Tensor Core"
#define NV_V100 "NVIDIA V100 datasheet: FP64 (no FP64 Tensor Core)"
#define AMD_CDNA "AMD Instinct datasheet: peak FP64 vector / FP64 matrix"

/* First match wins: specific names before the names they contain (GH200 before H200). */
static const struct gpu_row gpu_table[] = {
    {{"GH200"}, {"NVIDIA GH200 (Hopper GPU)", 34, 67, "NVIDIA GH200 datasheet: FP64 / FP64 Tensor Core, dense"}},
    {{"H200", "NVL"}, {"NVIDIA H200 NVL", 30, 60, NV_H200}},
    {{"H200"}, {"NVIDIA H200 SXM", 34, 67, NV_H200}},
    {{"H100", "PCIe"}, {"NVIDIA H100 PCIe", 26, 51, NV_H100}},
    {{"H100", "NVL"}, {"NVIDIA H100 NVL", 30, 60, NV_H100}},
    {{"H100"}, {"NVIDIA H100 SXM5", 34, 67, NV_H100}},
    {{"H800", "PCIe"}, {"NVIDIA H800 PCIe", 26, 51, NV_H100 " (H800 as H100)"}},
    {{"A100"}, {"NVIDIA A100 (SXM4 and PCIe)", 9.7, 19.5, NV_A100}},
    {{"A30"}, {"NVIDIA A30", 5.2, 10.3, "NVIDIA A30 datasheet: FP64 / FP64 Tensor Core"}},
    {{"V100S"}, {"NVIDIA V100S PCIe", 8.2, 0, NV_V100}},
    {{"V100", "PCIE"}, {"NVIDIA V100 PCIe", 7.0, 0, NV_V100}},
    {{"V100"}, {"NVIDIA V100 SXM2", 7.8, 0, NV_V100}},
    {{"MI300A"}, {"AMD Instinct MI300A", 61.3, 122.6, AMD_CDNA}},
    {{"MI300X"}, {"AMD Instinct MI300X", 81.7, 163.4, AMD_CDNA}},
    {{"MI250X"}, {"AMD Instinct MI250X (2 GCDs)", 47.9, 95.7, AMD_CDNA}},
    {{"MI250"}, {"AMD Instinct MI250 (2 GCDs)", 45.3, 90.5, AMD_CDNA}},
    {{"MI210"}, {"AMD Instinct MI210", 22.6, 45.3, AMD_CDNA}},
    {{"MI100"}, {"AMD Instinct MI100", 11.5, 0, "AMD Instinct MI100 datasheet: peak FP64 vector"}},
};

/* needle in hay, case-insensitively, not run on into more digits ("A100" is not in "A1000"). */
static int has_part(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; (p = strcasestr(p, needle)); p++)
        if (!isdigit((unsigned char)p[n]) && (p == hay || !isdigit((unsigned char)p[-1])))
            return 1;
    return 0;
}

const struct exa_gpu_rpeak *exa_rpeak_gpu_lookup(const char *device_name)
{
    if (!device_name)
        return NULL;
    for (size_t i = 0; i < sizeof gpu_table / sizeof gpu_table[0]; i++) {
        int all = 1;
        for (int k = 0; k < 3 && gpu_table[i].need[k] && all; k++)
            all = has_part(device_name, gpu_table[i].need[k]);
        if (all)
            return &gpu_table[i].g;
    }
    return NULL;
}

double exa_rpeak_gpu_gflops(const struct exa_gpu_rpeak *g)
{
    if (!g)
        return 0;
    return 1000 * (g->fp64_matrix_tflops > 0 ? g->fp64_matrix_tflops : g->fp64_tflops);
}
