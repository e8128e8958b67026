/* Fuzz target: the importers of `exabench import` (harness/import/: HPL, HPCG, OSU, IMB, STREAM,
 * BabelStream, NCCL tests, HPCC). The input goes through import_input_from_memory, recognition
 * (import_recognise) and then every importer's parse, whether or not it recognises the text: an
 * importer promises all of the file's records or an error, never a partial result nor a crash,
 * whatever the input. Checked: a failure leaves the output array as it was and says why; a
 * success appends only JSON objects; no importer keeps a reference to the output array. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c, name)                                                                          \
    do {                                                                                        \
        if (!(c))                                                                               \
            fuzz_fail("fuzz_import: importer %s: %s does not hold", name, #c);                  \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 18)
        return 0;
    struct import_input in;
    char err[IMPORT_ERR_LEN] = "";
    if (import_input_from_memory("input.out", (const char *)data, size, &in, err) != 0) {
        CHECK(err[0] != '\0', "(input)");
        return 0;
    }
    int conf = 0;
    const struct importer *best = import_recognise(in.text, in.len, &conf);
    CHECK(best == NULL || (conf > 0 && conf <= 100), "(recognise)");
    for (const struct importer *const *imp = import_registry; *imp; imp++) {
        int c = (*imp)->recognise(in.text, in.len);
        CHECK(c >= 0 && c <= 100, (*imp)->name);
        json_t *out = json_array();
        json_array_append_new(out, json_string("sentinel"));
        err[0] = '\0';
        int rc = (*imp)->parse(&in, out, err);
        CHECK(out->refcount == 1, (*imp)->name);  /* no reference to the output kept */
        if (rc != 0) {
            CHECK(rc == -1, (*imp)->name);
            CHECK(err[0] != '\0', (*imp)->name);
            CHECK(json_array_size(out) == 1, (*imp)->name);
        } else {
            for (size_t i = 1; i < json_array_size(out); i++)
                CHECK(json_is_object(json_array_get(out, i)), (*imp)->name);
        }
        json_decref(out);
    }
    import_input_free(&in);
    return 0;
}
