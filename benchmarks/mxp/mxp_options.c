/* exa-mxp's command line: usage, parsing, checks. Every bad value is a usage error naming the
 * option and the value (exit 2) before anything runs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_cli.h"
#include "exa_hplmodel.h"
#include "exa_parse.h"
#include "mxp_driver.h"

static void usage(void)
{
    printf(
"Usage: mpirun -np R exa-mxp [OPTIONS] -N N\n"
"\n"
"HPL-MxP: solves a dense diagonally dominant system A x = b of order N by an LU factorisation\n"
"without pivoting in a low precision (--precision) on a P x Q process grid (2D block-cyclic,\n"
"block size NB, exa-hpl's layout), then recovers double-precision accuracy with GMRES in FP64\n"
"preconditioned by the low-precision factors (GMRES-IR), until HPL's criterion holds:\n"
"  ||Ax-b||_oo / (eps * (||A||_oo * ||x||_oo + ||b||_oo) * N)  <  threshold\n"
"It reports the FP64-equivalent rate (2/3 N^3 + 3/2 N^2) / (factorisation + refinement time),\n"
"the factorisation's own rate, the refinement's iterations and the final scaled residual.\n"
"A run that does not converge within --max-iter iterations is FAILED and its record invalid.\n"
"\n"
"Problem:\n"
"  -N, --n N[,N...]     order(s) of the matrix (positive); one run per N\n"
"      --nb NB          block size (default 256)\n"
"      --seed S         generator seed (default 42): the same off-diagonal as exa-hpl's\n"
"      --dominance D    the diagonal is D x (the row's off-diagonal absolute sum + 1) (default 1;\n"
"                       0 < D; below 1 the factors are poorer and the refinement works harder)\n"
"Grid:\n"
"  -P P, -Q Q           process grid (default: the squarest P x Q = ranks with P <= Q)\n"
"Precision and refinement:\n"
"      --precision PREC factorisation precision: fp32 (default), fp64 (a reference whose\n"
"                       refinement has nothing to do); fp16 and bf16 in exa-mxp-cuda\n"
"      --restart M      GMRES restart length (default 30)\n"
"      --max-iter K     GMRES iterations allowed in all (default 50)\n"
"      --threshold T    residual threshold (default 16.0, HPL's)\n"
"Output:\n"
"      --json PATH      write the JSON record (several N: PATH with .1, .2 ... before the\n"
"                       extension); '-' for stdout\n"
"      --dump-solution F  (tests) write x to F, one value per line\n"
"  -h, --help           this text\n"
"  -V, --version        version\n"
"\n"
"Exit status: 0 every run PASSED, 1 a run FAILED (not converged, or a zero pivot), 2 bad usage.\n"
"Manual: man exa-mxp (docs/man/exa-mxp.1.md).\n");
}

static long parse_long_opt(const char *opt, const char *text, long lo, long hi)
{
    long v;
    char err[EXA_ERR_LEN];
    if (exa_parse_long(text, lo, hi, &v, err) != 0)
        exa_usage_error("%s: %s", opt, err);
    return v;
}

static void parse_n_list(const char *text, struct mxp_options *o)
{
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        exa_fatal(EXA_EXIT_USAGE, "out of memory");
    o->nn = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (o->nn >= MXP_MAX_N)
            exa_usage_error("-N: at most %d sizes", MXP_MAX_N);
        o->n[o->nn++] = (int)parse_long_opt("-N", tok, 1, MXP_N_LIMIT);
    }
    free(copy);
    if (o->nn == 0)
        exa_usage_error("-N: give at least one size, e.g. -N 20000");
}

static void parse_precision(const char *text, struct mxp_options *o)
{
    o->prec = mxp_precision_find(text);
    if (o->prec)
        return;
    char names[128];
    mxp_precision_names(names, sizeof names);
    if (!strcmp(text, "fp16") || !strcmp(text, "bf16"))
        exa_usage_error("--precision %s needs a GPU build (exa-mxp-cuda, cublasGemmEx); this build "
                        "has %s", text, names);
    exa_usage_error("--precision: unknown '%s' (known: %s)", text, names);
}

int mxp_options_parse(int argc, char **argv, struct mxp_options *o)
{
    enum { O_NB = 256, O_SEED, O_DOM, O_PREC, O_RESTART, O_MAXIT, O_THR, O_JSON, O_DUMP };
    static const struct option longopts[] = {
        {"n", required_argument, 0, 'N'},      {"nb", required_argument, 0, O_NB},
        {"seed", required_argument, 0, O_SEED}, {"dominance", required_argument, 0, O_DOM},
        {"precision", required_argument, 0, O_PREC}, {"restart", required_argument, 0, O_RESTART},
        {"max-iter", required_argument, 0, O_MAXIT}, {"threshold", required_argument, 0, O_THR},
        {"json", required_argument, 0, O_JSON}, {"dump-solution", required_argument, 0, O_DUMP}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {0, 0, 0, 0}};
    char err[EXA_ERR_LEN];
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":N:P:Q:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'N': parse_n_list(optarg, o); break;
        case 'P': o->p = (int)parse_long_opt("-P", optarg, 1, 1 << 20); break;
        case 'Q': o->q = (int)parse_long_opt("-Q", optarg, 1, 1 << 20); break;
        case O_NB: o->nb = (int)parse_long_opt("--nb", optarg, 1, 8192); break;
        case O_SEED: o->seed = (uint64_t)parse_long_opt("--seed", optarg, 0, (1L << 62)); break;
        case O_DOM:
            if (exa_parse_double(optarg, 1e-6, 1e6, &o->dominance, err) != 0)
                exa_usage_error("--dominance: %s", err);
            break;
        case O_PREC: parse_precision(optarg, o); break;
        case O_RESTART: o->refine.restart = (int)parse_long_opt("--restart", optarg, 1, 1000); break;
        case O_MAXIT: o->refine.max_iter = (int)parse_long_opt("--max-iter", optarg, 0, 100000); break;
        case O_THR:
            if (exa_parse_double(optarg, 1e-300, 1e300, &o->refine.threshold, err) != 0)
                exa_usage_error("--threshold: %s", err);
            break;
        case O_JSON: o->json_path = optarg; break;
        case O_DUMP: o->dump_path = optarg; break;
        case 'h': if (exa_world_rank() == 0) usage(); return 1;
        case 'V': if (exa_world_rank() == 0) exa_print_version(); return 1;
        case ':': exa_usage_error("option '%s' needs a value", argv[optind - 1]);
        default: exa_usage_error("unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        exa_usage_error("unexpected argument '%s' (see --help)", argv[optind]);
    if (o->nn == 0)
        exa_usage_error("give the problem size: -N N (e.g. -N 20000)");
    return 0;
}

void mxp_options_grid(struct mxp_options *o, int world_size)
{
    if (o->p == 0 && o->q == 0) {
        long p, q;
        exa_hpl_grid(world_size, &p, &q);
        o->p = (int)p;
        o->q = (int)q;
    } else if (o->p == 0) {
        o->p = world_size / o->q > 0 ? world_size / o->q : 1;
    } else if (o->q == 0) {
        o->q = world_size / o->p > 0 ? world_size / o->p : 1;
    }
    if ((long)o->p * o->q > world_size)
        exa_usage_error("grid %d x %d needs %ld ranks, the job has %d (mpirun -np %ld)", o->p, o->q,
                        (long)o->p * o->q, world_size, (long)o->p * o->q);
}
