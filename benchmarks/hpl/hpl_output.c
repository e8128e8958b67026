/* exa-hpl: the text output in HPL's layout, and the JSON record. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exa_cli.h"
#include "exa_hplmodel.h"
#include "exa_record.h"
#include "exa_rpeak.h"
#include "exa_stats.h"
#include "hpl_driver.h"

const char *const hpl_phase_names[HPL_PH_COUNT] = {"panel", "broadcast", "swap", "update",
                                                   "solve"};

static const char *const RULE = "================================================================================";
static const char *const DASH = "--------------------------------------------------------------------------------";
static const char *const RESID_LABEL = "||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N)=";

void hpl_tv_code(const struct hpl_run *run, char *buf, size_t len)
{
    const struct hpl_algo *a = &run->algo;
    snprintf(buf, len, "W%c%d%c%c%d%c%d", run->pmap == HPL_PMAP_ROW ? 'R' : 'C', a->depth,
             a->bcast == HPL_BCAST_IBCAST ? 'I' : '0' + a->bcast, hpl_fact_names[a->rfact][0], a->ndiv,
             hpl_fact_names[a->pfact][0], a->nbmin);
}

static void int_list(FILE *f, const char *label, const int *v, int n)
{
    fprintf(f, "%-7s:", label);
    for (int i = 0; i < n; i++)
        fprintf(f, " %8d", v[i]);
    fprintf(f, "\n");
}

static void name_list(FILE *f, const char *label, const char *const *names, const int *v, int n)
{
    fprintf(f, "%-7s:", label);
    for (int i = 0; i < n; i++)
        fprintf(f, " %8s", names[v[i]]);
    fprintf(f, "\n");
}

void hpl_print_banner(const struct hpl_options *o, const struct hpl_dat *dat,
                      const struct hpl_run *runs, int nruns)
{
    FILE *f = o->out;
    fprintf(f, "%s\nexa-hpl (exabench) %s -- a distributed LU in the manner of HPLinpack 2.3\n"
               "Right-looking blocked LU with partial pivoting on a 2D block-cyclic P x Q grid\n%s\n\n",
            RULE, exa_version(), RULE);
    fprintf(f, "An explanation of the input/output parameters:\n"
               "T/V    : Wall time / encoded variant.\n"
               "N      : The order of the coefficient matrix A.\n"
               "NB     : The partitioning blocking factor.\n"
               "P      : The number of process rows.\n"
               "Q      : The number of process columns.\n"
               "Time   : Time in seconds to solve the linear system.\n"
               "Gflops : Rate of execution for solving the linear system.\n\n"
               "The following parameter values will be used:\n\n");
    int ns[HPL_DAT_MAX], nn = 0;
    for (int i = 0; i < nruns && nn < HPL_DAT_MAX; i++) {
        int seen = 0;
        for (int k = 0; k < nn; k++)
            seen |= ns[k] == runs[i].n;
        if (!seen)
            ns[nn++] = runs[i].n;
    }
    int_list(f, "N", ns, nn);
    int_list(f, "NB", dat->nbs, dat->nnb);
    fprintf(f, "PMAP   : %s process mapping\n", dat->pmap == HPL_PMAP_ROW ? "Row-major" : "Column-major");
    int_list(f, "P", dat->ps, dat->ngrid);
    int_list(f, "Q", dat->qs, dat->ngrid);
    name_list(f, "PFACT", hpl_fact_names, dat->pfacts, dat->npfact);
    int_list(f, "NBMIN", dat->nbmins, dat->nnbmin);
    int_list(f, "NDIV", dat->ndivs, dat->nndiv);
    name_list(f, "RFACT", hpl_fact_names, dat->rfacts, dat->nrfact);
    name_list(f, "BCAST", hpl_bcast_names, dat->bcasts, dat->nbcast);
    int depths[HPL_DAT_MAX];
    for (int i = 0; i < dat->ndepth; i++)
        depths[i] = dat->depths[i] > 1 ? 1 : dat->depths[i];
    int_list(f, "DEPTH", depths, dat->ndepth);
    if (dat->swap == HPL_SWAP_BINEXCH)
        fprintf(f, "SWAP   : Binary-exchange (recursive doubling along the process column)\n");
    else if (dat->swap == HPL_SWAP_LONG)
        fprintf(f, "SWAP   : Long (involved rows gathered along the process column)\n");
    else
        fprintf(f, "SWAP   : Mix (threshold = %d: binary-exchange up to it, long above)\n",
                dat->swap_threshold);
    fprintf(f, "L1     : no-transposed form\n");
    fprintf(f, "U      : no-transposed form\n");
    fprintf(f, "EQUIL  : no\n");
    fprintf(f, "ALIGN  : %d double precision words\n\n%s\n\n", dat->align, DASH);
    fprintf(f, "- The matrix A is randomly generated for each test (seed %llu).\n",
            (unsigned long long)o->seed);
    fprintf(f, "- The following scaled residual check will be computed:\n"
               "      ||Ax-b||_oo / ( eps * ( || x ||_oo * || A ||_oo + || b ||_oo ) * N )\n");
    fprintf(f, "- The relative machine precision (eps) is taken to be %24.6e\n", DBL_EPSILON / 2);
    fprintf(f, "- Computational tests pass if scaled residuals are less than %19.1f\n\n",
            o->threshold);
    if (o->threshold < 0)
        fprintf(f, "- The threshold is negative: the residual check is OFF. These runs are\n"
                   "  NON-COMPLIANT with the run rules and can not be submitted or ranked.\n\n");
    fflush(f);
}

/* The within-run samples of this run (hpl_samples.c), or NULL when the last factorisation on this
 * process was not this run's (or this is not grid rank 0). */
static const struct hpl_rate_samples *run_samples(const struct hpl_run *run)
{
    const struct hpl_rate_samples *s = hpl_samples_last();
    if (!s || s->n != run->n || s->p != run->p || s->q != run->q ||
        s->nb != (run->nb < run->n ? run->nb : run->n))
        return NULL;
    return s;
}

/* The rates of the samples (Gflop/s), in group order; returns their count. */
static size_t sample_rates(const struct hpl_rate_samples *s, double *out)
{
    size_t n = 0;
    for (int i = 0; s && i < s->ngroups; i++)
        if (s->eligible[i] && s->seconds[i] > 0)
            out[n++] = s->flops[i] / s->seconds[i] / 1e9;
    return n;
}

static void fmt_time(time_t t, char *buf, size_t len)
{
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm);
}

void hpl_print_result(const struct hpl_options *o, const struct hpl_run *run,
                      const struct hpl_result *r)
{
    FILE *f = o->out;
    char tv[32], ts[64], te[64];
    hpl_tv_code(run, tv, sizeof tv);
    fmt_time(r->start, ts, sizeof ts);
    fmt_time(r->end, te, sizeof te);
    int idle = o->world_size - run->p * run->q;
    fprintf(f, "%s\nT/V                N    NB     P     Q               Time                 Gflops\n%s\n",
            RULE, DASH);
    /* netlib's columns and its 4-decimal Gflops ("1.7648e+01"): scripts that read HPL.out read this */
    fprintf(f, "%-8s %11d %5d %5d %5d %18.2f %22.4e\n", tv, run->n, run->nb, run->p, run->q,
            r->time, r->gflops);
    fprintf(f, "HPL_pdgesv() start time %s\n\nHPL_pdgesv() end time   %s\n\n", ts, te);
    if (r->phases) {
        int np = run->p * run->q;
        fprintf(f, "exa-hpl: phase times, max over ranks (s):");
        for (int ph = 0; ph < HPL_PH_COUNT; ph++) {
            double mx = 0;
            for (int k = 0; k < np; k++)
                if (r->phases[(size_t)k * HPL_PH_COUNT + ph] > mx)
                    mx = r->phases[(size_t)k * HPL_PH_COUNT + ph];
            fprintf(f, " %s %.3f", hpl_phase_names[ph], mx);
        }
        fprintf(f, "\n");
    }
    double rates[HPL_SAMPLE_GROUPS];
    size_t nrates = sample_rates(run_samples(run), rates);
    struct exa_stats st;
    if (nrates > 0 && exa_stats_compute(rates, nrates, &st) == 0)
        fprintf(f, "exa-hpl: %zu within-run rate samples (groups of steps, trailing >= %g N): "
                   "median %.3e Gflop/s, spread (CV) %.1f%%\n",
                nrates, HPL_SAMPLE_TRAILING_MIN, st.median,
                st.mean > 0 ? 100.0 * st.stddev / st.mean : 0.0);
    double cores = (double)run->p * run->q * o->threads;
    if (o->calibrated > 0)
        fprintf(f, "exa-hpl: %.1f%% of the calibrated dgemm peak (%.1f Gflop/s per core x %.0f "
                   "cores = %.1f Gflop/s)\n",
                100.0 * r->gflops / (o->calibrated * cores), o->calibrated, cores,
                o->calibrated * cores);
    struct exa_rpeak th;
    int cpu_run = !o->hooks || !o->hooks->variant || !strcmp(o->hooks->variant, "cpu");
    if (cpu_run && exa_rpeak_this_machine(&th) == 0)
        fprintf(f, "exa-hpl: %.1f%% of the theoretical Rpeak (%.0f cores x %.3g GHz (%s) x %d flops/cycle = "
                   "%.1f Gflop/s)\n",
                100.0 * r->gflops / (th.ghz * th.flops_per_cycle * cores), cores, th.ghz, th.clock_source,
                th.flops_per_cycle, th.ghz * th.flops_per_cycle * cores);
    if (idle > 0)
        fprintf(f, "exa-hpl: %d of %d ranks idle outside the %d x %d grid (not counted)\n", idle,
                o->world_size, run->p, run->q);
    fprintf(f, "%s\n", DASH);
    if (r->info >= 0) {
        fprintf(f, "%s %16s ...... FAILED\n", RESID_LABEL, "inf");
        fprintf(f, "exa-hpl: the matrix is singular: exact zero pivot in column %d; "
                   "no solution computed\n", r->info);
    } else {
        const char *verdict = r->checked ? (r->passed ? "PASSED" : "FAILED") : "SKIPPED";
        fprintf(f, "%s %16.8e ...... %s\n", RESID_LABEL, r->res.resid, verdict);
        if (!r->passed) {
            fprintf(f, "||Ax-b||_oo  . . . . . . . . . . . . . . . . . = %18.6f\n", r->res.norm_r);
            fprintf(f, "||A||_oo . . . . . . . . . . . . . . . . . . . = %18.6f\n", r->res.norm_a);
            fprintf(f, "||x||_oo . . . . . . . . . . . . . . . . . . . = %18.6f\n", r->res.norm_x);
            fprintf(f, "||b||_oo . . . . . . . . . . . . . . . . . . . = %18.6f\n", r->res.norm_b);
        }
        if (!r->checked)
            fprintf(f, "exa-hpl: negative threshold: residual not checked, run NON-COMPLIANT\n");
    }
    fflush(f);
}

void hpl_print_summary(const struct hpl_options *o, int nruns, int passed, int failed,
                       int skipped)
{
    FILE *f = o->out;
    fprintf(f, "%s\n\nFinished %6d tests with the following results:\n", RULE, nruns);
    fprintf(f, "         %6d tests completed and passed residual checks,\n", passed);
    fprintf(f, "         %6d tests completed and failed residual checks,\n", failed);
    fprintf(f, "         %6d tests skipped because of illegal input values.\n", skipped);
    fprintf(f, "%s\n\nEnd of Tests.\n%s\n", DASH, RULE);
    fflush(f);
}

static double finite_or(double v, double fallback)
{
    return isfinite(v) ? v : fallback;
}

static json_t *phase_json(const double *phases, int np, int ph)
{
    json_t *per = json_array();
    double mx = 0, sum = 0;
    for (int k = 0; k < np; k++) {
        double v = phases[(size_t)k * HPL_PH_COUNT + ph];
        json_array_append_new(per, json_real(v));
        sum += v;
        if (v > mx)
            mx = v;
    }
    return json_pack("{s:f, s:f, s:o}", "max", mx, "mean", np ? sum / np : 0.0, "per_rank", per);
}

static json_t *update_samples_json(const struct hpl_rate_samples *s)
{
    json_t *values = json_array(), *frac = json_array(), *secs = json_array(), *smax = json_array(),
           *fl = json_array(), *first = json_array(), *panels = json_array();
    double rates[HPL_SAMPLE_GROUPS], total = 0, covered = 0, tail_flops = 0, tail_s = 0;
    size_t n = 0;
    int tail_groups = 0;
    for (int i = 0; i < s->ngroups; i++) {
        total += s->flops[i];
        covered += s->seconds[i];
        if (!s->eligible[i]) {
            tail_groups++;
            tail_flops += s->flops[i];
            tail_s += s->seconds[i];
            continue;
        }
        if (!(s->seconds[i] > 0))
            continue; /* no rate (a clock that did not move): not a sample */
        rates[n++] = s->flops[i] / s->seconds[i] / 1e9;
        json_array_append_new(values, json_real(rates[n - 1]));
        json_array_append_new(frac, json_real(s->trailing_fraction[i]));
        json_array_append_new(secs, json_real(s->seconds[i]));
        json_array_append_new(smax, json_real(s->seconds_max[i]));
        json_array_append_new(fl, json_real(s->flops[i]));
        json_array_append_new(first, json_integer(s->first[i]));
        json_array_append_new(panels, json_integer(s->first[i + 1] - s->first[i]));
    }
    char rule[320];
    snprintf(rule, sizeof rule,
             "groups of whole panels, each the fewest holding >= 1/%d of the LU's modelled flops "
             "(cut by N and NB alone); a group is a sample when the trailing matrix after it has "
             ">= %g N rows; time = the mean over the ranks of each rank's duration of the group",
             HPL_SAMPLE_GROUPS, HPL_SAMPLE_TRAILING_MIN);
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "unit", "Gflop/s",
                          "rule", rule, "model",
                          "column i of the N x N LU: m + 2 m^2 flops, m = N - i - 1; "
                          "all groups sum to 2/3 N^3 - 1/2 N^2 - 1/6 N",
                          "values", values, "trailing_fraction", frac, "seconds", secs, "flops", fl,
                          "first_panel", first, "panels", panels);
    json_object_set_new(o, "seconds_max", smax);
    json_object_set_new(o, "count", json_integer((json_int_t)n));
    struct exa_stats st;
    if (exa_stats_compute(rates, n, &st) == 0) {
        json_object_set_new(o, "median", json_real(st.median));
        json_object_set_new(o, "mean", json_real(st.mean));
        json_object_set_new(o, "cv", json_real(st.mean > 0 ? st.stddev / st.mean : 0));
        json_object_set_new(o, "min", json_real(st.min));
        json_object_set_new(o, "max", json_real(st.max));
    }
    json_object_set_new(o, "groups", json_integer(s->ngroups));
    json_object_set_new(o, "model_flops_total", json_real(total));
    json_object_set_new(o, "covered_s", json_real(covered));
    json_object_set_new(o, "tail", json_pack("{s:i, s:f, s:f, s:f}", "groups", tail_groups,
                                             "flops", tail_flops, "seconds", tail_s, "gflops",
                                             tail_s > 0 ? tail_flops / tail_s / 1e9 : 0.0));
    return o;
}

/* The record's "parameters": the run's inputs and its algorithm variant. */
static void record_parameters(json_t *rec, const struct hpl_options *o, const struct hpl_dat *dat,
                              const struct hpl_run *run, const char *tv)
{
    json_t *par = exa_record_parameters(rec);
    json_object_set_new(par, "n", json_integer(run->n));
    json_object_set_new(par, "nb", json_integer(run->nb));
    json_object_set_new(par, "p", json_integer(run->p));
    json_object_set_new(par, "q", json_integer(run->q));
    json_object_set_new(par, "pmap", json_string(run->pmap == HPL_PMAP_ROW ? "row" : "col"));
    json_object_set_new(par, "threshold", json_real(o->threshold));
    json_object_set_new(par, "seed", json_integer((json_int_t)o->seed));
    json_object_set_new(par, "matrix", json_string(o->matrix_kind == HPL_GEN_PIVOT ? "pivot"
                                                   : o->matrix_kind == HPL_GEN_SINGULAR ? "singular"
                                                                                     : "random"));
    if (o->dat_path)
        json_object_set_new(par, "hpl_dat", json_string(o->dat_path));
    if (o->mem_fraction > 0)
        json_object_set_new(par, "mem_fraction", json_real(o->mem_fraction));
    json_t *algo = json_pack(
        "{s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:i}", "tv", tv, "pfact",
        hpl_fact_names[run->algo.pfact], "rfact", hpl_fact_names[run->algo.rfact], "nbmin",
        run->algo.nbmin, "ndiv", run->algo.ndiv, "depth", run->algo.depth, "lookahead",
        run->algo.depth ? "depth-1 (next panel factored before the rest of the trailing update)" : "none",
        "bcast", run->algo.bcast == HPL_BCAST_IBCAST ? "MPI_Ibcast" : hpl_bcast_names[run->algo.bcast],
        "swap", hpl_swap_names[run->algo.swap], "engine", o->device ? o->device->name : o->engine->name, "panel",
        "recursive (RFACT levels, PFACT leaves), max-loc allreduce pivoting", "align", run->algo.align);
    if (run->algo.swap == HPL_SWAP_MIX)
        json_object_set_new(algo, "swap_threshold", json_integer(run->algo.swap_threshold));
    json_object_set_new(par, "variant", algo);
    if (o->dat_path && dat->nwarn > 0) {
        json_t *w = json_array();
        for (int i = 0; i < dat->nwarn; i++)
            json_array_append_new(w, json_string(dat->warn[i]));
        json_object_set_new(par, "hpl_dat_warnings", w);
    }
}

/* results.rpeak: the grid's nominal and calibrated peaks and the efficiencies against them. */
static json_t *rpeak_json(const struct hpl_options *o, const struct hpl_result *r, double cores,
                          double *nominal_out, double *calibrated_out)
{
    double nominal = o->peak.nominal_gflops_per_core * cores;
    double calibrated = o->calibrated * cores;
    json_t *rp = exa_peak_json(&o->peak, o->calibrated);
    if (!rp)
        rp = json_object();
    json_object_set_new(rp, "grid_cores", json_real(cores));
    json_object_set_new(rp, "rpeak_nominal_gflops", json_real(nominal));
    json_object_set_new(rp, "rpeak_calibrated_gflops", json_real(calibrated));
    if (nominal > 0)
        json_object_set_new(rp, "efficiency_nominal", json_real(r->gflops / nominal));
    if (calibrated > 0)
        json_object_set_new(rp, "efficiency_calibrated", json_real(r->gflops / calibrated));
    /* The theoretical Rpeak (TOP500's: cores x nominal clock x FP64 flops per cycle) of the grid's
     * cores on this node's hardware; the calibrated dgemm rate stays beside it as dgemm_peak. */
    struct exa_rpeak th;
    if (exa_rpeak_this_machine(&th) == 0) {
        double g = th.ghz * th.flops_per_cycle * cores;
        json_object_set_new(rp, "rpeak_theoretical",
                            json_pack("{s:f, s:f, s:f, s:s, s:i, s:s, s:s, s:i, s:s}", "gflops", g, "cores", cores,
                                      "ghz", th.ghz, "clock_source", th.clock_source, "flops_per_cycle",
                                      th.flops_per_cycle, "isa", th.isa, "flops_per_cycle_basis", th.fpc_basis,
                                      "node_cores", th.cores, "basis", "grid cores x nominal clock x flops/cycle"));
        json_object_set_new(rp, "rpeak_theoretical_gflops", json_real(g));
        json_object_set_new(rp, "efficiency_theoretical", json_real(r->gflops / g));
    }
    if (calibrated > 0)
        json_object_set_new(rp, "dgemm_peak_gflops", json_real(calibrated));
    json_object_set_new(rp, "efficiency_basis",
                        json_string(calibrated > 0 ? "calibrated dgemm x grid cores"
                                                   : "nominal ISA x frequency x grid cores"));
    *nominal_out = nominal;
    *calibrated_out = calibrated;
    return rp;
}

/* A GPU run: the rated FP64 peak of the engine's device (exa_rpeak's table, keyed on its name)
 * times the grid's ranks (one GPU each) is added to the theoretical Rpeak; an unknown device is
 * named and adds nothing. */
static void add_gpu_rpeak(json_t *rec, int np, double gflops)
{
    const json_t *gpu = json_object_get(json_object_get(rec, "engine"), "gpu");
    const char *name = json_string_value(json_object_get(gpu, "name"));
    json_t *rp = json_object_get(json_object_get(rec, "results"), "rpeak");
    json_t *th = json_object_get(rp, "rpeak_theoretical");
    if (!name || !th)
        return;
    const struct exa_gpu_rpeak *e = exa_rpeak_gpu_lookup(name);
    double per = exa_rpeak_gpu_gflops(e), total = json_number_value(json_object_get(th, "gflops")) + np * per;
    json_object_set_new(th, "gpu", json_pack("{s:s, s:o, s:f, s:i, s:s}", "device", name, "rated_as",
                                             e ? json_string(e->name) : json_null(), "gflops_per_gpu", per,
                                             "gpus", np, "basis", e ? e->basis : "not in exa_rpeak's GPU table"));
    json_object_set_new(th, "gflops", json_real(total));
    json_object_set_new(rp, "rpeak_theoretical_gflops", json_real(total));
    json_object_set_new(rp, "efficiency_theoretical", json_real(gflops / total));
}

/* verification, and the run-rule violations a test option or a negative threshold cause. */
static void record_verification(json_t *rec, const struct hpl_options *o, const struct hpl_result *r)
{
    if (r->info >= 0) {
        exa_record_set_verification(rec, 0, "hpl_scaled_residual (singular matrix: exact zero pivot)",
                                    -1.0, o->threshold, "<");
    } else if (!r->checked) {
        exa_record_set_verification(rec, 0, "hpl_scaled_residual (not checked: negative threshold)",
                                    finite_or(r->res.resid, DBL_MAX), o->threshold, "<");
    } else {
        exa_record_set_verification(rec, r->passed, "hpl_scaled_residual",
                                    finite_or(r->res.resid, DBL_MAX), o->threshold, "<");
    }
    if (o->threshold < 0)
        exa_record_add_violation(rec, "negative residual threshold: the residual check is off");
    if (o->matrix_kind != HPL_GEN_RANDOM)
        exa_record_add_violation(rec, "test matrix (--matrix) instead of the random HPL matrix");
    if (o->perturb)
        exa_record_add_violation(rec, "solution perturbed on purpose (--perturb-solution)");
}

json_t *hpl_build_record(const struct hpl_options *o, const struct hpl_dat *dat,
                         const struct hpl_run *run, const struct hpl_result *r)
{
    const char *variant = o->hooks && o->hooks->variant ? o->hooks->variant : "cpu";
    json_t *rec = exa_record_new("hpl", variant);
    char tv[32];
    hpl_tv_code(run, tv, sizeof tv);
    int np = run->p * run->q;
    double cores = (double)np * o->threads;

    record_parameters(rec, o, dat, run, tv);

    json_t *res = exa_record_results(rec);
    json_object_set_new(res, "time_s", json_real(r->time));
    json_object_set_new(res, "gflops", json_real(r->gflops));
    json_object_set_new(res, "flops", json_real(exa_hpl_flops(run->n)));
    json_object_set_new(res, "grid_ranks", json_integer(np));
    json_object_set_new(res, "idle_ranks", json_integer(o->world_size - np));
    json_object_set_new(res, "grid_cores", json_real(cores));
    if (r->phases) {
        json_t *ph = json_object();
        for (int k = 0; k < HPL_PH_COUNT; k++)
            json_object_set_new(ph, hpl_phase_names[k], phase_json(r->phases, np, k));
        json_object_set_new(res, "phases_s", ph);
    }
    if (r->rss) {
        json_t *per = json_array();
        double mx = 0;
        for (int k = 0; k < np; k++) {
            json_array_append_new(per, json_real(r->rss[k]));
            if (r->rss[k] > mx)
                mx = r->rss[k];
        }
        json_object_set_new(res, "peak_rss_bytes", json_pack("{s:f, s:o}", "max", mx, "per_rank", per));
    }
    json_object_set_new(res, "matrix_bytes_rank0", json_integer((json_int_t)r->matrix_bytes));
    json_object_set_new(res, "matrix_bytes_ideal_per_rank",
                        json_real(8.0 * run->n * (double)run->n / np));
    if (r->info >= 0) {
        json_object_set_new(res, "singular", json_pack("{s:b, s:i, s:s}", "singular", 1,
                                                       "zero_pivot_column", r->info, "message",
                                                       "exact zero pivot: the matrix is singular"));
    } else {
        json_object_set_new(res, "residual",
                            json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:s}", "scaled",
                                      finite_or(r->res.resid, DBL_MAX), "norm_r",
                                      finite_or(r->res.norm_r, DBL_MAX), "norm_a", r->res.norm_a,
                                      "norm_x", finite_or(r->res.norm_x, DBL_MAX), "norm_b",
                                      r->res.norm_b, "eps", r->res.eps, "status",
                                      r->checked ? (r->passed ? "PASSED" : "FAILED") : "SKIPPED"));
    }
    double nominal, calibrated;
    json_object_set_new(res, "rpeak", rpeak_json(o, r, cores, &nominal, &calibrated));
    const struct hpl_rate_samples *smp = run_samples(run);
    if (smp)
        json_object_set_new(res, "update_rate_samples", update_samples_json(smp));

    double g = r->gflops, t = r->time;
    exa_record_add_metric(rec, "gflops", g, "Gflop/s", EXA_HIGHER_IS_BETTER, &g, 1);
    exa_record_add_metric(rec, "time", t, "s", EXA_LOWER_IS_BETTER, &t, 1);
    double rates[HPL_SAMPLE_GROUPS];
    size_t nrates = sample_rates(smp, rates);
    if (nrates > 0)
        exa_record_add_metric(rec, "update_rate", exa_median(rates, nrates), "Gflop/s",
                              EXA_HIGHER_IS_BETTER, rates, nrates);
    if (calibrated > 0)
        exa_record_set_expected(rec, "gflops", calibrated, "calibrated dgemm x grid cores");
    else if (nominal > 0)
        exa_record_set_expected(rec, "gflops", nominal, "nominal ISA x frequency x grid cores");

    record_verification(rec, o, r);
    if (r->counters)
        exa_record_set_object(rec, "counters", json_incref(r->counters));
    if (r->device)
        exa_record_set_object(rec, "engine", json_incref(r->device));
    else if (o->hooks && o->hooks->describe)
        exa_record_set_object(rec, "engine", o->hooks->describe());
    if (strcmp(variant, "cpu"))
        add_gpu_rpeak(rec, np, r->gflops);
    return rec;
}
