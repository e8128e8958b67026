/* The suite file (YAML, read with libyaml) and its expansion into a plan: the ordered list of runs,
 * each with its exact command line. Format: exabench-suite(5). */
#ifndef EXA_HARNESS_SUITE_H
#define EXA_HARNESS_SUITE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "kind.h"

/* A growable list of strings (owned). */
struct strlist {
    char **v;
    size_t n, cap;
};
void strlist_push(struct strlist *l, const char *s);
void strlist_pushf(struct strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strlist_append(struct strlist *l, const struct strlist *other);
void strlist_free(struct strlist *l);
/* A NULL-terminated copy of the pointers (not of the strings), for execv. Caller frees. */
char **strlist_argv(const struct strlist *l);
json_t *strlist_json(const struct strlist *l);

/* Where a value came from in the suite file (1-based, as editors count). */
struct mark {
    int line, column;
};

/* NAME=VALUE pairs in file order; a later duplicate replaces the earlier value. */
struct envlist {
    struct strlist names, values;
};
void envlist_set(struct envlist *e, const char *name, const char *value);
const char *envlist_get(const struct envlist *e, const char *name);
void envlist_merge(struct envlist *into, const struct envlist *from);
void envlist_free(struct envlist *e);

enum launcher_type { LAUNCH_LOCAL, LAUNCH_SLURM };
enum slurm_mode { SLURM_AUTO, SLURM_SRUN, SLURM_SBATCH };

struct u64list {
    uint64_t *v;
    size_t n;
    size_t cap;                 /* allocated elements (parse_range_list grows it geometrically) */
};

struct system_cfg {
    char *name;
    long nodes;                 /* 0: not given */
    long cores_per_node;        /* 0: not given */
    double memory_per_node_gib; /* 0: not given */
    double rpeak_per_node_gflops; /* 0: not given */
    json_t *accelerators;       /* array (possibly empty) */
    /* calibrated rates for plan's duration estimates (plan_fit.c); 0: not given */
    double dgemm_gflops_per_core, hpl_efficiency, stream_gbs_per_node, latency_us, bandwidth_gbs,
        launch_seconds;
};

struct launcher_cfg {
    enum launcher_type type;
    /* local */
    char *mpirun;               /* default "mpirun" */
    int oversubscribe;
    struct strlist mpirun_args;
    /* slurm */
    enum slurm_mode mode;
    char *partition, *account, *qos, *time_limit;
    struct strlist srun_args, sbatch_args;
    double poll_interval;       /* seconds between squeue polls (default 5) */
    /* both */
    double kill_grace;          /* seconds between SIGTERM and SIGKILL on timeout (default 10) */
};

struct screen_cfg {
    int present;
    double threshold;           /* fraction below the median that flags a node (default 0.05) */
    double mad_k;               /* ... and more than k scaled MADs below it (default 3) */
    struct strlist nodes;       /* local launcher only: node labels to run (testing) */
    long hpl_n, hpl_nb;         /* single-node HPL size (0: skip HPL) */
    char *hpl_metric, *stream_metric;
    char *stream_size;          /* the memory kind's --size (NULL: skip it) */
    char *hpl_binary, *stream_binary;
    long ranks_per_node, threads_per_rank;
    double timeout;
    struct mark mark;
};

struct bench_entry {
    char *name;
    struct mark mark;
    char *binary;               /* absolute path, checked to exist and be executable */
    int scale_by_nodes;         /* 1: `nodes:` sweep, 0: `ranks:` sweep */
    struct u64list scale;
    long ranks_per_node;        /* 0: default */
    long threads_per_rank;
    long repetitions;
    double timeout;
    struct envlist env;
    struct strlist extra_args;
    const struct kind *kind;
    void *priv;                 /* the kind's own keys (kinds/KIND.c) */
};

struct suite {
    char *file;                 /* as given */
    char *path;                 /* absolute */
    char *dir;                  /* directory of the file (absolute) */
    char sha256[65];
    char *name;
    struct system_cfg system;
    struct launcher_cfg launcher;
    struct screen_cfg screen;
    struct envlist env;         /* suite-wide environment */
    struct bench_entry *bench;
    size_t n_bench;
};

/* Reads and checks a suite file. On error prints "FILE:LINE:COLUMN: error: ..." to stderr and
 * returns -1 (the command exits 2). */
int suite_load(const char *file, struct suite *s);
void suite_free(struct suite *s);

/* --only NAME... of `plan` and `run`, inside their getopt_long loop ("-" order, --only without an
 * argument): takes the names from argv[optind] on into only, leaving the last argument for the
 * suite file while none has been seen (have_file 0); exits 2 when none follows. */
void suite_take_only(int argc, char **argv, int have_file, struct strlist *only);
/* 0 when every name in only is a benchmark entry of s; otherwise prints which is not and returns
 * -1 (the command exits 2). */
int suite_check_only(const struct suite *s, const struct strlist *only);
/* Whether --only keeps the entry called name (an empty list keeps every entry). */
int suite_selected(const struct strlist *only, const char *name);
/* For local runs that use the BLAS: where OpenBLAS would run kernels below the CPU's ISA
 * (exa_blas_kernel_check) and neither env nor the environment sets OPENBLAS_CORETYPE, sets it in
 * env and says so once on stderr. Slurm runs are left alone: their nodes may differ from this one. */
void suite_blas_kernels(const struct suite *s, struct envlist *env);

/* Parses "A..B", "A..B xK", "A..B +K", or a single value; values may carry size suffixes (4K).
 * Returns 0, or -1 with the reason in err ("empty range 8..4"). */
int parse_range_list(const char *text, struct u64list *out, char *err, size_t errlen);

/* One planned run. */
struct run {
    int index;                  /* 1-based, in plan order */
    char id[160];               /* "0001-hpl-n2000-1x2" */
    const struct bench_entry *entry;
    const char *benchmark;      /* the kind's name */
    char *test;                 /* comm test, or NULL */
    long nodes, ranks, ranks_per_node, threads_per_rank;
    json_t *parameters;         /* what varies: n, nb, p, q, size, ... */
    int repetition;
    double timeout;
    char *label;                /* progress label, the kind's: binary and what varies */
    struct strlist bench_argv;  /* binary and its arguments, without --json */
    struct envlist env;         /* suite env + entry env + thread settings */
};

struct plan {
    struct run *runs;
    size_t n;
};

/* Expands the suite. On error (e.g. a P x Q that does not match the ranks) prints
 * "FILE:LINE:COLUMN: error: ..." and returns -1. */
int plan_build(const struct suite *s, struct plan *p);
void plan_free(struct plan *p);

#endif
