/* Progress tracking and the --timeout watchdog.
 *
 * The benchmark thread says what it is doing (comm_progress_set: the step, the message size and the
 * peer it is waiting on) and bumps a counter as it goes (comm_progress_beat, once per timing batch
 * or message window). A helper thread wakes a few times per timeout period; when the counter has
 * not moved for --timeout seconds it prints who stopped and where, then calls MPI_Abort so that
 * the whole job ends instead of hanging.
 *
 * A rank blocked in point-to-point communication names the peer it waits on ("waiting on rank 1
 * (node07)"), which is what points at the culprit: the stalled rank itself may be unable to say
 * anything. A rank that is not communicating reports itself after a 1 s grace period, and ranks
 * inside a collective (which can not tell whom they wait on) after 3 s, so that the most telling
 * report comes first.
 *
 * MPI_Abort is the watchdog thread's only MPI call, made while the main thread may be inside MPI.
 * exa-comm initialises MPI_THREAD_SINGLE (asking for more slows Open MPI's small-message path), so
 * strictly this is outside the standard's promises; it is what ends a whole job portably, under
 * mpirun and srun alike, and Open MPI's abort path only talks to the runtime. If MPI_Abort ever
 * returns, _exit ends the rank, and the launcher ends the job when a rank exits non-zero. */
#include "comm.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "exa_cli.h"
#include "exa_mpi.h"

static struct {
    unsigned long beat;
    const char *what;
    size_t bytes;
    int peer;
} progress = {0, "starting", 0, COMM_PEER_NONE};

static pthread_t wd_thread;
static int wd_running;
static int wd_stop;
static const struct comm_ctx *wd_ctx;

void comm_progress_set(const char *what, size_t bytes, int peer)
{
    __atomic_store_n(&progress.what, what, __ATOMIC_RELAXED);
    __atomic_store_n(&progress.bytes, bytes, __ATOMIC_RELAXED);
    __atomic_store_n(&progress.peer, peer, __ATOMIC_RELAXED);
    __atomic_fetch_add(&progress.beat, 1, __ATOMIC_RELEASE);
}

void comm_progress_beat(void)
{
    __atomic_fetch_add(&progress.beat, 1, __ATOMIC_RELAXED);
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void nap(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static const char *host_of(int rank)
{
    const struct comm_ctx *c = wd_ctx;
    if (!c->hosts || rank < 0 || rank >= c->nranks)
        return "?";
    return c->hosts + (size_t)rank * EXA_HOST_LEN;
}

static void *watchdog_main(void *arg)
{
    const struct comm_ctx *c = arg;
    double timeout = c->opt.timeout;
    double step = timeout / 4 < 0.25 ? timeout / 4 : 0.25;
    unsigned long seen = __atomic_load_n(&progress.beat, __ATOMIC_ACQUIRE);
    double since = mono_now();

    while (!__atomic_load_n(&wd_stop, __ATOMIC_ACQUIRE)) {
        nap(step);
        unsigned long now_beat = __atomic_load_n(&progress.beat, __ATOMIC_ACQUIRE);
        double now = mono_now();
        if (now_beat != seen) {
            seen = now_beat;
            since = now;
            continue;
        }
        if (now - since < timeout)
            continue;

        /* Ranks waiting on a named peer report at once; a rank that is not communicating (the
         * likely culprit) after 1 s, ranks inside a collective (who can not tell whom they wait
         * on) after 3 s, so that the most telling message comes first. Progress during the grace
         * period cancels the report. */
        int peer = __atomic_load_n(&progress.peer, __ATOMIC_RELAXED);
        if (peer != COMM_PEER_ALL && peer < 0)
            nap(1.0);
        else if (peer == COMM_PEER_ALL)
            nap(3.0);
        if (__atomic_load_n(&progress.beat, __ATOMIC_ACQUIRE) != seen)
            continue;
        now = mono_now();
        peer = __atomic_load_n(&progress.peer, __ATOMIC_RELAXED);
        const char *what = __atomic_load_n(&progress.what, __ATOMIC_RELAXED);
        size_t bytes = __atomic_load_n(&progress.bytes, __ATOMIC_RELAXED);
        char where[512];
        snprintf(where, sizeof where, "rank %d (%s) made no progress for %.0f s in test %s (%s, %zu B)",
                 c->rank, host_of(c->rank), now - since, c->test->name, what, bytes);
        if (peer >= 0)
            fprintf(stderr, "%s: watchdog: %s: waiting on rank %d (%s), which stopped making progress\n",
                    exa_program_name, where, peer, host_of(peer));
        else if (peer == COMM_PEER_ALL)
            fprintf(stderr, "%s: watchdog: %s: inside a collective over all %d ranks, waiting on "
                            "one that stopped making progress\n", exa_program_name, where, c->nranks);
        else
            fprintf(stderr, "%s: watchdog: %s: this rank stopped outside communication\n",
                    exa_program_name, where);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, EXA_EXIT_FAILED);
        _exit(EXA_EXIT_FAILED);
    }
    return NULL;
}

int comm_watchdog_start(struct comm_ctx *c)
{
    if (c->opt.timeout <= 0)
        return 0;
    wd_ctx = c;
    wd_stop = 0;
    if (pthread_create(&wd_thread, NULL, watchdog_main, c) != 0)
        return -1;
    wd_running = 1;
    return 0;
}

void comm_watchdog_stop(void)
{
    if (!wd_running)
        return;
    __atomic_store_n(&wd_stop, 1, __ATOMIC_RELEASE);
    pthread_join(wd_thread, NULL);
    wd_running = 0;
}

void comm_maybe_stall(struct comm_ctx *c)
{
    if (c->stall_rank != c->rank)
        return;
    comm_progress_set("stalled by EXA_COMM_TEST_STALL_RANK", 0, COMM_PEER_NONE);
    for (;;)
        pause();
}
