/* The table of benchmark kinds: adding a kind is one line here (and its file). */
#include "kind.h"

#include "suite.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

extern const struct kind kind_hpl, kind_stream, kind_comm, kind_mxp;
extern const struct kind *const kind_imported[], *const kind_external[];  /* imported.c, external */

/* Built-in kinds first, then the imported and external ones (kinds_init), then room for those
 * that tests register. */
static const struct kind *table[48] = {&kind_hpl, &kind_stream, &kind_comm, &kind_mxp, NULL};

static void kinds_init(void)
{
    static int done;
    if (done++)
        return;
    size_t n = 0;
    while (table[n])
        n++;
    for (const struct kind *const *k = kind_imported; *k; k++)
        table[n++] = *k;
    for (const struct kind *const *k = kind_external; *k; k++)
        table[n++] = *k;
}

const struct kind *const *kind_all(void)
{
    kinds_init();
    return table;
}

const struct kind *kind_find(const char *name)
{
    kinds_init();
    for (const struct kind *const *k = table; *k; k++)
        if (!strcmp((*k)->name, name))
            return *k;
    return NULL;
}

int kind_register(const struct kind *k)
{
    kinds_init();
    size_t n = 0;
    while (table[n])
        n++;
    if (n + 1 >= sizeof table / sizeof *table)
        return -1;
    table[n] = k;
    return 0;
}

/* The kinds a suite entry can name: those that expand into runs (not the import-only ones). */
void kind_names(char *out, size_t len)
{
    const struct kind *run[48];
    size_t n = 0, used = 0;
    for (const struct kind *const *k = kind_all(); *k; k++)
        if ((*k)->expand)
            run[n++] = *k;
    out[0] = 0;
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", run[i]->name,
                                 i + 2 < n ? ", " : i + 2 == n ? " or " : "");
}

const struct kind *kind_screened(enum kind_screen role)
{
    for (const struct kind *const *k = kind_all(); *k; k++)
        if ((*k)->screen.role == role)
            return *k;
    return NULL;
}

int kind_fail(const struct kind_step *st, struct mark m, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d:%d: error: ", st->suite->file, m.line, m.column);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

int kind_has_role(const char *name, enum kind_role role)
{
    const struct kind *k = kind_find(name);
    return k && k->role == role;
}

int kind_has_plot(const char *name, const char *plot)
{
    const struct kind *k = kind_find(name);
    for (const char *const *p = k ? k->plots : NULL; p && *p; p++)
        if (!strcmp(*p, plot))
            return 1;
    return 0;
}
