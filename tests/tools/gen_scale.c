/* gen-scale: a synthetic results folder of a JUPITER-size acceptance run, for bench/scale.sh and
 * tests/report/scale.t. Deterministic for a given seed.
 *
 *   gen-scale DIR [--nodes N] [--ranks-per-node R] [--seed S] [--run-id ID] [--spread PCT]
 *                 [--slow-node K]... [--no-slow] [--factor F] [--rank-level]
 *
 * The run (N nodes, default 6000, R ranks per node, default 4): per-node screening figures (single-
 * node STREAM on every node, as records, and screen/screen.json with the manifest's screen entry);
 * HPL and STREAM weak scaling at 1, 2, 4, ... nodes and N; and one exa-comm allpairs record of all
 * N x R ranks in the node-level form, made by the same code as exa-comm's (benchmarks/comm/
 * apnodes_json.c) from synthetic node-pair figures: latency 1.5 us and bandwidth 24 GB/s between
 * nodes, 0.4 us and 60 GB/s within, each node pair off by a normal --spread percent (default 2),
 * and the nodes of --slow-node (0-based; default N/3 and 2N/3, none with --no-slow) at a fifth of
 * the bandwidth. --factor
 * scales the HPL and STREAM figures (for compare). --rank-level makes the P x P rank matrices
 * instead (8 P^2 bytes: 4.6 GB at 24,000 ranks) and reduces them with exa-comm's ap_reduce, timing
 * it: rank 0's work after a sweep. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "apnodes.h"
#include "exa_record.h"

static uint64_t rng = 88172645463325252ULL;
static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}
static double gauss(void) /* about N(0, 1): the sum of 4 uniforms, scaled */
{
    return (uniform() + uniform() + uniform() + uniform() - 2) * 1.7320508;
}

static struct {
    const char *dir, *run_id;
    int N, R, nslow, slow[16], rank_level;
    double spread, factor;
} o = {NULL, "scale", 6000, 4, 0, {0}, 0, 0.02, 1.0};

static char (*names)[16];
static json_t *runs;
static size_t nrun;

static json_t *record(const char *bench, const char *test, int nodes, int first, int ranks)
{
    json_t *r = json_pack("{s:s, s:i, s:s, s:s, s:o, s:{s:s, s:s}, s:s, s:s, s:b, s:{s:b, s:[]}, s:{}, s:{}, s:{}}",
                          "schema", EXA_SCHEMA_NAME, "schema_version", EXA_SCHEMA_VERSION, "benchmark", bench,
                          "variant", "cpu", "test", test ? json_string(test) : json_null(), "exabench", "version",
                          "0.1.0", "git_commit", "abcdef123456", "started", "2026-12-01T08:00:00Z", "finished",
                          "2026-12-01T09:00:00Z", "valid", 1, "compliance", "compliant", 1, "violations", "parameters",
                          "results", "metrics");
    json_object_set_new(r, "verification", json_pack("{s:b, s:s, s:f, s:f, s:s}", "passed", 1, "method", "check",
                                                     "value", 0.0, "threshold", 1.0, "comparison", "<"));
    json_t *hl = json_array(), *pn = json_array();
    for (int i = 0; i < ranks; i++)
        json_array_append_new(hl, json_string(names[first + i * nodes / ranks]));
    for (int i = 0; i < nodes; i++)
        json_array_append_new(pn, json_pack("{s:s, s:{s:s, s:i, s:i}, s:{s:I}, s:{s:s, s:s}, s:{s:s, s:s}}",
            "hostname", names[first + i], "cpu", "model", "NVIDIA Grace", "cores", 72, "sockets", 1, "memory",
            "total_bytes", (json_int_t)515396075520LL, "kernel", "name", "Linux", "release", "6.1.0-26-arm64",
            "dmi", "bios_vendor", "Example Inc.", "bios_version", "1.0.7"));
    json_object_set_new(r, "launch", json_pack("{s:i, s:i, s:i, s:i, s:s, s:n, s:o}", "ranks", ranks, "nodes", nodes,
                                               "ranks_per_node", (ranks + nodes - 1) / nodes, "threads_per_rank", 1,
                                               "launcher", "srun", "command_line", "hosts", hl));
    json_object_set_new(r, "provenance", json_pack("{s:o, s:{s:{s:s}}}", "nodes", pn, "software", "mpi", "library",
                                                   "Open MPI v4.1.4"));
    return r;
}

/* A metric with 5 repetitions' samples 0.5% apart around v (compare needs samples to judge). */
static void metric(json_t *rec, const char *name, const char *unit, int higher, double v)
{
    json_t *s = json_array();
    for (int i = 0; i < 5; i++)
        json_array_append_new(s, json_real(v * (1 + 0.005 * gauss())));
    json_object_set_new(json_object_get(rec, "metrics"), name, json_pack("{s:f, s:s, s:s, s:o}", "value", v, "unit",
                                                                         unit, "direction", higher ? "higher" : "lower",
                                                                         "samples", s));
}

static void emit(json_t *rec, const char *bench, const char *test, int nodes, int ranks, json_t *params)
{
    char id[32], rel[64], path[4200], err[EXA_ERR_LEN];
    snprintf(id, sizeof id, "r%05zu", ++nrun);
    snprintf(rel, sizeof rel, "records/%s.json", id);
    json_object_update(json_object_get(rec, "parameters"), params);
    if (exa_record_validate(rec, err) != 0) {
        fprintf(stderr, "gen-scale: invalid record %s: %s\n", id, err);
        exit(1);
    }
    snprintf(path, sizeof path, "%s/%s", o.dir, rel);
    if (json_dump_file(rec, path, JSON_COMPACT) != 0) {
        fprintf(stderr, "gen-scale: %s: can not write\n", path);
        exit(1);
    }
    char name[96];
    snprintf(name, sizeof name, "%s%s%s", bench, test ? " " : "", test ? test : "");
    json_array_append_new(runs, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:{s:i, s:i, s:i, s:i}, s:O, s:i, s:s, s:s, "
                                          "s:i, s:n, s:s, s:s, s:f, s:s, s:n}",
        "index", (json_int_t)nrun - 1, "id", id, "name", name, "benchmark", bench, "test", test, "scale", "nodes", nodes,
        "ranks", ranks, "ranks_per_node", (ranks + nodes - 1) / nodes, "threads_per_rank", 1, "parameters", params,
        "repetition", 0, "command", bench, "status", "valid", "exit_code", 0, "signal", "started",
        "2026-12-01T08:00:00Z", "finished", "2026-12-01T08:10:00Z", "duration_s", 600.0, "record", rel, "log"));
    json_decref(params);
    json_decref(rec);
}

static int is_slow(int n)
{
    for (int k = 0; k < o.nslow; k++)
        if (o.slow[k] == n)
            return 1;
    return 0;
}

static const char *host_of(const void *ctx, int rank)
{
    (void)ctx;
    return names[rank / o.R];
}

/* The node-level figures of the all-pairs run, as exa-comm's reduction would leave them. */
static void synth_nodes(struct ap_nodes *a)
{
    size_t N = (size_t)o.N, P = N * (size_t)o.R;
    memset(a, 0, sizeof *a);
    a->N = o.N;
    a->node = calloc(N, sizeof *a->node);
    for (int f = 0; f < 2; f++)
        a->pair[f] = malloc(N * N * sizeof(float));
    for (size_t i = 0; i < N; i++)
        for (size_t j = i; j < N; j++) {
            double l = i == j ? 0.4 : 1.5 * (1 + o.spread * gauss());
            double b1 = i == j ? 60 : 24 * (1 + o.spread * gauss()), b2 = i == j ? 60 : 24 * (1 + o.spread * gauss());
            if (i != j && (is_slow((int)i) || is_slow((int)j)))
                b1 /= 5, b2 /= 5;
            a->pair[AP_LAT][i * N + j] = a->pair[AP_LAT][j * N + i] = (float)l;
            a->pair[AP_BW][i * N + j] = (float)b1;
            a->pair[AP_BW][j * N + i] = (float)b2;
        }
    a->median[AP_LAT][COMM_INTRA] = 0.4;
    a->median[AP_BW][COMM_INTRA] = 60;
    a->median[AP_LAT][COMM_INTER] = 1.5;
    a->median[AP_BW][COMM_INTER] = 24;
    long per_slow = 2L * o.R * (long)(P - (size_t)o.R); /* both directions */
    /* every slow node's pairs, those between two slow nodes once */
    a->total_slow[AP_BW] = per_slow * o.nslow - 2L * o.R * o.R * (long)(o.nslow * (o.nslow - 1) / 2);
    a->slow = calloc(AP_KEEP_SLOW, sizeof *a->slow);
    for (size_t n = 0; n < N; n++) {
        struct ap_node *d = &a->node[n];
        double sl = 0, sb = 0;
        for (size_t j = 0; j < N; j++)
            if (j != n) {
                sl += a->pair[AP_LAT][n * N + j];
                sb += 0.5 * (a->pair[AP_BW][n * N + j] + a->pair[AP_BW][j * N + n]);
            }
        *d = (struct ap_node){o.R, (int)n * o.R, {0.4f, 60.0f}, {(float)(sl / (double)(N - 1)), (float)(sb / (double)(N - 1))},
                              {0, is_slow((int)n) ? per_slow : 2L * o.R * o.R * o.nslow}};
    }
    for (int k = 0; k < o.nslow && a->nslow[AP_BW] < AP_KEEP_SLOW; k++)
        for (size_t j = 0; j < P && a->nslow[AP_BW] < AP_KEEP_SLOW; j++) {
            int s = o.slow[k] * o.R;
            if (j / (size_t)o.R == (size_t)o.slow[k])
                continue;
            double v = a->pair[AP_BW][(size_t)o.slow[k] * N + j / (size_t)o.R];
            a->slow[a->nslow[AP_BW]++] = (struct comm_slow_pair){s, (int)j, COMM_INTER, v, 24, (24 - v) / 24};
        }
}

/* --rank-level: the P x P rank matrices (each rank pair its node pair's figure, off by a further
 * 1%), reduced by exa-comm's own ap_reduce: rank 0's work at this size, timed on stderr. */
static void reduce_ranks(struct ap_nodes *a)
{
    size_t N = (size_t)o.N, R = (size_t)o.R, P = N * R;
    struct ap_nodes nodes;
    synth_nodes(&nodes);
    float *m[2] = {malloc(P * P * sizeof(float)), malloc(P * P * sizeof(float))};
    int *rank_node = malloc(P * sizeof *rank_node);
    if (!m[0] || !m[1] || !rank_node) {
        fprintf(stderr, "gen-scale: out of memory for the %zu x %zu rank matrices\n", P, P);
        exit(1);
    }
    for (size_t i = 0; i < P; i++) {
        rank_node[i] = (int)(i / R);
        for (size_t j = 0; j < P; j++)
            for (int f = 0; f < 2; f++)
                m[f][i * P + j] = i == j ? NAN : nodes.pair[f][(i / R) * N + j / R] * (float)(1 + 0.01 * gauss());
    }
    for (size_t i = 0; i < P; i++) /* latency is symmetric */
        for (size_t j = 0; j < i; j++)
            m[AP_LAT][i * P + j] = m[AP_LAT][j * P + i];
    ap_nodes_free(&nodes);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct ap_input in = {(int)P, (int)N, rank_node, {m[0], m[1]}, 0.2};
    if (ap_reduce(&in, AP_KEEP_SLOW, a)) {
        fprintf(stderr, "gen-scale: ap_reduce failed\n");
        exit(1);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "gen-scale: ap_reduce of %zu ranks on %zu nodes: %.2f s\n", P, N,
            (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    free(m[0]);
    free(m[1]);
    free(rank_node);
}

static void allpairs(void)
{
    int P = o.N * o.R;
    struct ap_nodes a;
    if (o.rank_level)
        reduce_ranks(&a);
    else
        synth_nodes(&a);
    const char **nm = malloc((size_t)o.N * sizeof *nm);
    for (int n = 0; n < o.N; n++)
        nm[n] = names[n];
    json_t *r = record("comm", "allpairs", o.N, 0, P), *res = json_object_get(r, "results");
    json_t *hosts = json_array();
    for (int i = 0; i < P; i++)
        json_array_append_new(hosts, json_string(host_of(NULL, i)));
    json_object_set_new(res, "hosts", hosts);
    json_object_set_new(res, "rounds", json_integer(P % 2 ? P : P - 1));
    ap_record(res, &a, nm, host_of, NULL, 0.2);
    metric(r, "latency_median_inter", "us", 0, 1.5);
    metric(r, "bandwidth_median_inter", "GB/s", 1, 24);
    metric(r, "slow_pairs", "pairs", 0, (double)a.total_slow[AP_BW]);
    emit(r, "comm", "allpairs", o.N, P, json_pack("{s:s, s:f}", "test", "allpairs", "threshold_percent", 20.0));
    ap_nodes_free(&a);
    free(nm);
}

static void hpl_stream(int nodes)
{
    json_t *r = record("hpl", NULL, nodes, 0, nodes * o.R);
    metric(r, "gflops", "Gflop/s", 1, o.factor * nodes * 52000.0 * pow(0.985, log2(nodes)) * (1 + 0.005 * gauss()));
    emit(r, "hpl", NULL, nodes, nodes * o.R, json_pack("{s:I, s:i}", "n", (json_int_t)(340000 * sqrt(nodes)), "nb", 1024));
    r = record("stream", NULL, nodes, 0, nodes * o.R);
    metric(r, "triad_bandwidth", "GB/s", 1, o.factor * nodes * 3600.0 * (1 + 0.005 * gauss()));
    emit(r, "stream", NULL, nodes, nodes * o.R, json_pack("{s:i}", "array_size", 100000000));
}

/* Per-node screening: a STREAM record per node and screen/screen.json, the slow nodes flagged. */
static void screening(json_t *manifest)
{
    json_t *nodes = json_array(), *flagged = json_array(), *why = json_object();
    for (int n = 0; n < o.N; n++) {
        double v = 3600.0 * (1 + 0.01 * gauss()) * (is_slow(n) ? 0.5 : 1.0);
        json_t *r = record("stream", NULL, 1, n, o.R);
        metric(r, "triad_bandwidth", "GB/s", 1, o.factor * v);
        emit(r, "stream", NULL, 1, o.R, json_pack("{s:i, s:s}", "array_size", 100000000, "host", names[n]));
        json_t *reasons = json_array();
        if (is_slow(n)) {
            json_array_append_new(reasons, json_sprintf("exa-stream: triad_bandwidth %.4g is below the cut-off 3240 "
                                                        "(median 3600, MAD 24)", v));
            json_array_append_new(flagged, json_string(names[n]));
            json_object_set(why, names[n], reasons);
        }
        json_array_append_new(nodes, json_pack("{s:s, s:b, s:o, s:{s:{s:s, s:f}}}", "node", names[n], "flagged",
                                               is_slow(n), "reasons", reasons, "results", "stream", "status", "valid",
                                               "value", v));
    }
    json_t *s = json_pack("{s:s, s:f, s:i, s:{s:{s:s, s:f, s:f, s:f}}, s:o, s:O}", "schema", "exabench.screen",
                          "threshold", 0.1, "mad_k", 3, "benchmarks", "stream", "metric", "triad_bandwidth", "median",
                          3600.0, "mad", 24.0, "cutoff", 3240.0, "nodes", nodes, "flagged", flagged);
    char path[4200];
    snprintf(path, sizeof path, "%s/screen/screen.json", o.dir);
    json_dump_file(s, path, JSON_COMPACT);
    json_decref(s);
    json_object_set_new(manifest, "screen", json_pack("{s:s, s:s, s:O, s:o}", "file", "screen/screen.json",
                                                      "flagged_nodes_file", "screen/flagged-nodes.txt", "flagged",
                                                      flagged, "reasons", why));
    json_object_set_new(manifest, "excluded_nodes", flagged);
}

int main(int argc, char **argv)
{
    int no_slow = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (!strcmp(a, name) && v && (i++, 1))
        if (OPT("--nodes")) o.N = atoi(v);
        else if (OPT("--ranks-per-node")) o.R = atoi(v);
        else if (OPT("--seed")) rng ^= strtoull(v, NULL, 10) * 0x9E3779B97F4A7C15ULL;
        else if (OPT("--run-id")) o.run_id = v;
        else if (OPT("--spread")) o.spread = atof(v) / 100;
        else if (OPT("--factor")) o.factor = atof(v);
        else if (OPT("--slow-node") && o.nslow < 16) o.slow[o.nslow++] = atoi(v);
        else if (!strcmp(a, "--no-slow")) no_slow = 1;
        else if (!strcmp(a, "--rank-level")) o.rank_level = 1;
        else if (a[0] != '-' && !o.dir) o.dir = a;
        else {
            fprintf(stderr, "gen-scale: bad argument '%s' (see the comment at the top of gen_scale.c)\n", a);
            return 2;
        }
#undef OPT
    }
    if (!o.dir || o.N < 2 || o.R < 1 || o.N > 100000) {
        fprintf(stderr, "usage: gen-scale DIR [--nodes N (2..100000)] [--ranks-per-node R] [--seed S] ...\n");
        return 2;
    }
    if (!o.nslow && !no_slow) {
        o.slow[o.nslow++] = o.N / 3;
        o.slow[o.nslow++] = 2 * o.N / 3;
    }
    char path[4200];
    names = malloc((size_t)o.N * sizeof *names);
    for (int n = 0; n < o.N; n++)
        snprintf(names[n], sizeof names[n], "jpc%05d", n + 1);
    const char *sub[] = {"", "/records", "/screen"};
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s%s", o.dir, sub[k]);
        mkdir(path, 0777);
    }
    runs = json_array();
    json_t *m = json_pack("{s:s, s:i, s:s, s:{s:s, s:s}, s:{s:s, s:i}, s:{s:s}, s:s, s:s, s:{s:s}}", "schema",
                          "exabench.manifest", "schema_version", 1, "run_id", o.run_id, "suite", "file",
                          "suites/jupiter.yaml", "name", "jupiter-acceptance", "system", "name", "jupiter-synthetic",
                          "nodes", o.N, "launcher", "type", "slurm", "created", "2026-12-01T08:00:00Z", "updated",
                          "2026-12-01T12:00:00Z", "exabench", "version", "0.1.0");
    screening(m);
    for (int n = 1; n < o.N; n *= 2)
        hpl_stream(n);
    hpl_stream(o.N);
    allpairs();
    json_object_set_new(m, "runs", runs);
    snprintf(path, sizeof path, "%s/manifest.json", o.dir);
    if (json_dump_file(m, path, JSON_COMPACT) != 0) {
        fprintf(stderr, "gen-scale: %s: can not write\n", path);
        return 1;
    }
    json_decref(m);
    printf("gen-scale: %s: %d nodes x %d ranks, %zu records\n", o.dir, o.N, o.R, nrun);
    return 0;
}
