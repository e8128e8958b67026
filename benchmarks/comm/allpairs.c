/* allpairs: latency and bandwidth between every pair of ranks, to find bad links.
 *
 * The P(P-1)/2 pairs are measured in rounds of disjoint pairs (a round-robin tournament, see
 * tournament.c): P-1 rounds for even P, P for odd P (one rank sits each round out), so the wall time
 * grows with P, not P^2. Pairs of a round run at the same time, as a real job's traffic would; a
 * barrier separates rounds. In each round a pair runs the latency ping-pong at the smallest size of
 * -m, then the bandwidth window loop at the largest size in each direction, with the same timed
 * loops as the latency and bw tests.
 *
 * Rank 0 prints the P x P matrices (latency is symmetric; bandwidth row = sender, column =
 * receiver), labels each pair intra-node or inter-node from the host names, and lists the pairs
 * worse than the median of their class by more than --threshold percent (slowpairs.c). */
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
#include "slowpairs.h"
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

static json_t *matrix_json(const double *m, int P)
{
    json_t *rows = json_array();
    for (int i = 0; i < P; i++) {
        json_t *row = json_array();
        for (int j = 0; j < P; j++)
            json_array_append_new(row, i == j || isnan(m[i * P + j]) ? json_null() : json_real(m[i * P + j]));
        json_array_append_new(rows, row);
    }
    return rows;
}

static void print_matrix(const struct comm_ctx *c, const char *title, const double *m, double scale)
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
                fprintf(c->out, "%12.2f", m[i * P + j] * scale);
        fprintf(c->out, "\n");
    }
}

static void add_median_metric(json_t *rec, const char *name, const double *m, const int *cls, int P,
                              int want, const char *unit, enum exa_direction dir, int symmetric)
{
    double *v = malloc((size_t)P * (size_t)P * sizeof *v);
    size_t n = 0;
    if (!v)
        return;
    for (int i = 0; i < P; i++)
        for (int j = symmetric ? i + 1 : 0; j < P; j++)
            if (i != j && cls[i * P + j] == want)
                v[n++] = m[i * P + j];
    if (n > 0)
        exa_record_add_metric(rec, name, exa_median(v, n), unit, dir, v, n);
    free(v);
}

static void report(struct comm_ctx *c, const double *lat, const double *bw, size_t lat_size,
                   size_t bw_size, long lat_iters, long bw_iters, int rounds, double wall)
{
    int P = c->nranks;
    size_t PP = (size_t)P * (size_t)P;
    int *cls = malloc(PP * sizeof *cls);
    double *lm = malloc(PP * sizeof *lm), *bm = malloc(PP * sizeof *bm);
    struct comm_slow_pair *slow_l = malloc((PP + 1) * sizeof *slow_l);
    struct comm_slow_pair *slow_b = malloc((PP + 1) * sizeof *slow_b);
    double med_l[2], med_b[2], thr = c->opt.threshold / 100.0;
    const char *cname[2] = {"intra-node", "inter-node"};
    if (!cls || !lm || !bm || !slow_l || !slow_b)
        exa_fatal(EXA_EXIT_FAILED, "out of memory");
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++) {
            size_t k = (size_t)i * P + j;
            cls[k] = strcmp(host(c, i), host(c, j)) == 0 ? COMM_INTRA : COMM_INTER;
            lm[k] = lat[k * NST + ST_MEAN];
            bm[k] = bw[k * NST + ST_MEAN];
        }
    size_t nl = comm_find_slow_pairs(P, lm, cls, 0, 1, thr, slow_l, PP, med_l);
    size_t nb = comm_find_slow_pairs(P, bm, cls, 1, 0, thr, slow_b, PP, med_b);

    fprintf(c->out, "# %d rounds of disjoint pairs; latency at %zu bytes (%ld iterations), bandwidth at "
            "%zu bytes (%ld iterations of a %ld-message window) in each direction\n",
            rounds, lat_size, lat_iters, bw_size, bw_iters, c->opt.window);
    for (int i = 0; i < P; i++)
        fprintf(c->out, "# rank %d: %s\n", i, host(c, i));
    print_matrix(c, "Latency (us): row rank, column peer", lm, 1);
    print_matrix(c, "Bandwidth (MB/s): row sender, column receiver", bm, 1e3);
    for (int k = 0; k < 2; k++)
        if (med_l[k] > 0)
            fprintf(c->out, "# median %s: latency %.2f us, bandwidth %.2f MB/s\n", cname[k], med_l[k],
                   med_b[k] * 1e3);
    if (nl + nb == 0)
        fprintf(c->out, "# No slow pairs (none more than %g%% worse than the median of its class)\n",
               c->opt.threshold);
    else
        fprintf(c->out, "# Slow pairs (more than %g%% worse than the median of their class):\n",
               c->opt.threshold);
    for (size_t k = 0; k < nl; k++)
        fprintf(c->out, "# SLOW latency   rank %d (%s) <-> rank %d (%s), %s: %.2f us, median %.2f us (+%.0f%%)\n",
               slow_l[k].a, host(c, slow_l[k].a), slow_l[k].b, host(c, slow_l[k].b),
               cname[slow_l[k].cls], slow_l[k].value, slow_l[k].median, 100 * slow_l[k].excess);
    for (size_t k = 0; k < nb; k++)
        fprintf(c->out, "# SLOW bandwidth rank %d (%s) -> rank %d (%s), %s: %.2f MB/s, median %.2f MB/s (-%.0f%%)\n",
               slow_b[k].a, host(c, slow_b[k].a), slow_b[k].b, host(c, slow_b[k].b),
               cname[slow_b[k].cls], slow_b[k].value * 1e3, slow_b[k].median * 1e3,
               100 * slow_b[k].excess);
    fprintf(c->out, "# allpairs wall time: %.3f s\n", wall);
    fflush(c->out);

    /* the record */
    json_t *res = exa_record_results(c->rec), *hosts = json_array(), *classes = json_array();
    json_t *pairs = json_array(), *slow = json_array();
    for (int i = 0; i < P; i++) {
        json_t *row = json_array();
        json_array_append_new(hosts, json_string(host(c, i)));
        for (int j = 0; j < P; j++)
            json_array_append_new(row, json_string(i == j ? "self" : cls[i * P + j] ? "inter" : "intra"));
        json_array_append_new(classes, row);
    }
    for (int i = 0; i < P; i++)
        for (int j = i + 1; j < P; j++) {
            size_t ij = (size_t)i * P + j, ji = (size_t)j * P + i;
            json_array_append_new(pairs, json_pack("{s:i,s:i,s:s,s:s,s:s,s:o,s:o,s:o}", "a", i, "b", j,
                "host_a", host(c, i), "host_b", host(c, j), "class", cls[ij] ? "inter" : "intra",
                "latency_us", stats_json(lat + ij * NST), "bandwidth_GBps_a_to_b",
                stats_json(bw + ij * NST), "bandwidth_GBps_b_to_a", stats_json(bw + ji * NST)));
        }
    for (size_t k = 0; k < nl + nb; k++) {
        const struct comm_slow_pair *s = k < nl ? &slow_l[k] : &slow_b[k - nl];
        json_array_append_new(slow, json_pack("{s:s,s:i,s:s,s:i,s:s,s:s,s:f,s:f,s:f,s:s}",
            "figure", k < nl ? "latency" : "bandwidth", "a", s->a, "host_a", host(c, s->a), "b", s->b,
            "host_b", host(c, s->b), "class", s->cls ? "inter" : "intra", "value", s->value,
            "median", s->median, "excess_percent", 100 * s->excess, "unit", k < nl ? "us" : "GB/s"));
    }
    json_object_set_new(res, "hosts", hosts);
    json_object_set_new(res, "rounds", json_integer(rounds));
    json_object_set_new(res, "latency_bytes", json_integer((json_int_t)lat_size));
    json_object_set_new(res, "bandwidth_bytes", json_integer((json_int_t)bw_size));
    json_object_set_new(res, "latency_iterations", json_integer(lat_iters));
    json_object_set_new(res, "bandwidth_iterations", json_integer(bw_iters));
    json_object_set_new(res, "matrix", json_pack("{s:o,s:o,s:o}", "class", classes, "latency_us",
                        matrix_json(lm, P), "bandwidth_GBps", matrix_json(bm, P)));
    json_object_set_new(res, "pairs", pairs);
    json_t *medians = json_object();
    for (int k = 0; k < 2; k++) /* a class with no pair (one node: no inter-node pair) is null */
        json_object_set_new(medians, k ? "inter" : "intra", med_l[k] > 0 ? json_pack("{s:f,s:f}",
                            "latency_us", med_l[k], "bandwidth_GBps", med_b[k]) : json_null());
    json_object_set_new(res, "medians", medians);
    json_object_set_new(res, "slow_pairs", slow);
    json_object_set_new(res, "wall_time_s", json_real(wall));
    add_median_metric(c->rec, "latency_median_intra", lm, cls, P, COMM_INTRA, "us", EXA_LOWER_IS_BETTER, 1);
    add_median_metric(c->rec, "latency_median_inter", lm, cls, P, COMM_INTER, "us", EXA_LOWER_IS_BETTER, 1);
    add_median_metric(c->rec, "bandwidth_median_intra", bm, cls, P, COMM_INTRA, "GB/s", EXA_HIGHER_IS_BETTER, 0);
    add_median_metric(c->rec, "bandwidth_median_inter", bm, cls, P, COMM_INTER, "GB/s", EXA_HIGHER_IS_BETTER, 0);
    exa_record_add_metric(c->rec, "slow_pairs", (double)(nl + nb), "pairs", EXA_LOWER_IS_BETTER, NULL, 0);
    exa_record_add_metric(c->rec, "allpairs_wall_time", wall, "s", EXA_LOWER_IS_BETTER, NULL, 0);
    free(cls);
    free(lm);
    free(bm);
    free(slow_l);
    free(slow_b);
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
    if (me == 0) {
        lat = malloc(PP * NST * sizeof *lat);
        bw = malloc(PP * NST * sizeof *bw);
        if (!lat || !bw)
            exa_fatal(EXA_EXIT_FAILED, "out of memory");
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
    MPI_Gather(lat_row, P * NST, MPI_DOUBLE, lat, P * NST, MPI_DOUBLE, 0, c->comm);
    MPI_Gather(bw_row, P * NST, MPI_DOUBLE, bw, P * NST, MPI_DOUBLE, 0, c->comm);
    long errors = 0;
    MPI_Allreduce(&c->errors, &errors, 1, MPI_LONG, MPI_SUM, c->comm);
    if (me == 0) {
        /* only the lower rank of a pair led the ping-pong: use its figures both ways */
        for (int i = 0; i < P; i++)
            for (int j = 0; j < i; j++)
                memcpy(lat + ((size_t)i * P + j) * NST, lat + ((size_t)j * P + i) * NST,
                       NST * sizeof *lat);
        report(c, lat, bw, lat_size, bw_size, lat_iters, bw_iters, rounds, wall);
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
