/* Unit tests for exa-hpl's building blocks: block-cyclic index arithmetic, the generator and the
 * HPL.dat reader (the end-to-end cases are in hpl_dat.t and tests/data/hpl/). */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numroc_partition), cmocka_unit_test(test_index_roundtrip),
        cmocka_unit_test(test_generator),        cmocka_unit_test(test_dat_sample),
        cmocka_unit_test(test_dat_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
