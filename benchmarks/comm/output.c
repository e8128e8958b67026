/* Output: OSU's text columns on stdout (rank 0), and the JSON record.
 *
 * Text: `# Size  Latency (us)` (latency), `# Size  Bandwidth (MB/s)` (bw, bibw),
 * `# Size  MB/s  Messages/s` (mbw_mr), `# Size  Avg Latency(us)  Min Latency(us)  Max Latency(us)
 * Iterations` (collectives, OSU's -f layout), with OSU's field widths and two decimals; MB/s means
 * 10^6 bytes/s as in OSU. Lines starting with '#' are comments, as in OSU.
 *
 * Record (docs/results.md (exa-comm records)): results.sizes[] holds one entry per size with the iteration counts, the
 * headline value, statistics over the timing samples (mean, min, max, p50, p99 and the rest of
 * exa_stats) and every sample; metrics "latency_<size>" (us) or "bandwidth_<size>" (GB/s) and
 * "message_rate_<size>" (Mmsg/s) carry the samples for `exabench compare`. */
#include "comm.h"

#include <stdio.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_mpi.h"
#include "exa_provenance.h"
#include "exa_record.h"
#include "exa_stats.h"
#include "build_info.h"

void comm_metric_name(char *buf, size_t len, const char *quantity, size_t bytes)
{
    char sz[32];
    exa_format_size(bytes, sz, sizeof sz);
    snprintf(buf, len, "%s_%s%s", quantity, sz,
             sz[strlen(sz) - 1] >= '0' && sz[strlen(sz) - 1] <= '9' ? "B" : "");
}

void comm_print_header(const struct comm_ctx *c)
{
    const struct comm_test *t = c->test;
    const char *v = c->opt.validate ? "        Validation" : "";
    if (c->rank != 0)
        return;
    fprintf(c->out, "# exa-comm %s (exabench %s): %s\n", t->name, exa_version(), t->description);
    fprintf(c->out, "# %d ranks on %d node(s)", c->nranks, c->nodes);
    if (t->uses_pair)
        fprintf(c->out, ", pair %d,%d", c->opt.pair[0], c->opt.pair[1]);
    if (t->uses_window)
        fprintf(c->out, ", window %ld", c->opt.window);
    fprintf(c->out, ", %s memory%s\n", c->mem->name, c->opt.validate ? ", validating every byte" : "");
    switch (t->kind) {
    case COMM_LATENCY: fprintf(c->out, "# Size          Latency (us)%s\n", v); break;
    case COMM_BANDWIDTH: fprintf(c->out, "# Size      Bandwidth (MB/s)%s\n", v); break;
    case COMM_MSGRATE: fprintf(c->out, "# Size                  MB/s        Messages/s%s\n", v); break;
    case COMM_COLLECTIVE:
        if (t->has_sizes)
            fprintf(c->out, "# Size       Avg Latency(us)   Min Latency(us)   Max Latency(us)  Iterations%s\n", v);
        else
            fprintf(c->out, "# Avg Latency(us)   Min Latency(us)   Max Latency(us)  Iterations%s\n", v);
        break;
    default: break;
    }
    fflush(c->out);
}

void comm_print_row(const struct comm_ctx *c, const struct comm_row *r)
{
    const struct comm_test *t = c->test;
    char v[32] = "";
    if (c->opt.validate)
        snprintf(v, sizeof v, "%18s", r->errors ? "Fail" : "Pass");
    switch (t->kind) {
    case COMM_LATENCY:
    case COMM_BANDWIDTH: fprintf(c->out, "%-10zu%18.2f%s\n", r->bytes, r->value, v); break;
    case COMM_MSGRATE: fprintf(c->out, "%-10zu%20.2f%18.2f%s\n", r->bytes, r->value, r->rate, v); break;
    case COMM_COLLECTIVE:
        if (t->has_sizes)
            fprintf(c->out, "%-10zu%18.2f%18.2f%18.2f%12ld%s\n", r->bytes, r->value, r->rank_min,
                   r->rank_max, r->iters, v);
        else
            fprintf(c->out, "%17.2f%18.2f%18.2f%12ld%s\n", r->value, r->rank_min, r->rank_max, r->iters, v);
        break;
    default: break;
    }
    fflush(c->out);
}

void comm_record_begin(struct comm_ctx *c, int argc, char **argv)
{
    json_t *p, *timer;
    int *is_global = NULL, flag = 0;
    (void)argc;
    (void)argv;
    /* variant: "cpu" for host buffers, else the memory kind ("cuda") */
    c->rec = exa_record_new("comm", strcmp(c->mem->name, "host") == 0 ? "cpu" : c->mem->name);
    exa_record_set_test(c->rec, c->test->name);
    p = exa_record_parameters(c->rec);
    json_object_set_new(p, "test", json_string(c->test->name));
    json_object_set_new(p, "device", json_string(c->mem->name));
    json_object_set_new(p, "ranks", json_integer(c->nranks));
    json_object_set_new(p, "nodes", json_integer(c->nodes));
    if (c->test->has_sizes) {
        json_object_set_new(p, "min_size", json_integer((json_int_t)c->opt.range.min));
        json_object_set_new(p, "max_size", json_integer((json_int_t)c->opt.range.max));
        json_object_set_new(p, "size_step", json_sprintf("%s%llu", c->opt.range.multiply ? "x" : "+",
                                                          (unsigned long long)c->opt.range.step));
    }
    long it_small, wu_small, it_large, wu_large;
    comm_loop_counts(c->test, &c->opt, 1, &it_small, &wu_small);
    comm_loop_counts(c->test, &c->opt, COMM_LARGE_MESSAGE + 1, &it_large, &wu_large);
    json_object_set_new(p, "iterations", json_integer(it_small));
    json_object_set_new(p, "warmup", json_integer(wu_small));
    json_object_set_new(p, "iterations_large", json_integer(it_large));
    json_object_set_new(p, "warmup_large", json_integer(wu_large));
    json_object_set_new(p, "large_message_size", json_integer(COMM_LARGE_MESSAGE));
    if (c->test->uses_window)
        json_object_set_new(p, "window", json_integer(c->opt.window));
    if (c->test->uses_pair)
        json_object_set_new(p, "pair", json_pack("[ii]", c->opt.pair[0], c->opt.pair[1]));
    json_object_set_new(p, "validate", json_boolean(c->opt.validate));
    json_object_set_new(p, "timeout_s", json_real(c->opt.timeout));
    if (c->test->kind == COMM_MATRIX)
        json_object_set_new(p, "threshold_percent", json_real(c->opt.threshold));
    json_object_set_new(p, "max_samples_per_size", json_integer(COMM_MAX_SAMPLES));

    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL, &is_global, &flag);
    timer = json_object();
    json_object_set_new(timer, "clock", json_string("MPI_Wtime"));
    json_object_set_new(timer, "mpi_wtick_s", json_real(MPI_Wtick()));
    json_object_set_new(timer, "mpi_wtime_is_global", json_boolean(flag && is_global && *is_global));
    json_object_set_new(exa_record_results(c->rec), "timer", timer);
    json_object_set_new(exa_record_results(c->rec), "sizes", json_array());
}

/* What the back end says about the run's memory ("cuda": the GPU and the transfer mode). */
static void describe_memory(struct comm_ctx *c)
{
    const char *key = NULL;
    json_t *(*describe)(const struct comm_ctx *, const char **) = comm_get_backend()->describe;
    json_t *facts = c->rank == 0 && describe ? describe(c, &key) : NULL;
    if (facts && key)
        json_object_set_new(exa_record_parameters(c->rec), key, facts);
    else
        json_decref(facts);
}

static json_t *stats_object(const double *v, size_t n)
{
    struct exa_stats st;
    if (n == 0 || exa_stats_compute(v, n, &st))
        return json_null();
    json_t *o = exa_json_stats(&st);
    /* the names the issue asks for, whatever exa_json_stats calls them */
    json_object_set_new(o, "mean", json_real(st.mean));
    json_object_set_new(o, "min", json_real(st.min));
    json_object_set_new(o, "max", json_real(st.max));
    json_object_set_new(o, "p50", json_real(st.median));
    json_object_set_new(o, "p99", json_real(st.p99));
    return o;
}

void comm_record_row(struct comm_ctx *c, const struct comm_row *r)
{
    const struct comm_test *t = c->test;
    json_t *e = json_object();
    char name[64];
    double conv[COMM_MAX_SAMPLES];
    size_t n = r->nsamples;

    if (t->has_sizes)
        json_object_set_new(e, "bytes", json_integer((json_int_t)r->bytes));
    json_object_set_new(e, "iterations", json_integer(r->iters));
    json_object_set_new(e, "warmup", json_integer(r->warmup));
    json_object_set_new(e, "iterations_per_sample", json_integer(r->batch));
    if (t->kind == COMM_LATENCY || t->kind == COMM_COLLECTIVE) {
        json_object_set_new(e, "unit", json_string("us"));
        json_object_set_new(e, "latency_us", json_real(r->value));
        if (t->kind == COMM_COLLECTIVE) {
            json_object_set_new(e, "rank_min_latency_us", json_real(r->rank_min));
            json_object_set_new(e, "rank_max_latency_us", json_real(r->rank_max));
        }
        json_object_set_new(e, "stats", stats_object(r->samples, n));
        json_object_set_new(e, "samples", exa_json_samples(r->samples, n));
        if (t->has_sizes)
            comm_metric_name(name, sizeof name, "latency", r->bytes);
        else
            snprintf(name, sizeof name, "latency");
        exa_record_add_metric(c->rec, name, r->value, "us", EXA_LOWER_IS_BETTER, r->samples, n);
    } else {
        for (size_t k = 0; k < n; k++)
            conv[k] = r->samples[k] / 1e3; /* MB/s -> GB/s */
        json_object_set_new(e, "unit", json_string("GB/s"));
        json_object_set_new(e, "bandwidth_GBps", json_real(r->value / 1e3));
        json_object_set_new(e, "bandwidth_MBps", json_real(r->value));
        json_object_set_new(e, "stats", stats_object(conv, n));
        json_object_set_new(e, "samples", exa_json_samples(conv, n));
        comm_metric_name(name, sizeof name, "bandwidth", r->bytes);
        exa_record_add_metric(c->rec, name, r->value / 1e3, "GB/s", EXA_HIGHER_IS_BETTER, conv, n);
        if (t->kind == COMM_MSGRATE) {
            json_object_set_new(e, "message_rate_per_s", json_real(r->rate));
            comm_metric_name(name, sizeof name, "message_rate", r->bytes);
            exa_record_add_metric(c->rec, name, r->rate / 1e6, "Mmsg/s", EXA_HIGHER_IS_BETTER, NULL, 0);
        }
    }
    if (c->opt.validate)
        json_object_set_new(e, "errors", json_integer(r->errors));
    json_array_append_new(json_object_get(exa_record_results(c->rec), "sizes"), e);
}

int comm_record_finish(struct comm_ctx *c, int argc, char **argv, long errors)
{
    char err[EXA_ERR_LEN];
    int status = errors ? EXA_EXIT_FAILED : EXA_EXIT_OK;
    json_t *counters, *prov;

    comm_progress_set("writing the record", 0, COMM_PEER_ALL);
    if (c->opt.validate)
        exa_record_set_verification(c->rec, errors == 0,
                                    "pattern (iteration, rank, byte index) checked in every received byte",
                                    (double)errors, 0, "<=");
    else
        exa_record_set_verification(c->rec, 1, "none (run with --validate to check the data)", 0, 0,
                                    "<=");
    exa_record_set_launch(c->rec, c->comm, 1, argc, argv);
    prov = exa_provenance_collect(c->comm);
    exa_record_set_provenance(c->rec, prov);
    describe_memory(c);
    counters = exa_counters_report(c->counters, c->comm);
    exa_record_set_object(c->rec, "counters", counters);
    if (c->rank == 0) {
        if (errors) {
            fprintf(c->out, "# FAILED: %ld corrupted byte(s) received\n", errors);
            fprintf(stderr, "%s: validation FAILED: %ld corrupted byte(s) received\n",
                    exa_program_name, errors);
        } else if (c->opt.validate) {
            fprintf(c->out, "# Validation passed: every received byte matched\n");
        }
        fflush(c->out);
        if (c->opt.json && exa_record_write(c->rec, c->opt.json, err)) {
            fprintf(stderr, "%s: error: --json %s: %s\n", exa_program_name, c->opt.json, err);
            status = status ? status : EXA_EXIT_FAILED;
        }
    }
    json_decref(c->rec);
    c->rec = NULL;
    return status;
}
