/* The regression gate: tolerances, the three per-metric methods and the family correction. See
 * gate.h for the methods and why they were chosen. */
#include "gate.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ---- */

const char *gate_verdict_name(enum gate_verdict v)
{
    static const char *const names[] = {"improved", "unchanged", "regressed", "cannot tell", "missing"};
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

const char *gate_method_name(enum gate_method m)
{
    static const char *const names[] = {"none", "tolerance", "welch-log", "within-run-batches"};
    return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "?";
}

void gate_options_default(struct gate_options *o)
{
    o->alpha = 0.05;
    o->confidence = 0.95;
    o->correction = GATE_BH;
}

/* ---- Student's t distribution ---- */

/* Continued fraction of the regularised incomplete beta function (modified Lentz), valid for
 * x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + num * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + num / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + num * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + num / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double step = d * c;
        h *= step;
        if (fabs(step - 1) < 1e-15)
            break;
    }
    return h;
}

/* I_x(a, b). */
static double inc_beta(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1) / (a + b + 2))
        return exp(lfront) * beta_cf(a, b, x) / a;
    return 1 - exp(lfront) * beta_cf(b, a, 1 - x) / b;
}

double gate_t_p(double t, double df)
{
    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(t))
        return 0;
    double p = inc_beta(df / 2, 0.5, df / (df + t * t));
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

double gate_t_quantile(double level, double df)
{
    double target = 1 - level, lo = 0, hi = 1;
    while (gate_t_p(hi, df) > target && hi < 1e7)
        hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (gate_t_p(mid, df) > target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* ---- family correction ---- */

struct ranked {
    double p;
    size_t i;
};

static int cmp_ranked(const void *x, const void *y)
{
    const struct ranked *a = x, *b = y;
    if (a->p != b->p)
        return a->p < b->p ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

void gate_adjust(enum gate_correction c, const double *p, size_t n, double *adj)
{
    struct ranked *r = malloc((n ? n : 1) * sizeof *r);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        adj[i] = NAN;
        if (!isnan(p[i]))
            r[m++] = (struct ranked){p[i], i};
    }
    qsort(r, m, sizeof *r, cmp_ranked);
    if (c == GATE_HOLM) {
        double run = 0;
        for (size_t k = 0; k < m; k++) {
            double v = (double)(m - k) * r[k].p;
            if (v > 1)
                v = 1;
            if (v > run)
                run = v;
            adj[r[k].i] = run;
        }
    } else {
        double run = 1;
        for (size_t k = m; k-- > 0;) {
            double v = (double)m / (double)(k + 1) * r[k].p;
            if (v < run)
                run = v;
            adj[r[k].i] = run;
        }
    }
    free(r);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median_sorted(const double *v, size_t n)
{
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double median_of(const double *v, size_t n)
{
    double *c = malloc(n * sizeof *c);
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    double m = median_sorted(c, n);
    free(c);
    return m;
}

static int all_positive(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(v[i] > 0) || !isfinite(v[i]))
            return 0;
    return 1;
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

static void mean_var(const double *v, size_t n, int logs, double *mean, double *var)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += logs ? log(v[i]) : v[i];
    double m = s / (double)n, q = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (logs ? log(v[i]) : v[i]) - m;
        q += d * d;
    }
    *mean = m;
    *var = n > 1 ? q / (double)(n - 1) : 0;
}

/* The p-values of a t statistic (NEW minus BASE, positive when NEW is higher): two-sided, and
 * one-sided towards "NEW worse" and "NEW better". se == 0 (identical values) gives 0 or 1. */
static void set_p(struct gate_result *r, double t, double df)
{
    if (isnan(t)) {  /* 0 / 0: no difference at all */
        r->p = r->p_worse = r->p_better = 1;
        return;
    }
    double two = isinf(t) ? 0 : gate_t_p(t, df), tw = r->higher ? -t : t;
    r->p = two;
    r->p_worse = tw > 0 ? two / 2 : 1 - two / 2;
    r->p_better = tw > 0 ? 1 - two / 2 : two / 2;
    if (tw == 0)
        r->p_worse = r->p_better = 1;
}

/* Welch's t test; on logs when every value is positive, else on the raw values relative to
 * BASE's mean. */
static void welch(const struct gate_options *o, const struct gate_input *in, struct gate_result *r)
{
    int logs = all_positive(in->base, in->nbase) && all_positive(in->newv, in->nnew);
    double ma, va, mb, vb;
    mean_var(in->base, in->nbase, logs, &ma, &va);
    mean_var(in->newv, in->nnew, logs, &mb, &vb);
    double sa = va / (double)in->nbase, sb = vb / (double)in->nnew, se = sqrt(sa + sb), d = mb - ma;
    double scale = logs ? 1 : fabs(ma);
    if (!logs && !(scale > 0)) {
        r->verdict = GATE_CANNOT_TELL;
        snprintf(r->text, sizeof r->text, "cannot tell: BASE's mean is zero, so no relative change");
        return;
    }
    double df = se > 0 ? (sa + sb) * (sa + sb) /
                             (sa * sa / (double)(in->nbase - 1) + sb * sb / (double)(in->nnew - 1))
                       : (double)(in->nbase + in->nnew - 2);
    r->method = GATE_M_REPETITIONS;
    if (se > 0) {
        double q = gate_t_quantile(o->confidence, df);
        set_p(r, d / se, df);
        r->ci_lo = logs ? expm1(d - q * se) : (d - q * se) / scale;
        r->ci_hi = logs ? expm1(d + q * se) : (d + q * se) / scale;
    } else {  /* identical values on each side */
        set_p(r, d / se, df);
        r->ci_lo = r->ci_hi = logs ? expm1(d) : d / scale;
    }
    r->change = logs ? expm1(d) : d / scale;
}

/* The batch test of within-run samples (see gate.h). */
static int within(const struct gate_options *o, const struct gate_input *in, struct gate_result *r)
{
    const double *a = in->base_iter, *b = in->new_iter;
    size_t na = in->nbase_iter, nb = in->nnew_iter, n = na < nb ? na : nb;
    if (!all_positive(a, na) || !all_positive(b, nb))
        return -1;
    size_t k = n / 5;
    if (k > 20)
        k = 20;
    if (k < 5)
        return -1;
    double *d = malloc(k * sizeof *d), *buf = malloc((na > nb ? na : nb) * sizeof *buf);
    for (size_t j = 0; j < k; j++) {
        double med[2];
        for (int s = 0; s < 2; s++) {
            const double *v = s ? b : a;
            size_t m = s ? nb : na, lo = j * m / k, hi = (j + 1) * m / k;
            for (size_t i = lo; i < hi; i++)
                buf[i - lo] = log(v[i]);
            qsort(buf, hi - lo, sizeof *buf, cmp_double);
            med[s] = median_sorted(buf, hi - lo);
        }
        d[j] = med[1] - med[0];
    }
    double mean = 0;
    for (size_t j = 0; j < k; j++)
        mean += d[j];
    mean /= (double)k;
    double q2 = 0, c1 = 0;
    for (size_t j = 0; j < k; j++) {
        q2 += (d[j] - mean) * (d[j] - mean);
        if (j)
            c1 += (d[j] - mean) * (d[j - 1] - mean);
    }
    double var = q2 / (double)(k - 1), se = sqrt(var / (double)k);
    double rho = q2 > 0 ? c1 / q2 : 0;
    if (rho > 0.9)
        rho = 0.9;
    if (rho > 0)
        se *= sqrt((1 + rho) / (1 - rho));
    double df = (double)(k - 1);
    r->method = GATE_M_WITHIN;
    r->batches = k;
    r->na = na;
    r->nb = nb;
    r->change = expm1(mean);
    if (se > 0) {
        double q = gate_t_quantile(o->confidence, df);
        set_p(r, mean / se, df);
        r->ci_lo = expm1(mean - q * se);
        r->ci_hi = expm1(mean + q * se);
    } else {
        set_p(r, mean / se, df);
        r->ci_lo = r->ci_hi = r->change;
    }
    free(d);
    free(buf);
    return 0;
}

static void result_init(struct gate_result *r)
{
    memset(r, 0, sizeof *r);
    r->verdict = GATE_CANNOT_TELL;
    r->method = GATE_M_NONE;
    r->change = r->ci_lo = r->ci_hi = r->p = r->p_adj = NAN;
    r->p_worse = r->p_better = r->p_better_adj = NAN;
    r->tol_origin = "";
}

/* The change in the worse direction: positive when NEW is worse. */
static double worse_by(double change, int higher)
{
    return higher ? -change : change;
}

static void tolerance_verdict(const struct gate_input *in, struct gate_result *r)
{
    r->method = GATE_M_TOLERANCE;
    double ma = median_of(in->base, in->nbase), mb = median_of(in->newv, in->nnew);
    char head[64];
    snprintf(head, sizeof head, "%zu vs %zu sample%s", in->nbase, in->nnew, in->nbase + in->nnew > 2 ? "s" : "");
    if (!(ma != 0) || !isfinite(ma) || !isfinite(mb)) {
        r->verdict = GATE_CANNOT_TELL;
        snprintf(r->text, sizeof r->text, "%s: cannot tell: BASE's value is zero or not finite", head);
        return;
    }
    r->change = mb / ma - 1;
    if (ma < 0)
        r->change = -r->change;
    double w = worse_by(r->change, in->higher);
    const char *what;
    if (w > r->tol) {
        r->verdict = GATE_REGRESSED;
        what = "beyond";
    } else if (-w > r->tol) {
        r->verdict = GATE_IMPROVED;
        what = "beyond";
    } else {
        r->verdict = GATE_UNCHANGED;
        what = "within";
    }
    snprintf(r->text, sizeof r->text, "%s: %+.1f%% %s the %.3g%% tolerance: %s (no test: fewer than %d samples a side)",
             head, 100 * r->change, what, 100 * r->tol, gate_verdict_name(r->verdict), GATE_MIN_REPS);
}

int gate_test_metric(const struct gate_options *o, const struct gate_tolerances *t, const struct gate_input *in,
                     struct gate_result *out)
{
    result_init(out);
    out->higher = in->higher != 0;
    out->tol = gate_tolerance(t, in->key, in->unit, in->higher, &out->tol_origin);
    out->na = in->nbase;
    out->nb = in->nnew;
    int reps = in->nbase >= GATE_MIN_REPS && in->nnew >= GATE_MIN_REPS;
    if (!reps && in->base_iter && in->new_iter && in->nbase_iter >= GATE_MIN_WITHIN &&
        in->nnew_iter >= GATE_MIN_WITHIN && within(o, in, out) == 0)
        return 0;
    if (in->nbase == 0 || in->nnew == 0) {
        snprintf(out->text, sizeof out->text, "cannot tell: no value in %s", in->nbase == 0 ? "BASE" : "NEW");
        return -1;
    }
    if (!all_finite(in->base, in->nbase) || !all_finite(in->newv, in->nnew)) {
        snprintf(out->text, sizeof out->text, "cannot tell: a value is not finite");
        return 0;
    }
    if (reps) {
        welch(o, in, out);
    } else {
        tolerance_verdict(in, out);
        if (in->base_iter || in->new_iter) {
            size_t l = strlen(out->text);
            snprintf(out->text + l, sizeof out->text - l, "; within-run samples unusable (%zu vs %zu, %d positive a side needed)",
                     in->nbase_iter, in->nnew_iter, GATE_MIN_WITHIN);
        }
    }
    return 0;
}

/* ---- the family ---- */

static const char *correction_name(enum gate_correction c)
{
    return c == GATE_HOLM ? "Holm" : "Benjamini-Hochberg";
}

static void tested_verdict(const struct gate_options *o, struct gate_result *r, size_t m, int higher)
{
    double w = worse_by(r->change, higher);
    /* The interval's bound on the worse side, as a positive "worse by". */
    double wlo = worse_by(r->ci_lo, higher), whi = worse_by(r->ci_hi, higher);
    double worst = wlo > whi ? wlo : whi;
    int sig = r->p_adj < o->alpha, sig_better = r->p_better_adj < o->alpha;
    int pct = (int)lround(100 * o->confidence);
    char how[200];
    if (r->method == GATE_M_WITHIN)
        snprintf(how, sizeof how, "within-run batches: %zu vs %zu values in %zu paired batches", r->na, r->nb,
                 r->batches);
    else
        snprintf(how, sizeof how, "Welch t on log values, %zu vs %zu runs", r->na, r->nb);
    char stats[320];
    int better_side = w < 0 && sig_better;
    snprintf(stats, sizeof stats, "%s; one-sided p (%s) = %.2g, %s-adjusted over %zu tested metric%s %.2g %s %g", how,
             better_side ? "better" : "worse", better_side ? r->p_better : r->p_worse, correction_name(o->correction),
             m, m == 1 ? "" : "s", better_side ? r->p_better_adj : r->p_adj,
             (better_side ? sig_better : sig) ? "<" : ">=", o->alpha);
    if (sig && w > r->tol) {
        r->verdict = GATE_REGRESSED;
        snprintf(r->text, sizeof r->text, "regressed: %+.1f%% (%d%% CI %+.1f%% to %+.1f%%) beyond the %.3g%% tolerance; %s",
                 100 * r->change, pct, 100 * r->ci_lo, 100 * r->ci_hi, 100 * r->tol, stats);
    } else if (sig_better && -w > r->tol) {
        r->verdict = GATE_IMPROVED;
        snprintf(r->text, sizeof r->text, "improved: %+.1f%% (%d%% CI %+.1f%% to %+.1f%%) beyond the %.3g%% tolerance; %s",
                 100 * r->change, pct, 100 * r->ci_lo, 100 * r->ci_hi, 100 * r->tol, stats);
    } else if (worst <= r->tol) {
        r->verdict = GATE_UNCHANGED;
        double x = fmax(fabs(r->ci_lo), fabs(r->ci_hi));
        if (x <= r->tol)
            snprintf(r->text, sizeof r->text, "unchanged: within +-%.1f%% at %d%% (change %+.1f%%, tolerance %.3g%%); %s",
                     100 * x, pct, 100 * r->change, 100 * r->tol, stats);
        else
            snprintf(r->text, sizeof r->text,
                     "unchanged: no worse than %.1f%% at %d%% (change %+.1f%%, CI %+.1f%% to %+.1f%%, tolerance %.3g%%); %s",
                     100 * fmax(worst, 0), pct, 100 * r->change, 100 * r->ci_lo, 100 * r->ci_hi, 100 * r->tol, stats);
    } else {
        r->verdict = GATE_CANNOT_TELL;
        snprintf(r->text, sizeof r->text,
                 "cannot tell: %+.1f%%, but the %d%% CI %+.1f%% to %+.1f%% reaches beyond the %.3g%% tolerance%s; %s",
                 100 * r->change, pct, 100 * r->ci_lo, 100 * r->ci_hi, 100 * r->tol,
                 w <= r->tol ? "" : " and the regression is not significant", stats);
    }
}

void gate_correct_family(const struct gate_options *o, struct gate_result *r, size_t n)
{
    size_t room = n ? n : 1;
    double *pw = calloc(room, sizeof *pw), *pb = calloc(room, sizeof *pb), *aw = calloc(room, sizeof *aw),
           *ab = calloc(room, sizeof *ab);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int tested = r[i].verdict != GATE_MISSING && !isnan(r[i].p_worse) &&
                     (r[i].method == GATE_M_REPETITIONS || r[i].method == GATE_M_WITHIN);
        pw[i] = tested ? r[i].p_worse : NAN;
        pb[i] = tested ? r[i].p_better : NAN;
        m += tested;
    }
    gate_adjust(o->correction, pw, n, aw);
    gate_adjust(o->correction, pb, n, ab);
    for (size_t i = 0; i < n; i++) {
        if (r[i].verdict == GATE_MISSING)
            continue;
        if (!isnan(pw[i])) {
            r[i].p_adj = aw[i];
            r[i].p_better_adj = ab[i];
            tested_verdict(o, &r[i], m, r[i].higher);
        }
        r[i].fails = r[i].verdict == GATE_REGRESSED;
    }
    free(pw);
    free(pb);
    free(aw);
    free(ab);
}

size_t gate_decide_all(const struct gate_options *o, const struct gate_tolerances *t, const struct gate_input *in,
                       size_t n, struct gate_result *out)
{
    for (size_t i = 0; i < n; i++)
        gate_test_metric(o, t, &in[i], &out[i]);
    gate_correct_family(o, out, n);
    size_t reg = 0;
    for (size_t i = 0; i < n; i++)
        reg += out[i].verdict == GATE_REGRESSED;
    return reg;
}

int gate_exit_status(const struct gate_result *r, size_t n, int strict)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].fails || (strict && r[i].verdict == GATE_CANNOT_TELL))
            return 1;
    return 0;
}

/* ---- missing ---- */

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

size_t gate_missing_keys(const char *const *base_keys, size_t nbase, const char *const *new_keys, size_t nnew,
                         size_t *missing)
{
    const char **sorted = malloc((nnew ? nnew : 1) * sizeof *sorted);
    if (nnew) {
        memcpy(sorted, new_keys, nnew * sizeof *sorted);
        qsort(sorted, nnew, sizeof *sorted, cmp_str);
    }
    size_t m = 0;
    for (size_t i = 0; i < nbase; i++) {
        if (nnew && bsearch(&base_keys[i], sorted, nnew, sizeof *sorted, cmp_str))
            continue;
        int dup = 0;
        for (size_t j = 0; j < m && !dup; j++)
            dup = !strcmp(base_keys[missing[j]], base_keys[i]);
        if (!dup)
            missing[m++] = i;
    }
    free(sorted);
    return m;
}

void gate_missing_result(const char *key, int allow_missing, struct gate_result *out)
{
    result_init(out);
    out->verdict = GATE_MISSING;
    out->fails = !allow_missing;
    snprintf(out->text, sizeof out->text, "missing in NEW: %s has no valid result there (%s)", key ? key : "?",
             allow_missing ? "accepted: --allow-missing" : "fails; --allow-missing accepts it");
}
