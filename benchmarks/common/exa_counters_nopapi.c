/* Counters in a PAPI=0 build: --papi is a usage error that says so, a set is never opened (so every
 * other call sees NULL), and the inventory says why there is nothing. */
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

#if !EXA_HAVE_PAPI

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
    if (len)
        buf[0] = '\0';
}

int exa_counters_nevents(const struct exa_counters *set) { return 0; }

double exa_counters_local(const struct exa_counters *set, long long *values, int *avail, char *reasons)
{
    return 0;
}

json_t *exa_counters_report_json(const struct exa_counters *set, const struct gathered *g) { return NULL; }

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

#endif /* !EXA_HAVE_PAPI */
