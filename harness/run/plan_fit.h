/* Whether a plan fits the machine: each run's memory per node against the node's memory (a run
 * over 95% of it is refused before anything queues), and each run's expected duration from the
 * kind's model at the machine's calibrated rates (the system section, or measured here for local
 * runs), summed into the suite's estimated total. Used by plan_build and `exabench plan`. */
#ifndef EXA_HARNESS_PLAN_FIT_H
#define EXA_HARNESS_PLAN_FIT_H

#include <stdio.h>

#include "suite.h"

/* The system section's rate keys (exabench-suite(5)), and reading one: 1 when k is one of them,
 * with *rc 0 or -1 after "FILE:LINE:COLUMN: error". */
#define PLAN_FIT_KEYS "dgemm_gflops_per_core", "hpl_efficiency", "stream_gbs_per_node", "latency_us", \
                      "bandwidth_gbs", "launch_seconds"
struct sy_ctx;
int plan_fit_system_key(struct sy_ctx *c, yaml_node_t *v, const char *k, struct system_cfg *sys, int *rc);

/* The most of a node's memory one run may ask for. */
#define PLAN_FIT_MEMORY_FRACTION 0.95

/* The machine the plan is checked against: its memory per node and where that came from, and the
 * rates of kind.h with where each came from ("system file", "measured here", "assumed"). */
struct plan_machine {
    double memory_bytes;        /* per node; 0: unknown (no check) */
    const char *memory_source;
    struct kind_rates rates;
    double launch_seconds;      /* start-up cost of one launch (mpirun or srun) */
    double load;                /* local: the 1-minute load average when measured */
    const char *dgemm_source, *memory_bw_source, *network_source, *launch_source;
};

/* Memory per node and the last-level cache (what memory needs; cheap, nothing measured). */
void plan_machine_memory(const struct suite *s, struct plan_machine *m);

/* The rates too: from the system section, else measured on this machine for a local launcher
 * (a short dgemm and a triad loop, about 0.1 s), else from rpeak_per_node_gflops or assumed. */
void plan_machine_rates(const struct suite *s, struct plan_machine *m);

/* Every run's memory per node against m: prints "FILE:LINE:COLUMN: error: ..." for each run over
 * PLAN_FIT_MEMORY_FRACTION of it (naming the entry, the scale step, the run and the numbers) and
 * returns how many there were. */
int plan_fit_memory(const struct suite *s, const struct plan *p, const struct plan_machine *m);

/* One run's memory per node in bytes (0 unknown) and its estimated seconds with the launch cost
 * (0 unknown). */
double plan_run_memory(const struct run *r, const struct plan_machine *m);
double plan_run_seconds(const struct run *r, const struct plan_machine *m);

/* The rates used, one line each, to out. */
void plan_print_rates(FILE *out, const struct plan_machine *m);

/* "1 h 02 min", "3 min 12 s", "4.2 s". */
void plan_format_seconds(double s, char *buf, size_t len);

#endif
