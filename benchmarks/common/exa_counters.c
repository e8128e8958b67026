/* Counters and energy (exa_counters.h), the part both builds share: the model figures a benchmark
 * hands over, resetting and sizing a set. The module's map: exa_counters_set.c (opening and
 * counting), exa_counters_papi.c (the PAPI library), exa_counters_names.c (typos),
 * exa_counters_energy.c (energy sources), exa_counters_report.c (the record's "counters" object),
 * exa_counters_inventory.c (`exabench sysinfo --counters`), exa_counters_nopapi.c (PAPI=0), and
 * mpi/exa_counters_mpi.c (gathering every rank's counts for the report). */
#include "exa_counters_impl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "exa_cli.h"

#if EXA_HAVE_PAPI
#include <papi.h>
#endif

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void exa_counters_set_model(struct exa_counters *set, const char *quantity, double value)
{
    if (!set || !quantity)
        return;
    if (strcmp(quantity, "flops") == 0)
        set->model_flops = value;
    else if (strcmp(quantity, "bytes") == 0)
        set->model_bytes = value;
    else
        exa_warn("counters: unknown model quantity '%s' ignored (known: flops, bytes)", quantity);
}

void exa_counters_energy_efficiency(struct exa_counters *set, double gflops_per_s)
{
    if (set)
        set->gflops = gflops_per_s;
}

void exa_counters_reset(struct exa_counters *set)
{
    if (!set || set->running)
        return;
    set->seconds = 0;
    set->pairs = 0;
#if EXA_HAVE_PAPI
    for (int i = 0; i < set->nslots; i++)
        memset(set->slots[i].values, 0, sizeof set->slots[i].values);
    for (int z = 0; z < set->nzones; z++)
        set->zones[z].total = 0;
#endif
}

void exa_counters_set_threads(struct exa_counters *set, int threads)
{
    if (!set || threads < 0)
        return;
    set->threads = threads;
#if EXA_HAVE_PAPI
    int want = 2 * (threads > omp_get_max_threads() ? threads : omp_get_max_threads()) + 4;
    if (want > set->nslots) {
        struct thread_slot *more = realloc(set->slots, (size_t)want * sizeof *more);
        if (!more)
            exa_fatal(1, "out of memory for %d counter threads", threads);
        memset(more + set->nslots, 0, (size_t)(want - set->nslots) * sizeof *more);
        set->slots = more;
        set->nslots = want;
    }
#endif
}
