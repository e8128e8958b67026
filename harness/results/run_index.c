/* A hash index of a set's runs by key (FNV-1a, chained buckets). */
#include "run_index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

struct rd_bucket *rd_index_find(const struct rd_index *ix, const char *key)
{
    for (struct rd_bucket *b = ix->tab[fnv(key) % ix->size]; b; b = b->next)
        if (!strcmp(b->key, key))
            return b;
    return NULL;
}

void rd_index_build(struct rd_index *ix, const struct rd_set *set, const char *(*keyf)(const struct rd_run *, char *, size_t))
{
    ix->size = set->n * 2 + 17;
    ix->tab = calloc(ix->size, sizeof *ix->tab);
    ix->order = calloc(set->n + 1, sizeof *ix->order);
    ix->n = 0;
    char buf[1024];
    for (size_t i = 0; i < set->n; i++) {
        const char *key = keyf(&set->runs[i], buf, sizeof buf);
        struct rd_bucket *b = rd_index_find(ix, key);
        if (!b) {
            b = calloc(1, sizeof *b);
            b->key = strdup(key);
            size_t h = fnv(key) % ix->size;
            b->next = ix->tab[h];
            ix->tab[h] = b;
            ix->order[ix->n++] = b;
        }
        if (b->n == b->cap)
            b->idx = realloc(b->idx, (b->cap = b->cap ? 2 * b->cap : 4) * sizeof *b->idx);
        b->idx[b->n++] = i;
    }
}

void rd_index_free(struct rd_index *ix)
{
    for (size_t i = 0; i < ix->n; i++) {
        free((char *)ix->order[i]->key);
        free(ix->order[i]->idx);
        free(ix->order[i]);
    }
    free(ix->tab);
    free(ix->order);
}
