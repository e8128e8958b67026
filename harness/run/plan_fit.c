/* Plan against the machine: memory per node (refusing runs that cannot fit) and duration estimates
 * from the kinds' models at calibrated rates. See plan_fit.h; the format of the rates in the suite
 * file is exabench-suite(5), the output exabench-plan(1). */
#include "plan_fit.h"

#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exa_hplmodel.h"
#include "exa_parse.h"
#include "exa_peak.h"
#include "exa_sysfs.h"
#include "exa_timer.h"

/* Assumed when neither the system file nor a measurement says: HPL reaches about 70% of the dgemm
 * rate on large local matrices; a shared-memory or InfiniBand-class link; mpirun or srun start-up. */
#define ASSUMED_HPL_EFFICIENCY 0.7
#define ASSUMED_LOCAL_LATENCY_US 1.0
#define ASSUMED_LOCAL_BANDWIDTH_GBS 5.0
#define ASSUMED_NET_LATENCY_US 2.0
#define ASSUMED_NET_BANDWIDTH_GBS 10.0
#define ASSUMED_LOCAL_LAUNCH_S 1.0
#define ASSUMED_SLURM_LAUNCH_S 3.0

/* The last-level cache of this node, all instances together, as exa-stream sizes its default arrays
 * (the highest data or unified level of cpu0, times its distinct shared_cpu_list strings). */
static double local_llc_bytes(void)
{
    long best_level = 0;
    int best = -1;
    uint64_t size = 0;
    for (int i = 0; i < 32; i++) {
        char path[256], err[EXA_ERR_LEN];
        long level;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        if (exa_read_long(path, &level) != 0 || level <= best_level)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        char *type = exa_read_line(path);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        char *sz = exa_read_line(path);
        uint64_t b = 0;
        if (type && strcmp(type, "Instruction") && sz && exa_parse_size(sz, &b, err) == 0 && b) {
            best_level = level;
            best = i;
            size = b;
        }
        free(type);
        free(sz);
    }
    if (best < 0)
        return 0;
    char pattern[128];
    snprintf(pattern, sizeof pattern, "/sys/devices/system/cpu/cpu[0-9]*/cache/index%d/shared_cpu_list",
             best);
    glob_t g;
    size_t distinct = 0;
    char **seen = NULL;
    if (glob(pattern, 0, NULL, &g) == 0) {
        seen = calloc(g.gl_pathc, sizeof *seen);
        for (size_t i = 0; i < g.gl_pathc; i++) {
            char *l = exa_read_line(g.gl_pathv[i]);
            size_t k = 0;
            while (l && k < distinct && strcmp(seen[k], l))
                k++;
            if (l && k == distinct)
                seen[distinct++] = l;
            else
                free(l);
        }
        globfree(&g);
    }
    for (size_t k = 0; k < distinct; k++)
        free(seen[k]);
    free(seen);
    return (double)size * (double)(distinct ? distinct : 1);
}

void plan_machine_memory(const struct suite *s, struct plan_machine *m)
{
    memset(m, 0, sizeof *m);
    int local = s->launcher.type == LAUNCH_LOCAL;
    uint64_t total = 0;
    if (s->system.memory_per_node_gib > 0) {
        m->memory_bytes = s->system.memory_per_node_gib * 1073741824.0;
        m->memory_source = "system.memory_per_node_gib";
    } else if (local && exa_meminfo(&total, NULL) == 0) {
        m->memory_bytes = (double)total;
        m->memory_source = "MemTotal of this machine";
    }
    m->rates.cores_per_node = (double)s->system.cores_per_node;
    if (local && m->rates.cores_per_node <= 0)
        m->rates.cores_per_node = (double)sysconf(_SC_NPROCESSORS_ONLN);
    if (local)
        m->rates.llc_bytes = local_llc_bytes();
}

/* One core's triad bandwidth in GB/s over arrays well beyond the cache (best of three passes). */
static double measure_triad_gbs(double llc_bytes)
{
    size_t n = (size_t)fmax(2e6, fmin(16e6, 4.0 * llc_bytes / 8.0));
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    double best = 0;
    if (a && b && c) {
        for (size_t i = 0; i < n; i++) {
            a[i] = 0;
            b[i] = 1;
            c[i] = 2;
        }
        for (int pass = 0; pass < 3; pass++) {
            double t0 = exa_now();
            for (size_t i = 0; i < n; i++)
                a[i] = b[i] + 3.0 * c[i];
            double t = exa_now() - t0;
            __asm__ volatile("" : : "r"(a) : "memory");   /* keep the stores */
            if (t > 0 && 24.0 * (double)n / t / 1e9 > best)
                best = 24.0 * (double)n / t / 1e9;
        }
    }
    free(a);
    free(b);
    free(c);
    return best;
}

void plan_machine_rates(const struct suite *s, struct plan_machine *m)
{
    const struct system_cfg *y = &s->system;
    struct kind_rates *rt = &m->rates;
    int local = s->launcher.type == LAUNCH_LOCAL;
    rt->hpl_efficiency = y->hpl_efficiency > 0 ? y->hpl_efficiency : ASSUMED_HPL_EFFICIENCY;
    if (y->dgemm_gflops_per_core > 0) {
        rt->dgemm_gflops_per_core = y->dgemm_gflops_per_core;
        m->dgemm_source = "system.dgemm_gflops_per_core";
    } else if (local && (rt->dgemm_gflops_per_core = exa_calibrate_dgemm_gflops(1000, 2)) > 0) {
        m->dgemm_source = "measured here (dgemm N=1000, one thread)";
    } else if (y->rpeak_per_node_gflops > 0 && y->cores_per_node > 0) {
        rt->dgemm_gflops_per_core = 0.9 * y->rpeak_per_node_gflops / (double)y->cores_per_node;
        m->dgemm_source = "90% of system.rpeak_per_node_gflops per core";
    }
    if (y->stream_gbs_per_node > 0) {
        rt->memory_gbs_per_node = y->stream_gbs_per_node;
        m->memory_bw_source = "system.stream_gbs_per_node";
    } else if (local && (rt->memory_gbs_per_core = measure_triad_gbs(rt->llc_bytes)) > 0) {
        m->memory_bw_source = "measured here (triad, one thread, each rank's share)";
    }
    rt->latency_us = y->latency_us > 0 ? y->latency_us
                                       : local ? ASSUMED_LOCAL_LATENCY_US : ASSUMED_NET_LATENCY_US;
    rt->bandwidth_gbs = y->bandwidth_gbs > 0 ? y->bandwidth_gbs
                        : local ? ASSUMED_LOCAL_BANDWIDTH_GBS : ASSUMED_NET_BANDWIDTH_GBS;
    m->network_source = y->latency_us > 0 || y->bandwidth_gbs > 0
                            ? "system.latency_us, system.bandwidth_gbs (or assumed)"
                            : local ? "assumed (shared memory)" : "assumed (InfiniBand-class)";
    m->launch_seconds = y->launch_seconds > 0 ? y->launch_seconds
                        : local ? ASSUMED_LOCAL_LAUNCH_S : ASSUMED_SLURM_LAUNCH_S;
    m->launch_source = y->launch_seconds > 0 ? "system.launch_seconds" : "assumed";
}

double plan_run_memory(const struct run *r, const struct plan_machine *m)
{
    const struct kind *k = r->entry ? r->entry->kind : NULL;
    return k && k->memory_per_node ? k->memory_per_node(r, &m->rates) : 0;
}

double plan_run_seconds(const struct run *r, const struct plan_machine *m)
{
    const struct kind *k = r->entry ? r->entry->kind : NULL;
    double t = k && k->duration_estimate ? k->duration_estimate(r, &m->rates) : 0;
    return t > 0 ? t + m->launch_seconds : 0;
}

static void fmt_gib(double bytes, char *buf, size_t len)
{
    if (bytes >= 1073741824.0 * 1024 * 1024)
        snprintf(buf, len, "%.3g PiB", bytes / (1073741824.0 * 1048576.0));
    else if (bytes >= 1073741824.0 * 1024)
        snprintf(buf, len, "%.3g TiB", bytes / (1073741824.0 * 1024));
    else
        snprintf(buf, len, "%.3g GiB", bytes / 1073741824.0);
}

int plan_fit_memory(const struct suite *s, const struct plan *p, const struct plan_machine *m)
{
    int over = 0;
    if (m->memory_bytes <= 0)
        return 0;
    double limit = PLAN_FIT_MEMORY_FRACTION * m->memory_bytes;
    for (size_t i = 0; i < p->n; i++) {
        const struct run *r = &p->runs[i];
        double need = plan_run_memory(r, m);
        if (need <= limit)
            continue;
        const struct bench_entry *e = r->entry;
        char a[32], b[32], c[32];
        fmt_gib(need, a, sizeof a);
        fmt_gib(m->memory_bytes, b, sizeof b);
        fmt_gib(limit, c, sizeof c);
        fprintf(stderr, "%s:%d:%d: error: entry '%s', scale step %s=%ld (run %s: %s): needs %s per "
                "node (%.0f bytes; %ld rank%s per node) but a node has %s (%s) and a run may use at "
                "most %.0f%% of it, %s; use a smaller size or more nodes\n",
                s->file, e->mark.line, e->mark.column, e->name,
                e->scale_by_nodes ? "nodes" : "ranks", e->scale_by_nodes ? r->nodes : r->ranks,
                r->id, r->label, a, need, r->ranks_per_node, r->ranks_per_node == 1 ? "" : "s", b,
                m->memory_source, 100 * PLAN_FIT_MEMORY_FRACTION, c);
        over++;
    }
    return over;
}

void plan_print_rates(FILE *out, const struct plan_machine *m)
{
    const struct kind_rates *rt = &m->rates;
    char mem[32] = "unknown";
    if (m->memory_bytes > 0)
        fmt_gib(m->memory_bytes, mem, sizeof mem);
    fprintf(out, "machine: %s memory per node (%s)", mem, m->memory_source ? m->memory_source : "not given");
    if (rt->llc_bytes > 0)
        fprintf(out, ", last-level cache %.3g MiB", rt->llc_bytes / 1048576.0);
    fprintf(out, "\n");
    if (rt->dgemm_gflops_per_core > 0)
        fprintf(out, "rates: dgemm %.3g Gflop/s per core, %s; HPL at %.2f of it on large matrices\n",
                rt->dgemm_gflops_per_core, m->dgemm_source, rt->hpl_efficiency);
    else
        fprintf(out, "rates: dgemm unknown (give system.dgemm_gflops_per_core): no HPL estimates\n");
    if (rt->memory_gbs_per_node > 0)
        fprintf(out, "rates: memory %.3g GB/s per node, %s\n", rt->memory_gbs_per_node, m->memory_bw_source);
    else if (rt->memory_gbs_per_core > 0)
        fprintf(out, "rates: memory %.3g GB/s per core, %s\n", rt->memory_gbs_per_core, m->memory_bw_source);
    else
        fprintf(out, "rates: memory bandwidth unknown (give system.stream_gbs_per_node): no STREAM "
                "estimates\n");
    fprintf(out, "rates: network %.3g us, %.3g GB/s, %s; launch %.3g s per run, %s\n", rt->latency_us,
            rt->bandwidth_gbs, m->network_source, m->launch_seconds, m->launch_source);
}

void plan_format_seconds(double s, char *buf, size_t len)
{
    if (s >= 3600)
        snprintf(buf, len, "%.0f h %02.0f min", floor(s / 3600), floor(fmod(s, 3600) / 60));
    else if (s >= 60)
        snprintf(buf, len, "%.0f min %02.0f s", floor(s / 60), floor(fmod(s, 60)));
    else
        snprintf(buf, len, "%.2g s", s);
}
