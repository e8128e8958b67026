/* exa-hpl: the driver. Options and HPL.dat, the cross product of runs, the input checks (grid
 * size, memory), then for each run: generate, factor and solve, check, print, record. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_parse.h"
#include "exa_peak.h"
#include "exa_provenance.h"
#include "exa_record.h"
#include "hpl.h"
#include "hpl_driver.h"
#include "exa_mpi.h"

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
"lines.\n"
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
"nominal peak).\n");
}

/* ------------------------------------------------------------------------------------ input */

static char *read_dat(const char *path)
{
    int rank = exa_world_rank();
    long len = -1;
    char *text = NULL;
    if (rank == 0) {
        FILE *f = fopen(path, "rb");
        if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len < (1L << 24)) {
            rewind(f);
            text = malloc((size_t)len + 1);
            if (!text || fread(text, 1, (size_t)len, f) != (size_t)len)
                len = -1;
        } else {
            len = -1;
        }
        if (f)
            fclose(f);
    }
    MPI_Bcast(&len, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    if (len < 0)
        exa_input_error("cannot read HPL.dat file '%s'", path);
    if (rank != 0)
        text = malloc((size_t)len + 1);
    MPI_Bcast(text, (int)len, MPI_CHAR, 0, MPI_COMM_WORLD);
    text[len] = '\0';
    return text;
}

static int blas_threads(void)
{
    const char *e = getenv("OPENBLAS_NUM_THREADS");
    if (e && atoi(e) > 0)
        return atoi(e);
    return omp_get_max_threads();
}

/* MemTotal and MemAvailable of this node in bytes. */
static void read_meminfo(double *total, double *avail)
{
    *total = *avail = 0;
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return;
    char line[256];
    double kb;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "MemTotal: %lf kB", &kb) == 1)
            *total = kb * 1024;
        else if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
            *avail = kb * 1024;
    }
    fclose(f);
}

static void grid_coords(int rank, int p, int q, int pmap, int *row, int *col)
{
    if (pmap == HPL_PMAP_ROW) {
        *row = rank / q;
        *col = rank % q;
    } else {
        *row = rank % p;
        *col = rank / p;
    }
}

static size_t run_bytes(const struct hpl_run *r, int rank)
{
    if (rank >= r->p * r->q)
        return 0;
    int row, col, nb = r->nb < r->n ? r->nb : r->n;
    grid_coords(rank, r->p, r->q, r->pmap, &row, &col);
    int mp = hpl_numroc(r->n, nb, row, r->p), nq = hpl_numroc(r->n + 1, nb, col, r->q);
    return hpl_matrix_bytes(r->n, nb, mp, nq) + hpl_workspace_bytes(r->n, nb, r->p, mp, nq);
}

static void fmt_bytes(double b, char *buf, size_t len)
{
    if (b >= 1024.0 * 1024 * 1024 * 1024)
        snprintf(buf, len, "%.1f TiB", b / (1024.0 * 1024 * 1024 * 1024));
    else if (b >= 1024.0 * 1024 * 1024)
        snprintf(buf, len, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    else
        snprintf(buf, len, "%.1f MiB", b / (1024.0 * 1024));
}

/* Every run must fit in the memory available on every node; exit 2 (saying how much is needed)
 * otherwise. Collective over MPI_COMM_WORLD. */
static void check_memory(const struct hpl_run *runs, int nruns, MPI_Comm node)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    double total, avail;
    read_meminfo(&total, &avail);
    for (int i = 0; i < nruns; i++) {
        double mine = (double)run_bytes(&runs[i], rank), need;
        MPI_Allreduce(&mine, &need, 1, MPI_DOUBLE, MPI_SUM, node);
        struct { double ratio; int rank; } w = {avail > 0 ? need / avail : 0, rank}, worst;
        MPI_Allreduce(&w, &worst, 1, MPI_DOUBLE_INT, MPI_MAXLOC, MPI_COMM_WORLD);
        if (worst.ratio <= 1.0)
            continue;
        double v[3] = {need, avail, mine};
        MPI_Bcast(v, 3, MPI_DOUBLE, worst.rank, MPI_COMM_WORLD);
        char bn[32], ba[32], br[32];
        fmt_bytes(v[0], bn, sizeof bn);
        fmt_bytes(v[1], ba, sizeof ba);
        fmt_bytes(v[2], br, sizeof br);
        exa_input_error("N=%d NB=%d on a %d x %d grid needs %s on a node (%s for world rank %d) "
                        "but only %s is available there (MemAvailable); use a smaller N, more "
                        "nodes, or --mem-fraction",
                        runs[i].n, runs[i].nb, runs[i].p, runs[i].q, bn, br, worst.rank, ba);
    }
}

/* The largest multiple of nb with 8 N^2 <= fraction x the memory of the job's nodes. */
static int n_from_memory(double fraction, int nb, MPI_Comm node)
{
    int node_rank;
    MPI_Comm_rank(node, &node_rank);
    double total, avail, mem = 0;
    read_meminfo(&total, &avail);
    double mine = node_rank == 0 ? total : 0;
    MPI_Allreduce(&mine, &mem, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    double n = floor(sqrt(fraction * mem / 8.0) / nb) * nb;
    if (n > 2147483647.0 - nb)
        n = floor((2147483647.0 - nb) / nb) * nb;
    return (int)n;
}

/* ------------------------------------------------------------------------------------ runs */

static int run_one(struct hpl_options *o, const struct hpl_run *run, struct hpl_result *r)
{
    struct hpl_grid g;
    memset(r, 0, sizeof *r);
    r->info = -1;
    hpl_grid_create(&g, MPI_COMM_WORLD, run->p, run->q, run->pmap);
    if (!g.active)
        return 0;
    int grank;
    MPI_Comm_rank(g.comm, &grank);
    struct hpl_matrix m;
    int nb = run->nb < run->n ? run->nb : run->n; /* one block holds it all: same layout */
    if (hpl_matrix_alloc(&m, &g, run->n, nb, (size_t)run->algo.align * sizeof(double)) != 0)
        exa_fatal(EXA_EXIT_USAGE, "out of memory allocating the %d x %d local matrix", m.mp,
                  m.nq);
    hpl_gen_local(&m, &g, o->seed, o->matrix_kind);

    struct exa_counters *ctr = o->counters;
    exa_counters_reset(ctr);
    struct hpl_times t;
    memset(&t, 0, sizeof t);
    MPI_Barrier(g.comm);
    r->start = time(NULL);
    exa_counters_start(ctr);
    double t0 = MPI_Wtime();
    int info = hpl_pdgesv(&m, &g, &run->algo, o->engine, &t);
    double t1 = MPI_Wtime();
    exa_counters_stop(ctr);
    r->end = time(NULL);
    if (info == -2)
        exa_fatal(EXA_EXIT_USAGE, "out of memory allocating the panel workspace");
    double mine = t1 - t0;
    MPI_Allreduce(&mine, &r->time, 1, MPI_DOUBLE, MPI_MAX, g.comm);
    double n = run->n;
    r->gflops = r->time > 0 ? (2.0 / 3.0 * n * n * n + 1.5 * n * n) / r->time / 1e9 : 0;
    r->info = info;

    if (info < 0 && o->dump_path) {
        double *x = hpl_gather_solution(&m, &g);
        if (x) {
            FILE *f = fopen(o->dump_path, "w");
            if (!f)
                exa_fatal(EXA_EXIT_USAGE, "cannot write --dump-solution file '%s'", o->dump_path);
            for (int i = 0; i < run->n; i++)
                fprintf(f, "%.17g\n", x[i]);
            fclose(f);
            free(x);
        }
    }
    if (info < 0 && o->perturb && g.mycol == 0 && m.nq_a > 0)
        m.x[0] += 1e-6 * (1.0 + fabs(m.x[0]));
    if (info < 0) {
        hpl_residual_check(&m, &g, o->seed, o->matrix_kind, &r->res);
        r->checked = o->threshold >= 0;
        r->passed = r->checked && r->res.resid < o->threshold;
    }

    /* per-rank phases and peak RSS to grid rank 0 */
    int np = run->p * run->q;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss = (double)ru.ru_maxrss * 1024.0;
    if (grank == 0) {
        r->phases = calloc((size_t)np * HPL_PH_COUNT, sizeof(double));
        r->rss = calloc((size_t)np, sizeof(double));
    }
    MPI_Gather(t.phase, HPL_PH_COUNT, MPI_DOUBLE, r->phases, HPL_PH_COUNT, MPI_DOUBLE, 0, g.comm);
    MPI_Gather(&rss, 1, MPI_DOUBLE, r->rss, 1, MPI_DOUBLE, 0, g.comm);
    r->matrix_bytes = hpl_matrix_bytes(run->n, nb, m.mp, m.nq);
    exa_counters_set_model(ctr, "flops", 2.0 / 3.0 * n * n * n + 1.5 * n * n);
    exa_counters_energy_efficiency(ctr, r->gflops);
    json_t *counters = exa_counters_report(ctr, g.comm);
    hpl_matrix_free(&m);
    hpl_grid_free(&g);
    if (grank == 0)
        r->counters = counters;
    else
        json_decref(counters);
    return 0;
}

static void json_path_for(const char *path, int index, int nruns, char *buf, size_t len)
{
    if (nruns == 1 || strcmp(path, "-") == 0) {
        snprintf(buf, len, "%s", path);
        return;
    }
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot && (!slash || dot > slash + 1))
        snprintf(buf, len, "%.*s.%d%s", (int)(dot - path), path, index + 1, dot);
    else
        snprintf(buf, len, "%s.%d", path, index + 1);
}

/* ------------------------------------------------------------------------------------ main */

enum { OPT_NB = 256, OPT_PMAP, OPT_THRESHOLD, OPT_SEED, OPT_MEMFRAC, OPT_JSON, OPT_PAPI,
       OPT_DEPTH, OPT_NBMIN, OPT_NDIV, OPT_PFACT, OPT_RFACT, OPT_BCAST, OPT_SWAP, OPT_SWAP_THRESHOLD,
       OPT_MATRIX, OPT_DUMP, OPT_PERTURB };

/* An HPL.dat choice on the command line: one of names (any case) or, for the first ncodes of
 * them, HPL.dat's one-digit code. expected lists the choices for the error. */
static long parse_choice(const char *opt, const char *text, const char *const *names, int n,
                         int ncodes, const char *expected)
{
    for (int i = 0; i < n; i++)
        if (!strcasecmp(text, names[i]) || (i < ncodes && text[0] == '0' + i && !text[1]))
            return i;
    exa_usage_error("%s '%s': expected %s", opt, text, expected);
    return -1;
}

static long parse_long_opt(const char *name, const char *text, long lo, long hi)
{
    long v;
    char err[EXA_ERR_LEN];
    if (exa_parse_long(text, lo, hi, &v, err) != 0)
        exa_usage_error("%s '%s': %s", name, text, err);
    return v;
}

int hpl_main(int argc, char **argv, const struct hpl_engine *engine,
             const struct hpl_engine_hooks *hooks)
{
    MPI_Init(&argc, &argv);
    exa_mpi_cli_init(argv[0]);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* HPL's -NB spelling */
    char **av = calloc((size_t)argc + 1, sizeof(char *));
    for (int i = 0; i < argc; i++)
        av[i] = strcmp(argv[i], "-NB") == 0 ? (char *)"--nb" : argv[i];

    struct hpl_options o = {.threshold = 16.0, .seed = 42, .matrix_kind = HPL_GEN_RANDOM,
                            .engine = engine, .hooks = hooks};
    long opt_n = 0, opt_nb = 0, opt_p = 0, opt_q = 0, opt_pmap = -1, opt_depth = -1,
         opt_nbmin = 0, opt_ndiv = 0, opt_pfact = -1, opt_rfact = -1, opt_bcast = -1,
         opt_swap = -1, opt_swap_threshold = -1;
    int have_threshold = 0;
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
        {"help", no_argument, 0, 'h'},              {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, av, ":N:P:Q:hV", longopts, NULL)) != -1) {
        char err[EXA_ERR_LEN];
        switch (c) {
        case 'N': opt_n = parse_long_opt("-N", optarg, 1, 2147483647L - 1); break;
        case OPT_NB: opt_nb = parse_long_opt("--nb", optarg, 1, 1L << 20); break;
        case 'P': opt_p = parse_long_opt("-P", optarg, 1, 1L << 24); break;
        case 'Q': opt_q = parse_long_opt("-Q", optarg, 1, 1L << 24); break;
        case OPT_PMAP:
            if (strcmp(optarg, "row") == 0)
                opt_pmap = HPL_PMAP_ROW;
            else if (strcmp(optarg, "col") == 0 || strcmp(optarg, "column") == 0)
                opt_pmap = HPL_PMAP_COL;
            else
                exa_usage_error("--pmap '%s': expected row or col", optarg);
            break;
        case OPT_THRESHOLD:
            if (exa_parse_double(optarg, -1e300, 1e300, &o.threshold, err) != 0)
                exa_usage_error("--threshold '%s': %s", optarg, err);
            have_threshold = 1;
            break;
        case OPT_SEED: {
            uint64_t s;
            if (exa_parse_count(optarg, 0, UINT64_MAX, &s, err) != 0)
                exa_usage_error("--seed '%s': %s", optarg, err);
            o.seed = s;
            break;
        }
        case OPT_MEMFRAC:
            if (exa_parse_double(optarg, 1e-9, 0.999999, &o.mem_fraction, err) != 0)
                exa_usage_error("--mem-fraction '%s': %s (expected 0 < F < 1)", optarg, err);
            break;
        case OPT_JSON: o.json_path = optarg; break;
        case OPT_PAPI: o.papi = optarg; break;
        case OPT_DEPTH: opt_depth = parse_long_opt("--depth", optarg, 0, 1); break;
        case OPT_NBMIN: opt_nbmin = parse_long_opt("--nbmin", optarg, 1, 1L << 20); break;
        case OPT_NDIV: opt_ndiv = parse_long_opt("--ndiv", optarg, 2, 1L << 20); break;
        case OPT_PFACT:
        case OPT_RFACT: {
            long v = parse_choice(c == OPT_PFACT ? "--pfact" : "--rfact", optarg, hpl_fact_names, 3, 3,
                                  "left, crout or right (or HPL.dat's 0, 1, 2)");
            *(c == OPT_PFACT ? &opt_pfact : &opt_rfact) = v;
            break;
        }
        case OPT_BCAST:
            opt_bcast = parse_choice("--bcast", optarg, hpl_bcast_names, HPL_BCAST_IBCAST + 1,
                                     HPL_BCAST_IBCAST,
                                     "1rg, 1rM, 2rg, 2rM, Lng, LnM (or HPL.dat's 0-5) or ibcast");
            break;
        case OPT_SWAP:
            opt_swap = parse_choice("--swap", optarg, hpl_swap_names, 3, 3,
                                    "bin-exch, long or mix (or HPL.dat's 0, 1, 2)");
            break;
        case OPT_SWAP_THRESHOLD:
            opt_swap_threshold = parse_long_opt("--swap-threshold", optarg, 0, 0x7fffffffL);
            break;
        case OPT_MATRIX:
            if (strcmp(optarg, "random") == 0)
                o.matrix_kind = HPL_GEN_RANDOM;
            else if (strcmp(optarg, "pivot") == 0)
                o.matrix_kind = HPL_GEN_PIVOT;
            else if (strcmp(optarg, "singular") == 0)
                o.matrix_kind = HPL_GEN_SINGULAR;
            else
                exa_usage_error("--matrix '%s': expected random, pivot or singular", optarg);
            break;
        case OPT_DUMP: o.dump_path = optarg; break;
        case OPT_PERTURB: o.perturb = 1; break;
        case 'h':
            if (rank == 0)
                usage();
            MPI_Finalize();
            return 0;
        case 'V':
            if (rank == 0)
                exa_print_version();
            MPI_Finalize();
            return 0;
        case ':': exa_usage_error("option '%s' needs a value", av[optind - 1]);
        default: exa_usage_error("unknown option '%s'", av[optind - 1]);
        }
    }
    if (optind < argc - 1)
        exa_usage_error("one HPL.dat file at most, got '%s' and '%s'", av[optind], av[optind + 1]);
    if (optind == argc - 1)
        o.dat_path = av[optind];
    if (o.json_path)
        exa_check_json_path(o.json_path);

    /* Opened on every rank before the grid is formed, so that an unknown event name is a usage
     * error all ranks see, idle ranks outside P x Q included. HPL has no OpenMP regions. */
    o.counters = exa_counters_open(o.papi);
    exa_counters_set_threads(o.counters, 1);

    struct hpl_dat dat;
    if (o.dat_path) {
        char *text = read_dat(o.dat_path);
        char err[600];
        if (hpl_dat_parse(text, o.dat_path, &dat, err, sizeof err) != 0)
            exa_input_error("%s", err);
        free(text);
        if (!have_threshold)
            o.threshold = dat.threshold;
    } else {
        hpl_dat_defaults(&dat);
        if (!opt_n && o.mem_fraction <= 0)
            exa_usage_error("give the problem size: -N N, --mem-fraction F or an HPL.dat file");
    }
    dat.threshold = o.threshold;
    for (int i = 0; i < dat.nwarn; i++)
        exa_warn("%s", dat.warn[i]);

    /* command-line values replace HPL.dat's lists */
    if (opt_n) {
        dat.nn = 1;
        dat.ns[0] = (int)opt_n;
    }
    if (opt_nb) {
        dat.nnb = 1;
        dat.nbs[0] = (int)opt_nb;
    }
    if (opt_pmap >= 0)
        dat.pmap = (int)opt_pmap;
    if (opt_depth >= 0) {
        dat.ndepth = 1;
        dat.depths[0] = (int)opt_depth;
    }
    if (opt_nbmin) {
        dat.nnbmin = 1;
        dat.nbmins[0] = (int)opt_nbmin;
    }
    if (opt_ndiv) {
        dat.nndiv = 1;
        dat.ndivs[0] = (int)opt_ndiv;
    }
    if (opt_pfact >= 0) {
        dat.npfact = 1;
        dat.pfacts[0] = (int)opt_pfact;
    }
    if (opt_rfact >= 0) {
        dat.nrfact = 1;
        dat.rfacts[0] = (int)opt_rfact;
    }
    if (opt_bcast >= 0) {
        dat.nbcast = 1;
        dat.bcasts[0] = (int)opt_bcast;
    }
    if (opt_swap >= 0)
        dat.swap = (int)opt_swap;
    if (opt_swap_threshold >= 0)
        dat.swap_threshold = (int)opt_swap_threshold;
    if (opt_p || opt_q || !o.dat_path) {
        int p = (int)opt_p, q = (int)opt_q;
        if (!p && !q) {
            for (p = (int)sqrt((double)size); p > 1 && size % p; p--)
                ;
            q = size / p;
        } else if (!p) {
            p = size / q > 0 ? size / q : 1;
        } else if (!q) {
            q = size / p > 0 ? size / p : 1;
        }
        dat.ngrid = 1;
        dat.ps[0] = p;
        dat.qs[0] = q;
    }

    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);

    /* the cross product in HPL's order: grids x N x NB x DEPTH x BCAST x RFACT x NDIV x PFACT x
     * NBMIN (unimplemented variants fold) */
    int ndepth = 0, depths[2];
    for (int i = 0; i < dat.ndepth; i++) {
        int d = dat.depths[i] > 1 ? 1 : dat.depths[i], seen = 0;
        for (int k = 0; k < ndepth; k++)
            seen |= depths[k] == d;
        if (!seen)
            depths[ndepth++] = d;
    }
    int nns = o.mem_fraction > 0 ? 1 : dat.nn;
    size_t cap = (size_t)dat.ngrid * nns * dat.nnb * ndepth * dat.nbcast * dat.nrfact * dat.nndiv *
                 dat.npfact * dat.nnbmin;
    struct hpl_run *runs = calloc(cap ? cap : 1, sizeof *runs);
    int nruns = 0;
    for (size_t idx = 0; idx < cap; idx++) {
        size_t x = idx;  /* mixed radix, NBMIN varying fastest */
        int im = (int)(x % (size_t)dat.nnbmin); x /= (size_t)dat.nnbmin;
        int ip = (int)(x % (size_t)dat.npfact); x /= (size_t)dat.npfact;
        int iv = (int)(x % (size_t)dat.nndiv);  x /= (size_t)dat.nndiv;
        int ir = (int)(x % (size_t)dat.nrfact); x /= (size_t)dat.nrfact;
        int ic = (int)(x % (size_t)dat.nbcast); x /= (size_t)dat.nbcast;
        int id = (int)(x % (size_t)ndepth);     x /= (size_t)ndepth;
        int ib = (int)(x % (size_t)dat.nnb);    x /= (size_t)dat.nnb;
        int in = (int)(x % (size_t)nns);        x /= (size_t)nns;
        int ig = (int)x;
        struct hpl_run *r = &runs[nruns++];
        r->p = dat.ps[ig];
        r->q = dat.qs[ig];
        r->pmap = dat.pmap;
        r->nb = dat.nbs[ib];
        r->n = o.mem_fraction > 0 ? n_from_memory(o.mem_fraction, r->nb, node) : dat.ns[in];
        r->algo = (struct hpl_algo){
            .nbmin = dat.nbmins[im], .ndiv = dat.ndivs[iv], .depth = depths[id],
            .pfact = dat.pfacts[ip], .rfact = dat.rfacts[ir], .bcast = dat.bcasts[ic], .swap = dat.swap,
            .swap_threshold = dat.swap_threshold, .l1 = 1, .u = 1, .equil = 0, .align = dat.align,
        };
        if (r->n <= 0)
            exa_input_error("--mem-fraction %g leaves no room for one block of NB=%d", o.mem_fraction,
                            r->nb);
    }
    for (int i = 0; i < nruns; i++) {
        if ((long)runs[i].p * runs[i].q > size)
            exa_input_error("the %d x %d grid needs %d ranks but only %d were launched",
                            runs[i].p, runs[i].q, runs[i].p * runs[i].q, size);
    }
    check_memory(runs, nruns, node);

    if (hooks && hooks->init)
        hooks->init();

    /* once per invocation: provenance, peaks */
    json_t *prov = exa_provenance_collect(MPI_COMM_WORLD);
    o.world_size = size;
    o.threads = blas_threads();
    exa_cpu_peak_detect(&o.peak);
    char blas_why[512];
    const char *blas_fix = rank == 0 ? exa_blas_kernel_check(blas_why, sizeof blas_why) : NULL;
    if (blas_fix)
        exa_warn("%s (e.g. mpirun -x OPENBLAS_CORETYPE=%s ...)", blas_why, blas_fix);
    MPI_Barrier(MPI_COMM_WORLD);
    const char *caln_env = getenv("EXA_HPL_CALIBRATE_N"); /* 0 skips (the test suite) */
    int caln = caln_env ? atoi(caln_env) : 1000;
    double cal = caln > 0 ? exa_calibrate_dgemm_gflops(caln, 3) : 0, calsum = 0;
    MPI_Allreduce(&cal, &calsum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    o.calibrated = calsum / size;

    o.out = stdout;
    if (rank == 0 && dat.device != 6) {
        if (dat.device == 7) {
            o.out = stderr;
        } else if (!(o.out = fopen(dat.outfile, "w"))) {
            exa_warn("cannot write output file '%s', writing to stdout", dat.outfile);
            o.out = stdout;
        }
    }
    if (rank == 0)
        hpl_print_banner(&o, &dat, runs, nruns);

    int passed = 0, failed = 0;
    for (int i = 0; i < nruns; i++) {
        struct hpl_result r;
        run_one(&o, &runs[i], &r);
        if (rank == 0) {
            MPI_Bcast(&r.passed, 1, MPI_INT, 0, MPI_COMM_WORLD);
            hpl_print_result(&o, &runs[i], &r);
        } else {
            MPI_Bcast(&r.passed, 1, MPI_INT, 0, MPI_COMM_WORLD);
        }
        if (r.passed)
            passed++;
        else
            failed++;
        json_t *rec = hpl_build_record(&o, &dat, &runs[i], &r);
        exa_record_set_launch(rec, MPI_COMM_WORLD, o.threads, argc, argv);
        if (rank == 0 && o.json_path) {
            exa_record_set_provenance(rec, json_deep_copy(prov));
            char path[4096], err[EXA_ERR_LEN];
            json_path_for(o.json_path, i, nruns, path, sizeof path);
            if (exa_record_write(rec, path, err) != 0)
                exa_warn("cannot write the record to '%s': %s", path, err);
        }
        json_decref(rec);
        json_decref(r.counters);
        free(r.phases);
        free(r.rss);
    }
    if (rank == 0) {
        hpl_print_summary(&o, nruns, passed, failed, 0);
        if (o.out != stdout && o.out != stderr)
            fclose(o.out);
    }
    exa_counters_close(o.counters);
    json_decref(prov);
    free(runs);
    free(av);
    MPI_Comm_free(&node);
    if (hooks && hooks->finalize)
        hooks->finalize();
    MPI_Finalize();
    return failed ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
