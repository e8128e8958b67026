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
    fuzz_fail("fuzz_record: %s\n  this: %s\n  other: %s\n  input (%zu bytes): %.*s", what, a, b, size,
              (int)(size < 400 ? size : 400), (const char *)data);
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
    /* jansson takes a NUL byte right after a number as the number's end ("[1\0 ]" loads), which
     * RFC 8259 does not allow and rd_parse_json rightly rejects: no comparison for such texts. */
    if (!mine != !ref && !memchr(data, '\0', size))
        differ(mine ? "rd_parse_json accepts what jansson rejects" : "rd_parse_json rejects what jansson accepts",
               data, size, mine ? "accepted" : err, ref ? "accepted" : je.text);
    if (mine && ref && !json_equal(mine, ref)) {
        char *a = json_dumps(mine, JSON_COMPACT | JSON_ENCODE_ANY), *b = json_dumps(ref, JSON_COMPACT | JSON_ENCODE_ANY);
        differ("rd_parse_json builds another value than jansson", data, size, a ? a : "?", b ? b : "?");
    }

    /* rd_scan_record checks the grammar of what it does not build ("results" of most records), so
     * a duplicate name in there is no error for it; it must accept everything else rd_parse_json
     * does, reject what rd_parse_json rejects for any other reason, and build each member it builds
     * (all but "results") as rd_parse_json does, dropping none. */
    json_t *rec = rd_scan_record(text, size, "record.json", err2, sizeof err2);
    if (mine && !rec)
        differ("rd_scan_record rejects what rd_parse_json accepts", data, size, err2, "accepted");
    if (!mine && rec && !strstr(err, "duplicate object key"))
        differ("rd_scan_record accepts what rd_parse_json rejects", data, size, "accepted", err);
    if (rec && json_is_object(rec)) {
        json_t *all = mine ? json_incref(mine) : json_loadb(text, size, JSON_DECODE_ANY, &je);
        const char *k;
        json_t *v;
        json_object_foreach(all, k, v) {
            json_t *got = json_object_get(rec, k);
            if (!got)
                differ("rd_scan_record drops a member", data, size, k, "present");
            if (mine && strcmp(k, "results") && !json_equal(got, v))
                differ("rd_scan_record builds a member otherwise than rd_parse_json", data, size, k, "");
        }
        if (json_object_size(rec) != json_object_size(all))
            differ("rd_scan_record adds members", data, size, "", "");
        json_decref(all);
    }
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
