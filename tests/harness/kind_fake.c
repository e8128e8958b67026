/* A benchmark kind defined outside harness/: "fake", run by exa-fake (fake_bench.c). Linked with
 * the harness into exabench-fakekind, it proves that adding a kind takes one descriptor file and no
 * harness change: tests/harness/kind.t plans, runs and reports a suite of it. Its keys: mode
 * (exa-fake's --mode: ok or verify) and sleep (seconds, a range: one run per value). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kind.h"
#include "suite.h"
#include "suite_yaml.h"

struct fake_entry {
    char *mode;
    struct u64list sleeps;      /* seconds exa-fake sleeps first: one run per value */
};

static const char *const fake_keys[] = {"mode", "sleep", NULL};

static void *fake_new(void) { return calloc(1, sizeof(struct fake_entry)); }

static void fake_free(void *priv)
{
    struct fake_entry *f = priv;
    if (f) {
        free(f->mode);
        free(f->sleeps.v);
    }
    free(f);
}

static int fake_parse_key(struct sy_ctx *c, const struct suite *s, void *priv, const char *k,
                          yaml_node_t *v)
{
    struct fake_entry *f = priv;
    if (!strcmp(k, "mode"))
        return sy_string(c, v, k, &f->mode);
    return sy_u64list(c, v, k, 0, &f->sleeps);
}

static int fake_check(struct sy_ctx *c, const yaml_node_t *n, const struct bench_entry *e)
{
    const struct fake_entry *f = e->priv;
    if (f->mode && strcmp(f->mode, "ok") && strcmp(f->mode, "verify"))
        return sy_fail(c, n, "fake entry '%s': mode must be ok or verify, not '%s'", e->name, f->mode);
    return 0;
}

static int fake_expand(struct kind_step *st)
{
    const struct fake_entry *f = st->entry->priv;
    uint64_t none = 0;
    for (size_t i = 0; i < (f->sleeps.n ? f->sleeps.n : 1); i++)
        if (st->emit(st, f->sleeps.n ? &f->sleeps.v[i] : &none) != 0)
            return -1;
    return 0;
}

static void fake_fill(const struct kind_step *st, const void *variant, struct kind_run *out)
{
    const struct fake_entry *f = st->entry->priv;
    uint64_t sleep_s = *(const uint64_t *)variant;
    const char *mode = f->mode ? f->mode : "ok";
    strlist_push(out->argv, "--mode");
    strlist_push(out->argv, mode);
    strlist_push(out->argv, "--sleep");
    strlist_pushf(out->argv, "%" PRIu64, sleep_s);
    json_object_set_new(out->parameters, "mode", json_string(mode));
    json_object_set_new(out->parameters, "sleep", json_integer((json_int_t)sleep_s));
    snprintf(out->slug, sizeof out->slug, "%s-%s-s%" PRIu64 "-%ldr", st->entry->name, mode, sleep_s,
             st->ranks);
    snprintf(out->label, sizeof out->label, "exa-fake %s sleep %" PRIu64 " on %ld rank%s", mode,
             sleep_s, st->ranks, st->ranks > 1 ? "s" : "");
}

static const struct kind kind_fake = {
    .name = "fake",
    .binary = "exa-fake",
    .keys = fake_keys,
    .entry_new = fake_new,
    .entry_free = fake_free,
    .parse_key = fake_parse_key,
    .check = fake_check,
    .expand = fake_expand,
    .fill = fake_fill,
    .headline_metric = "fake_gflops",
};

/* Registered before main runs, so the harness's own main is used unchanged. */
__attribute__((constructor)) static void fake_register(void)
{
    if (kind_register(&kind_fake) != 0)
        abort();
}
