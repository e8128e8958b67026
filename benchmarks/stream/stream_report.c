/* exa-stream's output: the header and McCalpin-style table on rank 0, and the JSON record. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_peak.h"
#include "exa_record.h"
#include "exa_stats.h"
#include "stream.h"

#define HLINE "-------------------------------------------------------------------------\n"
#define MIB (1024.0 * 1024.0)

/* With --json - the record owns standard output, so the table goes to standard error. */
static FILE *text_out(const struct stream_run *run)
{
    return run->opt.json && !strcmp(run->opt.json, "-") ? stderr : stdout;
}

/* Summary of kernel k's counted iterations (the first is the warm-up). */
struct kernel_summary {
    const double *times;    /* counted times, ntimes - 1 of them */
    size_t count;
    double min, max, avg;
    double bytes;           /* all ranks, one execution */
    double best_rate;       /* GB/s from the min time */
};

static void summarise(const struct stream_run *run, int k, struct kernel_summary *s)
{
    s->times = run->times + (size_t)k * run->opt.ntimes + 1;
    s->count = (size_t)run->opt.ntimes - 1;
    s->min = INFINITY;
    s->max = 0.0;
    double sum = 0.0;
    for (size_t i = 0; i < s->count; i++) {
        s->min = fmin(s->min, s->times[i]);
        s->max = fmax(s->max, s->times[i]);
        sum += s->times[i];
    }
    s->avg = sum / (double)s->count;
    s->bytes = stream_kernel_bytes(run->kernels[k], run->n) * run->nranks;
    s->best_rate = s->min > 0 ? s->bytes / s->min / 1e9 : INFINITY;
}

void stream_print_header(const struct stream_run *run)
{
    if (run->rank != 0)
        return;
    FILE *out = text_out(run);
    double array_mib = (double)run->n * sizeof(double) / MIB;
    fprintf(out, HLINE);
    fprintf(out, "exa-stream %s (exabench): STREAM-style memory bandwidth, %s back end\n",
            exa_version(), run->backend->model);
    fprintf(out, HLINE);
    fprintf(out, "Array size = %zu (elements) per rank, 8 bytes per element (double)\n",
            (size_t)run->n);
    fprintf(out, "Memory per array = %.1f MiB per rank; all three arrays = %.1f MiB per rank, "
                 "%.1f MiB in total\n", array_mib, 3 * array_mib, 3 * array_mib * run->nranks);
    fprintf(out, "Ranks = %d on %d node(s), threads per rank = %d\n", run->nranks, run->nodes,
            run->threads);
    if (run->llc_bytes > 0)
        fprintf(out, "Last-level cache: %.1f MiB x %d per node (rule: arrays >= %.1f MiB)\n",
                (double)run->llc_bytes / MIB, run->llc_instances,
                4.0 * (double)run->llc_bytes * run->llc_instances / MIB);
    else
        fprintf(out, "Last-level cache: unknown (the 4x rule can not be checked)\n");
    fprintf(out, "Stores: %s\n", run->stores);
    fprintf(out, "Each kernel is executed %d times; the first (warm-up) iteration is not "
                 "counted.\n", run->opt.ntimes);
    fprintf(out, "Rates use the slowest rank's time; GB/s = 10^9 bytes per second.\n");
    fprintf(out, "Timer resolution = %.3g s\n", run->timer_resolution);
    fflush(out);
}

void stream_print_table(const struct stream_run *run)
{
    if (run->rank != 0)
        return;
    FILE *out = text_out(run);
    fprintf(out, HLINE);
    fprintf(out, "Function    Best Rate GB/s     Avg time     Min time     Max time\n");
    for (int k = 0; k < run->nk; k++) {
        struct kernel_summary s;
        summarise(run, k, &s);
        char label[32];
        snprintf(label, sizeof label, "%s:", stream_kernel_info[run->kernels[k]].label);
        fprintf(out, "%-8s%18.2f  %11.6f  %11.6f  %11.6f\n", label, s.best_rate, s.avg, s.min,
                s.max);
    }
    fprintf(out, HLINE);

    /* Per rank: each rank's own best time of the main kernel (Triad, or the only one). */
    int kk = run->nk - 1;
    for (int k = 0; k < run->nk; k++)
        if (run->kernels[k] == K_TRIAD)
            kk = k;
    double per_rank_bytes = stream_kernel_bytes(run->kernels[kk], run->n);
    int slow = 0, fast = 0;
    for (int r = 0; r < run->nranks; r++) {
        if (run->rank_best[(size_t)r * run->nk + kk] > run->rank_best[(size_t)slow * run->nk + kk])
            slow = r;
        if (run->rank_best[(size_t)r * run->nk + kk] < run->rank_best[(size_t)fast * run->nk + kk])
            fast = r;
    }
    fprintf(out, "Per rank, %s (own best time): slowest rank %d %.2f GB/s, fastest rank %d "
                 "%.2f GB/s\n", stream_kernel_info[run->kernels[kk]].label, slow,
            per_rank_bytes / run->rank_best[(size_t)slow * run->nk + kk] / 1e9, fast,
            per_rank_bytes / run->rank_best[(size_t)fast * run->nk + kk] / 1e9);

    /* Counter totals, when --papi asked for them. */
    json_t *events = json_object_get(run->counters, "events");
    const char *name;
    json_t *ev;
    json_object_foreach(events, name, ev) {
        json_t *sum = json_object_get(ev, "sum");
        if (json_is_number(sum))
            fprintf(out, "Counter %s: %.0f (sum over ranks)\n", name, json_number_value(sum));
        else
            fprintf(out, "Counter %s: unavailable\n", name);
    }

    for (int i = 0; i < run->nviolations; i++)
        fprintf(out, "NON-COMPLIANT: %s\n", run->violations[i]);

    static const char names[3] = {'a', 'b', 'c'};
    for (int i = 0; i < 3; i++)
        if (!(run->err[i] <= STREAM_ARRAY_EPSILON))
            fprintf(out, "Failed validation on array %c: expected %.12e, average relative error "
                         "%.3e > %.0e\n", names[i], run->expected[i], run->err[i],
                    STREAM_ARRAY_EPSILON);
    if (run->dot_checked && !(run->dot_err <= run->dot_threshold))
        fprintf(out, "Failed validation of Dot: expected %.12e, relative error %.3e > %.1e\n",
                run->dot_expected, run->dot_err, run->dot_threshold);
    if (run->passed) {
        fprintf(out, "Solution Validates: average relative error below %.0e on all three arrays",
                STREAM_ARRAY_EPSILON);
        if (run->dot_checked)
            fprintf(out, ", Dot within %.1e", run->dot_threshold);
        fprintf(out, "\n");
    }
    fprintf(out, HLINE);
    fprintf(out, "%s\n", run->passed ? "PASSED" : "FAILED");
    fflush(out);
}

json_t *stream_build_record(const struct stream_run *run)
{
    json_t *rec = exa_record_new("stream", run->backend->name);

    json_t *par = exa_record_parameters(rec);
    json_object_set_new(par, "array_size", json_integer((json_int_t)run->n));
    json_object_set_new(par, "array_bytes", json_integer((json_int_t)(run->n * sizeof(double))));
    json_object_set_new(par, "ntimes", json_integer(run->opt.ntimes));
    json_object_set_new(par, "counted_iterations", json_integer(run->opt.ntimes - 1));
    json_object_set_new(par, "threads_per_rank", json_integer(run->threads));
    json_object_set_new(par, "ranks", json_integer(run->nranks));
    json_object_set_new(par, "mode", json_string(run->opt.library_copy ? "memcpy" : "kernels"));
    json_object_set_new(par, "model", json_string(run->backend->model));
    json_object_set_new(par, "stores", json_string(run->opt.stores == STREAM_STORES_NONTEMPORAL
                                                        ? "nontemporal" : "temporal"));
    json_object_set_new(par, "store_instructions", json_string(run->stores));
    json_object_set_new(par, "scalar", json_real(STREAM_SCALAR));
    json_object_set_new(par, "initial_values", json_pack("{s:f, s:f, s:f}", "a", STREAM_A0, "b",
                                                         STREAM_B0, "c", STREAM_C0));
    if (run->llc_bytes > 0)
        json_object_set_new(par, "llc", json_pack("{s:I, s:i}", "bytes", (json_int_t)run->llc_bytes,
                                                  "instances", run->llc_instances));

    json_t *res = exa_record_results(rec);
    json_object_set_new(res, "timer_resolution_s", json_real(run->timer_resolution));
    json_t *kernels = json_object();
    double peak = exa_peak_memory_bandwidth() * run->nodes;
    size_t cnt = (size_t)run->opt.ntimes - 1;
    double *rates = calloc(cnt, sizeof *rates);
    for (int k = 0; k < run->nk; k++) {
        int id = run->kernels[k];
        struct kernel_summary s;
        summarise(run, k, &s);
        for (size_t i = 0; i < cnt; i++)
            rates[i] = s.times[i] > 0 ? s.bytes / s.times[i] / 1e9 : INFINITY;
        struct exa_stats tstats, rstats;
        exa_stats_compute(s.times, cnt, &tstats);
        exa_stats_compute(rates, cnt, &rstats);
        json_t *kj = json_object();
        json_object_set_new(kj, "bytes_per_iteration", json_real(s.bytes));
        json_object_set_new(kj, "warmup_time_s",
                            json_real(run->times[(size_t)k * run->opt.ntimes]));
        json_object_set_new(kj, "times_s", exa_json_samples(s.times, cnt));
        json_object_set_new(kj, "rates_gbs", exa_json_samples(rates, cnt));
        json_object_set_new(kj, "best_rate_gbs", json_real(s.best_rate));
        json_object_set_new(kj, "avg_time_s", json_real(s.avg));
        json_object_set_new(kj, "min_time_s", json_real(s.min));
        json_object_set_new(kj, "max_time_s", json_real(s.max));
        json_object_set_new(kj, "time_stats", exa_json_stats(&tstats));
        json_object_set_new(kj, "rate_stats", exa_json_stats(&rstats));
        if (run->rank_best) {
            json_t *pr = json_array();
            for (int r = 0; r < run->nranks; r++)
                json_array_append_new(pr, json_real(stream_kernel_bytes(id, run->n) /
                                                    run->rank_best[(size_t)r * run->nk + k] / 1e9));
            json_object_set_new(kj, "per_rank_best_rate_gbs", pr);
        }
        json_object_set_new(kernels, stream_kernel_info[id].key, kj);

        char metric[64];
        snprintf(metric, sizeof metric, "%s_bandwidth", stream_kernel_info[id].key);
        exa_record_add_metric(rec, metric, s.best_rate, "GB/s", EXA_HIGHER_IS_BETTER, rates, cnt);
        exa_record_set_expected(rec, metric, peak, "EXA_PEAK_MEM_BW_GBS x nodes");
    }
    free(rates);
    json_object_set_new(res, "kernels", kernels);

    json_t *ver = json_object();
    json_object_set_new(ver, "expected", json_pack("{s:f, s:f, s:f}", "a", run->expected[0], "b",
                                                   run->expected[1], "c", run->expected[2]));
    json_t *errs = json_object();
    static const char *const names[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++)
        json_object_set_new(errs, names[i],
                            isfinite(run->err[i]) ? json_real(run->err[i]) : json_null());
    json_object_set_new(ver, "avg_relative_error", errs);
    json_object_set_new(ver, "array_threshold", json_real(STREAM_ARRAY_EPSILON));
    if (run->dot_checked)
        json_object_set_new(ver, "dot", json_pack("{s:f, s:f, s:o, s:f}", "value_rank0",
                                                  run->dot_value, "expected_per_rank",
                                                  run->dot_expected, "relative_error",
                                                  isfinite(run->dot_err) ? json_real(run->dot_err)
                                                                         : json_null(),
                                                  "threshold", run->dot_threshold));
    json_object_set_new(res, "verification", ver);

    double worst = fmax(fmax(run->err[0], run->err[1]), run->err[2]);
    exa_record_set_verification(rec, run->passed,
                                run->dot_checked
                                    ? "largest average relative error of the final arrays a, b, c "
                                      "against their analytic values (and Dot's relative error "
                                      "within results.verification.dot.threshold)"
                                    : "largest average relative error of the final arrays a, b, c "
                                      "against their analytic values",
                                worst, STREAM_ARRAY_EPSILON, "<=");
    for (int i = 0; i < run->nviolations; i++)
        exa_record_add_violation(rec, run->violations[i]);
    return rec;
}
