/* Fuzz target: exa-hpl's HPL.dat reader, hpl_dat_parse() (benchmarks/hpl/hpl_dat.c), on the text
 * as given. Checks what the reader promises on success: counts within HPL_DAT_MAX, the codes in
 * their ranges, and an error message on failure. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                \
    do {                                                                                        \
        if (!(c)) {                                                                             \
            fuzz_fail("fuzz_hpl_dat: accepted, but %s does not hold", #c);                      \
        }                                                                                       \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = fuzz_cstr(data, size);
    struct hpl_dat *d = malloc(sizeof *d);
    char err[512] = "";
    int rc = hpl_dat_parse(text, "HPL.dat", d, err, sizeof err);
    if (rc != 0) {
        CHECK(err[0] != '\0');
    } else {
        const int counts[] = {d->nn, d->nnb, d->ngrid, d->npfact, d->nnbmin, d->nndiv, d->nrfact, d->nbcast, d->ndepth};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
            CHECK(counts[i] >= 0 && counts[i] <= HPL_DAT_MAX);
        CHECK(d->nwarn >= 0 && d->nwarn <= HPL_DAT_MAX_WARN);
        CHECK(memchr(d->outfile, '\0', sizeof d->outfile) != NULL);
        for (int i = 0; i < d->npfact; i++)
            CHECK(d->pfacts[i] >= 0 && d->pfacts[i] <= 2);
        for (int i = 0; i < d->nrfact; i++)
            CHECK(d->rfacts[i] >= 0 && d->rfacts[i] <= 2);
        for (int i = 0; i < d->nbcast; i++)
            CHECK(d->bcasts[i] >= 0 && d->bcasts[i] <= 6);
        CHECK(d->swap >= 0 && d->swap <= 2);
        for (int i = 0; i < d->nwarn; i++)
            CHECK(memchr(d->warn[i], '\0', sizeof d->warn[i]) != NULL);
    }
    free(d);
    free(text);
    return 0;
}
