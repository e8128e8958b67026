/* exa-fake: a stand-in benchmark for the harness tests (fault injection). It accepts any benchmark's
 * arguments, and behaves as --mode MODE (or EXA_FAKE_MODE) says:
 *   ok       writes a valid record, exit 0        verify   record with failed verification, exit 1
 *   exit1    exit 1, no record                    segv     dies of SIGSEGV (rank 0)
 *   hang     never ends (until killed)            garbage  binary junk on stdout and in --json FILE, exit 0
 *   half     half a JSON record, exit 0           usage    exit 2
 * --sleep S sleeps S seconds first. The record's metrics: "fake_gflops" (Gflop/s) and
 * "triad_bandwidth" (GB/s), whose value is EXA_FAKE_VALUE, or the VALUE that EXA_FAKE_VALUES
 * ("node1=100,node2=40") gives EXA_SCREEN_NODE, or 100; EXA_FAKE_MODES ("node2=segv") sets the mode
 * per node the same way. The record also keeps the launch facts the
 * harness passed (EXA_LAUNCHER, EXA_LAUNCH_COMMAND) and this program's argv. */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exa_record.h"
#include "exa_mpi.h"

/* The entry for this node (EXA_SCREEN_NODE) in a "node1=X,node2=Y" list, or NULL. */
static const char *for_node(const char *list, char *buf, size_t len)
{
    const char *node = getenv("EXA_SCREEN_NODE");
    if (!list || !node)
        return NULL;
    size_t n = strlen(node);
    for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (!strncmp(p, node, n) && p[n] == '=') {
            snprintf(buf, len, "%.*s", (int)strcspn(p + n + 1, ","), p + n + 1);
            return buf;
        }
    return NULL;
}

static double fake_value(void)
{
    const char *v = getenv("EXA_FAKE_VALUE");
    char buf[64];
    if (v)
        return atof(v);
    v = for_node(getenv("EXA_FAKE_VALUES"), buf, sizeof buf);
    return v ? atof(v) : 100;
}

int main(int argc, char **argv)
{
    static char mode_buf[64];
    const char *mode = getenv("EXA_FAKE_MODE") ? getenv("EXA_FAKE_MODE") : "ok";
    if (for_node(getenv("EXA_FAKE_MODES"), mode_buf, sizeof mode_buf))
        mode = mode_buf;
    const char *json = NULL;
    double sleep_s = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mode") && i + 1 < argc)
            mode = argv[++i];
        else if (!strcmp(argv[i], "--json") && i + 1 < argc)
            json = argv[++i];
        else if (!strcmp(argv[i], "--sleep") && i + 1 < argc)
            sleep_s = atof(argv[++i]);
    }
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (sleep_s > 0)
        usleep((useconds_t)(sleep_s * 1e6));
    printf("exa-fake: rank %d mode %s\n", rank, mode);
    fflush(stdout);
    if (!strcmp(mode, "usage")) {
        fprintf(stderr, "exa-fake: error: bad usage (asked for)\n");
        MPI_Finalize();
        return 2;
    }
    if (!strcmp(mode, "exit1")) {
        fprintf(stderr, "exa-fake: failing with exit 1 (asked for)\n");
        MPI_Finalize();
        return 1;
    }
    if (!strcmp(mode, "segv")) {
        MPI_Barrier(MPI_COMM_WORLD);
        if (rank == 0) {
            fprintf(stderr, "exa-fake: about to crash (asked for)\n");
            fflush(stderr);
            raise(SIGSEGV);
        }
        for (;;)
            pause();
    }
    if (!strcmp(mode, "hang")) {
        fprintf(stderr, "exa-fake: hanging (asked for)\n");
        fflush(stderr);
        for (;;)
            pause();
    }
    if (!strcmp(mode, "garbage")) {
        if (rank == 0) {
            unsigned char junk[256];
            for (int i = 0; i < 256; i++)
                junk[i] = (unsigned char)(i * 37 + 11);
            fwrite(junk, 1, sizeof junk, stdout);
            if (json) {
                FILE *f = fopen(json, "wb");
                if (f) {
                    fwrite(junk, 1, sizeof junk, f);
                    fclose(f);
                }
            }
        }
        MPI_Finalize();
        return 0;
    }
    json_t *rec = exa_record_new("fake", "cpu");
    double v = fake_value();
    double samples[3] = {v, v, v};
    exa_record_add_metric(rec, "fake_gflops", v, "Gflop/s", EXA_HIGHER_IS_BETTER, samples, 3);
    exa_record_add_metric(rec, "triad_bandwidth", v, "GB/s", EXA_HIGHER_IS_BETTER, samples, 3);
    json_t *args = json_array();
    for (int i = 0; i < argc; i++)
        json_array_append_new(args, json_string(argv[i]));
    json_object_set_new(exa_record_parameters(rec), "argv", args);
    int pass = strcmp(mode, "verify") != 0;
    exa_record_set_verification(rec, pass, "fake", pass ? 0.0 : 99.0, 16.0, "<");
    exa_record_set_launch(rec, MPI_COMM_WORLD, 1, argc, argv);
    json_object_set_new(rec, "provenance", json_object());
    int rc = pass ? 0 : 1;
    if (rank == 0 && json) {
        char err[EXA_ERR_LEN];
        if (!strcmp(mode, "half")) {
            char *text = json_dumps(rec, JSON_INDENT(2));
            FILE *f = fopen(json, "w");
            if (f) {
                fwrite(text, 1, strlen(text) / 2, f);
                fclose(f);
            }
            free(text);
        } else if (exa_record_write(rec, json, err) != 0) {
            fprintf(stderr, "exa-fake: %s\n", err);
            rc = 2;
        }
    }
    json_decref(rec);
    MPI_Finalize();
    return rc;
}
