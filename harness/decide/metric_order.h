/* The order in which compare and the report tables list a record's metrics: by name, except that
 * metrics of one quantity that differ only by a message-size suffix ("latency_16B",
 * "latency_128B", "bandwidth_1M") go by size, so latency_16B comes before latency_128B (JSON
 * objects keep their keys sorted as text, which puts 128B first). */
#ifndef EXA_METRIC_ORDER_H
#define EXA_METRIC_ORDER_H

#include <jansson.h>
#include <stddef.h>

/* strcmp-like: negative when metric a is listed before b. */
int metric_order_cmp(const char *a, const char *b);
/* The keys of a JSON object in that order: a malloc'd array of *n borrowed names (free() the
 * array only); NULL with *n 0 for an empty object or a non-object. */
const char **metric_order_keys(const json_t *obj, size_t *n);

#endif
