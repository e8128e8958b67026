/* Counters: energy sources. PAPI's powercap (else rapl) and nvml components, and when PAPI has
 * no CPU energy component, the kernel's powercap sysfs tree read directly. PAPI=1 builds only. */
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

/* ---- energy sources ---- */

static int contains_nocase(const char *hay, const char *needle)
{
    return strcasestr(hay, needle) != NULL;
}

/* Joules per raw unit of an energy event of this component, or 0 when it is not one we sum:
 * powercap top-level zones (ENERGY_UJ, not subzones), rapl package and DRAM energy (scaled, not
 * the raw _CNT), nvml total energy. Subdomains are left out so that nothing is counted twice. */
double energy_scale(const char *component, const char *symbol, const char *units)
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

void ctr_append(char *buf, size_t len, const char *fmt, ...)
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
void each_energy_event(void (*fn)(void *ctx, int cid, const char *component, int code,
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
                ctr_append(reason, len, "%s%s: component not compiled into this PAPI",
                       *reason ? "; " : "", wanted[w]);
            continue;
        }
        const PAPI_component_info_t *info = PAPI_get_component_info(cid);
        if (info->disabled) {
            if (reason) {
                ctr_append(reason, len, "%s%s: ", *reason ? "; " : "", wanted[w]);
                ctr_append(reason, len, "%s%s", "disabled: ", info->disabled_reason);
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
            ctr_append(reason, len, "%s%s: active but exposes no energy event", *reason ? "; " : "",
                   wanted[w]);
    }
}

/* ---- energy from the powercap sysfs tree, when PAPI has no energy component ---- */

/* The tree the kernel's powercap driver exposes; tests point it at a fake one. */
const char *powercap_root = "/sys/class/powercap";

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
void add_sysfs_zones(struct exa_counters *set)
{
    DIR *dir = opendir(powercap_root);
    if (!dir) {
        ctr_append(set->energy_reason, sizeof set->energy_reason, "%spowercap sysfs: %s: %s",
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
            ctr_append(set->energy_reason, sizeof set->energy_reason, "%spowercap sysfs: %s",
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
        ctr_append(set->energy_reason, sizeof set->energy_reason,
               "%spowercap sysfs: no RAPL zone in %s", *set->energy_reason ? "; " : "",
               powercap_root);
}

/* Reads every sysfs zone at start (stop = 0) or stop (stop = 1), adding the difference. */
void read_zones(struct exa_counters *set, int stop)
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

#endif /* EXA_HAVE_PAPI */
