/* Counters: event-list parsing and the closest known names to a typo (independent of PAPI). */
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

/* ------------------------------------------------------------------------------------------ */

void trim_copy(char *dst, size_t cap, const char *begin, const char *end)
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
int split_list(const char *list, char names[][NAME_LEN], int cap)
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
size_t edit_distance(const char *a, const char *b)
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
void closest_names(const char *typed, char **cand, size_t n, int max, char *buf, size_t len)
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
