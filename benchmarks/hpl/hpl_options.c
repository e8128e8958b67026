/* exa-hpl's command line: the usage text, parsing, and the overrides it applies to HPL.dat's
 * values. Every option that replaces an HPL.dat line is one row of `overrides`, which both parses
 * it and applies it, so adding one is adding a row. */
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exa_cli.h"
#include "exa_hplmodel.h"
#include "exa_parse.h"
#include "hpl.h"
#include "hpl_driver.h"

static void usage(void)
{
    printf(
"Usage: exa-hpl [OPTIONS] [HPL.dat]\n"
"       mpirun -np R exa-hpl -N 20000 --nb 192 -P 1 -Q 2\n"
"\n"
"Solves a dense random system A x = b of order N in double precision with a distributed\n"
"right-looking blocked LU factorisation with partial pivoting on a P x Q process grid (2D\n"
"block-cyclic layout, block size NB), as netlib HPL does, then checks the scaled residual\n"
"  ||Ax-b||_oo / (eps * (||A||_oo * ||x||_oo + ||b||_oo) * N)  <  threshold\n"
"and reports Gflops = (2/3 N^3 + 3/2 N^2) / time / 1e9. No rank ever holds the whole matrix.\n"
"\n"
"With an HPL.dat (netlib's format, unchanged) it runs the cross product of its lists of N, NB,\n"
"grids, DEPTH, BCAST, RFACT, NDIV, PFACT and NBMIN, as HPL does. Settings that exa-hpl does\n"
"not implement (DEPTH above 1, transposed L1/U, equilibration) draw a one-line warning naming\n"
"them and the run uses exa-hpl's own. The options below replace the corresponding HPL.dat\n"
"lines. With no HPL.dat named and no -N or --mem-fraction, exa-hpl reads ./HPL.dat as xhpl\n"
"does (a drop-in for xhpl): its output file and device out lines (6 stdout, 7 stderr, else the\n"
"file) are honoured, and the T/V result lines keep netlib's columns and Gflops format.\n"
"\n"
"Problem:\n"
"  -N, --n N            order of the matrix (positive)\n"
"      --nb NB          block size (default 192; -NB is accepted too)\n"
"      --mem-fraction F size N from memory: the largest multiple of NB with 8 N^2 bytes at most\n"
"                       F x the memory (MemTotal) of the nodes in the job, 0 < F < 1\n"
"      --seed S         generator seed (default 42): same seed, same matrix, for any grid\n"
"Grid:\n"
"  -P P, -Q Q           process grid (default: the squarest P x Q = ranks with P <= Q);\n"
"                       ranks beyond P x Q stay idle and are reported\n"
"      --pmap row|col   rank to grid mapping: row-major (default) or column-major\n"
"Algorithm:\n"
"      --depth 0|1      look-ahead depth (default 1)\n"
"      --nbmin K        panel recursion stops at K columns (default 8)\n"
"      --ndiv K         panel recursion splits into K pieces (default 2)\n"
"      --pfact V        panel factorisation of the recursion's leaves: left, crout or right\n"
"                       (default right; HPL.dat's PFACT)\n"
"      --rfact V        the same for the recursion's levels (default right; HPL.dat's RFACT)\n"
"      --bcast B        panel broadcast along the process rows: HPL's rings 1rg, 1rM, 2rg, 2rM,\n"
"                       long Lng, LnM (HPL.dat's BCAST 0-5), or ibcast (MPI_Ibcast, the default)\n"
"      --swap S         row interchanges along the process columns: bin-exch, long (default)\n"
"                       or mix (HPL.dat's SWAP 0-2)\n"
"      --swap-threshold C  mix: binary exchange up to C local columns, long above (default 64)\n"
"Engine:\n"
"      --engine E       where the factorisation runs: host (exa-hpl's default: the matrix in\n"
"                       host memory, CBLAS), emulated (the device-resident algorithm on a CPU\n"
"                       stand-in for a GPU that counts every byte copied; for tests), or cuda\n"
"                       (exa-hpl-cuda only, its default: the trailing matrix in GPU memory)\n"
"Check and output:\n"
"      --threshold T    residual threshold (default 16.0). A negative threshold turns the check\n"
"                       off as in HPL: the run is then non-compliant (never submittable) and\n"
"                       exits 1\n"
"      --json FILE|-    write the result record (docs/results.md); with several runs FILE gets\n"
"                       the run number before its extension (r.json -> r.1.json, r.2.json...)\n"
"                       and '-' prints the records one after the other\n"
"      --papi EVENTS    count PAPI events (comma-separated) around the timed region\n"
"  -h, --help           this text\n"
"  -V, --version        version and git commit\n"
"Test options (for the test suite):\n"
"      --matrix KIND    random (default), pivot (a row interchange at every step) or singular\n"
"                       (an exact zero pivot in column N/2)\n"
"      --dump-solution FILE  write x, one value per line (rank 0 gathers the vector)\n"
"      --perturb-solution    perturb x before the residual check (the check must fail)\n"
"\n"
"Output: HPL's banner, the 'T/V N NB P Q Time Gflops' lines and the '||Ax-b||_oo/(...)= ...\n"
"PASSED' lines, so HPL.out parsers work. T/V is W, then R|C (PMAP), DEPTH, BCAST (0-5, or I\n"
"for MPI_Ibcast), RFACT (L, C or R), NDIV, PFACT (L, C or R), NBMIN: e.g. WR1IR2R8, WR11C2R4.\n"
"\n"
"Exit status: 0 every run passed its residual check; 1 a run failed it (or the matrix was\n"
"singular, or the check was off); 2 bad usage or input (nothing was run).\n"
"Environment: OPENBLAS_NUM_THREADS (set 1 with one rank per core); EXA_HPL_CALIBRATE_N\n"
"(order of the dgemm calibration, default 1000; 0 skips it and the efficiency then uses the\n"
"nominal peak); EXA_HPL_SWAP_PIECE (local columns per piece of the row interchanges, whose\n"
"exchange overlaps the update of the previous piece; default 4096).\n");
}

enum { OPT_NB = 256, OPT_PMAP, OPT_THRESHOLD, OPT_SEED, OPT_MEMFRAC, OPT_JSON, OPT_PAPI,
       OPT_DEPTH, OPT_NBMIN, OPT_NDIV, OPT_PFACT, OPT_RFACT, OPT_BCAST, OPT_SWAP, OPT_SWAP_THRESHOLD,
       OPT_MATRIX, OPT_DUMP, OPT_PERTURB, OPT_ENGINE };

static const char *const pmap_names[] = {"row", "col", "column"};

#define NO_FIELD ((size_t)-1)

/* One option that replaces an HPL.dat value. An integer option takes lo..hi; a choice takes one
 * of names (any case) or, for the first ncodes of them, HPL.dat's one-digit code, and its value is
 * the name's index, at most hi (so that aliases listed after hi fold onto it). count is the
 * offset in struct hpl_dat of the list's length (NO_FIELD: a single value), value the offset of
 * the (first) value; P and Q have none: they make the grid (hpl_options_apply). */
struct override {
    int id;
    const char *opt;
    long lo, hi;
    const char *const *names;
    int nnames, ncodes;
    const char *expected;
    size_t count, value;
};

#define LIST(field, list) offsetof(struct hpl_dat, field), offsetof(struct hpl_dat, list)
#define ONE(field) NO_FIELD, offsetof(struct hpl_dat, field)
static const struct override overrides[HPL_OVERRIDES] = {
    {'N', "-N", 1, HPL_N_MAX, NULL, 0, 0, NULL, LIST(nn, ns)},
    {OPT_NB, "--nb", 1, HPL_NB_MAX, NULL, 0, 0, NULL, LIST(nnb, nbs)},
    {'P', "-P", 1, HPL_GRID_MAX, NULL, 0, 0, NULL, NO_FIELD, NO_FIELD},
    {'Q', "-Q", 1, HPL_GRID_MAX, NULL, 0, 0, NULL, NO_FIELD, NO_FIELD},
    {OPT_PMAP, "--pmap", 0, HPL_PMAP_COL, pmap_names, 3, 0, "row or col", ONE(pmap)},
    {OPT_DEPTH, "--depth", 0, 1, NULL, 0, 0, NULL, LIST(ndepth, depths)},
    {OPT_NBMIN, "--nbmin", 1, HPL_NB_MAX, NULL, 0, 0, NULL, LIST(nnbmin, nbmins)},
    {OPT_NDIV, "--ndiv", 2, HPL_NB_MAX, NULL, 0, 0, NULL, LIST(nndiv, ndivs)},
    {OPT_PFACT, "--pfact", 0, 2, hpl_fact_names, 3, 3, "left, crout or right (or HPL.dat's 0, 1, 2)",
     LIST(npfact, pfacts)},
    {OPT_RFACT, "--rfact", 0, 2, hpl_fact_names, 3, 3, "left, crout or right (or HPL.dat's 0, 1, 2)",
     LIST(nrfact, rfacts)},
    {OPT_BCAST, "--bcast", 0, HPL_BCAST_IBCAST, hpl_bcast_names, HPL_BCAST_IBCAST + 1,
     HPL_BCAST_IBCAST, "1rg, 1rM, 2rg, 2rM, Lng, LnM (or HPL.dat's 0-5) or ibcast", LIST(nbcast, bcasts)},
    {OPT_SWAP, "--swap", 0, 2, hpl_swap_names, 3, 3, "bin-exch, long or mix (or HPL.dat's 0, 1, 2)",
     ONE(swap)},
    {OPT_SWAP_THRESHOLD, "--swap-threshold", 0, 0x7fffffffL, NULL, 0, 0, NULL, ONE(swap_threshold)},
};
#undef LIST
#undef ONE

static long parse_choice(const struct override *ov, const char *text)
{
    for (int i = 0; i < ov->nnames; i++)
        if (!strcasecmp(text, ov->names[i]) || (i < ov->ncodes && text[0] == '0' + i && !text[1]))
            return i > ov->hi ? ov->hi : i;
    exa_usage_error("%s '%s': expected %s", ov->opt, text, ov->expected);
}

static long parse_long_opt(const char *name, const char *text, long lo, long hi)
{
    long v;
    char err[EXA_ERR_LEN];
    if (exa_parse_long(text, lo, hi, &v, err) != 0)
        exa_usage_error("%s '%s': %s", name, text, err);
    return v;
}

/* Parses an override's value into cli; 0 when c is not an override. */
static int parse_override(int c, const char *text, struct hpl_cli *cli)
{
    for (int i = 0; i < HPL_OVERRIDES; i++) {
        const struct override *ov = &overrides[i];
        if (ov->id != c)
            continue;
        cli->value[i] = ov->names ? parse_choice(ov, text) : parse_long_opt(ov->opt, text, ov->lo, ov->hi);
        cli->given[i] = 1;
        return 1;
    }
    return 0;
}

static const struct option longopts[] = {
    {"n", required_argument, 0, 'N'},           {"nb", required_argument, 0, OPT_NB},
    {"pmap", required_argument, 0, OPT_PMAP},   {"threshold", required_argument, 0, OPT_THRESHOLD},
    {"seed", required_argument, 0, OPT_SEED},   {"mem-fraction", required_argument, 0, OPT_MEMFRAC},
    {"json", required_argument, 0, OPT_JSON},   {"papi", required_argument, 0, OPT_PAPI},
    {"depth", required_argument, 0, OPT_DEPTH}, {"nbmin", required_argument, 0, OPT_NBMIN},
    {"ndiv", required_argument, 0, OPT_NDIV},   {"matrix", required_argument, 0, OPT_MATRIX},
    {"pfact", required_argument, 0, OPT_PFACT}, {"rfact", required_argument, 0, OPT_RFACT},
    {"bcast", required_argument, 0, OPT_BCAST}, {"swap", required_argument, 0, OPT_SWAP},
    {"swap-threshold", required_argument, 0, OPT_SWAP_THRESHOLD},
    {"dump-solution", required_argument, 0, OPT_DUMP},
    {"perturb-solution", no_argument, 0, OPT_PERTURB},
    {"engine", required_argument, 0, OPT_ENGINE},
    {"help", no_argument, 0, 'h'},              {"version", no_argument, 0, 'V'},
    {0, 0, 0, 0},
};

static void parse_matrix(const char *text, struct hpl_options *o)
{
    if (strcmp(text, "random") == 0)
        o->matrix_kind = HPL_GEN_RANDOM;
    else if (strcmp(text, "pivot") == 0)
        o->matrix_kind = HPL_GEN_PIVOT;
    else if (strcmp(text, "singular") == 0)
        o->matrix_kind = HPL_GEN_SINGULAR;
    else
        exa_usage_error("--matrix '%s': expected random, pivot or singular", text);
}

/* The options that are not overrides. Returns 1 for --help/--version (handled: exit 0). */
static int parse_other(int c, char **av, struct hpl_options *o, struct hpl_cli *cli)
{
    char err[EXA_ERR_LEN];
    uint64_t s;
    switch (c) {
    case OPT_THRESHOLD:
        if (exa_parse_double(optarg, -1e300, 1e300, &o->threshold, err) != 0)
            exa_usage_error("--threshold '%s': %s", optarg, err);
        cli->have_threshold = 1;
        break;
    case OPT_SEED:
        if (exa_parse_count(optarg, 0, UINT64_MAX, &s, err) != 0)
            exa_usage_error("--seed '%s': %s", optarg, err);
        o->seed = s;
        break;
    case OPT_MEMFRAC:
        if (exa_parse_double(optarg, 1e-9, 0.999999, &o->mem_fraction, err) != 0)
            exa_usage_error("--mem-fraction '%s': %s (expected 0 < F < 1)", optarg, err);
        break;
    case OPT_JSON: o->json_path = optarg; break;
    case OPT_PAPI: o->papi = optarg; break;
    case OPT_MATRIX: parse_matrix(optarg, o); break;
    case OPT_DUMP: o->dump_path = optarg; break;
    case OPT_PERTURB: o->perturb = 1; break;
    case OPT_ENGINE: o->engine_name = optarg; break;
    case 'h':
        if (exa_world_rank() == 0)
            usage();
        return 1;
    case 'V':
        if (exa_world_rank() == 0)
            exa_print_version();
        return 1;
    case ':': exa_usage_error("option '%s' needs a value", av[optind - 1]);
    default: exa_usage_error("unknown option '%s'", av[optind - 1]);
    }
    return 0;
}

int hpl_options_parse(int argc, char **argv, struct hpl_options *o, struct hpl_cli *cli)
{
    memset(cli, 0, sizeof *cli);
    /* HPL's -NB spelling */
    char **av = calloc((size_t)argc + 1, sizeof(char *));
    if (!av)
        exa_fatal(EXA_EXIT_USAGE, "out of memory");
    for (int i = 0; i < argc; i++)
        av[i] = strcmp(argv[i], "-NB") == 0 ? (char *)"--nb" : argv[i];
    int c, done = 0;
    opterr = 0;
    while (!done && (c = getopt_long(argc, av, ":N:P:Q:hV", longopts, NULL)) != -1)
        if (!parse_override(c, optarg, cli))
            done = parse_other(c, av, o, cli);
    if (!done && optind < argc - 1)
        exa_usage_error("one HPL.dat file at most, got '%s' and '%s'", av[optind], av[optind + 1]);
    if (!done && optind == argc - 1)
        o->dat_path = av[optind];
    free(av);
    const char *piece = getenv("EXA_HPL_SWAP_PIECE");
    o->swap_piece = piece ? (int)parse_long_opt("EXA_HPL_SWAP_PIECE", piece, 1, INT_MAX)
                          : HPL_SWAP_PIECE_DEFAULT;
    return done;
}

/* -P/-Q, or the default grid: the squarest P x Q = ranks with P <= Q; one of them given, the other
 * takes the ranks it leaves (at least 1). */
static void apply_grid(const struct hpl_cli *cli, struct hpl_dat *dat, int world_size)
{
    long p = cli->given[HPL_OV_P] ? cli->value[HPL_OV_P] : 0;
    long q = cli->given[HPL_OV_Q] ? cli->value[HPL_OV_Q] : 0;
    if (!p && !q)
        exa_hpl_grid(world_size, &p, &q);
    else if (!p)
        p = world_size / q > 0 ? world_size / q : 1;
    else if (!q)
        q = world_size / p > 0 ? world_size / p : 1;
    dat->ngrid = 1;
    dat->ps[0] = (int)p;
    dat->qs[0] = (int)q;
}

void hpl_options_apply(const struct hpl_cli *cli, struct hpl_dat *dat, int have_dat, int world_size)
{
    for (int i = 0; i < HPL_OVERRIDES; i++) {
        const struct override *ov = &overrides[i];
        if (!cli->given[i] || ov->value == NO_FIELD)
            continue;
        if (ov->count != NO_FIELD)    /* a list becomes this one value */
            *(int *)((char *)dat + ov->count) = 1;
        *(int *)((char *)dat + ov->value) = (int)cli->value[i];
    }
    if (cli->given[HPL_OV_P] || cli->given[HPL_OV_Q] || !have_dat)
        apply_grid(cli, dat, world_size);
}
