/* Counters: the report. The record's "counters" object from what every rank counted (gathered by
 * mpi/exa_counters_mpi.c): per-event sums and spreads, derived figures (IPC, flops and bytes
 * against the model), energy per node; and its text form for the benchmarks' output. */
#include "exa_counters_impl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "exa_cli.h"

#if EXA_HAVE_PAPI
#include <papi.h>
#endif


static double number(const json_t *obj, const char *key)
{
    return json_number_value(json_object_get(obj, key));
}

void exa_counters_print(FILE *out, const json_t *report)
{
    if (!out || !report)
        return;
    const json_t *events = json_object_get(report, "events");
    const json_t *derived = json_object_get(report, "derived");
    const json_t *energy = json_object_get(report, "energy");
    const json_t *per_rank = json_object_get(json_object_get(report, "region"), "seconds_per_rank");
    long long threads = json_integer_value(json_object_get(report, "threads_per_rank"));
    fprintf(out, "Counters (PAPI %s, timed region only, %zu rank(s)",
            json_string_value(json_object_get(report, "papi_version")) ?: "?", json_array_size(per_rank));
    if (threads > 0)
        fprintf(out, " x %lld thread(s) summed)\n", threads);
    else    /* no event group could start: nothing was counted on any thread */
        fprintf(out, ", no event counted)\n");
    if (json_object_size(events) > 0)
        fprintf(out, "  %-32s %18s %18s %18s\n", "event", "sum", "min", "max");
    const char *name;
    const json_t *ev;
    json_object_foreach((json_t *)events, name, ev)
    {
        if (json_is_true(json_object_get(ev, "available")))
            fprintf(out, "  %-32s %18lld %18lld %18lld\n", name,
                    (long long)json_integer_value(json_object_get(ev, "sum")),
                    (long long)json_integer_value(json_object_get(ev, "min")),
                    (long long)json_integer_value(json_object_get(ev, "max")));
        else
            fprintf(out, "  %-32s unavailable: %s\n", name,
                    json_string_value(json_object_get(ev, "reason")) ?: "?");
    }
    const json_t *ipc = json_object_get(derived, "ipc");
    if (ipc)
        fprintf(out, "  %-32s %18.3f\n", "instructions per cycle", number(ipc, "value"));
    static const char *const models[] = {"flops", "bytes"};
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        const json_t *m = json_object_get(derived, models[i]);
        if (!m)
            continue;
        char label[64];
        snprintf(label, sizeof label, "%s measured/modelled", models[i]);
        if (json_object_get(m, "measured_over_modelled"))
            fprintf(out, "  %-32s %18.4f (%s)\n", label, number(m, "measured_over_modelled"),
                    json_string_value(json_object_get(m, "method")) ?: "?");
        else
            fprintf(out, "  %-32s not measured: %s\n", label,
                    json_string_value(json_object_get(m, "reason")) ?: "modelled is 0");
    }
    if (json_is_true(json_object_get(energy, "available"))) {
        fprintf(out, "  %-32s %.3f J over %.3f s", "energy", number(energy, "joules"),
                number(energy, "seconds"));
        if (json_object_get(energy, "average_watts"))
            fprintf(out, ", %.3f W average", number(energy, "average_watts"));
        if (json_object_get(energy, "gflops_per_watt"))
            fprintf(out, ", %.4f Gflop/s per W", number(energy, "gflops_per_watt"));
        fputc('\n', out);
    } else if (energy) {
        fprintf(out, "  %-32s absent: %s\n", "energy",
                json_string_value(json_object_get(energy, "reason")) ?: "?");
    }
}

#if EXA_HAVE_PAPI

static const char *counting_note(void)
{
    return "perf_event events: every thread of the OpenMP team around the timed region, summed "
           "per rank; other components (uncore, energy): the calling thread; threads outside "
           "OpenMP (OpenBLAS, MPI progress) are not counted";
}

static void papi_version_json(json_t *obj)
{
    char version[64];
    papi_version_string(version, sizeof version);
    json_object_set_new(obj, "papi_version", json_string(version));
}



static long long value_of(const struct gathered *g, int rank, int e)
{
    return g->values[(size_t)rank * (size_t)g->nevents + (size_t)e];
}

static const char *reason_of(const struct gathered *g, int rank, int e)
{
    return g->reasons + ((size_t)rank * (size_t)g->nevents + (size_t)e) * REASON_LEN;
}

static int avail_of(const struct gathered *g, int rank, int e)
{
    return g->avail[(size_t)rank * (size_t)g->nevents + (size_t)e];
}

static json_t *event_json(const struct exa_counters *set, const struct gathered *g, int e)
{
    json_t *obj = json_object();
    for (int r = 0; r < g->size; r++)
        if (!avail_of(g, r, e)) {
            const char *why = reason_of(g, r, e);
            char buf[REASON_LEN + 32];
            if (r == 0)
                snprintf(buf, sizeof buf, "%s", why);
            else
                snprintf(buf, sizeof buf, "rank %d: %s", r, why);
            json_object_set_new(obj, "available", json_false());
            json_object_set_new(obj, "reason", json_string(buf));
            if (set->ev[e].component[0])
                json_object_set_new(obj, "component", json_string(set->ev[e].component));
            return obj;
        }
    json_t *per_rank = json_array();
    long long sum = 0, min = 0, max = 0;
    for (int r = 0; r < g->size; r++) {
        long long v = value_of(g, r, e);
        json_array_append_new(per_rank, json_integer(v));
        sum += v;
        if (r == 0 || v < min)
            min = v;
        if (r == 0 || v > max)
            max = v;
    }
    json_object_set_new(obj, "available", json_true());
    json_object_set_new(obj, "component", json_string(set->ev[e].component));
    json_object_set_new(obj, "per_rank", per_rank);
    json_object_set_new(obj, "sum", json_integer(sum));
    json_object_set_new(obj, "min", json_integer(min));
    json_object_set_new(obj, "max", json_integer(max));
    json_object_set_new(obj, "mean", json_real((double)sum / g->size));
    return obj;
}

/* Index of the first listed, available-everywhere event among names, or -1. */
static int first_counted(const struct exa_counters *set, const struct gathered *g,
                         const char *const *names)
{
    for (const char *const *n = names; *n; n++)
        for (int e = 0; e < set->nevents; e++) {
            if (!set->ev[e].listed || strcasecmp(set->ev[e].name, *n) != 0)
                continue;
            int all = 1;
            for (int r = 0; r < g->size; r++)
                all = all && avail_of(g, r, e);
            if (all)
                return e;
        }
    return -1;
}

static double sum_of(const struct gathered *g, int e)
{
    double s = 0;
    for (int r = 0; r < g->size; r++)
        s += (double)value_of(g, r, e);
    return s;
}

static json_t *model_json(double modelled, double measured, const char *how, const char *missing)
{
    json_t *obj = json_object();
    json_object_set_new(obj, "modelled", json_real(modelled));
    if (how) {
        json_object_set_new(obj, "measured", json_real(measured));
        json_object_set_new(obj, "method", json_string(how));
        if (modelled > 0)
            json_object_set_new(obj, "measured_over_modelled", json_real(measured / modelled));
    } else {
        json_object_set_new(obj, "measured", json_null());
        json_object_set_new(obj, "reason", json_string(missing));
    }
    return obj;
}

static json_t *derived_json(const struct exa_counters *set, const struct gathered *g)
{
    json_t *derived = json_object();
    static const char *const ins_names[] = {"PAPI_TOT_INS", "perf::INSTRUCTIONS",
                                            "perf::PERF_COUNT_HW_INSTRUCTIONS", NULL};
    static const char *const cyc_names[] = {"PAPI_TOT_CYC", "perf::CYCLES", "perf::CPU-CYCLES",
                                            "perf::PERF_COUNT_HW_CPU_CYCLES", NULL};
    int ins = first_counted(set, g, ins_names), cyc = first_counted(set, g, cyc_names);
    if (ins >= 0 && cyc >= 0 && sum_of(g, cyc) > 0) {
        json_t *ipc = json_object(), *per_rank = json_array();
        for (int r = 0; r < g->size; r++) {
            long long c = value_of(g, r, cyc);
            double ipc_r = c > 0 ? (double)value_of(g, r, ins) / (double)c : 0;
            json_array_append_new(per_rank, c > 0 ? json_real(ipc_r) : json_null());
        }
        json_object_set_new(ipc, "value", json_real(sum_of(g, ins) / sum_of(g, cyc)));
        json_object_set_new(ipc, "per_rank", per_rank);
        json_object_set_new(ipc, "instructions", json_string(set->ev[ins].name));
        json_object_set_new(ipc, "cycles", json_string(set->ev[cyc].name));
        json_object_set_new(derived, "ipc", ipc);
    }

    if (!isnan(set->model_flops)) {
        static const char *const flop_names[] = {"PAPI_DP_OPS", "PAPI_FP_OPS", NULL};
        int f = first_counted(set, g, flop_names);
        json_object_set_new(derived, "flops",
                            model_json(set->model_flops, f >= 0 ? sum_of(g, f) : 0,
                                       f >= 0 ? set->ev[f].name : NULL,
                                       "no floating-point event counted (add PAPI_DP_OPS to "
                                       "--papi)"));
    }
    if (!isnan(set->model_bytes)) {
        static const char *const llc_names[] = {"PAPI_L3_TCM", "PAPI_L3_DCM", "perf::CACHE-MISSES",
                                                NULL};
        static const char *const load_names[] = {"perf::LLC-LOAD-MISSES", NULL};
        static const char *const store_names[] = {"perf::LLC-STORE-MISSES", NULL};
        long line = sysconf(_SC_LEVEL3_CACHE_LINESIZE);
        if (line <= 0)
            line = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
        if (line <= 0)
            line = 64;
        int m = first_counted(set, g, llc_names);
        int ld = first_counted(set, g, load_names), st = first_counted(set, g, store_names);
        char how[NAME_LEN * 2 + 64];
        double misses = 0;
        int have = 1;
        if (m >= 0) {
            misses = sum_of(g, m);
            snprintf(how, sizeof how, "%s x %ld-byte line (estimate)", set->ev[m].name, line);
        } else if (ld >= 0) {
            misses = sum_of(g, ld) + (st >= 0 ? sum_of(g, st) : 0);
            snprintf(how, sizeof how, "(%s%s) x %ld-byte line (estimate)", set->ev[ld].name,
                     st >= 0 ? " + perf::LLC-STORE-MISSES" : "", line);
        } else {
            have = 0;
        }
        json_object_set_new(derived, "bytes",
                            model_json(set->model_bytes, misses * (double)line, have ? how : NULL,
                                       "no last-level cache miss event counted (add PAPI_L3_TCM "
                                       "or perf::LLC-LOAD-MISSES to --papi)"));
    }
    return derived;
}

static json_t *energy_json(const struct exa_counters *set, const struct gathered *g)
{
    json_t *energy = json_object(), *sources = json_array();
    double joules = 0, seconds = 0;
    int nsources = 0;
    for (int r = 0; r < g->size; r++)
        if (g->seconds[r] > seconds)
            seconds = g->seconds[r];
    for (int r = 0; r < g->size; r++) {
        const char *host = g->hosts + (size_t)r * CTR_HOST_LEN;
        int first_on_host = 1;
        for (int q = 0; q < r; q++)
            if (strcmp(host, g->hosts + (size_t)q * CTR_HOST_LEN) == 0)
                first_on_host = 0;
        if (!first_on_host)
            continue;   /* a node's packages and GPUs are counted once */
        for (int e = 0; e < set->nevents; e++) {
            if (!set->ev[e].energy)
                continue;
            json_t *src = json_object();
            json_object_set_new(src, "host", json_string(host));
            json_object_set_new(src, "rank", json_integer(r));
            json_object_set_new(src, "event", json_string(set->ev[e].name));
            json_object_set_new(src, "component", json_string(set->ev[e].component));
            if (avail_of(g, r, e)) {
                double j = (double)value_of(g, r, e) * set->ev[e].joules_per_unit;
                json_object_set_new(src, "joules", json_real(j));
                joules += j;
                nsources++;
            } else {
                json_object_set_new(src, "joules", json_null());
                json_object_set_new(
                    src, "reason",
                    json_string(reason_of(g, r, e)));
            }
            json_array_append_new(sources, src);
        }
    }
    if (nsources == 0) {
        json_decref(sources);
        json_object_set_new(energy, "available", json_false());
        json_object_set_new(energy, "reason",
                            json_string(*set->energy_reason ? set->energy_reason
                                                            : "no energy source counted"));
        return energy;
    }
    json_object_set_new(energy, "available", json_true());
    json_object_set_new(energy, "sources", sources);
    json_object_set_new(energy, "joules", json_real(joules));
    json_object_set_new(energy, "seconds", json_real(seconds));
    if (seconds > 0) {
        double watts = joules / seconds;
        json_object_set_new(energy, "average_watts", json_real(watts));
        if (!isnan(set->gflops) && watts > 0)
            json_object_set_new(energy, "gflops_per_watt", json_real(set->gflops / watts));
    }
    if (*set->energy_reason)
        json_object_set_new(energy, "absent", json_string(set->energy_reason));
    return energy;
}

int exa_counters_nevents(const struct exa_counters *set) { return set ? set->nevents : 0; }

/* This rank's part of the report: per event its total, whether it is available and why not
 * (REASON_LEN bytes each); returns the seconds counted. */
double exa_counters_local(const struct exa_counters *set, long long *values, int *avail, char *reasons)
{
    for (int e = 0; e < set->nevents; e++) {
        avail[e] = event_available(&set->ev[e]);
        values[e] = avail[e] ? event_total(set, e) : 0;
        snprintf(reasons + (size_t)e * REASON_LEN, REASON_LEN, "%s", set->ev[e].reason);
    }
    return set->seconds;
}

/* Rank 0's report from what every rank sent. */
json_t *exa_counters_report_json(const struct exa_counters *set, const struct gathered *g)
{
    json_t *report = json_object(), *events = json_object(), *region = json_object();
    papi_version_json(report);
    json_object_set_new(report, "counting", json_string(counting_note()));
    json_object_set_new(report, "threads_per_rank", json_integer(set->team));
    for (int e = 0; e < set->nevents; e++)
        if (set->ev[e].listed)
            json_object_set_new(events, set->ev[e].name, event_json(set, g, e));
    json_object_set_new(report, "events", events);
    json_t *per_rank = json_array();
    double smax = 0;
    for (int r = 0; r < g->size; r++) {
        json_array_append_new(per_rank, json_real(g->seconds[r]));
        if (g->seconds[r] > smax)
            smax = g->seconds[r];
    }
    json_object_set_new(region, "seconds_per_rank", per_rank);
    json_object_set_new(region, "seconds_max", json_real(smax));
    json_object_set_new(region, "start_stop_pairs", json_integer(set->pairs));
    json_object_set_new(report, "region", region);
    json_object_set_new(report, "derived", derived_json(set, g));
    json_object_set_new(report, "energy", energy_json(set, g));
    if (set->warning[0] || set->lost_threads) {
        json_t *warnings = json_array();
        if (set->warning[0])
            json_array_append_new(warnings, json_string(set->warning));
        if (set->lost_threads)
            json_array_append_new(
                warnings, json_string("more threads than counter slots: some were not counted"));
        json_object_set_new(report, "warnings", warnings);
    }
    return report;
}

#endif /* EXA_HAVE_PAPI */
