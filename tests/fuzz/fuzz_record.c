/* Fuzz target: the validating JSON parser of the results reader (harness/rundir_scan.c):
 *   rd_parse_json()  the whole value (manifests; submissions and specs go through jansson);
 *   rd_scan_record() a record, its "results" left unbuilt unless all-pairs, then checked by
 *                    exa_record_validate() (benchmarks/common/exa_record.c) as rd_load does.
 * rd_parse_json promises to accept what jansson's json_loadb accepts (JSON_REJECT_DUPLICATES,
 * any top-level value) and to build the same value: the target checks that against jansson, and
 * that rd_scan_record accepts exactly the same texts. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_record.h"
#include "fuzz.h"
#include "rundir_scan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    return 0;
}

static void differ(const char *what, const uint8_t *data, size_t size, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_record: %s\n  rd:      %s\n  jansson: %s\n  input (%zu bytes): %.*s\n", what, a, b, size,
            (int)(size < 400 ? size : 400), (const char *)data);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 18)
        return 0;
    const char *text = (const char *)data;
    char err[1024] = "", err2[1024] = "";
    json_t *mine = rd_parse_json(text, size, "record.json", err, sizeof err);
    if (!mine && !err[0])
        differ("rd_parse_json failed without a message", data, size, "", "");
    json_error_t je;
    json_t *ref = json_loadb(text, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!mine != !ref)
        differ(mine ? "rd_parse_json accepts what jansson rejects" : "rd_parse_json rejects what jansson accepts",
               data, size, mine ? "accepted" : err, ref ? "accepted" : je.text);
    if (mine && ref && !json_equal(mine, ref)) {
        char *a = json_dumps(mine, JSON_COMPACT | JSON_ENCODE_ANY), *b = json_dumps(ref, JSON_COMPACT | JSON_ENCODE_ANY);
        differ("rd_parse_json builds another value than jansson", data, size, a ? a : "?", b ? b : "?");
    }

    json_t *rec = rd_scan_record(text, size, "record.json", err2, sizeof err2);
    if (!rec != !mine)
        differ(rec ? "rd_scan_record accepts what rd_parse_json rejects" : "rd_scan_record rejects what rd_parse_json accepts",
               data, size, rec ? "accepted" : err2, mine ? "accepted" : err);
    if (rec && json_is_object(rec)) {
        char verr[EXA_ERR_LEN];
        (void)exa_record_validate(rec, verr);
        char *dump = json_dumps(rec, JSON_COMPACT);
        free(dump);
    }
    json_decref(rec);
    json_decref(mine);
    json_decref(ref);
    return 0;
}
