/* Unit tests for exa-hpl's building blocks: block-cyclic index arithmetic, the generator, the
 * HPL.dat reader (the end-to-end cases are in hpl_dat.t and tests/data/hpl/) and the work model
 * and groups of the within-run rate samples (the end-to-end cases are in samples.t). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hpl.h"

static void test_numroc_partition(void **state)
{
    (void)state;
    for (int n = 0; n < 200; n += 7)
        for (int nb = 1; nb < 40; nb += 3)
            for (int np = 1; np <= 5; np++) {
                int sum = 0;
                for (int p = 0; p < np; p++)
                    sum += hpl_numroc(n, nb, p, np);
                assert_int_equal(sum, n);
            }
}

static void test_index_roundtrip(void **state)
{
    (void)state;
    int n = 157;
    for (int nb = 1; nb < 30; nb += 4)
        for (int np = 1; np <= 4; np++) {
            int seen[4] = {0, 0, 0, 0};
            for (int g = 0; g < n; g++) {
                int p = hpl_owner(g, nb, np), l = hpl_local_index(g, nb, np);
                assert_int_equal(l, seen[p]); /* local order follows global order */
                seen[p]++;
                assert_int_equal(hpl_global_index(l, nb, p, np), g);
                for (int q = 0; q < np; q++) {
                    int below = hpl_local_start(g, nb, q, np);
                    int count = 0;
                    for (int h = 0; h < g; h++)
                        count += hpl_owner(h, nb, np) == q;
                    assert_int_equal(below, count);
                }
            }
            for (int p = 0; p < np; p++)
                assert_int_equal(seen[p], hpl_numroc(n, nb, p, np));
        }
}

static void test_generator(void **state)
{
    (void)state;
    double sum = 0, mn = 1, mx = -1;
    int n = 300;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double v = hpl_gen_value(42, HPL_GEN_RANDOM, n, i, j);
            assert_true(v >= -0.5 && v < 0.5);
            sum += v;
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
        }
    assert_true(fabs(sum / (n * n)) < 0.01); /* mean ~ 0 */
    assert_true(mn < -0.49 && mx > 0.49);
    /* reproducible, seed-dependent, independent of the order asked for */
    assert_true(hpl_gen_value(42, 0, n, 5, 7) == hpl_gen_value(42, 0, 1000, 5, 7));
    assert_true(hpl_gen_value(42, 0, n, 5, 7) != hpl_gen_value(43, 0, n, 5, 7));
    assert_true(hpl_gen_value(42, 0, n, 5, 7) != hpl_gen_value(42, 0, n, 7, 5));
    /* test kinds */
    assert_true(hpl_gen_value(1, HPL_GEN_SINGULAR, 10, 3, 5) == 0.0);
    assert_true(hpl_gen_value(1, HPL_GEN_SINGULAR, 10, 3, 10) != 0.0); /* b untouched */
    assert_true(hpl_gen_value(1, HPL_GEN_PIVOT, 10, 9, 0) > 0.9);
    assert_true(fabs(hpl_gen_value(1, HPL_GEN_PIVOT, 10, 0, 0)) <= 0.05);
}

static const char *SAMPLE =
    "HPLinpack benchmark input file\n"
    "Innovative Computing Laboratory, University of Tennessee\n"
    "HPL.out      output file name (if any)\n"
    "6            device out (6=stdout,7=stderr,file)\n"
    "2            # of problems sizes (N)\n"
    "29 30        Ns\n"
    "2            # of NBs\n"
    "1 2          NBs\n"
    "0            PMAP process mapping (0=Row-,1=Column-major)\n"
    "2            # of process grids (P x Q)\n"
    "2 1          Ps\n"
    "2 4          Qs\n"
    "16.0         threshold\n"
    "3            # of panel fact\n"
    "0 1 2        PFACTs (0=left, 1=Crout, 2=Right)\n"
    "2            # of recursive stopping criterium\n"
    "2 4          NBMINs (>= 1)\n"
    "1            # of panels in recursion\n"
    "2            NDIVs\n"
    "1            # of recursive panel fact.\n"
    "2            RFACTs (0=left, 1=Crout, 2=Right)\n"
    "1            # of broadcast\n"
    "1            BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)\n"
    "1            # of lookahead depth\n"
    "1            DEPTHs (>=0)\n"
    "2            SWAP (0=bin-exch,1=long,2=mix)\n"
    "64           swapping threshold\n"
    "0            L1 in (0=transposed,1=no-transposed) form\n"
    "0            U  in (0=transposed,1=no-transposed) form\n"
    "1            Equilibration (0=no,1=yes)\n"
    "8            memory alignment in double (> 0)\n";

static void test_dat_sample(void **state)
{
    (void)state;
    struct hpl_dat d;
    char err[600];
    assert_int_equal(hpl_dat_parse(SAMPLE, "HPL.dat", &d, err, sizeof err), 0);
    assert_string_equal(d.outfile, "HPL.out");
    assert_int_equal(d.device, 6);
    assert_int_equal(d.nn, 2);
    assert_int_equal(d.ns[1], 30);
    assert_int_equal(d.nnb, 2);
    assert_int_equal(d.ngrid, 2);
    assert_int_equal(d.qs[1], 4);
    assert_true(d.threshold == 16.0);
    assert_int_equal(d.npfact, 3);
    assert_int_equal(d.nbmins[1], 4);
    assert_int_equal(d.swap, 2);
    assert_int_equal(d.align, 8);
    assert_int_equal(d.pfacts[0], HPL_FACT_LEFT);
    assert_int_equal(d.pfacts[1], HPL_FACT_CROUT);
    assert_int_equal(d.nrfact, 1);
    assert_int_equal(d.bcasts[0], HPL_BCAST_1RM);
    assert_int_equal(d.swap, HPL_SWAP_MIX);
    /* L1; U; EQUIL (PFACT, RFACT, BCAST and SWAP are all implemented) */
    assert_int_equal(d.nwarn, 3);
    assert_non_null(strstr(d.warn[0], "L1=transposed"));
}

/* Replaces line `line` (1-based) of SAMPLE by `text` and parses; returns the error. */
static int parse_with(int line, const char *text, int truncate, char *err, size_t len)
{
    char buf[4096] = "";
    const char *p = SAMPLE;
    for (int l = 1; *p; l++) {
        const char *e = strchr(p, '\n');
        if (truncate && l >= line)
            break;
        if (l == line) {
            strcat(buf, text);
            strcat(buf, "\n");
        } else {
            strncat(buf, p, (size_t)(e - p + 1));
        }
        p = e + 1;
    }
    struct hpl_dat d;
    return hpl_dat_parse(buf, "x.dat", &d, err, len);
}

static void test_dat_errors(void **state)
{
    (void)state;
    char err[600];
    assert_int_equal(parse_with(6, "29 abc  Ns", 0, err, sizeof err), -1);
    assert_string_equal(err, "x.dat:6: expected 2 integers (Ns), value 2 is 'abc'");
    assert_int_equal(parse_with(6, "29", 0, err, sizeof err), -1);
    assert_string_equal(err, "x.dat:6: expected 2 integers (Ns), found 1");
    assert_int_equal(parse_with(6, "29 0", 0, err, sizeof err), -1);
    assert_string_equal(err, "x.dat:6: Ns must be at least 1, found 0");
    assert_int_equal(parse_with(9, "3 PMAP", 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "x.dat:9: PMAP"));
    assert_int_equal(parse_with(13, "sixteen", 0, err, sizeof err), -1);
    assert_string_equal(err, "x.dat:13: expected a number (threshold), found 'sixteen'");
    assert_int_equal(parse_with(20, "x", 1, err, sizeof err), -1);
    assert_string_equal(err, "x.dat:20: unexpected end of file, expected number of RFACTs "
                             "(0 left, 1 Crout, 2 right)");
    /* lines 30 and 31 are optional */
    assert_int_equal(parse_with(30, "", 1, err, sizeof err), 0);
}

/* The LU flop model against a column-by-column count in integers, and against the closed form. */
static void test_lu_flop_model(void **state)
{
    (void)state;
    static const int ns[] = {1, 2, 3, 7, 97, 1000, 2001, 8000};
    for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
        int n = ns[t];
        unsigned long long sum = 0;
        for (int i = 0; i < n; i++) {
            unsigned long long m = (unsigned long long)(n - i - 1);
            sum += m + 2 * m * m;
        }
        assert_true(hpl_lu_flops(n) == (double)sum);
        double nn = n, closed = 2.0 / 3 * nn * nn * nn - 0.5 * nn * nn - nn / 6;
        assert_true(fabs(hpl_lu_flops(n) - closed) <= 1e-12 * closed + 1e-9);
        /* columns split anywhere add up */
        int cut = n / 3;
        assert_true(hpl_lu_flops_cols(n, 0, cut) + hpl_lu_flops_cols(n, cut, n) == (double)sum);
    }
    assert_true(hpl_lu_flops_cols(100, 50, 50) == 0);
    assert_true(hpl_lu_flops_cols(100, 60, 40) == 0);
    assert_true(hpl_lu_flops_cols(100, 90, 500) == hpl_lu_flops_cols(100, 90, 100));
    /* at scale, still 2/3 N^3 to 1e-12 */
    double big = 2000000, closed = 2.0 / 3 * big * big * big - 0.5 * big * big - big / 6;
    assert_true(fabs(hpl_lu_flops(2000000) - closed) <= 1e-12 * closed);
}

/* The groups: whole panels, contiguous, each the fewest holding 1/HPL_SAMPLE_GROUPS of the work,
 * together the whole LU; the samples are a prefix ending where the trailing matrix drops below
 * HPL_SAMPLE_TRAILING_MIN N, so the tail is never one. */
static void test_sample_groups(void **state)
{
    (void)state;
    static const int cases[][2] = {{1, 1},      {1, 64},     {40, 64},    {97, 16},   {2000, 192},
                                   {2400, 96},  {8000, 192}, {8000, 32},  {6000, 1},  {100000, 256},
                                   {200000, 384}, {5, 100}};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        int n = cases[t][0], nb0 = cases[t][1], nb = nb0 < n ? nb0 : n;
        int nblk = (n + nb - 1) / nb, first[HPL_SAMPLE_GROUPS + 1];
        int ng = hpl_sample_groups(n, nb, first);
        assert_true(ng >= 1 && ng <= HPL_SAMPLE_GROUPS);
        assert_int_equal(first[0], 0);
        assert_int_equal(first[ng], nblk);
        double total = hpl_lu_flops(n), share = total / HPL_SAMPLE_GROUPS, sum = 0;
        int samples = 0, last_sample = -1;
        for (int g = 0; g < ng; g++) {
            assert_true(first[g + 1] > first[g]);
            double w = hpl_lu_flops_cols(n, first[g] * nb, first[g + 1] * nb);
            double w_less = hpl_lu_flops_cols(n, first[g] * nb, (first[g + 1] - 1) * nb);
            sum += w;
            if (g < ng - 1) {
                assert_true(w >= share);       /* enough work */
                assert_true(w_less < share);   /* and no more panels than that takes */
            }
            int e = hpl_sample_is_eligible(n, nb, first[g + 1]);
            long long trailing = (long long)n - (long long)first[g + 1] * nb;
            assert_int_equal(e, trailing >= HPL_SAMPLE_TRAILING_MIN * n);
            if (e) {
                assert_int_equal(last_sample, g - 1); /* a prefix */
                last_sample = g;
                samples++;
            }
        }
        assert_true(fabs(sum - total) <= 1e-12 * total);
        assert_false(hpl_sample_is_eligible(n, nb, first[ng])); /* the tail never is */
        if (n >= 2000 && nb <= 192)
            assert_true(samples >= 4); /* enough for compare's test at alpha 0.05 */
        if (n >= 100000)
            assert_true(samples >= 40); /* whole panels overshoot the share: fewer than 64 */
    }
    int first[HPL_SAMPLE_GROUPS + 1];
    assert_int_equal(hpl_sample_groups(0, 16, first), 0);
    assert_int_equal(hpl_sample_groups(16, 0, first), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numroc_partition), cmocka_unit_test(test_index_roundtrip),
        cmocka_unit_test(test_generator),        cmocka_unit_test(test_dat_sample),
        cmocka_unit_test(test_dat_errors),       cmocka_unit_test(test_lu_flop_model),
        cmocka_unit_test(test_sample_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
