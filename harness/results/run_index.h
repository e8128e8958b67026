/* Runs grouped by a key (compare's matching of BASE and NEW runs): a hash index over a set's runs,
 * buckets kept in first-seen order so that output follows the runs' order. */
#ifndef EXA_HARNESS_RUN_INDEX_H
#define EXA_HARNESS_RUN_INDEX_H

#include <stddef.h>

#include "rundir.h"

struct rd_bucket {
    const char *key;
    size_t *idx;  /* run indices */
    size_t n, cap;
    struct rd_bucket *next;
    int seen;
};
struct rd_index {
    struct rd_bucket **tab;
    size_t size;
    struct rd_bucket **order;  /* buckets in first-seen order */
    size_t n;
};

/* The bucket of key, or NULL. */
struct rd_bucket *rd_index_find(const struct rd_index *ix, const char *key);
/* Groups set's runs by keyf (which may write the key into the buffer it is given). */
void rd_index_build(struct rd_index *ix, const struct rd_set *set,
                    const char *(*keyf)(const struct rd_run *, char *, size_t));
void rd_index_free(struct rd_index *ix);

#endif
