/* A benchmark kind as the harness knows it: one struct of data and function pointers, filled once
 * per kind in its own file (hpl.c, stream.c, comm.c) and listed in kinds.c. The suite reader, the
 * planner, screening and the reports ask the descriptor; none of them tests a kind by name.
 * Adding a kind: its benchmark (or the tool it imports), one file filling this struct, one line in
 * kinds.c (tests may add theirs with kind_register). */
#ifndef EXA_HARNESS_KIND_H
#define EXA_HARNESS_KIND_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

struct sy_ctx;
struct suite;
struct bench_entry;
struct run;
struct strlist;
struct envlist;
struct screen_cfg;

/* One scale step of one suite entry, as the planner hands it to the kind's expand: the kind calls
 * emit once per run it wants (each becomes one run per repetition), with its own variant. */
struct kind_step {
    const struct suite *suite;
    const struct bench_entry *entry;
    long nodes, ranks, ranks_per_node;
    int local;                          /* the local launcher (this node only) */
    int (*emit)(struct kind_step *st, const void *variant);
    void *planner;                      /* the planner's own state */
};

/* What a kind fills for one run: the command line after the binary, the planned parameters (in
 * the names the benchmark writes into its record's `parameters`), the run's name part and label. */
struct kind_run {
    struct strlist *argv;               /* the binary is there already */
    void *parameters;                   /* json_t object */
    char *test;                         /* the kind's sub-test, if any (malloc'd) */
    char slug[128], label[256];
};

/* Per-metric default regression tolerance for compare: metric is an fnmatch pattern on the metric
 * name, fraction the smallest change that matters (0.03: 3%). within names the metric whose
 * `samples` are within-run samples of this one (exa-hpl's update_rate, which carries
 * results.update_rate_samples.values), so that one run per side can be tested; NULL: none. */
struct kind_tolerance {
    const char *metric;
    double fraction;
    const char *within;
};

/* What a run's memory and duration depend on besides the run (plan_fit.c fills it from the system
 * section or this machine): 0 in a field means unknown. Rates are per core, node or link. */
struct kind_rates {
    double dgemm_gflops_per_core;       /* calibrated (measured) dgemm of one core */
    double hpl_efficiency;              /* HPL's rate / the dgemm rate of the cores it uses */
    double memory_gbs_per_node;         /* STREAM-like bandwidth of one node, all cores */
    double memory_gbs_per_core;         /* ... of one core alone */
    double first_touch_gbs;             /* one core's first touch of new pages; 0: free */
    double cores_per_node;
    double parallel_cores;              /* cores a run gets now (a loaded local machine); 0: all */
    double latency_us, bandwidth_gbs;   /* point to point, between nodes or ranks */
    double llc_bytes;                   /* a node's last-level cache, all instances */
};

struct kind {
    const char *name;                   /* suite `benchmark:` and record "benchmark" */
    const char *binary;                 /* found next to exabench or on PATH; NULL: importer */
    const char *const *keys;            /* its own entry keys (NULL-ended) */

    /* Suite reading: kind-private data of an entry; parse_key reads one of its keys into it
     * (0, or -1 after sy_fail); check runs once all keys are read (n: the entry's node). */
    void *(*entry_new)(void);
    void (*entry_free)(void *priv);
    int (*parse_key)(struct sy_ctx *c, const struct suite *s, void *priv, const char *key,
                     yaml_node_t *v);
    int (*check)(struct sy_ctx *c, const yaml_node_t *n, const struct bench_entry *e);

    /* Planning: the runs of one scale step (0, or -1 after a "FILE:LINE:COLUMN: error"), and one
     * run's argv, parameters, name and label from its variant. */
    int (*expand)(struct kind_step *st);
    void (*fill)(const struct kind_step *st, const void *variant, struct kind_run *out);
    int uses_blas;                      /* OPENBLAS_NUM_THREADS and the kernel check apply */

    /* `exabench plan`'s fit check (NULL or 0: unknown): the most bytes a run needs on one node,
     * and its expected seconds at the machine's rates (plan_fit.c), without the launch cost. */
    double (*memory_per_node)(const struct run *r, const struct kind_rates *rt);
    double (*duration_estimate)(const struct run *r, const struct kind_rates *rt);

    /* Screening (the suite's screen section) runs one compute-bound and one memory-bound kind on
     * every node: its screen_* keys name their sizes. */
    struct kind_screen_ops {
        enum kind_screen { KIND_SCREEN_NONE, KIND_SCREEN_COMPUTE, KIND_SCREEN_MEMORY } role;
        int (*wanted)(const struct screen_cfg *sc);           /* the section asks for it */
        const char *(*metric)(const struct screen_cfg *sc);   /* the suite's choice, or NULL */
        /* the single-node command after the binary (which the caller pushed) */
        void (*argv)(const struct screen_cfg *sc, long ranks, long threads, struct strlist *argv);
        const char *preferred, *unit;   /* the metric taken when none is named, and its unit */
    } screen;

    /* Reports and decisions. */
    const char *headline_metric;        /* its one figure: Rmax, Triad, ... */
    /* What the summary, submit and rank take from it: the Rmax kind's best headline is Rmax (and
     * its failed runs block a submission), the memory kind's is Triad per node, the network
     * kind's message-size sweeps give small-message latency and large-message bandwidth. */
    enum kind_role { KIND_ROLE_NONE, KIND_ROLE_RMAX, KIND_ROLE_MEMORY, KIND_ROLE_NETWORK, KIND_ROLE_MXP } role;
    const char *const *plots;           /* report_plot.c's figures that take its runs (NULL-ended) */
    const struct kind_tolerance *tolerances; /* compare's defaults ({NULL} ended); NULL: global */

    /* An importer kind reads another tool's output into records (NULL for our benchmarks). */
    int (*import)(const char *path, void *records_json_array);

    /* Import (harness/import/): the importer that writes this kind's records (NULL: none), the
     * native kind whose figures it compares with ("hpl" for netlib/vendor HPL and hpcc), and the
     * key compare matches runs of a family on (params: the record's `parameters`, a json_t):
     * 0 with the key in buf, or -1 to keep the run's full key. */
    const char *importer;
    const char *family;
    int (*compare_key)(const void *params, const char *test, char *buf, size_t len);
};

/* The HPL family's compare key: "family=hpl|TEST|n= nb= p= q=" (kinds/imported.c). */
int kind_hpl_family_key(const void *params, const char *test, char *buf, size_t len);

/* Prints "FILE:LINE:COLUMN: error: ..." for the step's suite file and returns -1. */
struct mark;
int kind_fail(const struct kind_step *st, struct mark m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The kind called name, or NULL. */
const struct kind *kind_find(const char *name);
/* The kinds in table order, NULL-ended. */
const struct kind *const *kind_all(void);
/* The kind screening runs in that role, or NULL. */
const struct kind *kind_screened(enum kind_screen role);
/* Whether the kind called name has that role / takes part in that figure (0 for unknown kinds). */
int kind_has_role(const char *name, enum kind_role role);
int kind_has_plot(const char *name, const char *plot);
/* "hpl, stream or comm" for messages. */
void kind_names(char *out, size_t len);
/* Adds a kind after the built-in ones (tests: a kind defined outside harness/). 0, or -1 if full. */
int kind_register(const struct kind *k);

#endif
