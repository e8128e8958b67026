/* Counters: the inventory `exabench sysinfo --counters` prints: PAPI's components, their events and
 * which of them count here, the presets, and the energy sources a set would read. PAPI=1 only. */
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
            ctr_append(absent, sizeof absent, "%s%s", *absent ? "; " : "", probe->energy_reason);
        free(probe);
    }
    json_object_set_new(inv, "energy_sources", sources);
    if (*absent)
        json_object_set_new(inv, "energy_absent", json_string(absent));
    return inv;
}

#endif /* EXA_HAVE_PAPI */
