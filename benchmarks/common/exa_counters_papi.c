/* Counters: the PAPI library itself (initialisation once per process, event names, what is
 * countable here and why not), shared by a counter set and the inventory. PAPI=1 builds only. */
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

static int papi_status = 0;             /* PAPI_library_init's result once tried */
static pthread_once_t papi_once = PTHREAD_ONCE_INIT;
char papi_error[REASON_LEN];

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
int papi_ready(void)
{
    pthread_once(&papi_once, papi_init_once);
    return papi_status == 1 ? 0 : -1;
}

void papi_version_string(char *buf, size_t len)
{
    int v = PAPI_get_opt(PAPI_LIB_VERSION, NULL);
    if (v < 0)
        v = PAPI_VERSION;
    snprintf(buf, len, "%d.%d.%d.%d", PAPI_VERSION_MAJOR(v), PAPI_VERSION_MINOR(v),
             PAPI_VERSION_REVISION(v), PAPI_VERSION_INCREMENT(v));
}

/* Tries codes[0..n) together in one event set on this thread: create, add, start, stop.
 * Returns 0, or the PAPI error with "PAPI_function: message" in why. */
int try_events(const int *codes, int n, char *why, size_t len)
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

void component_name(int cid, char *buf, size_t len)
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
const PAPI_component_info_t *disabled_owner(const char *name)
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

#endif /* EXA_HAVE_PAPI */
