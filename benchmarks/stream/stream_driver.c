/* exa-stream's driver: array sizing from the last-level cache, the timing loop (barrier before
 * every kernel, slowest rank's time), verification, run rules, and the record. It calls the back
 * end only through struct stream_backend, so every back end gets the same measurement. */
#include <glob.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_mpi.h"
#include "exa_parse.h"
#include "exa_provenance.h"
#include "exa_record.h"
#include "exa_sysfs.h"
#include "exa_timer.h"
#include "stream.h"

#define CACHE_DIR "/sys/devices/system/cpu/cpu0/cache"
#define DEFAULT_N_UNKNOWN_LLC 10000000ull   /* McCalpin's default STREAM_ARRAY_SIZE */

/* The last-level cache: the data or unified cache of the highest level cpu0 has, its size, and
 * how many distinct instances of it the node has (one per socket or CCX), counted from the
 * shared_cpu_list of every CPU. Leaves *bytes 0 when /sys does not tell. */
static void detect_llc(uint64_t *bytes, int *instances)
{
    *bytes = 0;
    *instances = 0;
    long best_level = 0;
    int best_index = -1;
    uint64_t best_size = 0;
    char path[512];
    for (int i = 0; i < 32; i++) {
        long level;
        snprintf(path, sizeof path, CACHE_DIR "/index%d/level", i);
        if (exa_read_long(path, &level) != 0)
            continue;
        snprintf(path, sizeof path, CACHE_DIR "/index%d/type", i);
        char *type = exa_read_line(path);
        int usable = type && (!strcmp(type, "Data") || !strcmp(type, "Unified"));
        free(type);
        snprintf(path, sizeof path, CACHE_DIR "/index%d/size", i);
        char *size = exa_read_line(path);
        uint64_t sz = 0;
        char err[EXA_ERR_LEN];
        if (usable && size && exa_parse_size(size, &sz, err) == 0 && sz > 0 && level > best_level) {
            best_level = level;
            best_index = i;
            best_size = sz;
        }
        free(size);
    }
    if (best_index < 0)
        return;

    /* Distinct shared_cpu_list strings of that cache level over all CPUs = its instances. */
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu[0-9]*/cache/index%d/shared_cpu_list",
             best_index);
    glob_t g;
    int count = 0;
    if (glob(path, 0, NULL, &g) == 0) {
        char **seen = calloc(g.gl_pathc, sizeof *seen);
        for (size_t i = 0; seen && i < g.gl_pathc; i++) {
            char *list = exa_read_line(g.gl_pathv[i]);
            if (!list)
                continue;
            int dup = 0;
            for (int j = 0; j < count && !dup; j++)
                dup = !strcmp(seen[j], list);
            if (dup)
                free(list);
            else
                seen[count++] = list;
        }
        for (int j = 0; j < count; j++)
            free(seen[j]);
        free(seen);
        globfree(&g);
    }
    *bytes = best_size;
    *instances = count > 0 ? count : 1;
}

static double run_kernel(const struct stream_backend *be, void *state, int k, double *dot)
{
    double t0 = exa_now();
    switch (k) {
    case K_COPY: be->copy(state); break;
    case K_SCALE: be->scale(state, STREAM_SCALAR); break;
    case K_ADD: be->add(state); break;
    case K_TRIAD: be->triad(state, STREAM_SCALAR); break;
    case K_DOT: *dot = be->dot(state); break;
    case K_MEMCPY: be->library_copy(state); break;
    default: break;
    }
    return exa_now() - t0;
}

/* Checks the final arrays (and the last dot product) against the analytic values; fills the
 * run's verification fields with the maximum errors over all ranks. */
static void verify(struct stream_run *run, void *state, double dot_local)
{
    const struct stream_backend *be = run->backend;
    double *arr[3];
    be->read_arrays(state, &arr[0], &arr[1], &arr[2]);

    /* Test-only hook (documented in --help and exa-stream(1)): spoil one element of a, as a
     * memory or kernel fault would, to prove that verification catches it. */
    const char *corrupt = getenv("EXA_STREAM_TEST_CORRUPT");
    if (corrupt && !strcmp(corrupt, "1") && run->n > 0)
        arr[0][run->n / 2] = arr[0][run->n / 2] * 2.0 + 1.0;

    stream_gold_values(run->kernels, run->nk, run->opt.ntimes, STREAM_SCALAR, STREAM_A0,
                       STREAM_B0, STREAM_C0, run->expected);
    double errs[4];
    for (int i = 0; i < 3; i++)
        errs[i] = stream_avg_rel_error(arr[i], run->n, run->expected[i]);

    run->dot_checked = 0;
    errs[3] = 0.0;
    for (int k = 0; k < run->nk; k++)
        run->dot_checked |= run->kernels[k] == K_DOT;
    if (run->dot_checked) {
        /* Dot is the last kernel of an iteration: the value it returned last is over the final a
         * and b. It changes no array, so the arrays' check above does not see it. */
        run->dot_expected = (double)run->n * run->expected[0] * run->expected[1];
        run->dot_value = dot_local;
        double diff = fabs(dot_local - run->dot_expected);
        errs[3] = run->dot_expected != 0.0 ? diff / fabs(run->dot_expected) : diff;
        if (isnan(errs[3]))
            errs[3] = INFINITY;
        run->dot_threshold = stream_dot_threshold(run->n);
    }
    double max_errs[4];
    MPI_Allreduce(errs, max_errs, 4, MPI_DOUBLE, MPI_MAX, run->comm);
    for (int i = 0; i < 3; i++)
        run->err[i] = max_errs[i];
    run->dot_err = max_errs[3];
    int ok = 1;
    for (int i = 0; i < 3; i++)
        ok = ok && run->err[i] <= STREAM_ARRAY_EPSILON;
    if (run->dot_checked)
        ok = ok && run->dot_err <= run->dot_threshold;
    run->passed = ok;
}

/* The array size, the same on every rank (from the largest cache any node reports unless --size
 * gives it); exits 2 when a node can not hold the arrays. Collective. */
static uint64_t array_size(struct stream_run *p, int ranks_on_node)
{
    detect_llc(&p->llc_bytes, &p->llc_instances);
    uint64_t llc_total = p->llc_bytes * (uint64_t)p->llc_instances;
    uint64_t n = p->opt.n;
    if (n == 0)
        n = llc_total > 0 ? (4 * llc_total + sizeof(double) - 1) / sizeof(double)
                          : DEFAULT_N_UNKNOWN_LLC;
    MPI_Allreduce(MPI_IN_PLACE, &n, 1, MPI_UINT64_T, MPI_MAX, p->comm);

    /* Refuse sizes a node can not hold before touching anything: with overcommit, an allocation
     * too large would succeed and first touch would bring the OOM killer instead. Decided
     * together, so that all ranks exit when any node is too small. */
    double need = 3.0 * (double)n * sizeof(double) * ranks_on_node;
    double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (exa_mpi_any(p->comm, phys > 0 && need > phys))
        exa_input_error("--size %" PRIu64 ": %d rank(s) x 3 arrays of %" PRIu64 " doubles need "
                        "%.1f GiB on %s, more than its %.1f GiB of memory", n, ranks_on_node, n,
                        need / (1u << 30), need > phys ? "this node" : "another node",
                        phys / (1u << 30));
    return n;
}

/* Each rank's own best time per kernel (the first, warm-up iteration left out), gathered to rank 0
 * for the per-rank spread. */
static void gather_rank_best(struct stream_run *p, const double *local, int ntimes)
{
    double own_best[K_COUNT];
    for (int k = 0; k < p->nk; k++) {
        own_best[k] = INFINITY;
        for (int it = 1; it < ntimes; it++)
            if (local[(size_t)k * ntimes + it] < own_best[k])
                own_best[k] = local[(size_t)k * ntimes + it];
    }
    if (p->rank == 0)
        p->rank_best = calloc((size_t)p->nranks * p->nk, sizeof *p->rank_best);
    if (p->rank == 0 && !p->rank_best)
        exa_fatal(EXA_EXIT_USAGE, "out of memory for %d ranks' timings", p->nranks);
    MPI_Gather(own_best, p->nk, MPI_DOUBLE, p->rank_best, p->nk, MPI_DOUBLE, 0, p->comm);
}

int stream_main(int argc, char **argv, const struct stream_backend *backend)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    exa_mpi_cli_init(argv[0]);

    struct stream_run run;
    memset(&run, 0, sizeof run);
    run.backend = backend;
    run.argc = argc;
    run.argv = argv;
    run.comm = MPI_COMM_WORLD;
    stream_parse_options(argc, argv, backend, &run.opt);
    MPI_Comm_rank(run.comm, &run.rank);
    MPI_Comm_size(run.comm, &run.nranks);
    int node_index, ranks_on_node;
    exa_mpi_node_layout(run.comm, &run.nodes, &node_index, &ranks_on_node, NULL);

    if (run.opt.library_copy && !backend->library_copy)
        exa_usage_error("--memcpy: the %s back end has no library copy", backend->name);
    if (run.opt.library_copy) {
        run.kernels[run.nk++] = K_MEMCPY;
    } else {
        for (int k = K_COPY; k <= K_DOT; k++)
            run.kernels[run.nk++] = k;
    }

    run.n = array_size(&run, ranks_on_node);
    uint64_t n = run.n;

    struct exa_counters *counters = exa_counters_open(run.opt.papi);

    struct stream_config cfg = {
        .n = (size_t)n, .threads = run.opt.threads, .stores = run.opt.stores};
    char err[EXA_ERR_LEN] = "";
    void *state = backend->create(&cfg, STREAM_A0, STREAM_B0, STREAM_C0, err);
    if (!state)
        fprintf(stderr, "%s: error: rank %d: %s\n", exa_program_name, run.rank, err);
    if (exa_mpi_any(run.comm, state == NULL))
        exa_input_error("--size %" PRIu64 ": the %s back end could not set up its arrays on at "
                        "least one rank", n, backend->name);
    run.threads = backend->threads(state);
    run.stores = backend->describe_stores(state);
    run.timer_resolution = exa_timer_resolution();

    stream_print_header(&run);

    int ntimes = run.opt.ntimes;
    size_t nsamples = (size_t)run.nk * (size_t)ntimes;
    double *local = calloc(nsamples, sizeof *local);
    run.times = calloc(nsamples, sizeof *run.times);
    if (!local || !run.times)
        exa_fatal(EXA_EXIT_USAGE, "out of memory for %zu timings", nsamples);
    double dot = 0.0;

    exa_counters_start(counters);
    for (int it = 0; it < ntimes; it++) {
        for (int k = 0; k < run.nk; k++) {
            MPI_Barrier(run.comm);
            local[(size_t)k * ntimes + it] = run_kernel(backend, state, run.kernels[k], &dot);
        }
    }
    exa_counters_stop(counters);

    /* The aggregate rate of each execution uses the slowest rank's time. */
    MPI_Allreduce(local, run.times, (int)nsamples, MPI_DOUBLE, MPI_MAX, run.comm);

    gather_rank_best(&run, local, ntimes);

    verify(&run, state, dot);
    stream_check_run_rules(&run);
    /* The traffic model the counters are compared with: every counted iteration of every kernel
     * on every rank, warm-up included, as the counted region includes it. */
    double modelled_bytes = 0;
    for (int k = 0; k < run.nk; k++)
        modelled_bytes += stream_kernel_bytes(run.kernels[k], n) * ntimes * run.nranks;
    exa_counters_set_model(counters, "bytes", modelled_bytes);
    run.counters = exa_counters_report(counters, run.comm);

    stream_print_table(&run);

    int rc = run.passed ? EXA_EXIT_OK : EXA_EXIT_FAILED;
    if (run.opt.json) {
        json_t *rec = stream_build_record(&run);
        exa_record_set_launch(rec, run.comm, run.threads, argc, argv);
        exa_record_set_provenance(rec, exa_provenance_collect(run.comm));
        exa_record_set_object(rec, "counters", run.counters);
        run.counters = NULL;
        if (run.rank == 0 && exa_record_write(rec, run.opt.json, err) != 0) {
            fprintf(stderr, "%s: error: --json '%s': %s\n", exa_program_name, run.opt.json, err);
            rc = EXA_EXIT_USAGE;
        }
        json_decref(rec);
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, run.comm);

    json_decref(run.counters);
    exa_counters_close(counters);
    backend->destroy(state);
    free(local);
    free(run.times);
    free(run.rank_best);
    MPI_Finalize();
    return rc;
}
