/* Private to the counters module (exa_counters*.c, mpi/exa_counters_mpi.c and their tests): the
 * set's layout and the helpers its files share. Not for benchmark code, which uses exa_counters.h. */
#ifndef EXA_COUNTERS_IMPL_H
#define EXA_COUNTERS_IMPL_H

#include <stddef.h>

#include "exa_counters.h"

#ifndef EXA_HAVE_PAPI
#define EXA_HAVE_PAPI 0
#endif

#define MAX_EVENTS 64        /* events in one set, energy sources included */
#define MAX_LISTED 48        /* events a user may list */
#define MAX_GROUPS 16        /* components in one set */
#define NAME_LEN 256
#define REASON_LEN 256
#define COMPONENT_LEN 64
#define NO_PAPI_REASON "this build has no PAPI support (built with PAPI=0)"

struct event {
    char name[NAME_LEN];       /* as the user wrote it, or PAPI's name for an energy source */
    int listed;                /* named in --papi: reported under "events" */
    int energy;                /* an energy source: reported under "energy" */
    double joules_per_unit;    /* energy sources: scale of the raw count */
    int code;                  /* PAPI event code */
    char component[COMPONENT_LEN];
    int group;                 /* index into groups; -1: unavailable (reason says why) */
    int slot;                  /* position in the group's event set */
    int failed;                /* a start or stop failed at run time (reason says why) */
    int zone;                  /* 1 + index into zones for a sysfs powercap source; 0: none */
    char reason[REASON_LEN];
};

struct group {
    int cid;                   /* PAPI component index */
    int per_thread;            /* counted on every OpenMP thread (perf_event) or the caller only */
    int n;
    int events[MAX_EVENTS];    /* indices into ev, in event-set order */
};

/* One OS thread's event sets (one per group) and what they counted. */
struct thread_slot {
    pthread_t owner;
    int used;
    int eventsets[MAX_GROUPS];
    int running[MAX_GROUPS];
    long long values[MAX_EVENTS];
};

/* A powercap zone read straight from sysfs (see add_sysfs_zones). */
struct sysfs_zone {
    char path[512];            /* .../energy_uj */
    unsigned long long range;  /* max_energy_range_uj: the counter wraps there */
    unsigned long long start;
    unsigned long long total;  /* microjoules over the counted regions */
};

#define MAX_ZONES 16

struct exa_counters {
    int nevents;
    struct event ev[MAX_EVENTS];
    int ngroups;
    struct group groups[MAX_GROUPS];
    int nslots;
    struct thread_slot *slots;
    int running;
    double t0, seconds;
    long pairs;                /* completed start/stop pairs */
    int team;                  /* largest team that counted */
    int threads;               /* team size to count (exa_counters_set_threads); 0: default */
    int running_team;          /* team size of the running start */
    int lost_threads;          /* threads that found no free slot */
    double model_flops, model_bytes, gflops;   /* NAN: not given */
    char energy_reason[1024];  /* why there is no energy source */
    char warning[REASON_LEN];  /* first run-time problem */
    int nzones;
    struct sysfs_zone zones[MAX_ZONES];
};

#define CTR_HOST_LEN 256     /* a gathered host name, as MPI_MAX_PROCESSOR_NAME in Open MPI */

/* What rank 0 gathered from every rank for the report. */
struct gathered {
    int size;
    int nevents;
    long long *values;     /* size x nevents */
    int *avail;            /* size x nevents */
    char *reasons;         /* size x nevents x REASON_LEN */
    double *seconds;       /* size */
    char *hosts;           /* size x CTR_HOST_LEN */
};

/* exa_counters.c */
double now_seconds(void);

/* exa_counters_names.c: list parsing and the closest known names for a typo */
void trim_copy(char *dst, size_t cap, const char *begin, const char *end);
int split_list(const char *list, char names[][NAME_LEN], int cap);
size_t edit_distance(const char *a, const char *b);
void closest_names(const char *typed, char **cand, size_t n, int max, char *buf, size_t len);

/* exa_counters_papi.c: the PAPI library, shared by the set and the inventory */
extern char papi_error[REASON_LEN];
int papi_ready(void);
void papi_version_string(char *buf, size_t len);
int try_events(const int *codes, int n, char *why, size_t len);
void component_name(int cid, char *buf, size_t len);
#if EXA_HAVE_PAPI
#include <papi.h>
const PAPI_component_info_t *disabled_owner(const char *name);   /* the disabled component NAME is in */
#endif

/* exa_counters_energy.c: energy sources through PAPI or the powercap sysfs tree */
typedef void (*energy_fn)(void *ctx, int cid, const char *component, int code, const char *symbol,
                          double scale);
extern const char *powercap_root;
void ctr_append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
double energy_scale(const char *component, const char *symbol, const char *units);
void each_energy_event(energy_fn fn, void *ctx, char *reason, size_t len);
void add_sysfs_zones(struct exa_counters *set);
void read_zones(struct exa_counters *set, int stop);

/* exa_counters_set.c */
struct exa_counters *new_set(void);
int event_available(const struct event *ev);
long long event_total(const struct exa_counters *set, int e);

/* exa_counters_report.c: the report from gathered data (the gathering is mpi/exa_counters_mpi.c) */
int exa_counters_nevents(const struct exa_counters *set);
double exa_counters_local(const struct exa_counters *set, long long *values, int *avail,
                          char *reasons);
json_t *exa_counters_report_json(const struct exa_counters *set, const struct gathered *g);

#endif
