/* Counters: a counter set around a benchmark's timed region (--papi EVENTS). PAPI=1 builds only.
 *
 * Opening a set resolves every name (unknown: usage error with suggestions), then tries each event
 * on this thread: alone, then together with the events of its component already accepted. What
 * fails is kept as unavailable with PAPI's reason; what passes is counted. Events are grouped into
 * one PAPI event set per component (PAPI requires it). perf_event groups are counted on every
 * thread of the OpenMP team (per-thread event sets created on first start, kept until close);
 * other components (uncore, rapl, powercap, nvml) measure a node or device and are counted on the
 * calling thread only. Energy sources (exa_counters_energy.c) are added to every set.
 * docs/counters.md describes the record fields. */
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

#if EXA_HAVE_PAPI

/* ---- opening a set ---- */

static int find_group(struct exa_counters *set, int cid)
{
    for (int g = 0; g < set->ngroups; g++)
        if (set->groups[g].cid == cid)
            return g;
    return -1;
}

/* Accepts event e into its component's group if it counts alone and with the group's events. */
static void place_event(struct exa_counters *set, int e)
{
    struct event *ev = &set->ev[e];
    int cid = PAPI_get_event_component(ev->code);
    char why[REASON_LEN];
    ev->group = -1;
    component_name(cid, ev->component, sizeof ev->component);
    if ((ev->code & PAPI_PRESET_MASK) && PAPI_query_event(ev->code) != PAPI_OK) {
        snprintf(ev->reason, sizeof ev->reason,
                 "preset not available on this machine (PAPI_query_event: %s)",
                 PAPI_strerror(PAPI_query_event(ev->code)));
        return;
    }
    if (try_events(&ev->code, 1, why, sizeof why) != 0) {
        snprintf(ev->reason, sizeof ev->reason, "%s", why);
        return;
    }
    if (cid < 0)
        cid = 0;
    int g = find_group(set, cid);
    if (g >= 0) {
        struct group *gr = &set->groups[g];
        int codes[MAX_EVENTS];
        for (int i = 0; i < gr->n; i++)
            codes[i] = set->ev[gr->events[i]].code;
        codes[gr->n] = ev->code;
        if (try_events(codes, gr->n + 1, why, sizeof why) != 0) {
            char first[NAME_LEN];
            snprintf(first, sizeof first, "%s", set->ev[gr->events[0]].name);
            snprintf(ev->reason, sizeof ev->reason,
                     "can not be counted together with %s in one PAPI event set (%s); count it "
                     "in a separate run",
                     first, why);
            return;
        }
    } else {
        if (set->ngroups == MAX_GROUPS) {
            snprintf(ev->reason, sizeof ev->reason, "too many PAPI components in one set");
            return;
        }
        g = set->ngroups++;
        set->groups[g].cid = cid;
        set->groups[g].n = 0;
        set->groups[g].per_thread = strcmp(ev->component, "perf_event") == 0;
    }
    ev->group = g;
    ev->slot = set->groups[g].n;
    set->groups[g].events[set->groups[g].n++] = e;
}

static void add_energy_source(void *ctx, int cid, const char *component, int code,
                              const char *symbol, double scale)
{
    struct exa_counters *set = ctx;
    for (int e = 0; e < set->nevents; e++)
        if (set->ev[e].code == code) {    /* listed by the user too: use that entry */
            set->ev[e].energy = 1;
            set->ev[e].joules_per_unit = scale;
            return;
        }
    if (set->nevents == MAX_EVENTS)
        return;
    struct event *ev = &set->ev[set->nevents];
    memset(ev, 0, sizeof *ev);
    snprintf(ev->name, sizeof ev->name, "%s", symbol);
    ev->energy = 1;
    ev->joules_per_unit = scale;
    ev->code = code;
    (void)cid;
    (void)component;
    place_event(set, set->nevents);
    if (ev->group < 0) {
        ctr_append(set->energy_reason, sizeof set->energy_reason, "%s%s: ",
               *set->energy_reason ? "; " : "", ev->name);
        ctr_append(set->energy_reason, sizeof set->energy_reason, "%s%s", ev->reason, "");
        return;    /* not kept */
    }
    set->nevents++;
}

struct exa_counters *new_set(void)
{
    struct exa_counters *set = calloc(1, sizeof *set);
    if (!set)
        exa_fatal(1, "out of memory opening the counter set");
    set->model_flops = set->model_bytes = set->gflops = NAN;
    return set;
}

struct exa_counters *exa_counters_open(const char *event_list)
{
    if (!event_list)
        return NULL;
    const char *p = event_list;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0')
        return NULL;

    static char names[MAX_LISTED][NAME_LEN];
    int n = split_list(event_list, names, MAX_LISTED);
    struct exa_counters *set = new_set();

    if (papi_ready() != 0) {
        /* PAPI unusable here: nothing can be resolved, nothing is fatal */
        for (int i = 0; i < n; i++) {
            if (strcmp(names[i], "energy") == 0)
                continue;
            struct event *ev = &set->ev[set->nevents++];
            snprintf(ev->name, sizeof ev->name, "%s", names[i]);
            ev->listed = 1;
            ev->group = -1;
            snprintf(ev->reason, sizeof ev->reason, "%s", papi_error);
        }
        snprintf(set->energy_reason, sizeof set->energy_reason, "%s", papi_error);
    } else {
        char unknown[4096] = "";
        for (int i = 0; i < n; i++) {
            int code = 0;
            if (strcmp(names[i], "energy") == 0)
                continue;
            int ret = PAPI_event_name_to_code(names[i], &code);
            const PAPI_component_info_t *owner = ret == PAPI_OK ? NULL : disabled_owner(names[i]);
            if (owner) {
                struct event *ev = &set->ev[set->nevents++];
                snprintf(ev->name, sizeof ev->name, "%s", names[i]);
                snprintf(ev->component, sizeof ev->component, "%s", owner->name);
                snprintf(ev->reason, sizeof ev->reason, "component %s is disabled: %s", owner->name,
                         owner->disabled_reason);
                ev->listed = 1;
                ev->code = PAPI_NULL;
                ev->group = -1;
                continue;
            }
            if (ret != PAPI_OK) {
                char near[1024];
                exa_counters_suggest(names[i], 5, near, sizeof near);
                size_t used = strlen(unknown);
                snprintf(unknown + used, sizeof unknown - used,
                         "%sunknown event '%s' (closest known: %s)", used ? "; " : "", names[i],
                         *near ? near : "none");
                continue;
            }
            struct event *ev = &set->ev[set->nevents++];
            snprintf(ev->name, sizeof ev->name, "%s", names[i]);
            ev->listed = 1;
            ev->code = code;
        }
        if (*unknown) {
            free(set);
            exa_usage_error("--papi: %s. 'exabench sysinfo --counters' and papi_avail / "
                            "papi_native_avail list the events of this machine",
                            unknown);
        }
        for (int e = 0; e < set->nevents; e++)
            if (set->ev[e].code != PAPI_NULL)
                place_event(set, e);
        each_energy_event(add_energy_source, set, set->energy_reason + strlen(set->energy_reason),
                          sizeof set->energy_reason - strlen(set->energy_reason));
        int cpu_energy = 0;
        for (int e = 0; e < set->nevents; e++)
            if (set->ev[e].energy && strcmp(set->ev[e].component, "nvml") != 0)
                cpu_energy = 1;
        if (!cpu_energy)
            add_sysfs_zones(set);
    }

    set->nslots = 2 * omp_get_max_threads() + 4;
    set->slots = calloc((size_t)set->nslots, sizeof *set->slots);
    if (!set->slots)
        exa_fatal(1, "out of memory opening the counter set");
    return set;
}

/* ---- counting ---- */

static void note_warning(struct exa_counters *set, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note_warning(struct exa_counters *set, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
#pragma omp critical(exa_counters_warn)
    if (set->warning[0] == '\0')
        vsnprintf(set->warning, sizeof set->warning, fmt, ap);
    va_end(ap);
}

/* This thread's slot; with claim, takes a free one when it has none. */
static struct thread_slot *thread_slot(struct exa_counters *set, int claim)
{
    pthread_t self = pthread_self();
    struct thread_slot *found = NULL;
#pragma omp critical(exa_counters_slots)
    {
        for (int i = 0; i < set->nslots && !found; i++)
            if (set->slots[i].used && pthread_equal(set->slots[i].owner, self))
                found = &set->slots[i];
        for (int i = 0; i < set->nslots && !found && claim; i++)
            if (!set->slots[i].used) {
                found = &set->slots[i];
                found->used = 1;
                found->owner = self;
                for (int g = 0; g < MAX_GROUPS; g++)
                    found->eventsets[g] = PAPI_NULL;
            }
    }
    return found;
}

static void fail_group(struct exa_counters *set, int g, const char *what, int ret)
{
    char why[REASON_LEN];
    snprintf(why, sizeof why, "%s: %s", what, PAPI_strerror(ret));
#pragma omp critical(exa_counters_warn)
    for (int i = 0; i < set->groups[g].n; i++) {
        struct event *ev = &set->ev[set->groups[g].events[i]];
        if (!ev->failed) {
            ev->failed = 1;
            snprintf(ev->reason, sizeof ev->reason, "%s", why);
        }
    }
}

static void start_thread(struct exa_counters *set, struct thread_slot *s, int caller)
{
    for (int g = 0; g < set->ngroups; g++) {
        struct group *gr = &set->groups[g];
        if (!gr->per_thread && !caller)
            continue;
        int ret = PAPI_OK;
        if (s->eventsets[g] == PAPI_NULL) {
            PAPI_register_thread();
            ret = PAPI_create_eventset(&s->eventsets[g]);
            for (int i = 0; i < gr->n && ret == PAPI_OK; i++)
                ret = PAPI_add_event(s->eventsets[g], set->ev[gr->events[i]].code);
            if (ret != PAPI_OK) {
                fail_group(set, g, "PAPI_add_event", ret);
                if (s->eventsets[g] != PAPI_NULL) {
                    PAPI_cleanup_eventset(s->eventsets[g]);
                    PAPI_destroy_eventset(&s->eventsets[g]);
                }
                s->eventsets[g] = -2;    /* never again */
                continue;
            }
        }
        if (s->eventsets[g] < 0)
            continue;
        ret = PAPI_start(s->eventsets[g]);
        if (ret != PAPI_OK)
            fail_group(set, g, "PAPI_start", ret);
        else
            s->running[g] = 1;
    }
}

static void stop_thread(struct exa_counters *set, struct thread_slot *s)
{
    for (int g = 0; g < set->ngroups; g++) {
        if (!s->running[g])
            continue;
        long long values[MAX_EVENTS];
        int ret = PAPI_stop(s->eventsets[g], values);
        s->running[g] = 0;
        if (ret != PAPI_OK) {
            fail_group(set, g, "PAPI_stop", ret);
            continue;
        }
        for (int i = 0; i < set->groups[g].n; i++)
            s->values[set->groups[g].events[i]] += values[i];
    }
}

void exa_counters_start(struct exa_counters *set)
{
    if (!set || set->running)
        return;
    if (set->ngroups > 0) {
        if (omp_in_parallel())
            note_warning(set, "%s%s", "exa_counters_start called inside a parallel region: ",
                         "only the threads of a nested team were counted");
        int team = 1;
        set->running_team = set->threads > 0 ? set->threads : omp_get_max_threads();
#pragma omp parallel num_threads(set->running_team)
        {
            struct thread_slot *s = thread_slot(set, 1);
            if (omp_get_thread_num() == 0)
                team = omp_get_num_threads();
            if (s)
                start_thread(set, s, omp_get_thread_num() == 0);
            else {
#pragma omp atomic
                set->lost_threads++;
            }
        }
        if (team > set->team)
            set->team = team;
    }
    read_zones(set, 0);
    set->running = 1;
    set->t0 = now_seconds();
}

void exa_counters_stop(struct exa_counters *set)
{
    if (!set || !set->running)
        return;
    set->seconds += now_seconds() - set->t0;
    read_zones(set, 1);
    set->pairs++;
    set->running = 0;
    if (set->ngroups == 0)
        return;
#pragma omp parallel num_threads(set->running_team)
    {
        struct thread_slot *s = thread_slot(set, 0);
        if (s)
            stop_thread(set, s);
    }
    for (int i = 0; i < set->nslots; i++)
        for (int g = 0; g < set->ngroups; g++)
            if (set->slots[i].running[g])
                note_warning(set, "%s%s", "a thread that started counting was not in the team ",
                             "that stopped it: its counts are missing");
}

void exa_counters_close(struct exa_counters *set)
{
    if (!set)
        return;
    if (set->ngroups > 0) {
#pragma omp parallel num_threads(set->team > 0 ? set->team : 1)
        {
            struct thread_slot *s = thread_slot(set, 0);
            if (s)
                for (int g = 0; g < set->ngroups; g++) {
                    if (s->running[g]) {
                        long long values[MAX_EVENTS];
                        PAPI_stop(s->eventsets[g], values);
                    }
                    if (s->eventsets[g] >= 0) {
                        PAPI_cleanup_eventset(s->eventsets[g]);
                        PAPI_destroy_eventset(&s->eventsets[g]);
                    }
                }
        }
    }
    free(set->slots);
    free(set);
}

/* Per-rank state for the report: the event's count on this rank, or -1 when unavailable. */
int event_available(const struct event *ev)
{
    return (ev->group >= 0 || ev->zone > 0) && !ev->failed;
}

long long event_total(const struct exa_counters *set, int e)
{
    if (set->ev[e].zone > 0)
        return (long long)set->zones[set->ev[e].zone - 1].total;
    long long total = 0;
    for (int i = 0; i < set->nslots; i++)
        if (set->slots[i].used)
            total += set->slots[i].values[e];
    return total;
}

#endif /* EXA_HAVE_PAPI */
