/* exa-comm's command line: parsing, defaults, the help text, and the checks that turn bad input
 * into a message and exit 2 on every rank (all ranks parse the same argv; checks that need facts
 * only some ranks know are agreed with a collective first, so no rank is left waiting). */
#include "comm.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "exa_cli.h"
#include "exa_mpi.h"

/* "host, cuda": the memory kinds -d accepts in this build. */
static const char *memory_kinds(void)
{
    static char list[256];
    const struct comm_mem *const *more = comm_get_backend()->mems;
    snprintf(list, sizeof list, "%s", comm_mem_host.name);
    for (size_t i = 0; more && more[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), ", %s", more[i]->name);
    return list;
}

static void usage(FILE *out)
{
    fprintf(out,
"Usage: %s TEST [OPTIONS]\n"
"\n"
"Interconnect microbenchmarks with OSU-style output, and an all-pairs sweep that finds slow links.\n"
"Run under MPI, e.g. `mpirun -n 2 %s latency`.\n"
"\n"
"Tests:\n", exa_program_name, exa_program_name);
    const struct comm_test *t;
    for (size_t i = 0; (t = comm_test_at(i)) != NULL; i++)
        fprintf(out, "  %-16s %s\n", t->name, t->description);
    fprintf(out,
"\n"
"Options:\n"
"  -m, --message-size MIN:MAX[:STEP]\n"
"                        message sizes in bytes; suffixes K, M, G are binary (1K = 1024);\n"
"                        STEP is xF (multiply, default x2: powers of two) or +N (add).\n"
"                        Defaults: 1:4M (latency, bw, bibw, mbw_mr), 1:1M (bcast, allgather,\n"
"                        alltoall), 4:1M (allreduce, reduce, reduce_scatter: whole floats),\n"
"                        8:1M (allpairs: latency at MIN, bandwidth at MAX)\n"
"  -x, --warmup N        warm-up iterations per size for messages up to 8 KiB (default: 100 for\n"
"                        latency and collectives, 10 for bandwidth tests, 10 for allpairs)\n"
"  -i, --iterations N    timed iterations per size for messages up to 8 KiB (default: 10000\n"
"                        latency, 100 bw/bibw/mbw_mr, 1000 collectives, 1000 allpairs).\n"
"                        Larger messages run fewer, as OSU does: N/10 for latency and\n"
"                        collectives, N/5 for bandwidth tests (at least 1); allpairs measures\n"
"                        bandwidth over N/50 windows (at least 2)\n"
"      --window W        messages in flight per iteration for bw, bibw, mbw_mr (default 64, as\n"
"                        OSU) and allpairs (default 16)\n"
"      --validate        fill every message with a pattern that depends on the iteration, the\n"
"                        sending rank and the byte index, and check every received byte;\n"
"                        any error fails the run (exit 1). Timings then include the checks\n"
"      --pair A,B        the two ranks of latency, bw and bibw (default 0,1)\n"
"      --timeout S       watchdog: when a rank makes no progress for S seconds, name the rank and\n"
"                        host it waits on and abort the job (default 300; 0 = off)\n"
"      --threshold PCT   allpairs: a pair is slow when more than PCT%% worse than the median of\n"
"                        its class (intra-node or inter-node) (default 20)\n"
"      --json-matrix WHEN  allpairs: the dense P x P matrix and per-pair statistics in the\n"
"                        record: auto (up to 64 ranks, the default), always or never; the\n"
"                        node-level summary is always written\n"
"      --matrix-file FILE  allpairs: also write the full matrix as float32 to FILE (a new\n"
"                        file); its shape and SHA-256 go into the record\n"
"  -d, --device KIND     where message buffers live: host (default), or cuda in builds with\n"
"                        CUDA=1 (GPU memory)\n"
"      --json FILE       write the result record to FILE (- for stdout)\n"
"      --papi EVENTS     comma-separated PAPI events counted around the timed loops\n"
"  -h, --help            this text\n"
"  -V, --version         version and build\n"
"\n"
"Output: OSU's columns: `# Size  Latency (us)` for latency; `# Size  Bandwidth (MB/s)` for bw and\n"
"bibw; `# Size  MB/s  Messages/s` for mbw_mr; `# Size  Avg Latency(us)  Min Latency(us)\n"
"Max Latency(us)  Iterations` for collectives. MB/s is 10^6 bytes per second, as in OSU; the JSON\n"
"record uses GB/s (10^9). With --validate a `Validation` column says Pass or Fail.\n"
"\n"
"Exit status: 0 success, 1 validation failed or the watchdog ended the job, 2 bad usage or input.\n");
}

static void parse_pair(const char *text, struct comm_opts *o)
{
    char err[EXA_ERR_LEN], a[64], b[64];
    long x, y;
    const char *comma = strchr(text, ',');
    if (!comma || (size_t)(comma - text) >= sizeof a || strlen(comma + 1) >= sizeof b)
        exa_usage_error("--pair '%s': expected two ranks A,B", text);
    memcpy(a, text, (size_t)(comma - text));
    a[comma - text] = 0;
    strcpy(b, comma + 1);
    if (exa_parse_long(a, 0, INT_MAX, &x, err) || exa_parse_long(b, 0, INT_MAX, &y, err))
        exa_usage_error("--pair '%s': %s", text, err);
    if (x == y)
        exa_usage_error("--pair '%s': the two ranks must differ", text);
    o->pair[0] = (int)x;
    o->pair[1] = (int)y;
    o->pair_given = 1;
}

static int threshold_given;

static const struct option longopts[] = {
    {"message-size", required_argument, 0, 'm'},
    {"warmup", required_argument, 0, 'x'},
    {"iterations", required_argument, 0, 'i'},
    {"window", required_argument, 0, 'w'},
    {"validate", no_argument, 0, 'c'},
    {"pair", required_argument, 0, 'p'},
    {"timeout", required_argument, 0, 't'},
    {"threshold", required_argument, 0, 'T'},
    {"json-matrix", required_argument, 0, 'M'},
    {"matrix-file", required_argument, 0, 'F'},
    {"device", required_argument, 0, 'd'},
    {"json", required_argument, 0, 'j'},
    {"papi", required_argument, 0, 'P'},
    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, 'V'},
    {0, 0, 0, 0},
};

/* The options' values before the command line: OSU's window, pair 0,1, a 300 s watchdog. */
static void set_defaults(struct comm_opts *o)
{
    memset(o, 0, sizeof *o);
    o->iters = o->warmup = -1;
    o->window = 64;
    o->window_given = 0;
    o->pair[0] = 0;
    o->pair[1] = 1;
    o->timeout = 300;
    o->threshold = 20;
    o->json_matrix = -1;
    o->device = "host";
}

void comm_options_parse(int argc, char **argv, struct comm_opts *o, const struct comm_test **test)
{
    char err[EXA_ERR_LEN];
    const char *range_text = NULL;
    int help = 0, version = 0, ch;
    const char *matrix_opt = NULL;

    set_defaults(o);
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":m:x:i:d:hV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'm':
            range_text = optarg;
            if (exa_parse_range(optarg, &o->range, err))
                exa_usage_error("-m '%s': %s", optarg, err);
            o->range_given = 1;
            break;
        case 'x':
            if (exa_parse_long(optarg, 0, 100000000L, &o->warmup, err))
                exa_usage_error("-x '%s': %s", optarg, err);
            break;
        case 'i':
            if (exa_parse_long(optarg, 1, 1000000000L, &o->iters, err))
                exa_usage_error("-i '%s': %s", optarg, err);
            break;
        case 'w':
            if (exa_parse_long(optarg, 1, 65536, &o->window, err))
                exa_usage_error("--window '%s': %s", optarg, err);
            o->window_given = 1;
            break;
        case 'c': o->validate = 1; break;
        case 'p': parse_pair(optarg, o); break;
        case 't':
            if (exa_parse_double(optarg, 0, 1e7, &o->timeout, err))
                exa_usage_error("--timeout '%s': %s", optarg, err);
            break;
        case 'T':
            if (exa_parse_double(optarg, 0, 1e6, &o->threshold, err))
                exa_usage_error("--threshold '%s': %s", optarg, err);
            threshold_given = 1;
            break;
        case 'M':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                exa_usage_error("--json-matrix '%s': expected auto, always or never", optarg);
            o->json_matrix = !strcmp(optarg, "auto") ? -1 : !strcmp(optarg, "always");
            matrix_opt = "--json-matrix";
            break;
        case 'F':
            if (access(optarg, F_OK) == 0)
                exa_usage_error("--matrix-file '%s': the file exists (results are never overwritten)", optarg);
            o->matrix_file = optarg;
            matrix_opt = "--matrix-file";
            break;
        case 'd':
            if (!comm_mem_find(optarg))
                exa_usage_error("-d '%s': unknown or not built; this build has: %s", optarg,
                                memory_kinds());
            o->device = optarg;
            break;
        case 'j': o->json = optarg; break;
        case 'P': o->papi = optarg; break;
        case 'h': help = 1; break;
        case 'V': version = 1; break;
        case ':': exa_usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt)
                exa_usage_error("unknown option '-%c'", optopt);
            exa_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (help || version) {
        if (exa_world_rank() == 0) {
            if (help)
                usage(stdout);
            else
                exa_print_version();
            fflush(stdout);
        }
        int inited = 0;
        MPI_Initialized(&inited);
        if (inited)
            MPI_Finalize();
        exit(EXA_EXIT_OK);
    }
    if (optind >= argc)
        exa_usage_error("missing TEST (one of the names listed by --help)");
    if (optind + 1 < argc)
        exa_usage_error("unexpected argument '%s' after TEST '%s'", argv[optind + 1], argv[optind]);
    o->test_name = argv[optind];
    *test = comm_test_find(o->test_name);
    if (!*test)
        exa_usage_error("unknown TEST '%s' (see --help for the list)", o->test_name);
    if (!o->range_given && !(*test)->has_sizes) {
        o->range.min = o->range.max = 0;
        o->range.multiply = 1;
        o->range.step = 2;
    } else if (!o->range_given) {
        if (exa_parse_range((*test)->default_range, &o->range, err))
            exa_fatal(EXA_EXIT_USAGE, "internal: default range '%s': %s", (*test)->default_range, err);
    } else if (!(*test)->has_sizes) {
        exa_usage_error("-m '%s': test %s has no message size", range_text, (*test)->name);
    }
    /* allpairs: 16 messages of up to 1 MiB in flight fill a link; a smaller window than OSU's 64
     * buys more timing samples for the same run time */
    if (!o->window_given && (*test)->kind == COMM_MATRIX)
        o->window = 16;
    if (o->window_given && !(*test)->uses_window)
        exa_usage_error("--window applies to bw, bibw, mbw_mr and allpairs, not %s", (*test)->name);
    if (matrix_opt && (*test)->kind != COMM_MATRIX)
        exa_usage_error("%s applies to allpairs, not %s", matrix_opt, (*test)->name);
    if (threshold_given && (*test)->kind != COMM_MATRIX)
        exa_usage_error("--threshold applies to allpairs, not %s", (*test)->name);
    if (o->pair_given && !(*test)->uses_pair)
        exa_usage_error("--pair applies to latency, bw and bibw, not %s", (*test)->name);
    if (o->json)
        exa_check_json_path(o->json);
}

size_t comm_sizes(const struct comm_test *t, const struct exa_range *r, size_t *out, size_t cap)
{
    size_t n = exa_range_values(r, NULL, 0), kept = 0, last = 0;
    uint64_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return 0;
    exa_range_values(r, v, n);
    for (size_t i = 0; i < n; i++) {
        size_t s = (size_t)(v[i] - v[i] % t->elem);
        if (s == 0 || (kept > 0 && s == last))
            continue;
        if (kept < cap)
            out[kept] = s;
        kept++;
        last = s;
    }
    free(v);
    return kept;
}

void comm_loop_counts(const struct comm_test *t, const struct comm_opts *o, size_t bytes, long *iters,
                      long *warmup)
{
    int large = bytes > COMM_LARGE_MESSAGE;
    long i = o->iters > 0 ? o->iters : t->iters_small;
    long w = o->warmup >= 0 ? o->warmup : t->warmup_small;
    if (large) {
        i = i * t->iters_large / t->iters_small;
        w = t->warmup_small ? w * t->warmup_large / t->warmup_small : w;
        if (i < 1)
            i = 1;
    }
    *iters = i;
    *warmup = w;
}

long comm_batch(long iters)
{
    return (iters + COMM_MAX_SAMPLES - 1) / COMM_MAX_SAMPLES;
}

static double mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    double kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    if (kb > 0)
        return kb * 1024;
    return (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
}

void comm_options_check(struct comm_ctx *c, int argc, char **argv)
{
    const struct comm_test *t = c->test;
    const struct comm_opts *o = &c->opt;
    char a[32];
    (void)argc;
    (void)argv;
    if (c->nranks < 2)
        exa_usage_error("test %s needs at least 2 ranks; this job has %d (run it under mpirun -n 2 "
                        "or more)", t->name, c->nranks);
    if (c->nranks < t->min_ranks)
        exa_usage_error("test %s needs at least %d ranks; this job has %d", t->name, t->min_ranks,
                        c->nranks);
    if (t->even_ranks && c->nranks % 2)
        exa_usage_error("test %s pairs every rank with another: it needs an even number of ranks; "
                        "this job has %d", t->name, c->nranks);
    for (int k = 0; k < 2; k++)
        if (o->pair[k] >= c->nranks)
            exa_usage_error("--pair %d,%d: rank %d is outside the communicator (ranks 0..%d)",
                            o->pair[0], o->pair[1], o->pair[k], c->nranks - 1);
    if (!t->has_sizes)
        return;
    if (o->range.max > (uint64_t)INT_MAX) {
        exa_format_size(o->range.max, a, sizeof a);
        exa_usage_error("-m: size %s is over the largest MPI message this test can send (%d bytes)",
                        a, INT_MAX);
    }
    size_t n = comm_sizes(t, &o->range, NULL, 0);
    if (n == 0) {
        exa_format_size(o->range.max, a, sizeof a);
        exa_usage_error("-m: the range (up to %s) holds no size test %s can send: its messages are "
                        "whole %zu-byte elements, at least one", a, t->name, t->elem);
    }
    /* Memory: the largest size's buffers, per rank, against what this node has available. */
    size_t *sizes = malloc(n * sizeof *sizes), send = 0, recv = 0;
    if (!sizes)
        exa_fatal(EXA_EXIT_FAILED, "out of memory");
    comm_sizes(t, &o->range, sizes, n);
    t->buffer_bytes(c, sizes[n - 1], &send, &recv);
    int nodes, node_index, on_node;
    exa_mpi_node_layout(c->comm, &nodes, &node_index, &on_node, NULL);
    double need = ((double)send + (double)recv) * on_node, avail = mem_available();
    int over = exa_mpi_any(c->comm, need > 0.9 * avail);
    if (over) {
        exa_format_size(sizes[n - 1], a, sizeof a);
        exa_usage_error("-m: the largest size, %s, needs %.3g GiB of buffers on this node (%d ranks "
                        "x %.3g GiB) for test %s, more than the %.3g GiB available",
                        a, need / 1073741824.0, on_node, (need / on_node) / 1073741824.0, t->name,
                        avail / 1073741824.0);
    }
    free(sizes);
}
