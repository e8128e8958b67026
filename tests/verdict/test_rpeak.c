/* Tests of the theoretical Rpeak: the flops-per-cycle table, the model-name clock, the pure
 * product, the GPU table, and this machine's figure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_rpeak.h"

struct fpc_case {
    const char *isa, *vendor;
    int family, model;
    const char *name;
    int want;
    const char *basis_has;
};

static void test_flops_per_cycle_table(void **state)
{
    (void)state;
    static const struct fpc_case cases[] = {
        {"avx512", "GenuineIntel", 6, 0x8f, "Intel(R) Xeon(R) Platinum 8480+", 32, "Sapphire Rapids"},
        {"avx512", "GenuineIntel", 6, 0xcf, "INTEL(R) XEON(R) PLATINUM 8592+", 32, "Emerald Rapids"},
        {"avx512", "GenuineIntel", 6, 0x6a, "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", 32, "Ice Lake-SP"},
        {"avx512", "GenuineIntel", 6, 0x55, "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", 32, "2 FMA units"},
        {"avx512", "GenuineIntel", 6, 0x55, "Intel(R) Xeon(R) Platinum 8280 CPU @ 2.70GHz", 32, "2 FMA units"},
        {"avx512", "GenuineIntel", 6, 0x55, "Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz", 16, "1 FMA unit"},
        {"avx512", "GenuineIntel", 6, 0x55, "Intel(R) Xeon(R) Bronze 3106 CPU @ 1.70GHz", 16, "1 FMA unit"},
        {"avx512", "GenuineIntel", 6, 0x55, "Intel(R) Xeon(R) Gold 5118 CPU @ 2.30GHz", 16, "Gold 5xxx"},
        {"avx512", "GenuineIntel", 6, 0x55, "Intel(R) Xeon(R) Gold 5122 CPU @ 3.60GHz", 32, "Gold 5122"},
        {"avx512", "GenuineIntel", 6, 0x57, "Intel(R) Xeon Phi(TM) CPU 7250 @ 1.40GHz", 32, "Knights Landing"},
        {"avx512", "GenuineIntel", 6, 0x8c, "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", 16, "Tiger Lake"},
        {"avx512", "GenuineIntel", 6, 0xff, "Intel(R) Xeon(R) 7 future", 32, "assumed 2 FMA units"},
        {"avx512", "AuthenticAMD", 0x19, 0x11, "AMD EPYC 9654 96-Core Processor", 16, "Zen 4"},
        {"avx512", "AuthenticAMD", 0x1a, 0x02, "AMD EPYC 9755 128-Core Processor", 32, "Zen 5"},
        {"avx512", "AuthenticAMD", 0x1a, 0x24, "AMD Ryzen AI 9 HX 370", 16, "Zen 5 mobile"},
        {"avx512", "AuthenticAMD", 0x1f, 0x00, NULL, 16, "assumed 256-bit"},
        {"avx2", "AuthenticAMD", 0x17, 0x01, "AMD EPYC 7601 32-Core Processor", 8, "Zen/Zen+"},
        {"avx2", "AuthenticAMD", 0x17, 0x31, "AMD EPYC 7742 64-Core Processor", 16, "2 256-bit FMA units"},
        {"avx2", "AuthenticAMD", 0x19, 0x01, "AMD EPYC 7763 64-Core Processor", 16, "2 256-bit FMA units"},
        {"avx2", "GenuineIntel", 6, 0x4f, "Intel(R) Xeon(R) CPU E5-2697 v4 @ 2.30GHz", 16, "Haswell"},
        {"avx2", "GenuineIntel", 6, 0xaf, "Intel(R) Xeon(R) 6780E", 8, "Sierra Forest"},
        {"avx", "GenuineIntel", 6, 0x2d, "Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz", 8, "Sandy"},
        {"sse2", "GenuineIntel", 6, 0x1a, "Intel(R) Xeon(R) CPU X5570 @ 2.93GHz", 4, "SSE2"},
        {"unknown", "ARM", -1, -1, NULL, 0, "unknown ISA"},
        {NULL, NULL, -1, -1, NULL, 0, "unknown ISA"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct fpc_case *c = &cases[i];
        char basis[160];
        int got = exa_rpeak_flops_per_cycle(c->isa, c->vendor, c->family, c->model, c->name, basis, sizeof basis);
        if (got != c->want || !strstr(basis, c->basis_has))
            fail_msg("case %zu (%s): got %d '%s', want %d '...%s...'", i, c->name ? c->name : "-", got, basis, c->want,
                     c->basis_has);
    }
}

static void test_model_name_clock(void **state)
{
    (void)state;
    assert_float_equal(exa_rpeak_ghz_from_model_name("Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz"), 2.10, 1e-12);
    assert_float_equal(exa_rpeak_ghz_from_model_name("Intel(R) Xeon(R) CPU E5-2697 v4 @ 2.30GHz"), 2.30, 1e-12);
    assert_float_equal(exa_rpeak_ghz_from_model_name("Some CPU @ 2400 MHz"), 2.4, 1e-12);
    assert_float_equal(exa_rpeak_ghz_from_model_name("AMD EPYC 9654 96-Core Processor"), 0, 0);
    assert_float_equal(exa_rpeak_ghz_from_model_name("odd @ fast"), 0, 0);
    assert_float_equal(exa_rpeak_ghz_from_model_name(NULL), 0, 0);
}

static void test_rpeak_from(void **state)
{
    (void)state;
    struct exa_rpeak r;
    /* 2 x Xeon Platinum 8480+ (56 cores, 2.0 GHz base): 112 x 2.0 x 32 = 7168 Gflop/s. */
    assert_int_equal(exa_rpeak_from(&r, 112, 2.0, "cpufreq base_frequency", "avx512", "GenuineIntel", 6, 0x8f,
                                    "Intel(R) Xeon(R) Platinum 8480+"),
                     0);
    assert_float_equal(r.gflops, 7168, 1e-9);
    assert_int_equal(r.flops_per_cycle, 32);
    assert_string_equal(r.clock_source, "cpufreq base_frequency");
    assert_string_equal(r.isa, "avx512");
    /* 2 x EPYC 9654 (96 cores, 2.4 GHz): 192 x 2.4 x 16 = 7372.8. */
    assert_int_equal(exa_rpeak_from(&r, 192, 2.4, "given", "avx512", "AuthenticAMD", 0x19, 0x11, NULL), 0);
    assert_float_equal(r.gflops, 7372.8, 1e-9);
    /* Unknown factors: -1 and 0 Gflop/s. */
    assert_int_equal(exa_rpeak_from(&r, 0, 2.4, "given", "avx2", NULL, -1, -1, NULL), -1);
    assert_float_equal(r.gflops, 0, 0);
    assert_int_equal(exa_rpeak_from(&r, 8, 0, "unknown", "avx2", NULL, -1, -1, NULL), -1);
    assert_int_equal(exa_rpeak_from(&r, 8, 2.0, "given", "unknown", NULL, -1, -1, NULL), -1);
}

static void test_gpu_table(void **state)
{
    (void)state;
    static const struct {
        const char *device, *want;
        double gflops;
    } cases[] = {
        {"NVIDIA H100 80GB HBM3", "NVIDIA H100 SXM5", 67000},
        {"NVIDIA H100 PCIe", "NVIDIA H100 PCIe", 51000},
        {"NVIDIA H100 NVL", "NVIDIA H100 NVL", 60000},
        {"NVIDIA H200", "NVIDIA H200 SXM", 67000},
        {"NVIDIA H200 NVL", "NVIDIA H200 NVL", 60000},
        {"NVIDIA GH200 480GB", "NVIDIA GH200 (Hopper GPU)", 67000},
        {"NVIDIA A100-SXM4-80GB", "NVIDIA A100 (SXM4 and PCIe)", 19500},
        {"NVIDIA A100-PCIE-40GB", "NVIDIA A100 (SXM4 and PCIe)", 19500},
        {"Tesla V100-SXM2-32GB", "NVIDIA V100 SXM2", 7800},
        {"Tesla V100-PCIE-16GB", "NVIDIA V100 PCIe", 7000},
        {"Tesla V100S-PCIE-32GB", "NVIDIA V100S PCIe", 8200},
        {"AMD Instinct MI250X", "AMD Instinct MI250X (2 GCDs)", 95700},
        {"AMD Instinct MI250", "AMD Instinct MI250 (2 GCDs)", 90500},
        {"AMD Instinct MI300A", "AMD Instinct MI300A", 122600},
        {"amd instinct mi300x", "AMD Instinct MI300X", 163400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct exa_gpu_rpeak *g = exa_rpeak_gpu_lookup(cases[i].device);
        if (!g || strcmp(g->name, cases[i].want) || exa_rpeak_gpu_gflops(g) != cases[i].gflops)
            fail_msg("%s: got %s %g", cases[i].device, g ? g->name : "NULL", exa_rpeak_gpu_gflops(g));
        assert_non_null(strstr(g->basis, "datasheet"));
        assert_true(g->fp64_tflops > 0 && g->fp64_tflops <= exa_rpeak_gpu_gflops(g) / 1000);
    }
    assert_null(exa_rpeak_gpu_lookup("NVIDIA RTX A1000"));
    assert_null(exa_rpeak_gpu_lookup("NVIDIA GeForce RTX 4090"));
    assert_null(exa_rpeak_gpu_lookup(NULL));
    assert_float_equal(exa_rpeak_gpu_gflops(NULL), 0, 0);
}

static void test_this_machine(void **state)
{
    (void)state;
    unsetenv("EXA_CPU_GHZ");
    unsetenv("EXA_FLOPS_PER_CYCLE");
    struct exa_rpeak r;
    int rc = exa_rpeak_this_machine(&r);
    printf("# this machine: %d cores (%s) x %.3f GHz (%s) x %d flops/cycle (%s: %s) = %.1f Gflop/s\n", r.cores,
           r.cores_source, r.ghz, r.clock_source, r.flops_per_cycle, r.isa, r.fpc_basis, r.gflops);
    if (!strcmp(r.isa, "unknown"))
        skip();  /* not x86: the table has no entry */
    assert_int_equal(rc, 0);
    assert_true(r.gflops > 0);
    assert_true(r.cores > 0);
    assert_true(r.ghz > 0.1 && r.ghz < 10);
    static const char *const sources[] = {"cpufreq base_frequency", "CPUID leaf 0x16", "cpuinfo model name",
                                          "cpufreq cpuinfo_max_freq", "cpuinfo cpu MHz"};
    int named = 0;
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
        named |= !strcmp(r.clock_source, sources[i]);
    assert_true(named);
    /* The environment overrides, as in exa_peak. */
    setenv("EXA_CPU_GHZ", "2.5", 1);
    setenv("EXA_FLOPS_PER_CYCLE", "16", 1);
    assert_int_equal(exa_rpeak_this_machine(&r), 0);
    assert_string_equal(r.clock_source, "EXA_CPU_GHZ");
    assert_float_equal(r.gflops, r.cores * 2.5 * 16, 1e-9);
    assert_non_null(strstr(r.fpc_basis, "EXA_FLOPS_PER_CYCLE"));
    unsetenv("EXA_CPU_GHZ");
    unsetenv("EXA_FLOPS_PER_CYCLE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flops_per_cycle_table), cmocka_unit_test(test_model_name_clock),
        cmocka_unit_test(test_rpeak_from),           cmocka_unit_test(test_gpu_table),
        cmocka_unit_test(test_this_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
