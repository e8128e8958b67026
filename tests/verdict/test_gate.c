/* Tests of the regression gate: its statistics against known values, the tolerance file and
 * overrides, and the acceptance cases of issue 13 on synthetic runs with fixed seeds. The rates
 * over many seeds are printed as TAP comments ("# rate ...") for the record. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gate.h"

/* ---- a deterministic generator ---- */

struct rng {
    uint64_t s;
};

static double uniform(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(struct rng *r)
{
    return sqrt(-2 * log(uniform(r))) * cos(2 * M_PI * uniform(r));
}

/* How many seeds the rate measurements use: EXA_GATE_RUNS, default 300 (the report's figures
 * were taken with EXA_GATE_RUNS=2000). */
static int rate_runs(void)
{
    const char *v = getenv("EXA_GATE_RUNS");
    int n = v ? atoi(v) : 0;
    return n > 0 ? n : 300;
}

/* ---- statistics ---- */

static void test_t_distribution(void **state)
{
    (void)state;
    assert_float_equal(gate_t_p(2.776445, 4), 0.05, 1e-5);
    assert_float_equal(gate_t_p(12.7062, 1), 0.05, 1e-5);
    assert_float_equal(gate_t_p(1.959964, 1e7), 0.05, 1e-5);
    assert_float_equal(gate_t_p(0, 7), 1, 1e-12);
    assert_float_equal(gate_t_p(-2.776445, 4), 0.05, 1e-5);
    assert_float_equal(gate_t_p(3.169273, 10), 0.01, 1e-6);
    assert_float_equal(gate_t_quantile(0.95, 10), 2.228139, 1e-5);
    assert_float_equal(gate_t_quantile(0.99, 3), 5.840909, 1e-5);
    /* Fractional df (Welch): between the neighbouring integers, and the inverse of gate_t_p. */
    double q = gate_t_quantile(0.95, 4.5);
    assert_true(q > 2.570582 && q < 2.776445);
    assert_float_equal(gate_t_p(q, 4.5), 0.05, 1e-9);
}

static void test_adjust(void **state)
{
    (void)state;
    const double p[] = {0.01, 0.04, 0.03, 0.005, NAN};
    double a[5];
    gate_adjust(GATE_BH, p, 5, a);
    assert_float_equal(a[0], 0.02, 1e-12);
    assert_float_equal(a[1], 0.04, 1e-12);
    assert_float_equal(a[2], 0.04, 1e-12);
    assert_float_equal(a[3], 0.02, 1e-12);
    assert_true(isnan(a[4]));
    gate_adjust(GATE_HOLM, p, 5, a);
    assert_float_equal(a[0], 0.03, 1e-12);
    assert_float_equal(a[1], 0.06, 1e-12);
    assert_float_equal(a[2], 0.06, 1e-12);
    assert_float_equal(a[3], 0.02, 1e-12);
    assert_true(isnan(a[4]));
}

/* ---- tolerances ---- */

static void test_tolerance_defaults(void **state)
{
    (void)state;
    struct gate_tolerances t;
    gate_tol_init(&t);
    const char *o;
    assert_float_equal(gate_tolerance(&t, "hpl/gflops", "Gflop/s", 1, &o), 0.03, 1e-12);
    assert_string_equal(o, "default: HPL Gflop/s");
    assert_float_equal(gate_tolerance(&t, "hpl/time", "s", 0, &o), 0.03, 1e-12);
    assert_float_equal(gate_tolerance(&t, "stream/triad_bandwidth", "GB/s", 1, &o), 0.03, 1e-12);
    assert_string_equal(o, "default: STREAM bandwidth");
    assert_float_equal(gate_tolerance(&t, "comm/latency_8K", "us", 0, &o), 0.10, 1e-12);
    assert_string_equal(o, "default: latency");
    assert_float_equal(gate_tolerance(&t, "comm/bandwidth_4M", "GB/s", 1, &o), 0.05, 1e-12);
    assert_string_equal(o, "default: interconnect bandwidth");
    assert_float_equal(gate_tolerance(&t, "comm/slow_pairs", "pairs", 0, &o), 0.05, 1e-12);
    assert_string_equal(o, "default: any other metric");
    gate_tol_free(&t);
}

static void test_tolerance_file(void **state)
{
    (void)state;
    struct gate_tolerances t;
    char err[256];
    gate_tol_init(&t);
    assert_int_equal(gate_tol_parse(&t,
                                    "# tolerances for the cluster\n"
                                    "\n"
                                    "*            4     # everything else\n"
                                    "hpl/gflops   2%\n"
                                    "  latency_*  15\r\n"
                                    "hpl/*\t1.5",
                                    "tol.txt", err, sizeof err),
                     0);
    const char *o;
    assert_float_equal(gate_tolerance(&t, "hpl/gflops", "Gflop/s", 1, &o), 0.015, 1e-12);  /* last match */
    assert_string_equal(o, "tol.txt:6");
    assert_float_equal(gate_tolerance(&t, "comm/latency_8K", "us", 0, &o), 0.15, 1e-12);  /* bare name */
    assert_string_equal(o, "tol.txt:5");
    assert_float_equal(gate_tolerance(&t, "stream/copy_bandwidth", "GB/s", 1, &o), 0.04, 1e-12);
    assert_string_equal(o, "tol.txt:3");
    assert_int_equal(gate_tol_override(&t, "hpl/gflops=2.5", err, sizeof err), 0);
    assert_float_equal(gate_tolerance(&t, "hpl/gflops", "Gflop/s", 1, &o), 0.025, 1e-12);
    assert_string_equal(o, "command line");

    /* Errors name the file, line and value. */
    assert_int_equal(gate_tol_parse(&t, "hpl/* 3\nstream/* fast\n", "tol.txt", err, sizeof err), 2);
    assert_string_equal(err, "tol.txt:2: 'fast': not a percentage from 0 to 1000");
    assert_int_equal(gate_tol_parse(&t, "hpl/* -3\n", "t", err, sizeof err), 2);
    assert_string_equal(err, "t:1: '-3': not a percentage from 0 to 1000");
    assert_int_equal(gate_tol_parse(&t, "hpl/* 3 4\n", "t", err, sizeof err), 2);
    assert_string_equal(err, "t:1: 'hpl/* 3 4': expected 'METRIC_GLOB PCT' (e.g. 'hpl/gflops 3')");
    assert_int_equal(gate_tol_parse(&t, "\n\nhpl/*\n", "t", err, sizeof err), 2);
    assert_string_equal(err, "t:3: 'hpl/*': expected 'METRIC_GLOB PCT' (e.g. 'hpl/gflops 3')");
    assert_int_equal(gate_tol_parse(&t, "a 1001\n", "t", err, sizeof err), 2);
    assert_int_equal(gate_tol_parse(&t, "a 3%%\n", "t", err, sizeof err), 2);
    assert_int_equal(gate_tol_parse(&t, "a nan\n", "t", err, sizeof err), 2);
    assert_int_equal(gate_tol_override(&t, "hpl/gflops", err, sizeof err), 2);
    assert_string_equal(err, "'hpl/gflops': expected METRIC_GLOB=PCT (e.g. 'hpl/gflops=2')");
    assert_int_equal(gate_tol_override(&t, "hpl/gflops=x", err, sizeof err), 2);
    assert_string_equal(err, "'hpl/gflops=x': 'x' is not a percentage from 0 to 1000");

    /* From a file. */
    char path[] = "/tmp/exa-tolXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "stream/* 1\nbad line here\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(gate_tol_load(&t, path, err, sizeof err), 2);
    char want[256];
    snprintf(want, sizeof want, "%s:2: 'bad line here': expected 'METRIC_GLOB PCT' (e.g. 'hpl/gflops 3')", path);
    assert_string_equal(err, want);
    unlink(path);
    assert_int_equal(gate_tol_load(&t, path, err, sizeof err), 2);
    assert_non_null(strstr(err, "No such file"));
    gate_tol_free(&t);
}

/* ---- synthetic runs ---- */

#define NMETRIC 93

struct synth {
    char key[NMETRIC][64];
    const char *unit[NMETRIC];
    int higher[NMETRIC];
    double level[NMETRIC];
    double factor[NMETRIC];  /* NEW's level over BASE's; 0 stands for 1 */
    double outlier_p;        /* chance of a sample 30% worse (a disturbed run) */
    double base[NMETRIC][8], newv[NMETRIC][8];
    struct gate_input in[NMETRIC];
    struct gate_result out[NMETRIC];
};

/* 93 metrics like a quick suite's: HPL Gflop/s and time, STREAM's 5 kernels at 4 thread counts,
 * comm latency and bandwidth at 12 sizes for 2 pairs, the rest collective latencies. */
static void synth_names(struct synth *s)
{
    static const char *k[] = {"copy", "scale", "add", "triad", "dot"};
    size_t i = 0;
    snprintf(s->key[i], 64, "hpl/gflops");
    s->unit[i] = "Gflop/s", s->higher[i] = 1, s->level[i++] = 950;
    snprintf(s->key[i], 64, "hpl/time");
    s->unit[i] = "s", s->higher[i] = 0, s->level[i++] = 30;
    for (int t = 0; t < 4; t++)
        for (int j = 0; j < 5; j++) {
            snprintf(s->key[i], 64, "stream%d/%s_bandwidth", t, k[j]);
            s->unit[i] = "GB/s", s->higher[i] = 1, s->level[i++] = 20 + 10 * t;
        }
    for (int p = 0; p < 2; p++)
        for (int b = 0; b < 12; b++) {
            snprintf(s->key[i], 64, "comm%d/latency_%dB", p, 1 << (2 * b));
            s->unit[i] = "us", s->higher[i] = 0, s->level[i++] = 1.5 + b;
            snprintf(s->key[i], 64, "comm%d/bandwidth_%dB", p, 1 << (2 * b));
            s->unit[i] = "GB/s", s->higher[i] = 1, s->level[i++] = 0.1 + b;
        }
    for (int c = 0; i < NMETRIC; c++) {
        snprintf(s->key[i], 64, "comm/allreduce_latency_%d", c);
        s->unit[i] = "us", s->higher[i] = 0, s->level[i++] = 5 + c;
    }
}

/* Fills both sides with nrep lognormal samples of relative noise sigma; metric 0 (HPL Gflop/s)
 * of NEW is scaled by hpl_factor. Returns the number of regressed metrics. */
static size_t synth_run(struct synth *s, struct rng *r, size_t nrep, double sigma, double hpl_factor,
                        const struct gate_options *o)
{
    for (size_t i = 0; i < NMETRIC; i++) {
        size_t na = nrep, nb = nrep;
        if (nrep >= 5 && uniform(r) < 0.3)  /* 4 or 5 repetitions */
            nb = nrep - 1;
        double f = (i == 0 ? hpl_factor : 1) * (s->factor[i] > 0 ? s->factor[i] : 1);
        double bad = s->higher[i] ? 0.7 : 1.3;
        for (size_t j = 0; j < na; j++)
            s->base[i][j] = s->level[i] * exp(sigma * normal(r)) * (s->outlier_p > 0 && uniform(r) < s->outlier_p ? bad : 1);
        for (size_t j = 0; j < nb; j++)
            s->newv[i][j] = s->level[i] * f * exp(sigma * normal(r)) * (s->outlier_p > 0 && uniform(r) < s->outlier_p ? bad : 1);
        s->in[i] = (struct gate_input){.key = s->key[i], .unit = s->unit[i], .higher = s->higher[i],
                                       .base = s->base[i], .newv = s->newv[i], .nbase = na, .nnew = nb};
    }
    return gate_decide_all(o, NULL, s->in, NMETRIC, s->out);
}

/* One repetition each: NEW is a copy of BASE with HPL Gflop/s cut. */
static void test_one_repetition(void **state)
{
    (void)state;
    struct synth *s = calloc(1, sizeof *s);
    struct gate_options o;
    gate_options_default(&o);
    synth_names(s);
    struct rng r = {1};
    synth_run(s, &r, 1, 0.05, 1, &o);
    memcpy(s->newv, s->base, sizeof s->base);
    s->newv[0][0] = s->base[0][0] * 0.70;
    assert_int_equal(gate_decide_all(&o, NULL, s->in, NMETRIC, s->out), 1);
    assert_int_equal(s->out[0].verdict, GATE_REGRESSED);
    assert_int_equal(s->out[0].method, GATE_M_TOLERANCE);
    assert_string_equal(s->out[0].text, "1 vs 1 sample: -30.0% beyond the 3% tolerance: regressed "
                                        "(no test: fewer than 3 samples a side)");
    assert_int_equal(gate_exit_status(s->out, NMETRIC, 0), 1);
    for (size_t i = 1; i < NMETRIC; i++)
        assert_int_equal(s->out[i].verdict, GATE_UNCHANGED);

    s->newv[0][0] = s->base[0][0] * 0.99;
    assert_int_equal(gate_decide_all(&o, NULL, s->in, NMETRIC, s->out), 0);
    assert_int_equal(s->out[0].verdict, GATE_UNCHANGED);
    assert_string_equal(s->out[0].text, "1 vs 1 sample: -1.0% within the 3% tolerance: unchanged "
                                        "(no test: fewer than 3 samples a side)");
    assert_int_equal(gate_exit_status(s->out, NMETRIC, 0), 0);

    /* Time, lower is better: +30% is a regression, -30% an improvement. */
    s->newv[0][0] = s->base[0][0];
    s->newv[1][0] = s->base[1][0] * 1.3;
    gate_decide_all(&o, NULL, s->in, NMETRIC, s->out);
    assert_int_equal(s->out[1].verdict, GATE_REGRESSED);
    s->newv[1][0] = s->base[1][0] * 0.7;
    gate_decide_all(&o, NULL, s->in, NMETRIC, s->out);
    assert_int_equal(s->out[1].verdict, GATE_IMPROVED);
    free(s);
}

/* 10% noise, no change, 4-5 repetitions: no regression in at least 19 of 20 seeds. */
static void test_noise_no_false_alarm(void **state)
{
    (void)state;
    struct synth *s = calloc(1, sizeof *s);
    struct gate_options o;
    gate_options_default(&o);
    synth_names(s);
    for (int corr = 0; corr < 2; corr++) {
        o.correction = corr ? GATE_HOLM : GATE_BH;
        int alarms = 0;
        for (uint64_t seed = 1; seed <= 20; seed++) {
            struct rng r = {seed};
            alarms += synth_run(s, &r, 5, 0.10, 1, &o) > 0;
        }
        assert_true(alarms <= 1);
        /* The rate over many seeds, and how often the verdict is honest about the noise. */
        int runs = rate_runs(), fail = 0;
        size_t cannot = 0, unchanged = 0;
        for (int seed = 0; seed < runs; seed++) {
            struct rng r = {(uint64_t)seed + 1000};
            fail += synth_run(s, &r, 5, 0.10, 1, &o) > 0;
            for (size_t i = 0; i < NMETRIC; i++) {
                cannot += s->out[i].verdict == GATE_CANNOT_TELL;
                unchanged += s->out[i].verdict == GATE_UNCHANGED;
            }
        }
        printf("# rate %s: 10%% noise, no change, 4-5 reps, 93 metrics: %d of %d compares fail (%.1f%%); "
               "metric verdicts %.1f%% cannot tell, %.1f%% unchanged\n",
               corr ? "Holm" : "BH", fail, runs, 100.0 * fail / runs, 100.0 * (double)cannot / (runs * NMETRIC),
               100.0 * (double)unchanged / (runs * NMETRIC));
        assert_true(fail <= runs / 15);
    }
    free(s);
}

/* A 5% HPL slowdown under 1% noise among 92 unchanged metrics is caught. */
static void test_small_slowdown_caught(void **state)
{
    (void)state;
    struct synth *s = calloc(1, sizeof *s);
    struct gate_options o;
    gate_options_default(&o);
    synth_names(s);
    struct rng r = {7};
    size_t nreg = synth_run(s, &r, 5, 0.01, 0.95, &o);
    printf("# seed 7: %zu regressed: %s\n", nreg, s->out[0].text);
    assert_int_equal(nreg, 1);
    assert_int_equal(s->out[0].verdict, GATE_REGRESSED);
    assert_non_null(strstr(s->out[0].text, "Benjamini-Hochberg-adjusted over 93 tested metrics"));
    assert_non_null(strstr(s->out[0].text, "beyond the 3% tolerance"));
    printf("# %s\n", s->out[0].text);
    printf("# an unchanged one: %s\n", s->out[2].text);
    for (int corr = 0; corr < 2; corr++) {
        o.correction = corr ? GATE_HOLM : GATE_BH;
        for (size_t reps = 4; reps <= 5; reps++) {
            int runs = rate_runs(), caught = 0, other = 0;
            for (int seed = 0; seed < runs; seed++) {
                struct rng q = {(uint64_t)seed + 5000};
                synth_run(s, &q, reps, 0.01, 0.95, &o);
                caught += s->out[0].verdict == GATE_REGRESSED;
                for (size_t i = 1; i < NMETRIC; i++)
                    other += s->out[i].verdict == GATE_REGRESSED;
            }
            printf("# rate %s: 5%% HPL slowdown, 1%% noise, %zu%s reps: caught in %d of %d; "
                   "%d false regressions among the other metrics\n",
                   corr ? "Holm" : "BH", reps - (reps == 5), reps == 5 ? "-5" : "", caught, runs, other);
            if (reps == 5)
                assert_true(caught >= runs * 8 / 10);
        }
    }
    /* A 1% change with 1% noise is significant sometimes but never beyond the 3% tolerance. */
    o.correction = GATE_BH;
    int reg = 0;
    for (int seed = 0; seed < 200; seed++) {
        struct rng q = {(uint64_t)seed + 9000};
        reg += synth_run(s, &q, 5, 0.01, 0.99, &o) > 0;
    }
    assert_int_equal(reg, 0);
    free(s);
}

/* Rates for the record: disturbed runs (outliers) without a change, and a change that hits a
 * whole group of metrics (all 20 STREAM figures 5% slower), where BH finds more than Holm. */
static void test_rates_outliers_and_groups(void **state)
{
    (void)state;
    struct synth *s = calloc(1, sizeof *s);
    struct gate_options o;
    gate_options_default(&o);
    synth_names(s);
    int runs = rate_runs();
    s->outlier_p = 0.05;
    int fail = 0;
    for (int seed = 0; seed < runs; seed++) {
        struct rng r = {(uint64_t)seed + 20000};
        fail += synth_run(s, &r, 5, 0.10, 1, &o) > 0;
    }
    printf("# rate BH: 10%% noise and 5%% of runs 30%% worse on both sides, no change, 4-5 reps: "
           "%d of %d compares fail\n", fail, runs);
    assert_true(fail <= runs / 10);
    s->outlier_p = 0;
    for (size_t i = 2; i < 22; i++)
        s->factor[i] = 0.95;
    for (int corr = 0; corr < 2; corr++) {
        o.correction = corr ? GATE_HOLM : GATE_BH;
        size_t caught = 0, other = 0;
        for (int seed = 0; seed < runs; seed++) {
            struct rng r = {(uint64_t)seed + 30000};
            synth_run(s, &r, 5, 0.01, 1, &o);
            for (size_t i = 0; i < NMETRIC; i++)
                if (s->out[i].verdict == GATE_REGRESSED)
                    (*(i >= 2 && i < 22 ? &caught : &other))++;
        }
        printf("# rate %s: all 20 STREAM metrics 5%% slower, 1%% noise, 4-5 reps: %.1f%% of them caught, "
               "%zu false regressions elsewhere in %d compares\n",
               corr ? "Holm" : "BH", 100.0 * (double)caught / (20.0 * runs), other, runs);
        assert_int_equal(other, 0);
    }
    free(s);
}

/* ---- within-run samples ---- */

/* Per-iteration rates of one HPL run: the rate falls from 1.0 to 0.8 of its level as the trailing
 * matrix shrinks, AR(1) noise of 2% (coefficient 0.6), and 3% of the iterations hit by OS noise
 * (-20%). */
static void hpl_iterations(struct rng *r, double *v, size_t n, double level)
{
    double e = 0;
    for (size_t i = 0; i < n; i++) {
        double x = (double)i / (double)n;
        e = 0.6 * e + 0.02 * sqrt(1 - 0.36) * normal(r);
        double spike = uniform(r) < 0.03 ? 0.8 : 1;
        v[i] = level * (1 - 0.2 * x * x) * exp(e) * spike;
    }
}

static void within_case(struct rng *r, size_t na, size_t nb, double factor, struct gate_result *out)
{
    double *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b);
    hpl_iterations(r, a, na, 10.0);
    hpl_iterations(r, b, nb, 10.0 * factor);
    double ga = 950, gb = 950 * factor;
    struct gate_input in = {.key = "hpl/gflops", .unit = "Gflop/s", .higher = 1, .base = &ga, .newv = &gb,
                            .nbase = 1, .nnew = 1, .base_iter = a, .new_iter = b, .nbase_iter = na, .nnew_iter = nb};
    struct gate_options o;
    gate_options_default(&o);
    gate_decide_all(&o, NULL, &in, 1, out);
    free(a);
    free(b);
}

static void test_within_run(void **state)
{
    (void)state;
    struct gate_result res;
    struct rng r = {42};
    within_case(&r, 120, 120, 0.95, &res);
    printf("# %s\n", res.text);
    assert_int_equal(res.method, GATE_M_WITHIN);
    assert_int_equal(res.verdict, GATE_REGRESSED);
    within_case(&r, 120, 120, 0.99, &res);
    printf("# %s\n", res.text);
    assert_int_equal(res.verdict, GATE_UNCHANGED);
    assert_non_null(strstr(res.text, "unchanged: within +-"));
    assert_non_null(strstr(res.text, "at 95%"));
    /* Different lengths (another N) pair by relative position. */
    within_case(&r, 200, 150, 0.95, &res);
    assert_int_equal(res.verdict, GATE_REGRESSED);
    /* Too few iterations: the 1 vs 1 tolerance verdict. */
    within_case(&r, 20, 20, 0.95, &res);
    assert_int_equal(res.method, GATE_M_TOLERANCE);
    assert_non_null(strstr(res.text, "within-run samples unusable (20 vs 20, 25 positive a side needed)"));

    /* Repetitions, when there are enough, win over within-run samples. */
    {
        double a[120], b[120], ra[] = {950, 951, 949, 950.5}, rb[] = {903, 902, 904, 902.5};
        hpl_iterations(&r, a, 120, 10);
        hpl_iterations(&r, b, 120, 10);
        struct gate_input in = {.key = "hpl/gflops", .unit = "Gflop/s", .higher = 1, .base = ra, .newv = rb,
                                .nbase = 4, .nnew = 4, .base_iter = a, .new_iter = b, .nbase_iter = 120,
                                .nnew_iter = 120};
        struct gate_options o;
        gate_options_default(&o);
        gate_decide_all(&o, NULL, &in, 1, &res);
        assert_int_equal(res.method, GATE_M_REPETITIONS);
        assert_int_equal(res.verdict, GATE_REGRESSED);
    }

    /* Rates over seeds, for lengths from 50 to 200. */
    const size_t lens[] = {50, 100, 200};
    const double factors[] = {0.95, 0.99, 1.0};
    for (size_t l = 0; l < 3; l++)
        for (size_t f = 0; f < 3; f++) {
            int runs = rate_runs(), count[5] = {0}, covered = 0;
            for (int seed = 0; seed < runs; seed++) {
                struct rng q = {(uint64_t)seed * 7 + 11};
                within_case(&q, lens[l], lens[l], factors[f], &res);
                count[res.verdict]++;
                covered += res.ci_lo <= factors[f] - 1 && factors[f] - 1 <= res.ci_hi;
            }
            printf("# rate within-run %zu iterations, change %+.0f%%: regressed %d, unchanged %d, cannot tell %d, "
                   "improved %d of %d; the 95%% CI holds the true change in %d\n",
                   lens[l], 100 * (factors[f] - 1), count[GATE_REGRESSED], count[GATE_UNCHANGED],
                   count[GATE_CANNOT_TELL], count[GATE_IMPROVED], runs, covered);
            if (factors[f] == 0.95 && lens[l] >= 100)
                assert_true(count[GATE_REGRESSED] >= runs * 9 / 10);
            if (factors[f] > 0.98)
                assert_true(count[GATE_REGRESSED] <= runs / 50);
        }
}

/* ---- the rest ---- */

static void test_cannot_tell_and_improved(void **state)
{
    (void)state;
    struct gate_options o;
    gate_options_default(&o);
    const double a[] = {100, 80, 120, 95, 105}, b[] = {92, 75, 110, 88, 99};
    struct gate_input in = {.key = "stream/triad_bandwidth", .unit = "GB/s", .higher = 1, .base = a, .newv = b,
                            .nbase = 5, .nnew = 5};
    struct gate_result r;
    gate_decide_all(&o, NULL, &in, 1, &r);
    assert_int_equal(r.method, GATE_M_REPETITIONS);
    assert_int_equal(r.verdict, GATE_CANNOT_TELL);
    assert_int_equal(gate_exit_status(&r, 1, 0), 0);
    assert_int_equal(gate_exit_status(&r, 1, 1), 1);
    assert_non_null(strstr(r.text, "cannot tell: "));
    const double c[] = {110, 111, 109, 110.5}, d[] = {100, 100.5, 99.5, 100.2};
    in.base = d, in.newv = c, in.nbase = in.nnew = 4;
    gate_decide_all(&o, NULL, &in, 1, &r);
    assert_int_equal(r.verdict, GATE_IMPROVED);
    assert_float_equal(r.change, 0.1, 0.01);
    assert_true(r.ci_lo > 0.08 && r.ci_hi < 0.12);
    /* Identical values: unchanged, exactly. */
    in.newv = d;
    gate_decide_all(&o, NULL, &in, 1, &r);
    assert_int_equal(r.verdict, GATE_UNCHANGED);
    assert_float_equal(r.change, 0, 1e-12);
    /* Non-positive values: Welch on the raw values relative to BASE's mean. */
    const double z1[] = {0, 1, 0, 1}, z2[] = {0, 1, 1, 0};
    in.base = z1, in.newv = z2, in.key = "comm/slow_pairs", in.unit = "pairs", in.higher = 0;
    gate_decide_all(&o, NULL, &in, 1, &r);
    assert_int_equal(r.method, GATE_M_REPETITIONS);
    assert_true(r.verdict == GATE_UNCHANGED || r.verdict == GATE_CANNOT_TELL);
    /* A side without values. */
    in.nnew = 0;
    gate_decide_all(&o, NULL, &in, 1, &r);
    assert_int_equal(r.verdict, GATE_CANNOT_TELL);
    assert_string_equal(r.text, "cannot tell: no value in NEW");
}

static void test_missing(void **state)
{
    (void)state;
    const char *base[] = {"hpl|n=1000", "stream|t=4", "comm|latency", "stream|t=4", "comm|bw"};
    const char *newk[] = {"comm|bw", "hpl|n=1000", "comm|allreduce"};
    size_t miss[5];
    assert_int_equal(gate_missing_keys(base, 5, newk, 3, miss), 2);
    assert_int_equal(miss[0], 1);
    assert_int_equal(miss[1], 2);
    assert_int_equal(gate_missing_keys(base, 5, NULL, 0, miss), 4);
    struct gate_result r[2];
    gate_missing_result(base[1], 0, &r[0]);
    assert_int_equal(r[0].verdict, GATE_MISSING);
    assert_string_equal(r[0].text, "missing in NEW: stream|t=4 has no valid result there (fails; --allow-missing accepts it)");
    assert_int_equal(gate_exit_status(r, 1, 0), 1);
    gate_missing_result(base[2], 1, &r[1]);
    assert_int_equal(gate_exit_status(&r[1], 1, 0), 0);
    /* The family phase leaves missing results alone. */
    struct gate_options o;
    gate_options_default(&o);
    gate_correct_family(&o, r, 2);
    assert_int_equal(r[0].verdict, GATE_MISSING);
    assert_int_equal(r[0].fails, 1);
    assert_int_equal(r[1].fails, 0);
    assert_string_equal(gate_verdict_name(GATE_MISSING), "missing");
    assert_string_equal(gate_method_name(GATE_M_WITHIN), "within-run-batches");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t_distribution),      cmocka_unit_test(test_adjust),
        cmocka_unit_test(test_tolerance_defaults),  cmocka_unit_test(test_tolerance_file),
        cmocka_unit_test(test_one_repetition),      cmocka_unit_test(test_noise_no_false_alarm),
        cmocka_unit_test(test_small_slowdown_caught), cmocka_unit_test(test_rates_outliers_and_groups),
        cmocka_unit_test(test_within_run),
        cmocka_unit_test(test_cannot_tell_and_improved), cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
