/* Expected peaks: nominal FLOP/s from ISA and clock, and a measured dgemm calibration. */
#include "exa_peak.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exa_sysfs.h"
#include "exa_timer.h"

static int has_flag(const char *flags, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = flags; p && (p = strstr(p, flag)); p += n)
        if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

/* Double-precision FLOP per cycle per core: vector lanes x 2 (FMA) x FMA pipes. AMD's AVX-512
 * (Zen 4) executes 512-bit FMAs on two 256-bit pipes, so it peaks like AVX2 with two FMA units. */
static void isa_flops(const char *flags, const char *vendor, struct exa_cpu_peak *peak)
{
    int amd = vendor && strstr(vendor, "AMD") != NULL;
    if (has_flag(flags, "avx512f")) {
        peak->isa = "avx512";
        peak->dp_flops_per_cycle = amd ? 16 : 32;
    } else if (has_flag(flags, "avx2") && has_flag(flags, "fma")) {
        peak->isa = "avx2";
        peak->dp_flops_per_cycle = 16;
    } else if (has_flag(flags, "avx")) {
        peak->isa = "avx";
        peak->dp_flops_per_cycle = 8;
    } else if (has_flag(flags, "sse2")) {
        peak->isa = "sse2";
        peak->dp_flops_per_cycle = 4;
    } else {
        peak->isa = "unknown";
        peak->dp_flops_per_cycle = 0;
    }
}

static double nominal_ghz(void)
{
    long khz;
    if (exa_read_long("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", &khz) == 0 && khz > 0)
        return (double)khz / 1e6;
    char *model = exa_read_keyed("/proc/cpuinfo", "model name");
    double ghz = 0;
    const char *at = model ? strchr(model, '@') : NULL;
    if (at)
        ghz = strtod(at + 1, NULL);
    free(model);
    if (ghz > 0)
        return ghz;
    char *mhz = exa_read_keyed("/proc/cpuinfo", "cpu MHz");
    if (mhz)
        ghz = strtod(mhz, NULL) / 1000.0;
    free(mhz);
    return ghz;
}

static double env_double(const char *name)
{
    const char *v = getenv(name);
    return v ? strtod(v, NULL) : 0.0;
}

int exa_cpu_peak_detect(struct exa_cpu_peak *peak)
{
    memset(peak, 0, sizeof *peak);
    char *flags = exa_read_keyed("/proc/cpuinfo", "flags");
    char *vendor = exa_read_keyed("/proc/cpuinfo", "vendor_id");
    isa_flops(flags, vendor, peak);
    free(flags);
    free(vendor);
    peak->ghz = nominal_ghz();
    double fpc = env_double("EXA_FLOPS_PER_CYCLE"), ghz = env_double("EXA_CPU_GHZ");
    if (fpc > 0) {
        peak->dp_flops_per_cycle = (int)fpc;
        peak->isa = "override";
    }
    if (ghz > 0)
        peak->ghz = ghz;
    peak->nominal_gflops_per_core = peak->dp_flops_per_cycle * peak->ghz;
    double direct = env_double("EXA_PEAK_GFLOPS_PER_CORE");
    if (direct > 0) {
        peak->nominal_gflops_per_core = direct;
        peak->isa = "override";
    }
    return 0;
}

double exa_calibrate_dgemm_gflops(int n, int repeats)
{
    size_t count = (size_t)n * (size_t)n;
    double *a = malloc(count * sizeof *a), *b = malloc(count * sizeof *b), *c = malloc(count * sizeof *c);
    if (!a || !b || !c) {
        free(a);
        free(b);
        free(c);
        return 0.0;
    }
    for (size_t i = 0; i < count; i++) {
        a[i] = (double)(i % 97) / 97.0 - 0.5;
        b[i] = (double)(i % 89) / 89.0 - 0.5;
        c[i] = 0.0;
    }
#ifdef OPENBLAS_VERSION
    int saved_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
#endif
    double best = 0.0;
    for (int r = 0; r < repeats + 1; r++) { /* the first call warms up the library */
        double t0 = exa_now();
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
        double t = exa_now() - t0;
        double rate = 2.0 * n * (double)n * n / t / 1e9;
        if (r > 0 && rate > best)
            best = rate;
    }
#ifdef OPENBLAS_VERSION
    openblas_set_num_threads(saved_threads);
#endif
    free(a);
    free(b);
    free(c);
    return best;
}

/* ISA level of an OpenBLAS kernel set (openblas_get_corename, lower case): 1 SSE, 2 AVX, 3 AVX2
 * with FMA or wider. Names not listed are taken as 3, so that an unknown (newer) core never
 * draws a warning. */
static int core_level(const char *core)
{
    static const char *const sse[] = {"prescott", "core2", "penryn", "dunnington", "nehalem", "atom",
                                      "katmai", "coppermine", "northwood", "banias", "opteron",
                                      "opteron_sse3", "barcelona", "bobcat", "nano", "unknown"};
    static const char *const avx[] = {"sandybridge", "bulldozer", "piledriver", "steamroller",
                                      "excavator"};
    for (size_t i = 0; i < sizeof sse / sizeof sse[0]; i++)
        if (!strcasecmp(core, sse[i]))
            return 1;
    for (size_t i = 0; i < sizeof avx / sizeof avx[0]; i++)
        if (!strcasecmp(core, avx[i]))
            return 2;
    return 3;
}

/* The check itself; exa_blas_kernel_check keeps its answer, which can not change once the
 * library is loaded. */
static const char *kernel_check(char *why, size_t len)
{
#ifdef OPENBLAS_VERSION
    const char *config = openblas_get_config(), *core = openblas_get_corename();
    if (!config || !core || !strstr(config, "DYNAMIC_ARCH"))
        return NULL;  /* one kernel set built in: OPENBLAS_CORETYPE would change nothing */
    char *flags = exa_read_keyed("/proc/cpuinfo", "flags");
    int avx512 = has_flag(flags, "avx512f"), avx2 = has_flag(flags, "avx2") && has_flag(flags, "fma");
    int cpu_level = avx2 ? 3 : has_flag(flags, "avx") ? 2 : 1;
    free(flags);
    if (core_level(core) >= cpu_level)
        return NULL;
    const char *fix = avx512 ? "SkylakeX" : avx2 ? "Haswell" : "Sandybridge";
    char version[32];
    const char *v = OPENBLAS_VERSION;
    while (*v == ' ' || (*v && strchr("OpenBLAS", *v)))
        v++;  /* " OpenBLAS 0.3.21 " -> "0.3.21" */
    snprintf(version, sizeof version, "%.*s", (int)strcspn(v, " "), v);
    snprintf(why, len, "OpenBLAS %s runs its %s kernels on this CPU (%s), a model it does not "
             "recognise: DGEMM runs several times below what the cores can do; "
             "OPENBLAS_CORETYPE=%s selects kernels for its ISA", version, core,
             avx512 ? "AVX-512" : avx2 ? "AVX2 and FMA" : "AVX", fix);
    return fix;
#else
    (void)why;
    (void)len;
    return NULL;
#endif
}

const char *exa_blas_kernel_check(char *why, size_t len)
{
    static int done;
    static const char *fix;
    static char reason[512];
    if (!done) {
        fix = kernel_check(reason, sizeof reason);
        done = 1;
    }
    if (fix)
        snprintf(why, len, "%s", reason);
    return fix;
}

json_t *exa_blas_kernels_json(void)
{
#ifdef OPENBLAS_VERSION
    const char *core = openblas_get_corename();
    if (!core)
        return NULL;
    json_t *o = json_pack("{s:s}", "name", core);
    char why[512];
    const char *fix = exa_blas_kernel_check(why, sizeof why);
    if (fix) {
        json_object_set_new(o, "warning", json_string(why));
        json_object_set_new(o, "suggested_coretype", json_string(fix));
    }
    return o;
#else
    return NULL;
#endif
}

json_t *exa_peak_json(const struct exa_cpu_peak *peak, double calibrated_gflops_per_core)
{
    json_t *o = json_object();
    json_object_set_new(o, "isa", json_string(peak->isa ? peak->isa : "unknown"));
    json_object_set_new(o, "dp_flops_per_cycle", json_integer(peak->dp_flops_per_cycle));
    if (peak->ghz > 0)
        json_object_set_new(o, "ghz", json_real(peak->ghz));
    if (peak->nominal_gflops_per_core > 0)
        json_object_set_new(o, "nominal_gflops_per_core", json_real(peak->nominal_gflops_per_core));
    if (calibrated_gflops_per_core > 0)
        json_object_set_new(o, "calibrated_gflops_per_core", json_real(calibrated_gflops_per_core));
    return o;
}

double exa_peak_memory_bandwidth(void)
{
    return env_double("EXA_PEAK_MEM_BW_GBS");
}
