/* Plan against the machine: memory per node (refusing runs that cannot fit) and duration estimates
 * from the kinds' models at calibrated rates. See plan_fit.h; the format of the rates in the suite
 * file is exabench-suite(5), the output exabench-plan(1). */
#include "plan_fit.h"

#include <glob.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exa_hplmodel.h"
#include "exa_parse.h"
#include "exa_peak.h"
#include "exa_sysfs.h"
#include "exa_timer.h"
#include "suite_yaml.h"

/* Assumed when neither the system file nor a measurement says: HPL reaches about 70% of the dgemm
 * rate on large local matrices; a shared-memory or InfiniBand-class link; mpirun or srun start-up. */
#define ASSUMED_HPL_EFFICIENCY 0.7
#define ASSUMED_LOCAL_LATENCY_US 1.0
#define ASSUMED_LOCAL_BANDWIDTH_GBS 5.0
#define ASSUMED_NET_LATENCY_US 2.0
#define ASSUMED_NET_BANDWIDTH_GBS 10.0
#define LOCAL_LAUNCH_S 0.4
#define ASSUMED_SLURM_LAUNCH_S 3.0

int plan_fit_system_key(struct sy_ctx *c, yaml_node_t *v, const char *k, struct system_cfg *sys, int *rc)
{
    const struct { const char *key; double *to, max; } rates[] = {
        {"dgemm_gflops_per_core", &sys->dgemm_gflops_per_core, 1e9},
        {"hpl_efficiency", &sys->hpl_efficiency, 1}, {"stream_gbs_per_node", &sys->stream_gbs_per_node, 1e9},
        {"latency_us", &sys->latency_us, 1e9}, {"bandwidth_gbs", &sys->bandwidth_gbs, 1e9},
        {"launch_seconds", &sys->launch_seconds, 1e6}};
    for (size_t i = 0; i < sizeof rates / sizeof *rates; i++)
        if (!strcmp(k, rates[i].key)) {
            char what[64];
            snprintf(what, sizeof what, "system.%s", k);
            *rc = sy_double(c, v, what, 1e-9, rates[i].max, rates[i].to);
            return 1;
        }
    return 0;
}

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

/* One core's triad bandwidth in GB/s: the best of three passes (what a core moves while it runs;
 * the share a loaded machine leaves is parallel_cores's business). */
static double measure_triad_gbs(double llc_bytes)
{
    size_t n = (size_t)fmax(2e6, fmin(16e6, 4.0 * llc_bytes / 8.0));
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    double rate = 0;
    if (a && b && c) {
        for (size_t i = 0; i < n; i++) {
            a[i] = 0;
            b[i] = 1;
            c[i] = 2;
        }
        __asm__ volatile("" : : "r"(a), "r"(b), "r"(c) : "memory");   /* the pages are touched */
        for (int pass = 0; pass < 3; pass++) {
            double t0 = exa_now();
            for (size_t i = 0; i < n; i++)
                a[i] = b[i] + 3.0 * c[i];
            __asm__ volatile("" : : "r"(a) : "memory");   /* keep the stores */
            double t = exa_now() - t0;
            if (t > 0 && 24.0 * (double)n / t / 1e9 > rate)
                rate = 24.0 * (double)n / t / 1e9;
        }
    }
    free(a);
    free(b);
    free(c);
    return rate;
}

/* One core's first touch of fresh pages in GB/s (page faults and zeroing: slow in some VMs). */
static double measure_touch_gbs(void)
{
    size_t bytes = 32u << 20;
    double t0 = exa_now();
    char *p = malloc(bytes);
    if (!p)
        return 0;
    memset(p, 1, bytes);
    __asm__ volatile("" : : "r"(p) : "memory");
    double t = exa_now() - t0;
    free(p);
    return t > 0 ? (double)bytes / t / 1e9 : 0;
}

/* One core's dgemm rate: the whole calibration (a warm-up and two calls of order 800) over its
 * wall time, preemption included. */
static double measure_dgemm_gflops(void)
{
    double t0 = exa_now();
    double best = exa_calibrate_dgemm_gflops(800, 2);
    double t = exa_now() - t0;
    return best > 0 && t > 0 ? 3 * 2.0 * 800.0 * 800.0 * 800.0 / t / 1e9 : 0;
}

/* A ping-pong between two threads that poll and yield while they wait, as MPI's shared-memory
 * transport does when oversubscribed: one-way latency in microseconds, over at most 40 ms. (On a
 * heavily loaded machine MPI's pollers that do not yield wait longer than this.) */
static _Atomic long pp_turn;
static _Atomic int pp_stop;

static void *pp_partner(void *arg)
{
    (void)arg;
    for (long seen = 0; !atomic_load(&pp_stop);) {
        long t = atomic_load(&pp_turn);
        if (t > seen && t % 2 == 1) {
            atomic_store(&pp_turn, t + 1);
            seen = t + 1;
        } else {
            sched_yield();
        }
    }
    return NULL;
}

static double measure_pingpong_us(void)
{
    pthread_t th;
    atomic_store(&pp_turn, 0);
    atomic_store(&pp_stop, 0);
    if (pthread_create(&th, NULL, pp_partner, NULL) != 0)
        return 0;
    long trips = 0;
    double t0 = exa_now(), t = 0;
    while (trips < 20000 && (t = exa_now() - t0) < 0.04) {
        long mine = 2 * trips + 1;
        atomic_store(&pp_turn, mine);
        while (atomic_load(&pp_turn) != mine + 1)
            sched_yield();
        trips++;
    }
    atomic_store(&pp_stop, 1);
    pthread_join(th, NULL);
    return trips ? t / (double)trips / 2 * 1e6 : 0;
}

/* This machine's rates, now: what its other work leaves to a run. */
static void measure_local(struct plan_machine *m)
{
    struct kind_rates *rt = &m->rates;
    double load = 0;
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f || fscanf(f, "%lf", &load) != 1)
        load = 0;
    if (f)
        fclose(f);
    double cores = rt->cores_per_node > 0 ? rt->cores_per_node : 1;
    rt->parallel_cores = fmax(1, cores - load);
    m->load = load;
    m->launch_seconds = LOCAL_LAUNCH_S * fmax(1, (load + 1) / cores);
    m->launch_source = "mpirun's start-up, scaled by the load";
    /* the dgemm last: OpenBLAS's idle threads spin for a while after it */
    rt->first_touch_gbs = measure_touch_gbs();
    if (!rt->memory_gbs_per_node && (rt->memory_gbs_per_core = measure_triad_gbs(rt->llc_bytes)) > 0)
        m->memory_bw_source = "measured here (triad, one thread)";
    if (!rt->latency_us && (rt->latency_us = measure_pingpong_us()) > 0)
        m->network_source = "latency measured here (two threads' ping-pong), bandwidth assumed";
    if (!rt->dgemm_gflops_per_core && (rt->dgemm_gflops_per_core = measure_dgemm_gflops()) > 0)
        m->dgemm_source = "measured here (dgemm N=800, one thread)";
}

void plan_machine_rates(const struct suite *s, struct plan_machine *m)
{
    const struct system_cfg *y = &s->system;
    struct kind_rates *rt = &m->rates;
    int local = s->launcher.type == LAUNCH_LOCAL;
    rt->hpl_efficiency = y->hpl_efficiency > 0 ? y->hpl_efficiency : ASSUMED_HPL_EFFICIENCY;
    rt->dgemm_gflops_per_core = y->dgemm_gflops_per_core;
    m->dgemm_source = "system.dgemm_gflops_per_core";
    rt->memory_gbs_per_node = y->stream_gbs_per_node;
    m->memory_bw_source = "system.stream_gbs_per_node";
    rt->latency_us = y->latency_us;
    rt->bandwidth_gbs = y->bandwidth_gbs;
    m->network_source = "system.latency_us, system.bandwidth_gbs";
    m->launch_seconds = y->launch_seconds > 0 ? y->launch_seconds : ASSUMED_SLURM_LAUNCH_S;
    m->launch_source = y->launch_seconds > 0 ? "system.launch_seconds" : "assumed";
    if (local)
        measure_local(m);
    if (y->launch_seconds > 0) {
        m->launch_seconds = y->launch_seconds;
        m->launch_source = "system.launch_seconds";
    }
    if (rt->dgemm_gflops_per_core <= 0 && y->rpeak_per_node_gflops > 0 && y->cores_per_node > 0) {
        rt->dgemm_gflops_per_core = 0.9 * y->rpeak_per_node_gflops / (double)y->cores_per_node;
        m->dgemm_source = "90% of system.rpeak_per_node_gflops per core";
    }
    if (rt->latency_us <= 0 || rt->bandwidth_gbs <= 0) {
        if (rt->latency_us <= 0)
            rt->latency_us = local ? ASSUMED_LOCAL_LATENCY_US : ASSUMED_NET_LATENCY_US;
        if (rt->bandwidth_gbs <= 0)
            rt->bandwidth_gbs = local ? ASSUMED_LOCAL_BANDWIDTH_GBS : ASSUMED_NET_BANDWIDTH_GBS;
        if (!local)
            m->network_source = "assumed where not given (InfiniBand-class)";
    }
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
        if (need <= limit || r->repetition > 1)   /* repetitions: the same numbers, said once */
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
    if (rt->parallel_cores > 0)
        fprintf(out, "; load average %.1f on %.0f cores: runs get %.3g of them", m->load,
                rt->cores_per_node, rt->parallel_cores);
    fprintf(out, "\n");
    if (rt->dgemm_gflops_per_core > 0)
        fprintf(out, "rates: dgemm %.3g Gflop/s per core, %s; HPL at %.2f of it on large matrices\n",
                rt->dgemm_gflops_per_core, m->dgemm_source, rt->hpl_efficiency);
    else
        fprintf(out, "rates: dgemm unknown (give system.dgemm_gflops_per_core): no HPL estimates\n");
    if (rt->memory_gbs_per_node > 0)
        fprintf(out, "rates: memory %.3g GB/s per node, %s\n", rt->memory_gbs_per_node, m->memory_bw_source);
    else if (rt->memory_gbs_per_core > 0)
        fprintf(out, "rates: memory %.3g GB/s per core, %s; first touch %.3g GB/s\n",
                rt->memory_gbs_per_core, m->memory_bw_source, rt->first_touch_gbs);
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
