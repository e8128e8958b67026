/* Fuzz target: compare's tolerance file, gate_tol_parse() (harness/decide/gate.c), on the text as
 * given, then gate_tol_override() on its first line. Checks what the parser promises: 0 (every
 * rule with a pattern, an origin and a fraction in [0, 10]) or 2 with a message naming the input;
 * and that gate_tolerance answers a fraction in [0, 10] for a few keys whatever was loaded. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                \
    do {                                                                                        \
        if (!(c))                                                                               \
            fuzz_fail("fuzz_tolerance: %s does not hold", #c);                                  \
    } while (0)

static void check_rules(const struct gate_tolerances *t)
{
    CHECK(t->n <= t->cap);
    for (size_t i = 0; i < t->n; i++) {
        CHECK(t->rules[i].glob != NULL && t->rules[i].origin != NULL);
        CHECK(isfinite(t->rules[i].frac) && t->rules[i].frac >= 0 && t->rules[i].frac <= 10);
    }
    static const char *const keys[] = {"hpl/gflops", "stream/triad_bandwidth", "comm/latency_8B", "x"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *origin = NULL;
        double f = gate_tolerance(t, keys[k], k == 2 ? "us" : "Gflop/s", k != 2, &origin);
        CHECK(isfinite(f) && f >= 0 && f <= 10);
        CHECK(origin != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = fuzz_cstr(data, size);
    struct gate_tolerances t;
    gate_tol_init(&t);
    char err[512] = "";
    int rc = gate_tol_parse(&t, text, "tol.txt", err, sizeof err);
    CHECK(rc == 0 || rc == 2);
    if (rc != 0)
        CHECK(strstr(err, "tol.txt") != NULL);
    check_rules(&t);
    /* The first line as a command-line override ("GLOB=PCT"). */
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    err[0] = '\0';
    rc = gate_tol_override(&t, text, err, sizeof err);
    CHECK(rc == 0 || rc == 2);
    if (rc != 0)
        CHECK(err[0] != '\0');
    check_rules(&t);
    gate_tol_free(&t);
    free(text);
    return 0;
}
