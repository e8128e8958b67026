/* The all-pairs record at scale (benchmarks/comm/apnodes*.c): the bounded-memory median against a
 * plain sort, the node-level reduction of a synthetic cluster with one slow node, the node groups
 * of the heat map, the record's fields, and the float32 side file (bytes, shape, SHA-256, never
 * over an existing file). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apnodes.h"

static float arr_get(const void *ctx, size_t i)
{
    return ((const float *)ctx)[i];
}

static int cmp_f(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static double sorted_median(const float *v, size_t n)
{
    float *s = malloc(n * sizeof *s);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            s[m++] = v[i];
    qsort(s, m, sizeof *s, cmp_f);
    double r = m % 2 ? s[m / 2] : 0.5 * ((double)s[m / 2 - 1] + s[m / 2]);
    free(s);
    return r;
}

/* a small cap forces several narrowing passes; duplicates, an outlier far off, NaNs skipped */
static void test_select_median(void **state)
{
    (void)state;
    size_t n = 20001;
    float *v = malloc(n * sizeof *v);
    srand(7);
    for (int round = 0; round < 4; round++) {
        size_t m = n - (size_t)(round % 2); /* odd and even counts */
        for (size_t i = 0; i < m; i++)
            v[i] = round < 2 ? (float)(rand() % 1000) / 7.0f : 5.0f + (float)(rand() % 3) * 1e-6f;
        v[3] = NAN;
        v[10] = 1e30f; /* one far outlier: linear bins put nearly everything in bin 0 */
        assert_true(fabs(ap_select_median(m, arr_get, v, 16) - sorted_median(v, m)) < 1e-9);
        /* a cap above the count: one quickselect over all of them (ties in rounds 2-3) */
        assert_true(fabs(ap_select_median(m, arr_get, v, 1 << 20) - sorted_median(v, m)) < 1e-9);
    }
    float same[5] = {2, 2, 2, 2, 2};
    assert_true(ap_select_median(5, arr_get, same, 16) == 2.0);
    float none[2] = {NAN, NAN};
    assert_true(ap_select_median(2, arr_get, none, 16) == 0.0);
    free(v);
}

/* N nodes x R ranks: latency 1 us intra, 2 us inter; bandwidth 10 GB/s intra, 5 inter; node `slow`'s
 * inter-node bandwidth (both directions) at 1 GB/s. */
#define R 2
static void cluster(int N, int slow, int *rank_node, float *lat, float *bw)
{
    int P = N * R;
    for (int i = 0; i < P; i++) {
        rank_node[i] = i / R;
        for (int j = 0; j < P; j++) {
            size_t k = (size_t)i * P + j;
            int intra = i / R == j / R;
            lat[k] = i == j ? NAN : intra ? 1.0f : 2.0f;
            bw[k] = i == j ? NAN : intra ? 10.0f : (i / R == slow || j / R == slow) ? 1.0f : 5.0f;
        }
    }
}

static void test_reduce(void **state)
{
    (void)state;
    enum { N = 5, P = N * R };
    int rank_node[P];
    float lat[P * P], bw[P * P];
    cluster(N, 3, rank_node, lat, bw);
    lat[0 * P + 9] = lat[9 * P + 0] = 3.0f; /* one slow inter-node latency pair: +50% */
    struct ap_input in = {P, N, rank_node, {lat, bw}, 0.2};
    struct ap_nodes a;
    assert_int_equal(ap_reduce(&in, 5, &a), 0);
    assert_int_equal(a.N, N);
    assert_true(a.median[AP_LAT][COMM_INTRA] == 1.0 && a.median[AP_LAT][COMM_INTER] == 2.0);
    assert_true(a.median[AP_BW][COMM_INTRA] == 10.0 && a.median[AP_BW][COMM_INTER] == 5.0);
    /* node 3's inter bandwidth pairs: 2 ranks x 8 others x 2 directions = 32 slow */
    assert_int_equal(a.total_slow[AP_BW], 32);
    assert_int_equal(a.nslow[AP_BW], 5); /* listed: keep */
    assert_int_equal(a.total_slow[AP_LAT], 1);
    assert_int_equal(a.nslow[AP_LAT], 1);
    assert_true(a.slow[0].a == 0 && a.slow[0].b == 9 && a.slow[0].cls == COMM_INTER);
    for (size_t k = a.nslow[0]; k < a.nslow[0] + a.nslow[1]; k++)
        assert_true(a.slow[k].a / R == 3 || a.slow[k].b / R == 3);
    assert_int_equal(a.node[3].slow[AP_BW], 32);
    assert_int_equal(a.node[0].slow[AP_BW], 8); /* node 0's pairs with node 3: 2 x 2 x 2 */
    assert_int_equal(a.node[0].slow[AP_LAT], 1);
    assert_int_equal(a.node[4].slow[AP_LAT], 1);
    assert_true(a.node[3].nranks == R && a.node[3].first_rank == 3 * R);
    assert_true(a.node[3].inter[AP_BW] == 1.0f && a.node[2].inter[AP_BW] == 5.0f);
    assert_true(a.node[2].intra[AP_BW] == 10.0f && a.node[2].intra[AP_LAT] == 1.0f);
    /* node pair medians: (0,4) has 1 of 4 latency pairs at 3: median of {2,2,2,3} = 2 */
    assert_true(a.pair[AP_LAT][0 * N + 4] == 2.0f && a.pair[AP_LAT][4 * N + 0] == 2.0f);
    assert_true(a.pair[AP_BW][3 * N + 1] == 1.0f && a.pair[AP_BW][1 * N + 3] == 1.0f);
    assert_true(a.pair[AP_BW][1 * N + 2] == 5.0f && a.pair[AP_BW][2 * N + 2] == 10.0f);
    char why[512];
    assert_int_equal(ap_node_reasons(&a, 3, 0.2, why, sizeof why), 1);
    assert_non_null(strstr(why, "inter-node bandwidth 1 GB/s is 80% below the median 5 GB/s"));
    assert_int_equal(ap_node_reasons(&a, 2, 0.2, why, sizeof why), 0);
    ap_nodes_free(&a);
    /* a rank on a node out of range is refused */
    rank_node[0] = N;
    assert_int_equal(ap_reduce(&in, 5, &a), -1);
}

static const char *host_of(const void *ctx, int rank)
{
    return ((const char *const *)ctx)[rank / R];
}

/* 100 nodes in 64 groups: the slow node's group row and column are the slow cells, the medians of
 * the other cells stay at the class median */
static void test_groups(void **state)
{
    (void)state;
    enum { N = 100, P = N * R };
    int *rank_node = malloc(P * sizeof *rank_node);
    float *lat = malloc((size_t)P * P * sizeof *lat), *bw = malloc((size_t)P * P * sizeof *bw);
    cluster(N, 50, rank_node, lat, bw);
    struct ap_input in = {P, N, rank_node, {lat, bw}, 0.2};
    struct ap_nodes a;
    struct ap_groups g;
    assert_int_equal(ap_reduce(&in, 10, &a), 0);
    assert_int_equal(ap_group(&a, 0.2, &g), 0);
    assert_int_equal(g.g, AP_MAX_GROUPS);
    int sg = 50 * 64 / 100; /* node 50's group */
    for (int r = 0; r < 64; r++)
        for (int c = 0; c < 64; c++) {
            /* the slow group's diagonal cell holds node 50's pairs with its group mate, 51 */
            int k = r * 64 + c, want = r == sg || c == sg;
            assert_int_equal(g.slow[AP_BW][k], want);
            assert_int_equal(g.slow[AP_LAT][k], 0);
            if (!want)
                assert_true(g.cell[AP_BW][k] == 5.0f || (r == c && isnan(g.cell[AP_BW][k])));
            if (want)
                assert_true(g.worst[AP_BW][k] == 1.0f);
        }
    /* the record: node-level fields, no node matrix above 128 nodes, groups and outliers */
    const char **names = malloc(N * sizeof *names);
    char (*buf)[16] = malloc(N * sizeof *buf);
    for (int n = 0; n < N; n++) {
        snprintf(buf[n], sizeof buf[n], "n%03d", n);
        names[n] = buf[n];
    }
    json_t *res = json_object();
    ap_record(res, &a, names, host_of, names, 0.2);
    assert_string_equal(json_string_value(json_object_get(res, "layout")), "nodes");
    assert_int_equal(json_array_size(json_object_get(res, "nodes")), N);
    assert_non_null(json_object_get(res, "node_matrix")); /* 100 <= 128 */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(res, "groups"), "count")), 64);
    json_t *sp = json_array_get(json_object_get(res, "slow_pairs"), 0);
    assert_string_equal(json_string_value(json_object_get(sp, "figure")), "bandwidth");
    assert_true(!strcmp(json_string_value(json_object_get(sp, "host_a")), "n050") ||
                !strcmp(json_string_value(json_object_get(sp, "host_b")), "n050"));
    json_t *out = json_object_get(res, "outlier_nodes");
    assert_int_equal(json_array_size(out), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 0), "host")), "n050");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(res, "slow_pairs_total"), "bandwidth")),
                     2 * R * (P - R));
    json_decref(res);
    free(names);
    free(buf);
    ap_groups_free(&g);
    ap_nodes_free(&a);
    free(rank_node);
    free(lat);
    free(bw);
}

static void test_side_file(void **state)
{
    (void)state;
    enum { P = 3 };
    float lat[P * P], bw[P * P];
    for (int k = 0; k < P * P; k++) {
        lat[k] = k % (P + 1) ? 1.5f + (float)k : NAN;
        bw[k] = 10.0f + (float)k;
    }
    char dir[] = "/tmp/apnodes-XXXXXX", path[64], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/m.bin", dir);
    json_t *mf = ap_side_file(path, P, lat, bw, err, sizeof err);
    assert_non_null(mf);
    FILE *f = fopen(path, "rb");
    unsigned char data[64 + 8 * P * P + 8];
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    assert_int_equal(n, 64 + 8 * P * P);
    assert_int_equal(json_integer_value(json_object_get(mf, "bytes")), (json_int_t)n);
    assert_memory_equal(data, "EXAMTX01", 8);
    assert_true(data[8] == 2 && data[12] == P && data[16] == P && data[20] == 0);
    float x;
    memcpy(&x, data + 64 + 4 * 1, 4); /* latency [0][1], little-endian on this machine */
    assert_true(x == lat[1]);
    memcpy(&x, data + 64 + 4 * (P * P + 5), 4);
    assert_true(x == bw[5]);
    memcpy(&x, data + 64, 4);
    assert_true(isnan(x));
    json_t *shape = json_object_get(mf, "shape");
    assert_true(json_integer_value(json_array_get(shape, 0)) == 2 && json_integer_value(json_array_get(shape, 2)) == P);
    unsigned char dig[32];
    unsigned int dl = 0;
    char hex[65];
    EVP_Digest(data, n, dig, &dl, EVP_sha256(), NULL);
    for (unsigned int i = 0; i < dl; i++)
        snprintf(hex + 2 * i, 3, "%02x", dig[i]);
    assert_string_equal(json_string_value(json_object_get(mf, "sha256")), hex);
    assert_string_equal(json_string_value(json_object_get(mf, "path")), "m.bin");
    json_decref(mf);
    /* never over an existing file, and nothing left beside it */
    assert_null(ap_side_file(path, P, lat, bw, err, sizeof err));
    assert_non_null(strstr(err, "m.bin"));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "test $(ls %s | wc -l) -eq 1 && rm -r %s", dir, dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_median),
        cmocka_unit_test(test_reduce),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_side_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
