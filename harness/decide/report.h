/* Shared helpers of the commands that turn results into decisions (report, compare, accept, submit,
 * rank, ingest, history): growing strings, files, hashing, base64, gnuplot, spec files, and the
 * TOP500-style summary of a run. See exabench-report(1) and docs/man/. */
#ifndef EXA_HARNESS_REPORT_H
#define EXA_HARNESS_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "digest.h"
#include "rundir.h"
#include "sbuf.h"

/* ---- growing string (results/sbuf.h), escaped for the page it goes into ---- */
void sb_html(struct sbuf *b, const char *s);  /* HTML-escaped */
void sb_csv(struct sbuf *b, const char *s);   /* one CSV field, quoted when it needs to be */
void sb_md(struct sbuf *b, const char *s);    /* Markdown table cell (| and newlines escaped) */

/* ---- files ---- */
int rp_mkdir_p(const char *path, char *err, size_t errlen);
int rp_write_file(const char *path, const char *data, size_t len, char *err, size_t errlen);
/* Reads a whole file (NUL-terminated); NULL with the reason in err. */
char *rp_read_file(const char *path, size_t *len, char *err, size_t errlen);
/* JSON from a file; on error "FILE:LINE:COL: reason" in err. */
json_t *rp_load_json(const char *path, char *err, size_t errlen);
/* A YAML or JSON file (by content: JSON when it starts with '{' or '['), as JSON. Every mapping
 * read from YAML carries "__line" (its 1-based line) so that errors can name it. */
json_t *rp_load_spec(const char *path, char *err, size_t errlen);
/* The line of a spec object ("__line"), 0 when unknown. */
int rp_line(const json_t *obj);

/* ---- hashing and encoding ---- */
void rp_base64(struct sbuf *out, const unsigned char *data, size_t len);

/* ---- gnuplot ---- */
/* Runs gnuplot on each script (names relative to dir) with dir as working directory, in parallel,
 * by fork/exec (never a shell). Each script's messages go to SCRIPT.log. Returns how many failed;
 * their names are listed in err. EXA_GNUPLOT names another gnuplot. */
int rp_gnuplot(const char *dir, char *const *scripts, size_t n, char *err, size_t errlen);

/* ---- formatting ---- */
/* A number with 4 significant digits ("12.35", "1.235e+06"), or "-" for NaN. */
const char *rp_num(double v, char buf[32]);
/* Compact one-line JSON of parameters ("N=1000 NB=192"), "" for none. */
void rp_params_text(const json_t *params, struct sbuf *out);

/* ---- provenance ---- */
/* Adds the provenance facts of rec to flat (an object path -> array of distinct string values):
 * node facts under "node.", software under "software."; volatile facts (hostnames, hashes, load,
 * free memory, times) are left out. */
void rp_provenance_flatten(const json_t *rec, json_t *flat);
/* "BIOS", "firmware", "driver", "kernel", "MPI", "BLAS", "compiler", "CPU", "environment" or "other"
 * for a flattened path. */
const char *rp_provenance_category(const char *path);
/* Flattened provenance of a whole run (deduplicating identical provenance objects). */
json_t *rp_run_provenance(const struct rd_set *set);

/* ---- the TOP500-style summary of a run ---- */
struct rp_summary {
    double rmax;          /* Gflop/s, best valid HPL run; NaN when none */
    long nmax;            /* N of that run */
    double n_half;        /* N at which half of Rmax is reached, interpolated; NaN unknown */
    int n_half_upper;     /* 1: the smallest N measured already exceeds Rmax/2: n_half is a bound */
    double rpeak;         /* theoretical Gflop/s of the Rmax run's nodes or cores; NaN unknown */
    const char *rpeak_basis;
    double efficiency;    /* rmax / rpeak */
    int rmax_nodes;       /* nodes of the Rmax run */
    long rmax_cores;      /* ranks x threads of the Rmax run */
    const struct rd_run *rmax_run;
    double triad_per_node;/* GB/s, best valid STREAM run divided by its nodes; NaN when none */
    double latency_us;    /* smallest-message latency, us; NaN when none */
    double latency_size;  /* its message size in bytes */
    double bandwidth_gbs; /* largest-message bandwidth, GB/s; NaN when none */
    double bandwidth_size;
    double energy_j;      /* energy of the Rmax run when measured; NaN otherwise */
    double power_w;
    double dgemm_peak;    /* calibrated dgemm x cores of the Rmax run (a measurement, not Rpeak); NaN */
    double efficiency_dgemm; /* rmax / dgemm_peak */
    double mxp_gflops;    /* HPL-MxP: best valid, compliant FP64-equivalent rate; NaN when none */
    long mxp_n;           /* N of that run */
    const char *mxp_precision;
};
void rp_summarize(const struct rd_set *set, struct rp_summary *sum);
/* results.rpeak of a run's record, read from its file (rd_load leaves "results" out): a new
 * reference, or NULL when the record or the member is missing. */
json_t *rp_record_rpeak(const struct rd_set *set, const struct rd_run *run);
/* N1/2 from a sweep: x[] sizes ascending, y[] rates. Returns the interpolated size at which y first
 * reaches half of max(y); NaN when n == 0; *upper = 1 when y[0] already reaches it (returns x[0]). */
double rp_n_half(const double *x, const double *y, size_t n, int *upper);
/* Size in bytes named by a metric's suffix ("latency_8B" -> 8, "bandwidth_1M" -> 1048576); -1 none. */
double rp_metric_size(const char *metric);

/* Per-size tables of a comm record: calls fn(series, size_bytes, value, unit) for each point. */
typedef void (*rp_point_fn)(void *ctx, const char *series, double size, double value, const char *unit);
void rp_comm_points(const struct rd_run *run, rp_point_fn fn, void *ctx);

/* ---- plots (report_plot.c) ---- */
struct rp_plot {
    char name[64];      /* file stem: NAME.gp, NAME.dat, NAME.png, NAME.svg */
    char title[160];
    struct sbuf gp;     /* the gnuplot script */
    struct sbuf dat;    /* its data */
};
/* The plots of a run (only valid runs feed them). Returns how many; *out is malloc'd. */
size_t rp_build_plots(const struct rd_set *set, struct rp_plot **out);
/* Starts a script writing NAME.png and NAME.svg (the caller adds the plot command; the SVG
 * copy follows from rp_plot_finish). */
void rp_plot_begin(struct rp_plot *p, const char *name, const char *title);
void rp_plot_finish(struct rp_plot *p);
void rp_plot_free(struct rp_plot *p);
/* Adds a gnuplot single-quoted string. */
void rp_gp_str(struct sbuf *b, const char *s);
/* Writes NAME.gp and NAME.dat of each plot into dir and runs gnuplot on them; returns the number
 * of failed scripts (names in err). render 0 writes the scripts only. */
int rp_plots_write(const char *dir, struct rp_plot *plots, size_t n, int render, char *err, size_t errlen);

/* ---- all-pairs (report_pairs.c): the heat maps of the first all-pairs run (either record form),
 * and its page section naming the hosts of slow pairs and the outlier nodes ---- */
void rp_plot_allpairs(const struct rd_set *set, struct rp_plot **plots, size_t *np, size_t *cap);
void rp_page_pairs(const struct rd_set *set, struct sbuf *h, struct sbuf *md);

/* ---- submissions (submit.c) ---- */
#define RP_SUBMISSION_SCHEMA "exabench.submission"
/* The seal of a submission: SHA-256 over "exabench.submission/1\n", then for each record
 * "FILE SHA256(raw)\n", then the run id, the system and the summary as compact sorted-key JSON, one
 * per line. Uses the digests recomputed from each record's raw text. Returns 0, or -1 (reason in
 * err) when the submission lacks what the seal covers. */
int rp_submission_seal(const json_t *sub, char digest[65], char *err, size_t errlen);

/* ---- history database (ingest.c, history.c) ---- */
struct sqlite3;
extern const char *const history_schema;
/* Opens the database; create: read-write, creating the file, its folder and the schema. */
int history_open(const char *path, int create, struct sqlite3 **db, char *err, size_t errlen);

#endif
