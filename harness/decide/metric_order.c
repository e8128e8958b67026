/* Metric names in size order (see metric_order.h). */
#include "metric_order.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

int metric_order_cmp(const char *a, const char *b)
{
    const char *ua = strrchr(a, '_'), *ub = strrchr(b, '_');
    if (ua && ub && ua - a == ub - b && !strncmp(a, b, (size_t)(ua - a))) {
        double sa = rp_metric_size(a), sb = rp_metric_size(b);
        if (sa >= 0 && sb >= 0 && sa != sb)
            return sa < sb ? -1 : 1;
        if ((sa >= 0) != (sb >= 0))  /* sized ones first, then the others of that prefix */
            return sa >= 0 ? -1 : 1;
    }
    return strcmp(a, b);
}

static int cmp_names(const void *x, const void *y)
{
    return metric_order_cmp(*(const char *const *)x, *(const char *const *)y);
}

const char **metric_order_keys(const json_t *obj, size_t *n)
{
    *n = 0;
    if (!json_is_object(obj) || json_object_size(obj) == 0)
        return NULL;
    const char **keys = malloc(json_object_size(obj) * sizeof *keys);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
        keys[(*n)++] = k;
    qsort(keys, *n, sizeof *keys, cmp_names);
    return keys;
}
