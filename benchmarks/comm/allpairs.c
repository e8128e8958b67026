/* allpairs: latency and bandwidth between every pair of ranks, to find bad links.
 *
 * The P(P-1)/2 pairs are measured in rounds of disjoint pairs (a round-robin tournament, see
 * tournament.c): P-1 rounds for even P, P for odd P (one rank sits each round out), so the wall time
 * grows with P, not P^2. Pairs of a round run at the same time, as a real job's traffic would; a
 * barrier separates rounds. In each round a pair runs the latency ping-pong at the smallest size of
 * -m, then the bandwidth window loop at the largest size in each direction, with the same timed
 * loops as the latency and bw tests.
 *
 * Rank 0 gathers the P x P means (latency is symmetric; bandwidth row = sender, column = receiver),
 * labels each pair intra-node or inter-node from the host names, and lists the pairs worse than
 * the median of their class by more than --threshold percent. The record is node-level at any
 * scale (apnodes.c: per-node and per-node-pair medians, node groups, outliers); the dense P x P
 * JSON matrix with per-pair statistics only up to 64 ranks or with --json-matrix always; the full
 * matrix as float32 in a side file with --matrix-file. */
#include "comm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_mpi.h"
#include "exa_record.h"
#include "exa_stats.h"
#include "apnodes.h"
#include "tournament.h"

enum { ST_MEAN, ST_MIN, ST_MAX, ST_P50, ST_P99, NST };

static void pair_buffers(const struct comm_ctx *c, size_t bytes, size_t *send, size_t *recv)
{
    *send = bytes;
    *recv = c->opt.validate ? bytes * (size_t)c->opt.window : bytes;
}

static void summarize(const double *v, size_t n, double *out)
{
    struct exa_stats st;
    if (n == 0 || exa_stats_compute(v, n, &st)) {
        for (int k = 0; k < NST; k++)
            out[k] = NAN;
        return;
    }
    out[ST_MEAN] = st.mean;
    out[ST_MIN] = st.min;
    out[ST_MAX] = st.max;
    out[ST_P50] = st.median;
    out[ST_P99] = st.p99;
}

static const char *host(const struct comm_ctx *c, int r)
{
    return c->hosts + (size_t)r * EXA_HOST_LEN;
}

static json_t *stats_json(const double *st)
{
    if (isnan(st[ST_MEAN]))
        return json_null();
    return json_pack("{s:f,s:f,s:f,s:f,s:f}", "mean", st[ST_MEAN], "min", st[ST_MIN], "max",
                     st[ST_MAX], "p50", st[ST_P50], "p99", st[ST_P99]);
}

static json_t *matrix_json(const float *m, int P)
{
    json_t *rows = json_array();
    for (int i = 0; i < P; i++) {
        json_t *row = json_array();
        for (int j = 0; j < P; j++) {
            float v = m[(size_t)i * P + j];
            json_array_append_new(row, i == j || isnan(v) ? json_null() : json_real(v));
        }
        json_array_append_new(rows, row);
    }
    return rows;
}

static void print_matrix(const struct comm_ctx *c, const char *title, const float *m, double scale)
{
    int P = c->nranks;
    fprintf(c->out, "# %s\n%-8s", title, "#");
    for (int j = 0; j < P; j++)
        fprintf(c->out, "%12d", j);
    fprintf(c->out, "\n");
    for (int i = 0; i < P; i++) {
        fprintf(c->out, "%-8d", i);
        for (int j = 0; j < P; j++)
            if (i == j)
                fprintf(c->out, "%12s", "-");
            else
                fprintf(c->out, "%12.2f", m[(size_t)i * P + j] * scale);
        fprintf(c->out, "\n");
    }
}

/* The gathered figures on rank 0: float means (P x P each) for every run, the per-pair statistics
 * (P x P x NST doubles) only for the dense JSON form. */
struct ap_data {
    float *m[2];
    double *lat, *bw;          /* NULL unless dense */
    int dense;
    size_t lat_size, bw_size;
    long lat_iters, bw_iters;
    int rounds;
    double wall;
};

static const char *host_of(const void *ctx, int r)
{
    return host(ctx, r);
}

static int cmp_host(const void *a, const void *b, void *ctx)
{
    int x = *(const int *)a, y = *(const int *)b, d = strcmp(host(ctx, x), host(ctx, y));
    return d ? d : x - y;
}

/* The node of each rank (nodes numbered in order of their first rank) and the node names; sorting
 * by host keeps this O(P log P) at 24,000 ranks. Returns the number of nodes. */
static int rank_nodes(const struct comm_ctx *c, int *rank_node, const char **name)
{
    int P = c->nranks, N = 0, *order = malloc((size_t)P * sizeof *order), *lead = malloc((size_t)P * sizeof *lead);
    if (!order || !lead)
        exa_fatal(EXA_EXIT_FAILED, "out of memory");
    for (int r = 0; r < P; r++)
        order[r] = r;
    qsort_r(order, (size_t)P, sizeof *order, cmp_host, (void *)c);
    for (int k = 0; k < P; k++) /* a host's lowest rank comes first in its run of the sorted order */
        lead[order[k]] = k && !strcmp(host(c, order[k]), host(c, order[k - 1])) ? lead[order[k - 1]] : order[k];
    for (int r = 0; r < P; r++) {
        if (lead[r] == r) {
            name[N] = host(c, r);
            rank_node[r] = N++;
        } else {
            rank_node[r] = rank_node[lead[r]];
        }
    }
    free(order);
    free(lead);
    return N;
}

static void print_summary(const struct comm_ctx *c, const struct ap_nodes *a, const char *const *name)
{
    const char *cname[2] = {"intra-node", "inter-node"};
    char why[1024];
    for (int k = 0; k < 2; k++)
        if (a->median[0][k] > 0)
            fprintf(c->out, "# median %s: latency %.2f us, bandwidth %.2f MB/s\n", cname[k], a->median[0][k],
                    a->median[1][k] * 1e3);
    if (a->total_slow[0] + a->total_slow[1] == 0)
        fprintf(c->out, "# No slow pairs (none more than %g%% worse than the median of its class)\n", c->opt.threshold);
    else
        fprintf(c->out, "# Slow pairs (more than %g%% worse than the median of their class): %ld latency, %ld "
                "bandwidth%s\n", c->opt.threshold, a->total_slow[0], a->total_slow[1],
                a->nslow[0] + a->nslow[1] < (size_t)(a->total_slow[0] + a->total_slow[1]) ? "; the worst listed" : "");
    for (size_t k = 0; k < a->nslow[0] + a->nslow[1]; k++) {
        const struct comm_slow_pair *s = &a->slow[k];
        if (k < a->nslow[0])
            fprintf(c->out, "# SLOW latency   rank %d (%s) <-> rank %d (%s), %s: %.2f us, median %.2f us (+%.0f%%)\n",
                    s->a, host(c, s->a), s->b, host(c, s->b), cname[s->cls], s->value, s->median, 100 * s->excess);
        else
            fprintf(c->out, "# SLOW bandwidth rank %d (%s) -> rank %d (%s), %s: %.2f MB/s, median %.2f MB/s (-%.0f%%)\n",
                    s->a, host(c, s->a), s->b, host(c, s->b), cname[s->cls], s->value * 1e3, s->median * 1e3,
                    100 * s->excess);
    }
    for (int n = 0; n < a->N; n++)
        if (ap_node_reasons(a, n, c->opt.threshold / 100.0, why, sizeof why) > 0)
            for (char *l = strtok(why, "\n"); l; l = strtok(NULL, "\n"))
                fprintf(c->out, "# OUTLIER node %s: %s\n", name[n], l);
}

/* The old dense form: the P x P matrices, the classes and a statistics object per pair. */
static void dense_json(const struct comm_ctx *c, const struct ap_data *d, const int *rank_node, json_t *res)
{
    int P = c->nranks;
    json_t *classes = json_array(), *pairs = json_array();
    for (int i = 0; i < P; i++) {
        json_t *row = json_array();
        for (int j = 0; j < P; j++)
            json_array_append_new(row, json_string(i == j ? "self" : rank_node[i] == rank_node[j] ? "intra" : "inter"));
        json_array_append_new(classes, row);
    }
    for (int i = 0; i < P; i++)
        for (int j = i + 1; j < P; j++) {
            size_t ij = (size_t)i * P + j, ji = (size_t)j * P + i;
            json_array_append_new(pairs, json_pack("{s:i,s:i,s:s,s:s,s:s,s:o,s:o,s:o}", "a", i, "b", j,
                "host_a", host(c, i), "host_b", host(c, j), "class", rank_node[i] != rank_node[j] ? "inter" : "intra",
                "latency_us", stats_json(d->lat + ij * NST), "bandwidth_GBps_a_to_b",
                stats_json(d->bw + ij * NST), "bandwidth_GBps_b_to_a", stats_json(d->bw + ji * NST)));
        }
    json_object_set_new(res, "matrix", json_pack("{s:o,s:o,s:o}", "class", classes, "latency_us",
                        matrix_json(d->m[0], P), "bandwidth_GBps", matrix_json(d->m[1], P)));
    json_object_set_new(res, "pairs", pairs);
}

/* A class median as a metric; its samples (every pair's figure) only in the dense form. */
static void median_metric(const struct comm_ctx *c, const struct ap_data *d, const struct ap_nodes *a,
                          const int *rank_node, int fig, int cls)
{
    static const char *names[2][2] = {{"latency_median_intra", "latency_median_inter"},
                                      {"bandwidth_median_intra", "bandwidth_median_inter"}};
    int P = c->nranks;
    size_t n = 0;
    double *v = d->dense ? malloc((size_t)P * (size_t)P * sizeof *v) : NULL;
    for (int i = 0; v && i < P; i++)
        for (int j = fig == AP_LAT ? i + 1 : 0; j < P; j++)
            if (i != j && (rank_node[i] != rank_node[j]) == cls && !isnan(d->m[fig][(size_t)i * P + j]))
                v[n++] = d->m[fig][(size_t)i * P + j];
    if (a->median[fig][cls] > 0)
        exa_record_add_metric(c->rec, names[fig][cls], a->median[fig][cls], fig == AP_LAT ? "us" : "GB/s",
                              fig == AP_LAT ? EXA_LOWER_IS_BETTER : EXA_HIGHER_IS_BETTER, v, n);
    free(v);
}

static void report(struct comm_ctx *c, struct ap_data *d)
{
    int P = c->nranks, *rank_node = malloc((size_t)P * sizeof *rank_node);
    const char **name = malloc((size_t)P * sizeof *name);
    struct ap_nodes a;
    char err[4400];
    if (!rank_node || !name)
        exa_fatal(EXA_EXIT_FAILED, "out of memory");
    int N = rank_nodes(c, rank_node, name);
    struct ap_input in = {P, N, rank_node, {d->m[0], d->m[1]}, c->opt.threshold / 100.0};
    if (ap_reduce(&in, AP_KEEP_SLOW, &a))
        exa_fatal(EXA_EXIT_FAILED, "out of memory reducing the %d x %d matrices", P, P);
    fprintf(c->out, "# %d rounds of disjoint pairs; latency at %zu bytes (%ld iterations), bandwidth at "
            "%zu bytes (%ld iterations of a %ld-message window) in each direction\n",
            d->rounds, d->lat_size, d->lat_iters, d->bw_size, d->bw_iters, c->opt.window);
    if (d->dense) {
        for (int i = 0; i < P; i++)
            fprintf(c->out, "# rank %d: %s\n", i, host(c, i));
        print_matrix(c, "Latency (us): row rank, column peer", d->m[0], 1);
        print_matrix(c, "Bandwidth (MB/s): row sender, column receiver", d->m[1], 1e3);
    } else {
        fprintf(c->out, "# %d ranks on %d nodes: the matrix is summarised per node (--json-matrix always "
                "prints and records it whole)\n", P, N);
    }
    print_summary(c, &a, name);
    fprintf(c->out, "# allpairs wall time: %.3f s\n", d->wall);
    fflush(c->out);

    json_t *res = exa_record_results(c->rec), *hosts = json_array();
    for (int i = 0; i < P; i++)
        json_array_append_new(hosts, json_string(host(c, i)));
    json_object_set_new(res, "hosts", hosts);
    json_object_set_new(res, "rounds", json_integer(d->rounds));
    json_object_set_new(res, "latency_bytes", json_integer((json_int_t)d->lat_size));
    json_object_set_new(res, "bandwidth_bytes", json_integer((json_int_t)d->bw_size));
    json_object_set_new(res, "latency_iterations", json_integer(d->lat_iters));
    json_object_set_new(res, "bandwidth_iterations", json_integer(d->bw_iters));
    if (d->dense)
        dense_json(c, d, rank_node, res);
    ap_record(res, &a, name, host_of, c, c->opt.threshold / 100.0);
    if (c->opt.matrix_file) {
        json_t *mf = ap_side_file(c->opt.matrix_file, P, d->m[0], d->m[1], err, sizeof err);
        if (!mf)
            exa_fatal(EXA_EXIT_FAILED, "%s", err);
        json_object_set_new(res, "matrix_file", mf);
    }
    json_object_set_new(res, "wall_time_s", json_real(d->wall));
    for (int f = 0; f < 2; f++)
        for (int k = 0; k < 2; k++)
            median_metric(c, d, &a, rank_node, f, k);
    exa_record_add_metric(c->rec, "slow_pairs", (double)(a.total_slow[0] + a.total_slow[1]), "pairs",
                          EXA_LOWER_IS_BETTER, NULL, 0);
    exa_record_add_metric(c->rec, "allpairs_wall_time", d->wall, "s", EXA_LOWER_IS_BETTER, NULL, 0);
    ap_nodes_free(&a);
    free(rank_node);
    free(name);
}

/* Every rank's row to rank 0: the float means always, the statistics for the dense form; then the
 * latency figures of the lower rank (which led the ping-pong) both ways. */
static void gather(struct comm_ctx *c, struct ap_data *d, const double *lat_row, const double *bw_row)
{
    int P = c->nranks;
    float *row_f = malloc(2 * (size_t)P * sizeof *row_f);
    if (!row_f)
        exa_fatal(EXA_EXIT_FAILED, "out of memory");
    for (int k = 0; k < P; k++) {
        row_f[k] = (float)lat_row[(size_t)k * NST + ST_MEAN];
        row_f[P + k] = (float)bw_row[(size_t)k * NST + ST_MEAN];
    }
    MPI_Gather(row_f, P, MPI_FLOAT, d->m[0], P, MPI_FLOAT, 0, c->comm);
    MPI_Gather(row_f + P, P, MPI_FLOAT, d->m[1], P, MPI_FLOAT, 0, c->comm);
    if (d->dense) {
        MPI_Gather(lat_row, P * NST, MPI_DOUBLE, d->lat, P * NST, MPI_DOUBLE, 0, c->comm);
        MPI_Gather(bw_row, P * NST, MPI_DOUBLE, d->bw, P * NST, MPI_DOUBLE, 0, c->comm);
    }
    free(row_f);
    if (c->rank != 0)
        return;
    for (int i = 0; i < P; i++)
        for (int j = 0; j < i; j++) {
            d->m[0][(size_t)i * P + j] = d->m[0][(size_t)j * P + i];
            if (d->dense)
                memcpy(d->lat + ((size_t)i * P + j) * NST, d->lat + ((size_t)j * P + i) * NST, NST * sizeof *d->lat);
        }
}

static int allpairs_run(struct comm_ctx *c, int argc, char **argv)
{
    int P = c->nranks, me = c->rank, rounds = comm_tournament_rounds(P);
    size_t PP = (size_t)P * (size_t)P, nsizes = comm_sizes(c->test, &c->opt.range, NULL, 0);
    size_t *sizes = malloc(nsizes * sizeof *sizes), send, recv;
    long lat_iters = c->opt.iters > 0 ? c->opt.iters : c->test->iters_small;
    long lat_warmup = c->opt.warmup >= 0 ? c->opt.warmup : c->test->warmup_small;
    long bw_iters = lat_iters / 50 > 2 ? lat_iters / 50 : 2;
    long bw_warmup = lat_warmup / 5 > 1 || lat_warmup == 0 ? lat_warmup / 5 : 1;
    double *lat_row = malloc((size_t)P * NST * sizeof *lat_row);
    double *bw_row = malloc((size_t)P * NST * sizeof *bw_row);
    double *lat = NULL, *bw = NULL, *tmp = malloc(COMM_MAX_SAMPLES * sizeof *tmp);
    int saved_pair[2] = {c->opt.pair[0], c->opt.pair[1]};
    double t0;

    if (!sizes || !lat_row || !bw_row || !tmp)
        exa_fatal(EXA_EXIT_FAILED, "out of memory");
    comm_sizes(c->test, &c->opt.range, sizes, nsizes);
    size_t lat_size = sizes[0], bw_size = sizes[nsizes - 1];
    pair_buffers(c, bw_size, &send, &recv);
    c->reqs = malloc(2 * (size_t)c->opt.window * sizeof *c->reqs);
    if (exa_mpi_any(c->comm, !c->reqs || comm_buffers_alloc(c, send, recv)))
        exa_input_error("could not allocate %zu + %zu bytes of message buffers on some rank", send, recv);
    int dense = c->opt.json_matrix == 1 || (c->opt.json_matrix < 0 && P <= 64);
    struct ap_data d = {.dense = dense, .lat_size = lat_size, .bw_size = bw_size, .lat_iters = lat_iters,
                        .bw_iters = bw_iters, .rounds = rounds};
    if (me == 0) {
        /* rank 0 holds 8 P^2 bytes of means (4.6 GB at 24,000 ranks); the 40 P^2 bytes of
         * per-pair statistics only for the dense form */
        d.m[0] = malloc(PP * sizeof *d.m[0]);
        d.m[1] = malloc(PP * sizeof *d.m[1]);
        lat = dense ? malloc(PP * NST * sizeof *lat) : NULL;
        bw = dense ? malloc(PP * NST * sizeof *bw) : NULL;
        if (!d.m[0] || !d.m[1] || (dense && (!lat || !bw)))
            exa_fatal(EXA_EXIT_FAILED, "out of memory for the %d x %d all-pairs matrices", P, P);
        fprintf(c->out, "# exa-comm allpairs (exabench %s): %s\n# %d ranks on %d node(s), %s memory%s\n",
               exa_version(), c->test->description, P, c->nodes, c->mem->name,
               c->opt.validate ? ", validating every byte" : "");
        fflush(c->out);
    }
    for (int k = 0; k < P * NST; k++)
        lat_row[k] = bw_row[k] = NAN;

    comm_progress_set("barrier before allpairs", 0, COMM_PEER_ALL);
    MPI_Barrier(c->comm);
    t0 = MPI_Wtime();
    comm_maybe_stall(c);
    exa_counters_start(c->counters);
    for (int r = 0; r < rounds; r++) {
        int peer = comm_tournament_partner(P, r, me);
        comm_progress_set("barrier between allpairs rounds", 0, COMM_PEER_ALL);
        MPI_Barrier(c->comm);
        if (peer < 0)
            continue;
        int lo = me < peer ? me : peer, hi = me < peer ? peer : me;
        struct comm_size s = {.bytes = lat_size, .iters = lat_iters, .warmup = lat_warmup,
                              .batch = comm_batch(lat_iters), .samples = c->samples};
        /* latency: the lower rank leads the ping-pong and both ranks keep what they timed */
        c->opt.pair[0] = lo;
        c->opt.pair[1] = hi;
        comm_test_latency.run_size(c, &s);
        for (size_t k = 0; k < s.nsamples; k++)
            tmp[k] = s.samples[k] * 1e6;
        summarize(tmp, s.nsamples, &lat_row[(size_t)peer * NST]);
        lat_row[(size_t)peer * NST + ST_MEAN] = s.elapsed / (double)s.iters * 1e6;
        c->errors += s.errors;
        /* bandwidth, lo -> hi then hi -> lo; the sender keeps the figures */
        for (int dir = 0; dir < 2; dir++) {
            struct comm_size b = {.bytes = bw_size, .iters = bw_iters, .warmup = bw_warmup,
                                  .batch = comm_batch(bw_iters), .samples = c->samples};
            c->opt.pair[0] = dir ? hi : lo;
            c->opt.pair[1] = dir ? lo : hi;
            comm_test_bw.run_size(c, &b);
            c->errors += b.errors;
            if (!b.measured)
                continue;
            for (size_t k = 0; k < b.nsamples; k++)
                tmp[k] = b.bytes_per_iter / b.samples[k] / 1e9;
            summarize(tmp, b.nsamples, &bw_row[(size_t)peer * NST]);
            bw_row[(size_t)peer * NST + ST_MEAN] = b.bytes_per_iter * (double)b.iters / b.elapsed / 1e9;
        }
    }
    exa_counters_stop(c->counters);
    c->opt.pair[0] = saved_pair[0];
    c->opt.pair[1] = saved_pair[1];
    comm_progress_set("gathering allpairs results", 0, COMM_PEER_ALL);
    MPI_Barrier(c->comm);
    double wall = MPI_Wtime() - t0;
    d.lat = lat;
    d.bw = bw;
    d.wall = wall;
    gather(c, &d, lat_row, bw_row);
    long errors = 0;
    MPI_Allreduce(&c->errors, &errors, 1, MPI_LONG, MPI_SUM, c->comm);
    if (me == 0) {
        report(c, &d);
        if (c->opt.validate)
            json_object_set_new(exa_record_results(c->rec), "errors", json_integer(errors));
    }
    comm_buffers_free(c);
    free(c->reqs);
    c->reqs = NULL;
    free(sizes);
    free(lat_row);
    free(bw_row);
    free(lat);
    free(bw);
    free(d.m[0]);
    free(d.m[1]);
    free(tmp);
    return comm_record_finish(c, argc, argv, errors);
}

const struct comm_test comm_test_allpairs = {
    .name = "allpairs",
    .description = "latency and bandwidth of every pair of ranks in P-1 rounds; P x P matrix, "
                   "slow pairs named",
    .kind = COMM_MATRIX, .min_ranks = 2, .uses_window = 1, .has_sizes = 1, .elem = 1,
    .default_range = "8:1M",
    .iters_small = 1000, .warmup_small = 10, .iters_large = 1000, .warmup_large = 10,
    .buffer_bytes = pair_buffers, .run = allpairs_run,
};
