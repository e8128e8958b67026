/* counters_probe: a stand-in benchmark for the counter tests (issue 7). It parses --papi like the
 * benchmarks do, counts a region of known work (a busy loop on every OpenMP thread, a first touch
 * of an array) and writes {"counters": exa_counters_report(...)} as JSON.
 *
 *   counters_probe [--papi LIST] [--spin N] [--threads T] [--touch MIB] [--touch-rank R] [--pairs K]
 *                  [--model-flops X] [--model-bytes X] [--gflops X] [--json FILE|-]
 *   counters_probe --inventory      print exa_counters_inventory() and exit
 *   counters_probe --papi LIST --overhead N
 *                                   time N empty start/stop pairs (after a first, timed apart)
 *
 * Exit 0 after a run, 2 on bad usage (including an unknown event name). */
#include <mpi.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_parse.h"
#include "exa_mpi.h"

static double parse_number(const char *opt, const char *text)
{
    char err[EXA_ERR_LEN];
    double v;
    if (exa_parse_double(text, 0, 1e30, &v, err) != 0)
        exa_usage_error("%s '%s': %s", opt, text, err);
    return v;
}

/* A busy loop the compiler can not remove: iters dependent multiply-adds on every thread. */
static double spin(double iters, int threads)
{
    double total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        volatile double x = 1.0;
        for (double i = 0; i < iters; i++)
            x = x * 1.0000001 + 1e-9;
        total += x;
    }
    return total;
}

/* Touches mib MiB of fresh memory in small pages, so that every 4 KiB page faults once. */
static double touch(double mib)
{
    size_t bytes = (size_t)(mib * 1048576.0);
    if (bytes == 0)
        return 0;
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        exa_fatal(1, "mmap of %zu bytes failed", bytes);
    madvise(p, bytes, MADV_NOHUGEPAGE);
    for (size_t i = 0; i < bytes; i += 4096)
        p[i] = (char)i;
    double sum = p[bytes / 2];
    munmap(p, bytes);
    return sum;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    exa_mpi_cli_init(argv[0]);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    const char *papi = NULL, *json = NULL;
    double iters = 0, mib = 0, model_flops = -1, model_bytes = -1, gflops = -1, pairs = 1;
    long touch_rank = -1;
    int threads = 0;
    double overhead = 0;    /* --threads: a num_threads team as exa-stream's --threads makes */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--inventory") == 0) {
            if (rank == 0) {
                json_t *inv = exa_counters_inventory();
                json_dumpf(inv, stdout, JSON_INDENT(2));
                putchar('\n');
                json_decref(inv);
            }
            MPI_Finalize();
            return 0;
        }
        if (i + 1 >= argc)
            exa_usage_error("unknown option or missing value: '%s'", a);
        const char *v = argv[++i];
        if (strcmp(a, "--papi") == 0)
            papi = v;
        else if (strcmp(a, "--json") == 0)
            json = v;
        else if (strcmp(a, "--spin") == 0)
            iters = parse_number(a, v);
        else if (strcmp(a, "--overhead") == 0)
            overhead = parse_number(a, v);
        else if (strcmp(a, "--threads") == 0)
            threads = (int)parse_number(a, v);
        else if (strcmp(a, "--touch") == 0)
            mib = parse_number(a, v);
        else if (strcmp(a, "--touch-rank") == 0)
            touch_rank = (long)parse_number(a, v);
        else if (strcmp(a, "--pairs") == 0)
            pairs = parse_number(a, v);
        else if (strcmp(a, "--model-flops") == 0)
            model_flops = parse_number(a, v);
        else if (strcmp(a, "--model-bytes") == 0)
            model_bytes = parse_number(a, v);
        else if (strcmp(a, "--gflops") == 0)
            gflops = parse_number(a, v);
        else
            exa_usage_error("unknown option '%s'", a);
    }
    if (pairs < 1)
        exa_usage_error("--pairs must be at least 1");

    /* as a benchmark does: open after parsing, on every rank */
    struct exa_counters *set = exa_counters_open(papi);
    if (model_flops >= 0)
        exa_counters_set_model(set, "flops", model_flops);
    if (model_bytes >= 0)
        exa_counters_set_model(set, "bytes", model_bytes);
    if (gflops >= 0)
        exa_counters_energy_efficiency(set, gflops);
    if (threads > 0)
        exa_counters_set_threads(set, threads);
    else
        threads = omp_get_max_threads();

    if (overhead >= 1) {
        double t0 = MPI_Wtime();
        exa_counters_start(set);
        exa_counters_stop(set);
        double first = MPI_Wtime() - t0;
        t0 = MPI_Wtime();
        for (long k = 0; k < (long)overhead; k++) {
            exa_counters_start(set);
            exa_counters_stop(set);
        }
        double each = (MPI_Wtime() - t0) / overhead;
        if (rank == 0)
            printf("start/stop overhead, %d thread(s): first pair %.1f us, then %.2f us per pair "
                   "(%.0f pairs)\n", threads, first * 1e6, each * 1e6, overhead);
        exa_counters_close(set);
        MPI_Finalize();
        return 0;
    }

    double sink = 0;
    for (int k = 0; k < (int)pairs; k++) {
        exa_counters_start(set);
        sink += spin(iters / pairs, threads);
        if (touch_rank < 0 || touch_rank == rank)
            sink += touch(mib / pairs);
        exa_counters_stop(set);
    }

    json_t *report = exa_counters_report(set, MPI_COMM_WORLD);
    if (rank == 0 && (!json || strcmp(json, "-") != 0))
        exa_counters_print(stdout, report);   /* the human-readable table, as a benchmark prints it */
    if (rank == 0) {
        json_t *out = json_object();
        json_object_set_new(out, "counters", report ? report : json_null());
        json_object_set_new(out, "sink", json_real(sink));
        FILE *f = stdout;
        if (json && strcmp(json, "-") != 0 && !(f = fopen(json, "w")))
            exa_fatal(1, "can not write %s", json);
        if (json) {
            json_dumpf(out, f, JSON_INDENT(2));
            fputc('\n', f);
            if (f != stdout)
                fclose(f);
        }
        json_decref(out);
    }
    exa_counters_close(set);
    MPI_Finalize();
    return 0;
}
