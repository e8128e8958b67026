/* The regression gate: does NEW perform worse than BASE, metric by metric, and for a whole compare?
 *
 * Every metric has a tolerance (the smallest change that matters, in percent). Its verdict comes
 * from one of three methods, chosen by the samples it has:
 *
 *   tolerance   fewer than GATE_MIN_REPS repetition values on a side (e.g. one HPL run against one):
 *               no test is possible, the relative change of the medians is compared with the
 *               tolerance and the text says so ("1 vs 1 sample: -30.0% beyond the 3% tolerance:
 *               regressed").
 *   repetitions GATE_MIN_REPS or more values a side, one per run: Welch's t test on the logarithms
 *               of the values. The difference of the mean logs is the log of the ratio of the
 *               geometric means, so the p-value and the confidence interval are about the relative
 *               change; logs make multiplicative noise symmetric. Welch and not Mann-Whitney: with
 *               5 against 5 the rank test's smallest possible two-sided p is 2/252 = 0.0079, so
 *               after a family correction over ~90 metrics (threshold ~0.05/90 = 0.00055) it could
 *               never flag anything, while t on logs reaches p ~ 1e-4 for a 5% step under 1% noise.
 *   within-run  an array of per-iteration values per side from ONE run each (exa-hpl's per-iteration
 *               update rates normalised by their modelled work), GATE_MIN_WITHIN or more a side:
 *               the iterations are autocorrelated and drift (the trailing matrix shrinks), so they
 *               are not independent samples. Each side is cut into k batches by relative position
 *               (k = min(na, nb)/5, at most 20, at least 5); batch j's statistic is the median log value of NEW's
 *               batch j minus that of BASE's batch j (pairing by position cancels the common drift;
 *               medians ignore the odd OS-noise iteration). The k differences get a one-sample t
 *               test and interval with k-1 degrees of freedom, the standard error inflated by
 *               sqrt((1+r)/(1-r)) for their lag-1 autocorrelation r > 0.
 *
 * Repetitions win over within-run samples when a metric has both: only independent runs show the
 * run-to-run variation (node placement, clocks, the network's state), which iterations of one run
 * cannot; the within-run test says whether THIS run differs from THAT run, and the tolerance, a
 * minimum effect, keeps run-to-run noise below it from failing a compare.
 *
 * The tested metrics (repetitions, within-run) of one compare form a family. The gate asks a
 * directional question (is NEW worse?), so each metric's p is one-sided towards "worse" (and,
 * separately, towards "better" for improvements: a second family); this halves the p of a real
 * regression against the two-sided test while keeping the chance of a false regression at alpha.
 * The p-values are adjusted by Benjamini-Hochberg (default: under "no change anywhere" it bounds
 * the chance of any false regression by alpha, and a change hitting many metrics at once is found
 * with far more power than with Holm) or Holm (strong family-wise control). The verdict text names
 * the correction.
 * A tested metric is
 *   regressed   adjusted one-sided p (worse) < alpha AND the point estimate is worse than the
 *               tolerance,
 *   improved    adjusted one-sided p (better) < alpha AND better than the tolerance,
 *   unchanged   the 95% confidence interval does not reach beyond the tolerance on the worse side
 *               ("unchanged: within +-1.8% at 95%"),
 *   cannot tell otherwise (too noisy to exclude a change beyond the tolerance); not a failure.
 * So tiny but significant changes never fail, and noise alone fails a compare in at most about
 * alpha of the cases. Measured by tests/verdict/test_gate.c over 2000 seeds (EXA_GATE_RUNS=2000):
 * 93 metrics, 4-5 runs a side, 10% noise, no change: 3.5% of compares fail (BH; Holm 3.4%);
 * a 5% HPL slowdown under 1% noise among 92 unchanged metrics: caught in 88.6% with 4-5 runs
 * (61% with 4), no false regression elsewhere; within-run, 100 iterations a side with drift, AR(1)
 * noise and OS spikes: a 5% slowdown regressed in 99.8%, a 1% change regressed in 0.05%, the 95%
 * interval covering the true change in 94%.
 *
 * Use: fill one struct gate_input per metric, call gate_decide_all() once for the whole compare
 * (or gate_test_metric() per metric and gate_correct_family() at the end), print result.text, and
 * exit with gate_exit_status(). Runs present in BASE but absent in NEW: gate_missing_keys() and
 * gate_missing_result(). */
#ifndef EXA_GATE_H
#define EXA_GATE_H

#include <stddef.h>

#define GATE_MIN_REPS 3     /* repetition values a side for the t test; fewer: tolerance only */
#define GATE_MIN_WITHIN 25  /* within-run values a side for the batch test (5 batches of 5) */
#define GATE_TEXT_LEN 400

enum gate_verdict { GATE_IMPROVED, GATE_UNCHANGED, GATE_REGRESSED, GATE_CANNOT_TELL, GATE_MISSING };
enum gate_method { GATE_M_NONE, GATE_M_TOLERANCE, GATE_M_REPETITIONS, GATE_M_WITHIN };
enum gate_correction { GATE_BH, GATE_HOLM };

/* "improved", "unchanged", "regressed", "cannot tell", "missing". */
const char *gate_verdict_name(enum gate_verdict v);
/* "tolerance", "welch-log", "within-run-batches" ("none" before a test). */
const char *gate_method_name(enum gate_method m);

/* ---- tolerances ---- */

struct gate_tol_rule {
    char *glob;    /* fnmatch pattern (no FNM_PATHNAME: '*' also matches '/') */
    double frac;   /* tolerance as a fraction (3% -> 0.03) */
    char *origin;  /* "FILE:LINE" or "command line" */
};

/* Defaults, then the rules of tolerance files and command-line overrides in the order added; the
 * LAST matching rule wins, so a general line goes first and exceptions after it. */
struct gate_tolerances {
    struct gate_tol_rule *rules;
    size_t n, cap;
};

void gate_tol_init(struct gate_tolerances *t);
void gate_tol_free(struct gate_tolerances *t);

/* Reads a tolerance file. Format, one rule a line:
 *     METRIC_GLOB  PCT        # comment
 * METRIC_GLOB is matched against the metric key "BENCHMARK/METRIC" (e.g. hpl/gflops,
 * stream/triad_bandwidth, comm/latency_8K) or the bare metric name; PCT is a percentage in
 * [0, 1000], an optional '%' after it. '#' starts a comment; blank lines are ignored. Returns 0,
 * or 2 (exit-2 style: bad input) with "FILE:LINE: ..." naming the offending value in err. */
int gate_tol_load(struct gate_tolerances *t, const char *path, char *err, size_t errlen);
/* The same from a string; name is used in messages in place of the file name. */
int gate_tol_parse(struct gate_tolerances *t, const char *text, const char *name, char *err, size_t errlen);
/* A command-line override "METRIC_GLOB=PCT" (e.g. --tolerance 'hpl/gflops=2'); later ones win over
 * earlier ones and over files. Returns 0, or 2 with the reason in err. */
int gate_tol_override(struct gate_tolerances *t, const char *arg, char *err, size_t errlen);

/* A rule with its origin (e.g. a kind descriptor's default, "default: hpl descriptor"); later
 * rules win, so add defaults before files and overrides. */
void gate_tol_add(struct gate_tolerances *t, const char *glob, double frac, const char *origin);

/* The tolerance of a metric, as a fraction. key is "BENCHMARK/METRIC"; unit (may be NULL) and
 * higher (1: higher is better, 0: lower) pick the built-in default when no rule matches:
 *   hpl Gflop/s and time 3%, STREAM bandwidth 3%, latency (us, lower is better) 10%,
 *   comm (interconnect) bandwidth 5%, any other Gflop/s 3%, anything else 5%.
 * *origin (may be NULL) receives where it came from: "default: HPL Gflop/s", "tol.txt:4",
 * "command line". */
double gate_tolerance(const struct gate_tolerances *t, const char *key, const char *unit, int higher,
                      const char **origin);

/* ---- one metric ---- */

struct gate_input {
    const char *key;            /* "BENCHMARK/METRIC", matched by the tolerance rules */
    const char *unit;           /* may be NULL */
    int higher;                 /* 1: higher is better (Gflop/s, GB/s); 0: lower (us, s) */
    const double *base, *newv;  /* one value per repetition (run) on each side */
    size_t nbase, nnew;
    const double *base_iter, *new_iter;  /* optional within-run samples (NULL, 0 when none) */
    size_t nbase_iter, nnew_iter;
};

struct gate_result {
    enum gate_verdict verdict;
    enum gate_method method;
    int higher;                 /* the input's direction, kept for the family phase */
    double tol;                 /* fraction */
    const char *tol_origin;     /* see gate_tolerance; points into the tolerances or static */
    size_t na, nb;              /* samples (or batches' source values) used on each side */
    size_t batches;             /* within-run: batches used */
    double change;              /* relative change NEW/BASE - 1 (point estimate), NaN unknown */
    double ci_lo, ci_hi;        /* confidence interval of the change at `confidence`; NaN untested */
    double p;                   /* two-sided p, for the record; NaN when untested (tolerance) */
    double p_worse, p_better;   /* one-sided p: of "NEW is worse" and of "NEW is better" */
    double p_adj;               /* p_worse after the family correction (the regression family) */
    double p_better_adj;        /* p_better after the correction (the improvement family) */
    int fails;                  /* 1: this result makes the compare fail (regressed; missing
                                   unless allowed) */
    char text[GATE_TEXT_LEN];   /* the verdict in words, e.g. "regressed: -5.0% (95% CI ...) ..." */
};

struct gate_options {
    double alpha;                     /* family significance level (default 0.05) */
    double confidence;                /* level of the reported intervals (default 0.95) */
    enum gate_correction correction;  /* default GATE_BH */
};

void gate_options_default(struct gate_options *o);

/* Phase 1 for one metric: picks the method, computes change, interval and raw p, looks up the
 * tolerance. The verdict is only final for the tolerance method; tested metrics need phase 2.
 * Returns 0, or -1 when a side has no value at all (verdict GATE_CANNOT_TELL with the reason). */
int gate_test_metric(const struct gate_options *o, const struct gate_tolerances *t, const struct gate_input *in,
                     struct gate_result *out);

/* Phase 2 over every result of one compare: adjusts the p-values of the tested ones together and
 * sets verdict, fails and text of all of them (results already GATE_MISSING are left alone). */
void gate_correct_family(const struct gate_options *o, struct gate_result *r, size_t n);

/* Both phases over n inputs. Returns the number of regressed metrics. */
size_t gate_decide_all(const struct gate_options *o, const struct gate_tolerances *t, const struct gate_input *in,
                       size_t n, struct gate_result *out);

/* 1 when any result fails the compare (regressed, or missing and not allowed), else 0; with
 * strict, "cannot tell" fails as well. */
int gate_exit_status(const struct gate_result *r, size_t n, int strict);

/* ---- missing runs ---- */

/* Indices (into base_keys) of the keys of BASE that NEW lacks, in BASE's order, written to
 * missing[] (room for nbase); returns how many. Keys are the caller's run or metric keys (e.g.
 * "hpl|N=...|nodes=4 ..."), compared as strings. Duplicate BASE keys are reported once. */
size_t gate_missing_keys(const char *const *base_keys, size_t nbase, const char *const *new_keys, size_t nnew,
                         size_t *missing);

/* The result for a key missing in NEW: verdict GATE_MISSING, fails unless allow_missing, and a
 * text naming the key and the flag ("missing in NEW: ... (fails; allow with --allow-missing)"). */
void gate_missing_result(const char *key, int allow_missing, struct gate_result *out);

/* ---- statistics used above, exposed for tests ---- */

/* Two-sided p of Student's t with df degrees of freedom (df > 0, may be fractional). */
double gate_t_p(double t, double df);
/* The quantile q with P(|T| <= q) = level, for T ~ t(df). */
double gate_t_quantile(double level, double df);
/* Benjamini-Hochberg or Holm adjusted p-values of p[0..n-1] into adj (NaN entries are skipped and
 * stay NaN; m counts the others). */
void gate_adjust(enum gate_correction c, const double *p, size_t n, double *adj);

#endif
