/* Counters and energy through PAPI around a benchmark's timed region (--papi EVENTS).
 *
 * Opening a set resolves every name (unknown: usage error with suggestions), then tries each event
 * on this thread: alone, then together with the events of its component already accepted. What
 * fails is kept as unavailable with PAPI's reason; what passes is counted. Events are grouped into
 * one PAPI event set per component (PAPI requires it). perf_event groups are counted on every
 * thread of the OpenMP team (per-thread event sets created on first start, kept until close);
 * other components (uncore, rapl, powercap, nvml) measure a node or device and are counted on the
 * calling thread only. Energy sources (PAPI's powercap, else rapl, else the powercap sysfs tree
 * read directly; nvml) are added to every set.
 * README.md ("Counters and energy") describes the record fields. */
#include "exa_counters.h"

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

#ifndef EXA_HAVE_PAPI
#define EXA_HAVE_PAPI 0
#endif
#if EXA_HAVE_PAPI
#include <papi.h>
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

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------------------------------------ */
/* Names: list parsing and edit distance (independent of PAPI). */

static void trim_copy(char *dst, size_t cap, const char *begin, const char *end)
{
    while (begin < end && isspace((unsigned char)*begin))
        begin++;
    while (end > begin && isspace((unsigned char)end[-1]))
        end--;
    size_t n = (size_t)(end - begin);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, begin, n);
    dst[n] = '\0';
}

/* Splits the list into names; usage errors for empty, overlong, repeated or too many names.
 * Returns the number of names. */
static int split_list(const char *list, char names[][NAME_LEN], int cap)
{
    int n = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        if ((size_t)(end - p) >= NAME_LEN)
            exa_usage_error("--papi: event name '%.40s...' is too long (at most %d characters)",
                            p, NAME_LEN - 1);
        if (n == cap)
            exa_usage_error("--papi: too many events (at most %d)", cap);
        trim_copy(names[n], NAME_LEN, p, end);
        if (names[n][0] == '\0')
            exa_usage_error("--papi '%s': empty event name in the list", list);
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], names[n]) == 0)
                exa_usage_error("--papi '%s': event '%s' is listed twice", list, names[n]);
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

/* Case-insensitive Levenshtein distance. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = malloc((lb + 1) * sizeof *row);
    if (!row)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag + (same ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

/* Distance of a typed name to a known one; the known name's "pmu::" prefix is optional. */
static size_t name_distance(const char *typed, const char *known)
{
    size_t d = edit_distance(typed, known);
    const char *colon = strstr(known, "::");
    if (colon && !strstr(typed, "::")) {
        size_t d2 = edit_distance(typed, colon + 2);
        if (d2 < d)
            d = d2;
    }
    return d;
}

/* The max closest of n candidate names, comma-separated into buf. */
static void closest_names(const char *typed, char **cand, size_t n, int max, char *buf, size_t len)
{
    size_t *dist = malloc((n ? n : 1) * sizeof *dist);
    if (len)
        buf[0] = '\0';
    if (!dist || len == 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        dist[i] = name_distance(typed, cand[i]);
    size_t used = 0;
    for (int k = 0; k < max; k++) {
        size_t best = (size_t)-1;
        for (size_t i = 0; i < n; i++)
            if (dist[i] != (size_t)-1 &&
                (best == (size_t)-1 || dist[i] < dist[best] ||
                 (dist[i] == dist[best] && strcmp(cand[i], cand[best]) < 0)))
                best = i;
        if (best == (size_t)-1)
            break;
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", cand[best]);
        if (w < 0 || (size_t)w >= len - used) {
            buf[used] = '\0';
            break;
        }
        used += (size_t)w;
        /* the same name can come from two enumerations: skip repeats */
        for (size_t i = 0; i < n; i++)
            if (strcmp(cand[i], cand[best]) == 0)
                dist[i] = (size_t)-1;
    }
out:
    free(dist);
}

/* ------------------------------------------------------------------------------------------ */
#if EXA_HAVE_PAPI

static int papi_status = 0;             /* PAPI_library_init's result once tried */
static pthread_once_t papi_once = PTHREAD_ONCE_INIT;
static char papi_error[REASON_LEN];

static unsigned long thread_id(void) { return (unsigned long)pthread_self(); }

static void papi_init_once(void)
{
    int ret = PAPI_library_init(PAPI_VER_CURRENT);
    if (ret != PAPI_VER_CURRENT) {
        snprintf(papi_error, sizeof papi_error, "PAPI_library_init: %s",
                 ret > 0 ? "PAPI library version differs from the header's" : PAPI_strerror(ret));
        papi_status = -1;
        return;
    }
    ret = PAPI_thread_init(thread_id);
    if (ret != PAPI_OK) {
        snprintf(papi_error, sizeof papi_error, "PAPI_thread_init: %s", PAPI_strerror(ret));
        papi_status = -1;
        return;
    }
    papi_status = 1;
}

/* 0 when PAPI is usable; -1 with the reason in papi_error. */
static int papi_ready(void)
{
    pthread_once(&papi_once, papi_init_once);
    return papi_status == 1 ? 0 : -1;
}

static void papi_version_string(char *buf, size_t len)
{
    int v = PAPI_get_opt(PAPI_LIB_VERSION, NULL);
    if (v < 0)
        v = PAPI_VERSION;
    snprintf(buf, len, "%d.%d.%d.%d", PAPI_VERSION_MAJOR(v), PAPI_VERSION_MINOR(v),
             PAPI_VERSION_REVISION(v), PAPI_VERSION_INCREMENT(v));
}

/* Tries codes[0..n) together in one event set on this thread: create, add, start, stop.
 * Returns 0, or the PAPI error with "PAPI_function: message" in why. */
static int try_events(const int *codes, int n, char *why, size_t len)
{
    int es = PAPI_NULL, ret;
    const char *what = "PAPI_create_eventset";
    ret = PAPI_create_eventset(&es);
    if (ret == PAPI_OK) {
        what = "PAPI_add_event";
        for (int i = 0; i < n && ret == PAPI_OK; i++)
            ret = PAPI_add_event(es, codes[i]);
    }
    if (ret == PAPI_OK) {
        what = "PAPI_start";
        ret = PAPI_start(es);
        if (ret == PAPI_OK) {
            long long values[MAX_EVENTS];
            what = "PAPI_stop";
            ret = PAPI_stop(es, values);
        }
    }
    if (ret != PAPI_OK)
        snprintf(why, len, "%s: %s", what, PAPI_strerror(ret));
    if (es != PAPI_NULL) {
        PAPI_cleanup_eventset(es);
        PAPI_destroy_eventset(&es);
    }
    return ret == PAPI_OK ? 0 : ret;
}

static void component_name(int cid, char *buf, size_t len)
{
    const PAPI_component_info_t *info = PAPI_get_component_info(cid);
    snprintf(buf, len, "%s", info ? info->name : "unknown");
}

/* Every preset name and every top-level native name of the active components (malloc'ed). */
static char **known_names(size_t *count)
{
    size_t n = 0, cap = 256;
    char **names = malloc(cap * sizeof *names);
    char name[PAPI_MAX_STR_LEN];
    *count = 0;
    if (!names)
        return NULL;
#define KEEP_NAME()                                                                 \
    do {                                                                            \
        if (n == cap) {                                                             \
            char **more = realloc(names, 2 * cap * sizeof *names);                  \
            if (!more)                                                              \
                goto done;                                                          \
            names = more;                                                           \
            cap *= 2;                                                               \
        }                                                                           \
        if (!(names[n] = strdup(name)))                                             \
            goto done;                                                              \
        n++;                                                                        \
    } while (0)
    int code = PAPI_PRESET_MASK;
    if (PAPI_enum_event(&code, PAPI_ENUM_FIRST) == PAPI_OK) {
        do {
            if (PAPI_event_code_to_name(code, name) == PAPI_OK)
                KEEP_NAME();
        } while (PAPI_enum_event(&code, PAPI_ENUM_EVENTS) == PAPI_OK);
    }
    int ncomp = PAPI_num_components();
    for (int cid = 0; cid < ncomp; cid++) {
        const PAPI_component_info_t *info = PAPI_get_component_info(cid);
        if (!info || info->disabled)
            continue;
        code = PAPI_NATIVE_MASK;
        if (PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid) != PAPI_OK)
            continue;
        do {
            if (PAPI_event_code_to_name(code, name) == PAPI_OK)
                KEEP_NAME();
        } while (PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cid) == PAPI_OK);
    }
#undef KEEP_NAME
done:
    *count = n;
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

void exa_counters_suggest(const char *name, int max, char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    if (!name || papi_ready() != 0)
        return;
    size_t n;
    char **names = known_names(&n);
    closest_names(name, names, n, max, buf, len);
    free_names(names, n);
}

/* A compiled-in but disabled component that could own a name PAPI did not resolve: NAME:::event
 * syntax, or any non-preset name when perf_event (the CPU's native events) is disabled, as in a
 * container without perf_event_open or a VM whose PMU libpfm4 does not know. Such a name is
 * unavailable, not unknown; a preset-like name (any case) stays unknown, since the presets are
 * listed even then and a typo can be told. NULL when none. */
static const PAPI_component_info_t *disabled_owner(const char *name)
{
    int ncomp = PAPI_num_components();
    for (int cid = 0; cid < ncomp; cid++) {
        const PAPI_component_info_t *info = PAPI_get_component_info(cid);
        if (!info || !info->disabled)
            continue;
        size_t len = strlen(info->name);
        if (len && strncmp(name, info->name, len) == 0 && strncmp(name + len, ":::", 3) == 0)
            return info;
        if (strcmp(info->name, "perf_event") == 0 && strncasecmp(name, "PAPI_", 5) != 0 &&
            !strstr(name, ":::"))
            return info;
    }
    return NULL;
}

/* ---- energy sources ---- */

static int contains_nocase(const char *hay, const char *needle)
{
    return strcasestr(hay, needle) != NULL;
}

/* Joules per raw unit of an energy event of this component, or 0 when it is not one we sum:
 * powercap top-level zones (ENERGY_UJ, not subzones), rapl package and DRAM energy (scaled, not
 * the raw _CNT), nvml total energy. Subdomains are left out so that nothing is counted twice. */
static double energy_scale(const char *component, const char *symbol, const char *units)
{
    if (!contains_nocase(symbol, "ENERGY") || contains_nocase(symbol, "MAX") ||
        contains_nocase(symbol, "RANGE") || contains_nocase(symbol, "_CNT"))
        return 0;
    if (strcmp(component, "powercap") == 0 && contains_nocase(symbol, "SUBZONE"))
        return 0;
    if (strcmp(component, "rapl") == 0 && !contains_nocase(symbol, "PACKAGE_ENERGY") &&
        !contains_nocase(symbol, "DRAM_ENERGY"))
        return 0;
    if (strcmp(units, "nJ") == 0)
        return 1e-9;
    if (strcmp(units, "uJ") == 0)
        return 1e-6;
    if (strcmp(units, "mJ") == 0)
        return 1e-3;
    if (strcmp(units, "J") == 0)
        return 1;
    if (strcmp(component, "rapl") == 0)
        return 1e-9;
    if (strcmp(component, "powercap") == 0 || contains_nocase(symbol, "_UJ"))
        return 1e-6;
    if (strcmp(component, "nvml") == 0)
        return 1e-3;
    return 0;
}

static void append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 < len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf + used, len - used, fmt, ap);
        va_end(ap);
    }
}

/* Calls fn for every energy event of the active energy components (powercap preferred over
 * rapl, which read the same registers); describes the absent ones into reason. */
static void each_energy_event(void (*fn)(void *ctx, int cid, const char *component, int code,
                                         const char *symbol, double scale),
                              void *ctx, char *reason, size_t len)
{
    static const char *wanted[] = {"powercap", "rapl", "nvml"};
    int ncomp = PAPI_num_components();
    int have_powercap = 0;
    if (reason && len)
        reason[0] = '\0';
    for (size_t w = 0; w < sizeof wanted / sizeof wanted[0]; w++) {
        int cid = -1;
        for (int c = 0; c < ncomp; c++) {
            const PAPI_component_info_t *info = PAPI_get_component_info(c);
            if (info && strcmp(info->name, wanted[w]) == 0)
                cid = c;
        }
        if (cid < 0) {
            if (reason)
                append(reason, len, "%s%s: component not compiled into this PAPI",
                       *reason ? "; " : "", wanted[w]);
            continue;
        }
        const PAPI_component_info_t *info = PAPI_get_component_info(cid);
        if (info->disabled) {
            if (reason) {
                append(reason, len, "%s%s: ", *reason ? "; " : "", wanted[w]);
                append(reason, len, "%s%s", "disabled: ", info->disabled_reason);
            }
            continue;
        }
        if (strcmp(wanted[w], "rapl") == 0 && have_powercap)
            continue;
        int code = PAPI_NATIVE_MASK, found = 0;
        if (PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid) == PAPI_OK) {
            do {
                PAPI_event_info_t ei;
                if (PAPI_get_event_info(code, &ei) != PAPI_OK)
                    continue;
                double scale = energy_scale(wanted[w], ei.symbol, ei.units);
                if (scale > 0) {
                    found++;
                    if (fn)
                        fn(ctx, cid, wanted[w], code, ei.symbol, scale);
                }
            } while (PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cid) == PAPI_OK);
        }
        if (found && strcmp(wanted[w], "powercap") == 0)
            have_powercap = 1;
        if (!found && reason)
            append(reason, len, "%s%s: active but exposes no energy event", *reason ? "; " : "",
                   wanted[w]);
    }
}

/* ---- energy from the powercap sysfs tree, when PAPI has no energy component ---- */

/* The tree the kernel's powercap driver exposes; tests point it at a fake one. */
static const char *powercap_root = "/sys/class/powercap";

/* Reads one unsigned decimal from a file: 0, or -1 with errno's text in why. */
static int read_ull(const char *path, unsigned long long *out, char *why, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, len, "%s: %s", path, strerror(errno));
        return -1;
    }
    int ok = fscanf(f, "%llu", out) == 1;
    fclose(f);
    if (!ok) {
        snprintf(why, len, "%s: not a number", path);
        return -1;
    }
    return 0;
}

static void read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (f) {
        if (fgets(buf, (int)len, f))
            buf[strcspn(buf, "\n")] = '\0';
        fclose(f);
    }
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Debian's PAPI has neither its powercap nor its rapl component, yet the kernel exposes the same
 * RAPL counters under /sys/class/powercap: the packages ("intel-rapl:N", also on AMD) and their
 * DRAM sub-zones ("intel-rapl:N:M" named "dram", not part of the package's energy). Core and
 * uncore sub-zones (part of the package) and psys (the whole platform, which includes the
 * packages) are left out so that nothing is counted twice. Each readable zone becomes an energy
 * source of component "powercap-sysfs"; unreadable ones (energy_uj is root-only on kernels since
 * 5.10) are described in energy_reason. */
static void add_sysfs_zones(struct exa_counters *set)
{
    DIR *dir = opendir(powercap_root);
    if (!dir) {
        append(set->energy_reason, sizeof set->energy_reason, "%spowercap sysfs: %s: %s",
               *set->energy_reason ? "; " : "", powercap_root, strerror(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dir)) && n < 64)
        if (strncmp(de->d_name, "intel-rapl:", 11) == 0 && (names[n] = strdup(de->d_name)))
            n++;
    closedir(dir);
    qsort(names, (size_t)n, sizeof names[0], compare_names);
    int found = 0;
    for (int i = 0; i < n; i++) {
        char path[512], zone_name[64], why[REASON_LEN];
        int sub = strchr(names[i] + 11, ':') != NULL;
        snprintf(path, sizeof path, "%s/%s/name", powercap_root, names[i]);
        read_line(path, zone_name, sizeof zone_name);
        if (strcmp(zone_name, "psys") == 0 || (sub && strcmp(zone_name, "dram") != 0))
            continue;
        found++;
        struct sysfs_zone z = {.range = 0};
        unsigned long long now;
        snprintf(path, sizeof path, "%s/%s/max_energy_range_uj", powercap_root, names[i]);
        if (read_ull(path, &z.range, why, sizeof why) != 0 ||
            (snprintf(z.path, sizeof z.path, "%s/%s/energy_uj", powercap_root, names[i]),
             read_ull(z.path, &now, why, sizeof why) != 0)) {
            append(set->energy_reason, sizeof set->energy_reason, "%spowercap sysfs: %s",
                   *set->energy_reason ? "; " : "", why);
            continue;
        }
        if (set->nzones == MAX_ZONES || set->nevents == MAX_EVENTS)
            break;
        struct event *ev = &set->ev[set->nevents++];
        memset(ev, 0, sizeof *ev);
        snprintf(ev->name, sizeof ev->name, "%s/%s (%s)", powercap_root, names[i],
                 *zone_name ? zone_name : "?");
        snprintf(ev->component, sizeof ev->component, "powercap-sysfs");
        ev->energy = 1;
        ev->joules_per_unit = 1e-6;
        ev->code = PAPI_NULL;
        ev->group = -1;
        set->zones[set->nzones++] = z;
        ev->zone = set->nzones;
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    if (!found)
        append(set->energy_reason, sizeof set->energy_reason,
               "%spowercap sysfs: no RAPL zone in %s", *set->energy_reason ? "; " : "",
               powercap_root);
}

/* Reads every sysfs zone at start (stop = 0) or stop (stop = 1), adding the difference. */
static void read_zones(struct exa_counters *set, int stop)
{
    for (int z = 0; z < set->nzones; z++) {
        struct sysfs_zone *zone = &set->zones[z];
        unsigned long long now;
        char why[REASON_LEN];
        if (read_ull(zone->path, &now, why, sizeof why) != 0) {
            for (int e = 0; e < set->nevents; e++)
                if (set->ev[e].zone == z + 1 && !set->ev[e].failed) {
                    set->ev[e].failed = 1;
                    snprintf(set->ev[e].reason, sizeof set->ev[e].reason, "%s", why);
                }
            continue;
        }
        if (!stop)
            zone->start = now;
        else if (now >= zone->start)
            zone->total += now - zone->start;
        else    /* wrapped around max_energy_range_uj */
            zone->total += zone->range - zone->start + now;
    }
}

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
        append(set->energy_reason, sizeof set->energy_reason, "%s%s: ",
               *set->energy_reason ? "; " : "", ev->name);
        append(set->energy_reason, sizeof set->energy_reason, "%s%s", ev->reason, "");
        return;    /* not kept */
    }
    set->nevents++;
}

static struct exa_counters *new_set(void)
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
static int event_available(const struct event *ev)
{
    return (ev->group >= 0 || ev->zone > 0) && !ev->failed;
}

static long long event_total(const struct exa_counters *set, int e)
{
    if (set->ev[e].zone > 0)
        return (long long)set->zones[set->ev[e].zone - 1].total;
    long long total = 0;
    for (int i = 0; i < set->nslots; i++)
        if (set->slots[i].used)
            total += set->slots[i].values[e];
    return total;
}

static const char *counting_note(void)
{
    return "perf_event events: every thread of the OpenMP team around the timed region, summed "
           "per rank; other components (uncore, energy): the calling thread; threads outside "
           "OpenMP (OpenBLAS, MPI progress) are not counted";
}

static void papi_version_json(json_t *obj)
{
    char version[64];
    papi_version_string(version, sizeof version);
    json_object_set_new(obj, "papi_version", json_string(version));
}

#else /* !EXA_HAVE_PAPI */

struct exa_counters *exa_counters_open(const char *event_list)
{
    if (!event_list)
        return NULL;
    const char *p = event_list;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0')
        return NULL;
    exa_usage_error("--papi '%s': " NO_PAPI_REASON, event_list);
}

void exa_counters_start(struct exa_counters *set) { (void)set; }
void exa_counters_stop(struct exa_counters *set) { (void)set; }
void exa_counters_close(struct exa_counters *set) { (void)set; }

void exa_counters_suggest(const char *name, int max, char *buf, size_t len)
{
    (void)name;
    (void)max;
    (void)closest_names;
    (void)split_list;
    (void)now_seconds;
    if (len)
        buf[0] = '\0';
}

#endif /* EXA_HAVE_PAPI */

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

/* ------------------------------------------------------------------------------------------ */
/* The report. */

static double number(const json_t *obj, const char *key)
{
    return json_number_value(json_object_get(obj, key));
}

void exa_counters_print(FILE *out, const json_t *report)
{
    if (!out || !report)
        return;
    const json_t *events = json_object_get(report, "events");
    const json_t *derived = json_object_get(report, "derived");
    const json_t *energy = json_object_get(report, "energy");
    const json_t *per_rank = json_object_get(json_object_get(report, "region"), "seconds_per_rank");
    long long threads = json_integer_value(json_object_get(report, "threads_per_rank"));
    fprintf(out, "Counters (PAPI %s, timed region only, %zu rank(s)",
            json_string_value(json_object_get(report, "papi_version")) ?: "?", json_array_size(per_rank));
    if (threads > 0)
        fprintf(out, " x %lld thread(s) summed)\n", threads);
    else    /* no event group could start: nothing was counted on any thread */
        fprintf(out, ", no event counted)\n");
    if (json_object_size(events) > 0)
        fprintf(out, "  %-32s %18s %18s %18s\n", "event", "sum", "min", "max");
    const char *name;
    const json_t *ev;
    json_object_foreach((json_t *)events, name, ev)
    {
        if (json_is_true(json_object_get(ev, "available")))
            fprintf(out, "  %-32s %18lld %18lld %18lld\n", name,
                    (long long)json_integer_value(json_object_get(ev, "sum")),
                    (long long)json_integer_value(json_object_get(ev, "min")),
                    (long long)json_integer_value(json_object_get(ev, "max")));
        else
            fprintf(out, "  %-32s unavailable: %s\n", name,
                    json_string_value(json_object_get(ev, "reason")) ?: "?");
    }
    const json_t *ipc = json_object_get(derived, "ipc");
    if (ipc)
        fprintf(out, "  %-32s %18.3f\n", "instructions per cycle", number(ipc, "value"));
    static const char *const models[] = {"flops", "bytes"};
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        const json_t *m = json_object_get(derived, models[i]);
        if (!m)
            continue;
        char label[64];
        snprintf(label, sizeof label, "%s measured/modelled", models[i]);
        if (json_object_get(m, "measured_over_modelled"))
            fprintf(out, "  %-32s %18.4f (%s)\n", label, number(m, "measured_over_modelled"),
                    json_string_value(json_object_get(m, "method")) ?: "?");
        else
            fprintf(out, "  %-32s not measured: %s\n", label,
                    json_string_value(json_object_get(m, "reason")) ?: "modelled is 0");
    }
    if (json_is_true(json_object_get(energy, "available"))) {
        fprintf(out, "  %-32s %.3f J over %.3f s", "energy", number(energy, "joules"),
                number(energy, "seconds"));
        if (json_object_get(energy, "average_watts"))
            fprintf(out, ", %.3f W average", number(energy, "average_watts"));
        if (json_object_get(energy, "gflops_per_watt"))
            fprintf(out, ", %.4f Gflop/s per W", number(energy, "gflops_per_watt"));
        fputc('\n', out);
    } else if (energy) {
        fprintf(out, "  %-32s absent: %s\n", "energy",
                json_string_value(json_object_get(energy, "reason")) ?: "?");
    }
}

#if EXA_HAVE_PAPI

struct gathered {
    int size;
    int nevents;
    long long *values;     /* size x nevents */
    int *avail;            /* size x nevents */
    char *reasons;         /* size x nevents x REASON_LEN */
    double *seconds;       /* size */
    char *hosts;           /* size x MPI_MAX_PROCESSOR_NAME */
};

static long long value_of(const struct gathered *g, int rank, int e)
{
    return g->values[(size_t)rank * (size_t)g->nevents + (size_t)e];
}

static const char *reason_of(const struct gathered *g, int rank, int e)
{
    return g->reasons + ((size_t)rank * (size_t)g->nevents + (size_t)e) * REASON_LEN;
}

static int avail_of(const struct gathered *g, int rank, int e)
{
    return g->avail[(size_t)rank * (size_t)g->nevents + (size_t)e];
}

static json_t *event_json(const struct exa_counters *set, const struct gathered *g, int e)
{
    json_t *obj = json_object();
    for (int r = 0; r < g->size; r++)
        if (!avail_of(g, r, e)) {
            const char *why = reason_of(g, r, e);
            char buf[REASON_LEN + 32];
            if (r == 0)
                snprintf(buf, sizeof buf, "%s", why);
            else
                snprintf(buf, sizeof buf, "rank %d: %s", r, why);
            json_object_set_new(obj, "available", json_false());
            json_object_set_new(obj, "reason", json_string(buf));
            if (set->ev[e].component[0])
                json_object_set_new(obj, "component", json_string(set->ev[e].component));
            return obj;
        }
    json_t *per_rank = json_array();
    long long sum = 0, min = 0, max = 0;
    for (int r = 0; r < g->size; r++) {
        long long v = value_of(g, r, e);
        json_array_append_new(per_rank, json_integer(v));
        sum += v;
        if (r == 0 || v < min)
            min = v;
        if (r == 0 || v > max)
            max = v;
    }
    json_object_set_new(obj, "available", json_true());
    json_object_set_new(obj, "component", json_string(set->ev[e].component));
    json_object_set_new(obj, "per_rank", per_rank);
    json_object_set_new(obj, "sum", json_integer(sum));
    json_object_set_new(obj, "min", json_integer(min));
    json_object_set_new(obj, "max", json_integer(max));
    json_object_set_new(obj, "mean", json_real((double)sum / g->size));
    return obj;
}

/* Index of the first listed, available-everywhere event among names, or -1. */
static int first_counted(const struct exa_counters *set, const struct gathered *g,
                         const char *const *names)
{
    for (const char *const *n = names; *n; n++)
        for (int e = 0; e < set->nevents; e++) {
            if (!set->ev[e].listed || strcasecmp(set->ev[e].name, *n) != 0)
                continue;
            int all = 1;
            for (int r = 0; r < g->size; r++)
                all = all && avail_of(g, r, e);
            if (all)
                return e;
        }
    return -1;
}

static double sum_of(const struct gathered *g, int e)
{
    double s = 0;
    for (int r = 0; r < g->size; r++)
        s += (double)value_of(g, r, e);
    return s;
}

static json_t *model_json(double modelled, double measured, const char *how, const char *missing)
{
    json_t *obj = json_object();
    json_object_set_new(obj, "modelled", json_real(modelled));
    if (how) {
        json_object_set_new(obj, "measured", json_real(measured));
        json_object_set_new(obj, "method", json_string(how));
        if (modelled > 0)
            json_object_set_new(obj, "measured_over_modelled", json_real(measured / modelled));
    } else {
        json_object_set_new(obj, "measured", json_null());
        json_object_set_new(obj, "reason", json_string(missing));
    }
    return obj;
}

static json_t *derived_json(const struct exa_counters *set, const struct gathered *g)
{
    json_t *derived = json_object();
    static const char *const ins_names[] = {"PAPI_TOT_INS", "perf::INSTRUCTIONS",
                                            "perf::PERF_COUNT_HW_INSTRUCTIONS", NULL};
    static const char *const cyc_names[] = {"PAPI_TOT_CYC", "perf::CYCLES", "perf::CPU-CYCLES",
                                            "perf::PERF_COUNT_HW_CPU_CYCLES", NULL};
    int ins = first_counted(set, g, ins_names), cyc = first_counted(set, g, cyc_names);
    if (ins >= 0 && cyc >= 0 && sum_of(g, cyc) > 0) {
        json_t *ipc = json_object(), *per_rank = json_array();
        for (int r = 0; r < g->size; r++) {
            long long c = value_of(g, r, cyc);
            double ipc_r = c > 0 ? (double)value_of(g, r, ins) / (double)c : 0;
            json_array_append_new(per_rank, c > 0 ? json_real(ipc_r) : json_null());
        }
        json_object_set_new(ipc, "value", json_real(sum_of(g, ins) / sum_of(g, cyc)));
        json_object_set_new(ipc, "per_rank", per_rank);
        json_object_set_new(ipc, "instructions", json_string(set->ev[ins].name));
        json_object_set_new(ipc, "cycles", json_string(set->ev[cyc].name));
        json_object_set_new(derived, "ipc", ipc);
    }

    if (!isnan(set->model_flops)) {
        static const char *const flop_names[] = {"PAPI_DP_OPS", "PAPI_FP_OPS", NULL};
        int f = first_counted(set, g, flop_names);
        json_object_set_new(derived, "flops",
                            model_json(set->model_flops, f >= 0 ? sum_of(g, f) : 0,
                                       f >= 0 ? set->ev[f].name : NULL,
                                       "no floating-point event counted (add PAPI_DP_OPS to "
                                       "--papi)"));
    }
    if (!isnan(set->model_bytes)) {
        static const char *const llc_names[] = {"PAPI_L3_TCM", "PAPI_L3_DCM", "perf::CACHE-MISSES",
                                                NULL};
        static const char *const load_names[] = {"perf::LLC-LOAD-MISSES", NULL};
        static const char *const store_names[] = {"perf::LLC-STORE-MISSES", NULL};
        long line = sysconf(_SC_LEVEL3_CACHE_LINESIZE);
        if (line <= 0)
            line = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
        if (line <= 0)
            line = 64;
        int m = first_counted(set, g, llc_names);
        int ld = first_counted(set, g, load_names), st = first_counted(set, g, store_names);
        char how[NAME_LEN * 2 + 64];
        double misses = 0;
        int have = 1;
        if (m >= 0) {
            misses = sum_of(g, m);
            snprintf(how, sizeof how, "%s x %ld-byte line (estimate)", set->ev[m].name, line);
        } else if (ld >= 0) {
            misses = sum_of(g, ld) + (st >= 0 ? sum_of(g, st) : 0);
            snprintf(how, sizeof how, "(%s%s) x %ld-byte line (estimate)", set->ev[ld].name,
                     st >= 0 ? " + perf::LLC-STORE-MISSES" : "", line);
        } else {
            have = 0;
        }
        json_object_set_new(derived, "bytes",
                            model_json(set->model_bytes, misses * (double)line, have ? how : NULL,
                                       "no last-level cache miss event counted (add PAPI_L3_TCM "
                                       "or perf::LLC-LOAD-MISSES to --papi)"));
    }
    return derived;
}

static json_t *energy_json(const struct exa_counters *set, const struct gathered *g)
{
    json_t *energy = json_object(), *sources = json_array();
    double joules = 0, seconds = 0;
    int nsources = 0;
    for (int r = 0; r < g->size; r++)
        if (g->seconds[r] > seconds)
            seconds = g->seconds[r];
    for (int r = 0; r < g->size; r++) {
        const char *host = g->hosts + (size_t)r * MPI_MAX_PROCESSOR_NAME;
        int first_on_host = 1;
        for (int q = 0; q < r; q++)
            if (strcmp(host, g->hosts + (size_t)q * MPI_MAX_PROCESSOR_NAME) == 0)
                first_on_host = 0;
        if (!first_on_host)
            continue;   /* a node's packages and GPUs are counted once */
        for (int e = 0; e < set->nevents; e++) {
            if (!set->ev[e].energy)
                continue;
            json_t *src = json_object();
            json_object_set_new(src, "host", json_string(host));
            json_object_set_new(src, "rank", json_integer(r));
            json_object_set_new(src, "event", json_string(set->ev[e].name));
            json_object_set_new(src, "component", json_string(set->ev[e].component));
            if (avail_of(g, r, e)) {
                double j = (double)value_of(g, r, e) * set->ev[e].joules_per_unit;
                json_object_set_new(src, "joules", json_real(j));
                joules += j;
                nsources++;
            } else {
                json_object_set_new(src, "joules", json_null());
                json_object_set_new(
                    src, "reason",
                    json_string(reason_of(g, r, e)));
            }
            json_array_append_new(sources, src);
        }
    }
    if (nsources == 0) {
        json_decref(sources);
        json_object_set_new(energy, "available", json_false());
        json_object_set_new(energy, "reason",
                            json_string(*set->energy_reason ? set->energy_reason
                                                            : "no energy source counted"));
        return energy;
    }
    json_object_set_new(energy, "available", json_true());
    json_object_set_new(energy, "sources", sources);
    json_object_set_new(energy, "joules", json_real(joules));
    json_object_set_new(energy, "seconds", json_real(seconds));
    if (seconds > 0) {
        double watts = joules / seconds;
        json_object_set_new(energy, "average_watts", json_real(watts));
        if (!isnan(set->gflops) && watts > 0)
            json_object_set_new(energy, "gflops_per_watt", json_real(set->gflops / watts));
    }
    if (*set->energy_reason)
        json_object_set_new(energy, "absent", json_string(set->energy_reason));
    return energy;
}

json_t *exa_counters_report(struct exa_counters *set, MPI_Comm comm)
{
    if (!set)
        return NULL;
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);

    /* every rank must have opened the same list */
    int mine[2] = {set->nevents, -set->nevents}, agreed[2];
    MPI_Allreduce(mine, agreed, 2, MPI_INT, MPI_MIN, comm);
    if (agreed[0] != -agreed[1]) {
        if (rank != 0)
            return NULL;
        json_t *obj = json_object();
        json_object_set_new(obj, "error", json_string("ranks opened different event lists"));
        return obj;
    }
    int n = set->nevents;
    long long values[MAX_EVENTS];
    int avail[MAX_EVENTS];
    static char reasons[MAX_EVENTS][REASON_LEN];
    for (int e = 0; e < n; e++) {
        avail[e] = event_available(&set->ev[e]);
        values[e] = avail[e] ? event_total(set, e) : 0;
        snprintf(reasons[e], REASON_LEN, "%s", set->ev[e].reason);
    }
    char host[MPI_MAX_PROCESSOR_NAME] = "";
    int hostlen = 0;
    MPI_Get_processor_name(host, &hostlen);
    double seconds = set->seconds;

    struct gathered g = {.size = size, .nevents = n};
    if (rank == 0) {
        g.values = calloc((size_t)size * (size_t)(n ? n : 1), sizeof *g.values);
        g.avail = calloc((size_t)size * (size_t)(n ? n : 1), sizeof *g.avail);
        g.reasons = calloc((size_t)size * (size_t)(n ? n : 1), REASON_LEN);
        g.seconds = calloc((size_t)size, sizeof *g.seconds);
        g.hosts = calloc((size_t)size, MPI_MAX_PROCESSOR_NAME);
        if (!g.values || !g.avail || !g.reasons || !g.seconds || !g.hosts)
            exa_fatal(1, "out of memory gathering counters");
    }
    MPI_Gather(values, n, MPI_LONG_LONG, g.values, n, MPI_LONG_LONG, 0, comm);
    MPI_Gather(avail, n, MPI_INT, g.avail, n, MPI_INT, 0, comm);
    MPI_Gather(reasons, n * REASON_LEN, MPI_CHAR, g.reasons, n * REASON_LEN, MPI_CHAR, 0, comm);
    MPI_Gather(&seconds, 1, MPI_DOUBLE, g.seconds, 1, MPI_DOUBLE, 0, comm);
    MPI_Gather(host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, g.hosts, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0,
               comm);
    if (rank != 0)
        return NULL;

    json_t *report = json_object(), *events = json_object(), *region = json_object();
    papi_version_json(report);
    json_object_set_new(report, "counting", json_string(counting_note()));
    json_object_set_new(report, "threads_per_rank", json_integer(set->team));
    for (int e = 0; e < n; e++)
        if (set->ev[e].listed)
            json_object_set_new(events, set->ev[e].name, event_json(set, &g, e));
    json_object_set_new(report, "events", events);
    json_t *per_rank = json_array();
    double smax = 0;
    for (int r = 0; r < size; r++) {
        json_array_append_new(per_rank, json_real(g.seconds[r]));
        if (g.seconds[r] > smax)
            smax = g.seconds[r];
    }
    json_object_set_new(region, "seconds_per_rank", per_rank);
    json_object_set_new(region, "seconds_max", json_real(smax));
    json_object_set_new(region, "start_stop_pairs", json_integer(set->pairs));
    json_object_set_new(report, "region", region);
    json_object_set_new(report, "derived", derived_json(set, &g));
    json_object_set_new(report, "energy", energy_json(set, &g));
    if (set->warning[0] || set->lost_threads) {
        json_t *warnings = json_array();
        if (set->warning[0])
            json_array_append_new(warnings, json_string(set->warning));
        if (set->lost_threads)
            json_array_append_new(
                warnings, json_string("more threads than counter slots: some were not counted"));
        json_object_set_new(report, "warnings", warnings);
    }
    free(g.values);
    free(g.avail);
    free(g.reasons);
    free(g.seconds);
    free(g.hosts);
    return report;
}

/* ---- inventory ---- */

static void inventory_energy(void *ctx, int cid, const char *component, int code,
                             const char *symbol, double scale)
{
    json_t *list = ctx;
    json_t *src = json_object();
    (void)cid;
    (void)code;
    json_object_set_new(src, "component", json_string(component));
    json_object_set_new(src, "event", json_string(symbol));
    json_object_set_new(src, "joules_per_unit", json_real(scale));
    json_array_append_new(list, src);
}

json_t *exa_counters_inventory(void)
{
    json_t *inv = json_object(), *papi = json_object();
    if (papi_ready() != 0) {
        json_object_set_new(papi, "available", json_false());
        json_object_set_new(papi, "reason", json_string(papi_error));
        json_object_set_new(inv, "papi", papi);
        json_object_set_new(inv, "components", json_array());
        json_object_set_new(inv, "presets", json_array());
        json_object_set_new(inv, "energy_sources", json_array());
        return inv;
    }
    char version[64];
    papi_version_string(version, sizeof version);
    json_object_set_new(papi, "available", json_true());
    json_object_set_new(papi, "version", json_string(version));
    json_object_set_new(inv, "papi", papi);

    json_t *components = json_array();
    int ncomp = PAPI_num_components();
    for (int cid = 0; cid < ncomp; cid++) {
        const PAPI_component_info_t *info = PAPI_get_component_info(cid);
        if (!info)
            continue;
        json_t *c = json_object(), *names = json_array(), *countable = json_array();
        json_object_set_new(c, "name", json_string(info->name));
        json_object_set_new(c, "description", json_string(info->description));
        json_object_set_new(c, "active", json_boolean(!info->disabled));
        if (info->disabled)
            json_object_set_new(c, "reason", json_string(info->disabled_reason));
        int code = PAPI_NATIVE_MASK;
        if (!info->disabled && PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid) == PAPI_OK) {
            do {
                char name[PAPI_MAX_STR_LEN], why[REASON_LEN];
                if (PAPI_event_code_to_name(code, name) != PAPI_OK)
                    continue;
                json_array_append_new(names, json_string(name));
                if (try_events(&code, 1, why, sizeof why) == 0)
                    json_array_append_new(countable, json_string(name));
            } while (PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cid) == PAPI_OK);
        }
        json_object_set_new(c, "events", names);
        json_object_set_new(c, "countable", countable);
        json_array_append_new(components, c);
    }
    json_object_set_new(inv, "components", components);

    json_t *presets = json_array();
    int code = PAPI_PRESET_MASK;
    if (PAPI_enum_event(&code, PAPI_ENUM_FIRST) == PAPI_OK) {
        do {
            char name[PAPI_MAX_STR_LEN];
            if (PAPI_query_event(code) == PAPI_OK && PAPI_event_code_to_name(code, name) == PAPI_OK)
                json_array_append_new(presets, json_string(name));
        } while (PAPI_enum_event(&code, PAPI_ENUM_EVENTS) == PAPI_OK);
    }
    json_object_set_new(inv, "presets", presets);

    json_t *sources = json_array();
    char absent[2048];
    each_energy_event(inventory_energy, sources, absent, sizeof absent);
    int cpu_energy = 0;
    size_t i;
    json_t *src;
    json_array_foreach(sources, i, src)
        if (strcmp(json_string_value(json_object_get(src, "component")), "nvml") != 0)
            cpu_energy = 1;
    if (!cpu_energy) {    /* what a set would read from sysfs instead */
        struct exa_counters *probe = new_set();
        add_sysfs_zones(probe);
        for (int e = 0; e < probe->nevents; e++)
            inventory_energy(sources, -1, probe->ev[e].component, PAPI_NULL, probe->ev[e].name,
                             probe->ev[e].joules_per_unit);
        if (*probe->energy_reason)
            append(absent, sizeof absent, "%s%s", *absent ? "; " : "", probe->energy_reason);
        free(probe);
    }
    json_object_set_new(inv, "energy_sources", sources);
    if (*absent)
        json_object_set_new(inv, "energy_absent", json_string(absent));
    return inv;
}

#else /* !EXA_HAVE_PAPI */

json_t *exa_counters_report(struct exa_counters *set, MPI_Comm comm)
{
    (void)set;
    (void)comm;
    return NULL;
}

json_t *exa_counters_inventory(void)
{
    json_t *inv = json_object(), *papi = json_object();
    json_object_set_new(papi, "available", json_false());
    json_object_set_new(papi, "reason", json_string(NO_PAPI_REASON));
    json_object_set_new(inv, "papi", papi);
    json_object_set_new(inv, "components", json_array());
    json_object_set_new(inv, "presets", json_array());
    json_object_set_new(inv, "energy_sources", json_array());
    json_object_set_new(inv, "energy_absent", json_string(NO_PAPI_REASON));
    return inv;
}

#endif /* EXA_HAVE_PAPI */
