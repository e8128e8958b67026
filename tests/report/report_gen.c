/* report-gen: writes a synthetic but realistic results folder (manifest.json, records/, logs/) for
 * the tests of the reporting commands and for bench/report.sh. Deterministic for a given seed.
 *
 *   report-gen DIR [--run-id ID] [--seed N] [--created ISO] [--factor F] [--factor-bench B]
 *                  [--noise PCT] [--bios V] [--n-shift D] [--slow-host H] [--failures]
 *                  [--records N] [--non-compliant]
 *
 * The run: an HPL N sweep on one node (4 repetitions per N), HPL on 2 and 4 nodes, STREAM over
 * ranks x threads, STREAM on each of 4 nodes, exa-comm latency, bw and allreduce size sweeps and
 * an all-pairs matrix with one slow pair. --factor scales every figure (higher is better metrics
 * multiplied, lower is better divided), of one benchmark only with --factor-bench. --failures adds
 * an HPL run whose residual check failed and a crashed comm run. --records N repeats the cases
 * (with a "batch" parameter) until N records exist. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "exa_record.h"

static uint64_t rng_state = 88172645463325252ULL;
static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}
/* Approximately normal, mean 0, standard deviation 1 (sum of 12 uniforms). */
static double gauss(void)
{
    double s = 0;
    for (int i = 0; i < 12; i++)
        s += uniform();
    return s - 6;
}

static struct {
    const char *dir, *run_id, *created, *bios, *factor_bench, *slow_host;
    double factor, noise;
    long n_shift, records;
    int failures, non_compliant;
} o = {NULL, "fixture", "2026-11-20T08:00:00Z", "2.4.1", NULL, NULL, 1.0, 0.01, 0, 0, 0, 0};

static json_t *runs;
static size_t nrec, nrun;
static long batch = -1;

static double perf(const char *bench, double v, int higher)
{
    double f = (!o.factor_bench || !strcmp(o.factor_bench, bench)) ? o.factor : 1.0;
    v = higher ? v * f : v / f;
    return v * (1 + o.noise * gauss());
}

static json_t *node_facts(const char *host)
{
    json_t *n = json_pack("{s:s, s:{s:s, s:s, s:i, s:i}, s:{s:I}, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}}",
                          "hostname", host, "cpu", "model", "AMD EPYC 9654 96-Core Processor", "vendor",
                          "AuthenticAMD", "cores", 2, "sockets", 1, "memory", "total_bytes",
                          (json_int_t)17179869184LL, "kernel", "name", "Linux", "release", "6.1.0-26-amd64", "os",
                          "Debian GNU/Linux 12 (bookworm)", "dmi", "bios_vendor", "Example Inc.", "bios_version",
                          o.bios, "bios_date", "09/01/2026");
    json_object_set_new(n, "infiniband", json_pack("[{s:s, s:s, s:s}]", "name", "mlx5_0", "fw_ver", "28.39.1002",
                                                   "hca_type", "MT4129"));
    json_object_set_new(n, "nics", json_pack("[{s:s, s:s, s:s}]", "name", "eth0", "driver", "virtio_net", "firmware", ""));
    json_object_set_new(n, "gpus", json_array());
    json_object_set_new(n, "inventory_hash", json_string("0123456789abcdef"));
    return n;
}

static json_t *record(const char *bench, const char *test, int nodes, int ranks, int threads, const char **hosts)
{
    json_t *r = json_object();
    json_object_set_new(r, "schema", json_string(EXA_SCHEMA_NAME));
    json_object_set_new(r, "schema_version", json_integer(EXA_SCHEMA_VERSION));
    json_object_set_new(r, "benchmark", json_string(bench));
    json_object_set_new(r, "variant", json_string("cpu"));
    json_object_set_new(r, "test", test ? json_string(test) : json_null());
    json_object_set_new(r, "exabench", json_pack("{s:s, s:s, s:s, s:s}", "version", "0.1.0", "git_commit",
                                                 "abcdef123456", "cc", "gcc (Debian 12.2.0-14) 12.2.0", "cflags",
                                                 "-O3 -march=native -g"));
    json_object_set_new(r, "started", json_string(o.created));
    json_object_set_new(r, "finished", json_string(o.created));
    json_object_set_new(r, "valid", json_true());
    json_object_set_new(r, "compliance", json_pack("{s:b, s:[]}", "compliant", 1, "violations"));
    json_object_set_new(r, "parameters", json_object());
    json_object_set_new(r, "results", json_object());
    json_object_set_new(r, "metrics", json_object());
    json_object_set_new(r, "verification", json_pack("{s:b, s:s, s:f, s:f, s:s}", "passed", 1, "method", "check",
                                                     "value", 0.0, "threshold", 1.0, "comparison", "<"));
    json_t *hl = json_array();
    for (int i = 0; i < ranks; i++)
        json_array_append_new(hl, json_string(hosts[i * nodes / ranks]));
    json_object_set_new(r, "launch", json_pack("{s:i, s:i, s:i, s:i, s:s, s:n, s:o}", "ranks", ranks, "nodes", nodes,
                                               "ranks_per_node", (ranks + nodes - 1) / nodes, "threads_per_rank",
                                               threads, "launcher", "mpirun", "command_line", "hosts", hl));
    json_t *pn = json_array();
    for (int i = 0; i < nodes; i++)
        json_array_append_new(pn, node_facts(hosts[i]));
    json_object_set_new(r, "provenance",
                        json_pack("{s:o, s:{s:{s:s, s:s}, s:s, s:{s:s, s:s, s:s}, s:{s:i}}}", "nodes", pn, "software",
                                  "mpi", "library", "Open MPI v4.1.4", "standard", "3.1", "blas",
                                  "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64", "build", "exabench",
                                  "0.1.0", "git_commit", "abcdef123456", "cc", "gcc 12.2.0", "environment",
                                  "OMP_NUM_THREADS", threads));
    return r;
}

static void metric(json_t *rec, const char *name, const char *unit, int higher, const double *s, size_t n)
{
    double best = s[0];
    for (size_t i = 1; i < n; i++)
        best = higher ? (s[i] > best ? s[i] : best) : (s[i] < best ? s[i] : best);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_real(s[i]));
    json_object_set_new(json_object_get(rec, "metrics"), name,
                        json_pack("{s:f, s:s, s:s, s:o}", "value", best, "unit", unit, "direction",
                                  higher ? "higher" : "lower", "samples", a));
}

/* Writes the record (or none when rec is NULL) and its manifest entry. */
static void emit(json_t *rec, const char *name, const char *bench, const char *test, int nodes, int ranks, int threads,
                 json_t *params, int rep, const char *status)
{
    char id[32], path[4096], rel[64], log[64];
    snprintf(id, sizeof id, "r%05zu", ++nrun);
    snprintf(rel, sizeof rel, "records/%s.json", id);
    snprintf(log, sizeof log, "logs/%s.log", id);
    if (batch >= 0)
        json_object_set_new(params, "batch", json_integer(batch));
    if (rec) {
        json_object_update(json_object_get(rec, "parameters"), params);
        if (o.non_compliant && !strcmp(bench, "hpl")) {
            json_object_set_new(json_object_get(rec, "compliance"), "compliant", json_false());
            json_array_append_new(json_object_get(json_object_get(rec, "compliance"), "violations"),
                                  json_string("residual threshold changed from 16"));
        }
        char err[EXA_ERR_LEN];
        if (exa_record_validate(rec, err) != 0) {
            fprintf(stderr, "report-gen: invalid record %s: %s\n", id, err);
            exit(1);
        }
        snprintf(path, sizeof path, "%s/%s", o.dir, rel);
        if (json_dump_file(rec, path, JSON_INDENT(1)) != 0) {
            fprintf(stderr, "report-gen: cannot write %s\n", path);
            exit(1);
        }
        nrec++;
    }
    snprintf(path, sizeof path, "%s/%s", o.dir, log);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%s %s: %s\n", bench, name, status);
        fclose(f);
    }
    char full[160];
    snprintf(full, sizeof full, "%s%s%s", name, test ? " " : "", test ? test : "");
    json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:{s:i, s:i, s:i, s:i}, s:O, s:i, s:[s], s:s, s:i, s:n}",
                          "index", (json_int_t)nrun - 1, "id", id, "name", full, "benchmark", bench, "test", test,
                          "scale", "nodes", nodes, "ranks", ranks, "ranks_per_node", (ranks + nodes - 1) / nodes,
                          "threads_per_rank", threads, "parameters", params, "repetition", rep, "command", bench,
                          "status", status, "exit_code", strcmp(status, "valid") ? 1 : 0, "signal");
    json_object_set_new(e, "started", json_string(o.created));
    json_object_set_new(e, "finished", json_string(o.created));
    json_object_set_new(e, "duration_s", json_real(1.5));
    json_object_set_new(e, "record", rec ? json_string(rel) : json_null());
    json_object_set_new(e, "log", json_string(log));
    json_object_set_new(e, "log_tail", json_string(strcmp(status, "crashed") ? "" : "[n01:1234] *** Process received signal ***\nSegmentation fault"));
    json_array_append_new(runs, e);
    json_decref(params);
    json_decref(rec);
}

static const char *hosts4[] = {"n01", "n02", "n03", "n04"};

static void hpl(int nodes, int p, int q, long n, int rep, int fail)
{
    int ranks = p * q;
    json_t *r = record("hpl", NULL, nodes, ranks, 1, hosts4);
    double g = perf("hpl", nodes * 88.0 * (double)n / ((double)n + 2000.0 * nodes) * pow(0.95, log2(nodes)), 1);
    double t = (2.0 / 3.0 * pow((double)n, 3) + 1.5 * pow((double)n, 2)) / g / 1e9;
    metric(r, "gflops", "Gflop/s", 1, &g, 1);
    metric(r, "time", "s", 0, &t, 1);
    json_t *gm = json_object_get(json_object_get(r, "metrics"), "gflops");
    json_object_set_new(gm, "expected", json_real(100.0 * nodes));
    json_object_set_new(gm, "expected_basis", json_string("calibrated dgemm x grid cores"));
    double resid = fail ? 1234.5 : 0.0031 * (1 + uniform());
    json_object_set_new(r, "verification", json_pack("{s:b, s:s, s:f, s:f, s:s}", "passed", !fail, "method",
                                                     "hpl_scaled_residual", "value", resid, "threshold", 16.0,
                                                     "comparison", "<"));
    if (fail)
        json_object_set_new(r, "valid", json_false());
    json_object_set_new(r, "counters",
                        json_pack("{s:{}, s:{s:b, s:f, s:f, s:f}}", "events", "energy", "available", 1,
                                  "joules", 250.0 * nodes * t, "seconds", t, "average_watts", 250.0 * nodes));
    emit(r, "hpl", "hpl", NULL, nodes, ranks, 1, json_pack("{s:I, s:i, s:i, s:i}", "n", (json_int_t)n, "nb", 192, "p", p, "q", q),
         rep, fail ? "verification-failed" : "valid");
}

static const char *kernels[] = {"copy", "scale", "add", "triad", "dot"};

static void stream(int ranks, int threads, const char *host, int rep, double slow)
{
    const char *hl[] = {host, host, host, host};
    json_t *r = record("stream", NULL, 1, ranks, threads, hl);
    int total = ranks * threads;
    double base = 18.0 * pow(total < 4 ? total : 4, 0.7) * slow;
    double kf[] = {0.95, 0.93, 1.02, 1.0, 0.9};
    for (int k = 0; k < 5; k++) {
        double s[10];
        for (int i = 0; i < 10; i++)
            s[i] = perf("stream", base * kf[k], 1);
        char name[32];
        snprintf(name, sizeof name, "%s_bandwidth", kernels[k]);
        metric(r, name, "GB/s", 1, s, 10);
    }
    json_object_set_new(json_object_get(r, "results"), "array_bytes", json_integer(80000000));
    emit(r, "stream", "stream", NULL, 1, ranks, threads,
         json_pack("{s:i, s:i, s:s}", "array_size", 10000000, "ntimes", 10, "host", host), rep, "valid");
}

static void size_name(char *buf, size_t len, const char *q, long bytes)
{
    if (bytes >= 1048576 && bytes % 1048576 == 0)
        snprintf(buf, len, "%s_%ldM", q, bytes / 1048576);
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(buf, len, "%s_%ldK", q, bytes / 1024);
    else
        snprintf(buf, len, "%s_%ldB", q, bytes);
}

static void comm(const char *test, int nodes, int ranks, int rep)
{
    json_t *r = record("comm", test, nodes, ranks, 1, hosts4);
    json_t *sizes = json_array();
    for (long b = 1; b <= 4194304; b *= 4) {
        double s[8];
        char name[64];
        int lat = strcmp(test, "bw") != 0;
        for (int i = 0; i < 8; i++) {
            if (lat)
                s[i] = perf("comm", (strcmp(test, "latency") ? 4.0 : 1.6) + (double)b / 12.0e3, 0);
            else
                s[i] = perf("comm", 12.0 * (double)b / ((double)b + 16384.0), 1);
        }
        size_name(name, sizeof name, lat ? "latency" : "bandwidth", b);
        metric(r, name, lat ? "us" : "GB/s", !lat, s, 8);
        json_array_append_new(sizes, json_pack("{s:I, s:f}", "bytes", (json_int_t)b, lat ? "latency_us" : "bandwidth_GBps",
                                               json_real_value(json_object_get(
                                                   json_object_get(json_object_get(r, "metrics"), name), "value"))));
    }
    json_object_set_new(json_object_get(r, "results"), "sizes", sizes);
    emit(r, "comm", "comm", test, nodes, ranks, 1,
         json_pack("{s:s, s:i, s:i}", "test", test, "min_size", 1, "max_size", 4194304), rep, "valid");
}

static void allpairs(void)
{
    const char *hosts8[] = {"n01", "n01", "n02", "n02", "n03", "n03", "n04", "n04"};
    json_t *r = record("comm", "allpairs", 4, 8, 1, hosts8);
    json_t *lat = json_array(), *bw = json_array();
    for (int a = 0; a < 8; a++) {
        json_t *lr = json_array(), *br = json_array();
        for (int b = 0; b < 8; b++) {
            int slow = (a == 3 && b == 5) || (a == 5 && b == 3);
            int intra = a / 2 == b / 2;
            json_array_append_new(lr, a == b ? json_null() : json_real(perf("comm", (intra ? 0.4 : 1.7) * (slow ? 3 : 1), 0)));
            json_array_append_new(br, a == b ? json_null() : json_real(perf("comm", (intra ? 20.0 : 11.5) / (slow ? 3 : 1), 1)));
        }
        json_array_append_new(lat, lr);
        json_array_append_new(bw, br);
    }
    json_t *res = json_object_get(r, "results");
    json_object_set_new(res, "matrix", json_pack("{s:o, s:o}", "latency_us", lat, "bandwidth_GBps", bw));
    json_object_set_new(res, "slow_pairs",
                        json_pack("[{s:s, s:i, s:i, s:f}, {s:s, s:i, s:i, s:f}]", "figure", "latency", "a", 3, "b", 5,
                                  "value", 5.1, "figure", "bandwidth", "a", 3, "b", 5, "value", 3.8));
    double s[1] = {2.0};
    metric(r, "slow_pairs", "pairs", 0, s, 1);
    emit(r, "comm", "comm", "allpairs", 4, 8, 1, json_pack("{s:s}", "test", "allpairs"), 0, "valid");
}

static void one_pass(void)
{
    long ns[] = {1000, 2000, 4000, 8000, 12000};
    for (int rep = 0; rep < 4; rep++)
        for (int i = 0; i < 5; i++)
            hpl(1, 1, 2, ns[i] + o.n_shift, rep, 0);
    long n4[] = {4000, 8000, 16000, 24000, 32000};
    for (int rep = 0; rep < 4; rep++) {
        hpl(2, 2, 2, 12000 + o.n_shift, rep, 0);
        for (int i = 0; i < 5; i++)
            hpl(4, 2, 4, n4[i] + o.n_shift, rep, 0);
    }
    int cfg[][2] = {{1, 1}, {1, 2}, {2, 1}, {2, 2}};
    for (int rep = 0; rep < 4; rep++)
        for (int i = 0; i < 4; i++)
            stream(cfg[i][0], cfg[i][1], "n01", rep, 1.0);
    for (int rep = 0; rep < 4; rep++)
        for (int h = 0; h < 4; h++)
            stream(1, 2, hosts4[h], rep, o.slow_host && !strcmp(o.slow_host, hosts4[h]) ? 0.8 : 1.0);
    for (int rep = 0; rep < 4; rep++) {
        comm("latency", 2, 2, rep);
        comm("bw", 2, 2, rep);
        comm("allreduce", 4, 8, rep);
    }
    allpairs();
    if (o.failures) {
        hpl(1, 1, 2, 4000 + o.n_shift, 4, 1);
        emit(NULL, "comm", "comm", "bibw", 2, 2, 1, json_pack("{s:s}", "test", "bibw"), 0, "crashed");
    }
}

static void usage(void)
{
    printf("Usage: report-gen DIR [OPTIONS]\n\n"
           "Writes a synthetic results folder (manifest.json, records/, logs/) into DIR, deterministic\n"
           "for a given seed, for the tests of the reporting commands and bench/report.sh.\n\n"
           "Options:\n"
           "  --run-id ID          the manifest's run id\n"
           "  --seed N             random seed of the figures\n"
           "  --created ISO        the manifest's creation time\n"
           "  --factor F           scale every figure (better metrics multiplied)\n"
           "  --factor-bench B     ... of benchmark B only\n"
           "  --noise PCT          sample noise in percent\n"
           "  --bios V             the BIOS version in the provenance\n"
           "  --n-shift D          add D to every HPL N\n"
           "  --slow-host H        STREAM on host H 20%% slower\n"
           "  --failures           add a failed HPL verification and a crashed comm run\n"
           "  --records N          repeat the cases until N records exist\n"
           "  --non-compliant      mark HPL runs as breaking their run rules\n"
           "  -h, --help           this text\n\n"
           "Exit status: 0 written, 1 cannot write, 2 bad arguments.\n");
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (!strcmp(a, name) && v && (i++, 1))
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage();
            return 0;
        } else if (OPT("--run-id")) o.run_id = v;
        else if (OPT("--seed")) rng_state = 88172645463325252ULL ^ (strtoull(v, NULL, 10) * 0x9E3779B97F4A7C15ULL);
        else if (OPT("--created")) o.created = v;
        else if (OPT("--factor")) o.factor = atof(v);
        else if (OPT("--factor-bench")) o.factor_bench = v;
        else if (OPT("--noise")) o.noise = atof(v) / 100;
        else if (OPT("--bios")) o.bios = v;
        else if (OPT("--n-shift")) o.n_shift = atol(v);
        else if (OPT("--slow-host")) o.slow_host = v;
        else if (OPT("--records")) o.records = atol(v);
        else if (!strcmp(a, "--failures")) o.failures = 1;
        else if (!strcmp(a, "--non-compliant")) o.non_compliant = 1;
        else if (a[0] != '-' && !o.dir) o.dir = a;
        else {
            fprintf(stderr, "report-gen: bad argument '%s' (see the comment at the top of report_gen.c)\n", a);
            return 2;
        }
#undef OPT
    }
    if (!o.dir) {
        fprintf(stderr, "usage: report-gen DIR [options] (see report-gen --help)\n");
        return 2;
    }
    char path[4096];
    mkdir(o.dir, 0777);
    snprintf(path, sizeof path, "%s/records", o.dir);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/logs", o.dir);
    mkdir(path, 0777);
    runs = json_array();
    if (o.records > 0) {
        for (batch = 0; (long)nrec < o.records; batch++)
            one_pass();
    } else {
        one_pass();
    }
    json_t *m = json_object();
    json_object_set_new(m, "schema", json_string("exabench.manifest"));
    json_object_set_new(m, "schema_version", json_integer(1));
    json_object_set_new(m, "run_id", json_string(o.run_id));
    json_object_set_new(m, "suite", json_pack("{s:s, s:s, s:s}", "file", "suites/fixture.yaml", "name", "fixture",
                                              "sha256", "0000000000000000000000000000000000000000000000000000000000000000"));
    json_object_set_new(m, "system", json_pack("{s:s, s:i, s:i, s:i, s:f, s:[]}", "name", "fixture-cluster", "nodes", 4,
                                               "cores_per_node", 2, "memory_per_node_gib", 16,
                                               "rpeak_per_node_gflops", 100.0, "accelerators"));
    json_object_set_new(m, "launcher", json_pack("{s:s}", "type", "mpirun"));
    json_object_set_new(m, "created", json_string(o.created));
    json_object_set_new(m, "updated", json_string(o.created));
    json_object_set_new(m, "exabench", json_pack("{s:s, s:s}", "version", "0.1.0", "git_commit", "abcdef123456"));
    json_object_set_new(m, "runs", runs);
    json_object_set_new(m, "excluded_nodes", json_array());
    snprintf(path, sizeof path, "%s/manifest.json", o.dir);
    if (json_dump_file(m, path, JSON_INDENT(1)) != 0) {
        fprintf(stderr, "report-gen: cannot write %s\n", path);
        return 1;
    }
    json_decref(m);
    printf("report-gen: %s: %zu runs, %zu records\n", o.dir, nrun, nrec);
    return 0;
}
