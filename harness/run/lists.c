/* The suite model's small containers: growable string lists and NAME=VALUE environment lists. */
#include "suite.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void strlist_push(struct strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    l->v[l->n++] = strdup(s);
}

void strlist_pushf(struct strlist *l, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    strlist_push(l, buf);
}

void strlist_append(struct strlist *l, const struct strlist *other)
{
    for (size_t i = 0; i < other->n; i++)
        strlist_push(l, other->v[i]);
}

void strlist_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

char **strlist_argv(const struct strlist *l)
{
    char **argv = calloc(l->n + 1, sizeof *argv);
    if (!argv)
        abort();
    for (size_t i = 0; i < l->n; i++)
        argv[i] = l->v[i];
    return argv;
}

json_t *strlist_json(const struct strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

void envlist_set(struct envlist *e, const char *name, const char *value)
{
    for (size_t i = 0; i < e->names.n; i++)
        if (!strcmp(e->names.v[i], name)) {
            free(e->values.v[i]);
            e->values.v[i] = strdup(value);
            return;
        }
    strlist_push(&e->names, name);
    strlist_push(&e->values, value);
}

const char *envlist_get(const struct envlist *e, const char *name)
{
    for (size_t i = 0; i < e->names.n; i++)
        if (!strcmp(e->names.v[i], name))
            return e->values.v[i];
    return NULL;
}

void envlist_merge(struct envlist *into, const struct envlist *from)
{
    for (size_t i = 0; i < from->names.n; i++)
        envlist_set(into, from->names.v[i], from->values.v[i]);
}

void envlist_free(struct envlist *e)
{
    strlist_free(&e->names);
    strlist_free(&e->values);
}
