/* exa-mxp: the text output (HPL's layout: a T/V line per run, then the check) and the record. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "exa_cli.h"
#include "exa_hplmodel.h"
#include "exa_record.h"
#include "mxp_driver.h"

void mxp_print_banner(const struct mxp_options *o)
{
    printf("================================================================================\n");
    printf("exa-mxp %s: HPL-MxP, LU without pivoting in %s, GMRES-IR in FP64\n", exa_version(),
           o->prec->name);
    printf("grid %d x %d of %d ranks, NB %d, dominance %g, GMRES(%d), at most %d iterations, "
           "threshold %g\n", o->p, o->q, o->world_size, o->nb, o->dominance, o->refine.restart,
           o->refine.max_iter, o->refine.threshold);
    printf("================================================================================\n");
    printf("T/V                N    NB     P     Q  Prec            Time               Gflops\n");
    printf("--------------------------------------------------------------------------------\n");
}

static double finite_or(double v, double dflt) { return isfinite(v) ? v : dflt; }

void mxp_print_result(const struct mxp_options *o, const struct mxp_result *r)
{
    printf("MXP%-8s %9d %5d %5d %5d  %-4s %15.2f %20.4e\n", o->prec->name, r->n, o->nb, o->p, o->q, o->prec->name, r->time, r->gflops);
    printf("  factorisation %.2f s, %.4e Gflop/s (2/3 N^3); refinement %.2f s, %d GMRES "
           "iterations in %d cycles\n", r->factor_time, r->factor_gflops, r->refine_time,
           r->ref.iterations, r->ref.restarts);
    if (r->info >= 0)
        printf("  zero or non-finite pivot at column %d: the matrix is not dominant enough for "
               "%s ...... FAILED\n", r->info, o->prec->name);
    else
        printf("||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N)= %18.7f ...... %s%s\n",
               r->ref.resid, r->passed ? "PASSED" : "FAILED",
               r->passed ? "" : " (not converged within --max-iter)");
    printf("--------------------------------------------------------------------------------\n");
}

static void record_parameters(json_t *rec, const struct mxp_options *o, const struct mxp_result *r)
{
    json_t *par = exa_record_parameters(rec);
    json_object_set_new(par, "n", json_integer(r->n));
    json_object_set_new(par, "nb", json_integer(o->nb < r->n ? o->nb : r->n));
    json_object_set_new(par, "p", json_integer(o->p));
    json_object_set_new(par, "q", json_integer(o->q));
    json_object_set_new(par, "precision", json_string(o->prec->name));
    json_object_set_new(par, "dominance", json_real(o->dominance));
    json_object_set_new(par, "seed", json_integer((json_int_t)o->seed));
    json_object_set_new(par, "restart", json_integer(o->refine.restart));
    json_object_set_new(par, "max_iter", json_integer(o->refine.max_iter));
    json_object_set_new(par, "threshold", json_real(o->refine.threshold));
}

static void record_results(json_t *rec, const struct mxp_options *o, const struct mxp_result *r)
{
    json_t *res = exa_record_results(rec);
    json_object_set_new(res, "time_s", json_real(r->time));
    json_object_set_new(res, "gflops", json_real(r->gflops));
    json_object_set_new(res, "flops", json_real(exa_hpl_flops(r->n)));
    json_object_set_new(res, "factor_time_s", json_real(r->factor_time));
    json_object_set_new(res, "factor_gflops", json_real(r->factor_gflops));
    json_object_set_new(res, "refine_time_s", json_real(r->refine_time));
    json_object_set_new(res, "panel_time_s", json_real(r->panel_time));
    json_object_set_new(res, "iterations", json_integer(r->ref.iterations));
    json_object_set_new(res, "restarts", json_integer(r->ref.restarts));
    json_object_set_new(res, "converged", json_boolean(r->ref.converged));
    json_object_set_new(res, "grid_ranks", json_integer(o->p * o->q));
    json_object_set_new(res, "idle_ranks", json_integer(o->world_size - o->p * o->q));
    json_object_set_new(res, "rank_bytes", json_real(r->rank_bytes));
    if (r->info >= 0)
        json_object_set_new(res, "zero_pivot_column", json_integer(r->info));
    json_object_set_new(res, "residual",
                        json_pack("{s:f, s:f, s:f, s:f, s:f, s:s}", "scaled",
                                  finite_or(r->ref.resid, DBL_MAX), "first_scaled",
                                  finite_or(r->ref.first_resid, DBL_MAX), "norm_r",
                                  finite_or(r->ref.norm_r, DBL_MAX), "norm_x",
                                  finite_or(r->ref.norm_x, DBL_MAX), "eps", DBL_EPSILON / 2,
                                  "status", r->passed ? "PASSED" : "FAILED"));
}

json_t *mxp_build_record(const struct mxp_options *o, const struct mxp_result *r)
{
    json_t *rec = exa_record_new("mxp", o->variant);
    record_parameters(rec, o, r);
    record_results(rec, o, r);
    double g = r->gflops, f = r->factor_gflops, t = r->time, it = r->ref.iterations;
    exa_record_add_metric(rec, "gflops", g, "Gflop/s", EXA_HIGHER_IS_BETTER, &g, 1);
    exa_record_add_metric(rec, "factor_gflops", f, "Gflop/s", EXA_HIGHER_IS_BETTER, &f, 1);
    exa_record_add_metric(rec, "time", t, "s", EXA_LOWER_IS_BETTER, &t, 1);
    exa_record_add_metric(rec, "iterations", it, "count", EXA_LOWER_IS_BETTER, &it, 1);
    if (r->info >= 0)
        exa_record_set_verification(rec, 0, "hpl_scaled_residual (zero pivot: not dominant "
                                    "enough for the precision)", INFINITY, o->refine.threshold, "<");
    else
        exa_record_set_verification(rec, r->passed, "hpl_scaled_residual after GMRES-IR",
                                    finite_or(r->ref.resid, DBL_MAX), o->refine.threshold, "<");
    if (o->dominance < 1)
        exa_record_add_violation(rec, "diagonal dominance below 1 (--dominance): HPL-MxP's "
                                 "matrix is diagonally dominant");
    if (o->prec->size == sizeof(double))
        exa_record_add_violation(rec, "fp64 factorisation: no mixed precision, a reference run");
    return rec;
}
