/* exa-stream's command line. Every rank parses the same argv; errors exit 2 on all ranks with a
 * message (from rank 0) that names the option and the value. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_parse.h"
#include "stream.h"

static void print_help(const struct stream_backend *backend)
{
    if (exa_world_rank() != 0)
        return;
    printf(
"Usage: mpirun [MPI OPTIONS] %s [OPTIONS]\n"
"\n"
"STREAM memory bandwidth benchmark: the Copy, Scale, Add and Triad kernels of McCalpin's STREAM\n"
"plus Dot (a reduction, as in BabelStream), in every MPI rank, here with the %s back end\n"
"(exa-stream: OpenMP threads on the CPU; exa-stream-cuda: the rank's GPU). Each rank owns\n"
"three arrays a, b, c of N doubles; one iteration runs\n"
"    Copy  c = a           Scale b = s*c           Add   c = a + b\n"
"    Triad a = b + s*c     Dot   sum(a*b)          (s = %g)\n"
"NTIMES times. All ranks meet at a barrier before every kernel, and a kernel's aggregate rate is\n"
"the bytes all ranks move divided by the slowest rank's time. The first iteration is a warm-up\n"
"and is left out of the statistics. The final arrays are checked against their analytic values.\n"
"\n"
"Options:\n"
"  -s, --size N          elements per array per rank (suffixes K, M, G = 2^10, 2^20, 2^30;\n"
"                        KB, MB, GB = 10^3, 10^6, 10^9). Default: enough for each array to be\n"
"                        4 times the node's last-level cache(s), as STREAM's run rules require\n"
"                        (read from /sys/devices/system/cpu/cpu*/cache); 10000000 if unknown.\n"
"  -n, --ntimes N        iterations, %d..%d (default 20); the first one is not counted.\n"
"  -t, --threads N       OpenMP: threads per rank (default: OMP_NUM_THREADS, else all cores);\n"
"                        CUDA: threads per block.\n"
"      --stores KIND     store instructions of the kernels that write an array:\n"
"                        'nontemporal' (default): streaming stores, no read-for-ownership;\n"
"                        'temporal': ordinary cached stores, as compiled STREAM usually gets.\n"
"      --json FILE       write the result record (JSON, see docs/results.md) to FILE; '-' for\n"
"                        standard output (the table then goes to standard error).\n"
"      --papi EVENTS     count these PAPI events (comma-separated) over the timed iterations.\n"
"      --memcpy          diagnostic: time the C library's memcpy (each thread copying its part\n"
"                        of a to c) instead of the five kernels; used by `make bench`.\n"
"  -h, --help            print this help and exit.\n"
"  -V, --version         print the version and exit.\n"
"\n"
"Output: a table in McCalpin's layout (Function, Best Rate GB/s, Avg time, Min time, Max time;\n"
"GB = 10^9 bytes), the slowest and fastest rank's own Triad rate, run-rule warnings as lines\n"
"starting with NON-COMPLIANT, and a last line PASSED or FAILED.\n"
"\n"
"Run rules (after McCalpin): each array at least 4x the last-level cache, and every kernel time\n"
"at least 20 ticks of the timer. A run that breaks one is reported and recorded as\n"
"non-compliant; its numbers are still printed.\n"
"\n"
"Exit status: 0 verified run, 1 verification failed (the record is still written, marked\n"
"invalid), 2 bad usage or input.\n"
"\n"
"Environment: OMP_NUM_THREADS, OMP_PROC_BIND, OMP_PLACES as usual. EXA_PEAK_MEM_BW_GBS: the\n"
"node's peak memory bandwidth (GB/s), recorded as each rate's expected value.\n"
"EXA_STREAM_TEST_CORRUPT=1 is for exabench's own tests only: it corrupts one element of array a\n"
"before verification, which must then fail.\n"
"\n"
"Examples:\n"
"  mpirun -n 2 %s --threads 1                 one rank per core, default array size\n"
"  OMP_PROC_BIND=spread %s --size 80M --ntimes 50 --json stream.json\n",
        exa_program_name, backend->model, STREAM_SCALAR, 2, STREAM_MAX_NTIMES, exa_program_name, exa_program_name);
}

enum { OPT_JSON = 256, OPT_PAPI, OPT_STORES, OPT_MEMCPY };

void stream_parse_options(int argc, char **argv, const struct stream_backend *backend,
                          struct stream_options *opt)
{
    static const struct option longopts[] = {
        {"size", required_argument, NULL, 's'},
        {"ntimes", required_argument, NULL, 'n'},
        {"threads", required_argument, NULL, 't'},
        {"stores", required_argument, NULL, OPT_STORES},
        {"json", required_argument, NULL, OPT_JSON},
        {"papi", required_argument, NULL, OPT_PAPI},
        {"memcpy", no_argument, NULL, OPT_MEMCPY},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    memset(opt, 0, sizeof *opt);
    opt->ntimes = 20;
    opt->stores = STREAM_STORES_NONTEMPORAL;

    char err[EXA_ERR_LEN];
    uint64_t v;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":s:n:t:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            /* 3 arrays of N doubles must fit a size_t byte count. */
            if (exa_parse_count(optarg, 1, (uint64_t)(SIZE_MAX / (3 * sizeof(double))), &v, err))
                exa_usage_error("invalid --size '%s': %s", optarg, err);
            opt->n = v;
            break;
        case 'n':
            if (exa_parse_count(optarg, 2, STREAM_MAX_NTIMES, &v, err))
                exa_usage_error("invalid --ntimes '%s': %s (at least 2: the first iteration is "
                                "not counted)", optarg, err);
            opt->ntimes = (int)v;
            break;
        case 't':
            if (exa_parse_count(optarg, 1, 4096, &v, err))
                exa_usage_error("invalid --threads '%s': %s", optarg, err);
            opt->threads = (int)v;
            break;
        case OPT_STORES:
            if (!strcmp(optarg, "nontemporal") || !strcmp(optarg, "nt"))
                opt->stores = STREAM_STORES_NONTEMPORAL;
            else if (!strcmp(optarg, "temporal"))
                opt->stores = STREAM_STORES_TEMPORAL;
            else
                exa_usage_error("invalid --stores '%s': expected 'temporal' or 'nontemporal'",
                                optarg);
            break;
        case OPT_JSON:
            opt->json = optarg;
            break;
        case OPT_PAPI:
            opt->papi = optarg;
            break;
        case OPT_MEMCPY:
            opt->library_copy = 1;
            break;
        case 'h':
            print_help(backend);
            MPI_Finalize();
            exit(EXA_EXIT_OK);
        case 'V':
            if (exa_world_rank() == 0)
                exa_print_version();
            MPI_Finalize();
            exit(EXA_EXIT_OK);
        case ':':
            exa_usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            exa_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        exa_usage_error("unexpected argument '%s'", argv[optind]);
    exa_check_json_path(opt->json);
}
