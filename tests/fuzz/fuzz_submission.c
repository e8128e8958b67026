/* Fuzz target: the submission loader of `exabench rank` (harness/rank.c: cmd_rank and its check(),
 * which reads the file with rp_load_json of harness/report_util.c, recomputes the seal with
 * rp_submission_seal of harness/submit.c and validates each embedded record with
 * exa_record_validate). check() is static and takes a path, so the target runs the command on
 * the input written to sub.json in its temporary folder; the output format (text, CSV, HTML)
 * follows the input's size, the table goes to a file there, and exits on bad input are caught.
 * A mutated submission seldom keeps a valid seal, so when the input is a JSON object the target
 * also ranks a copy re-sealed as `exabench submit` would (each record's sha256, then the seal):
 * what lies behind the seal check (record validation, residual, Rmax, ranking) is reached too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>
#include <string.h>

#include "commands.h"
#include "digest.h"
#include "fuzz.h"
#include "report.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char sub_file[4096], sealed_file[4096], out_file[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    fuzz_path(sub_file, sizeof sub_file, "sub.json");
    fuzz_path(sealed_file, sizeof sealed_file, "sealed.json");
    fuzz_path(out_file, sizeof out_file, "rank.out");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 18)
        return 0;
    fuzz_write_file(sub_file, data, size);
    int argc = 5;
    json_error_t je;
    json_t *sub = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (json_is_object(sub)) {
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(sub, "records"), i, r) {
            json_t *raw = json_object_get(r, "raw");
            char h[65];
            if (json_is_object(r) && json_is_string(raw)) {
                rd_sha256_hex(json_string_value(raw), json_string_length(raw), h);
                json_object_set_new(r, "sha256", json_string(h));
            }
        }
        char digest[65], err[256];
        if (rp_submission_seal(sub, digest, err, sizeof err) == 0) {
            json_object_set_new(sub, "seal", json_pack("{s:s}", "digest", digest));
            char *text = json_dumps(sub, JSON_COMPACT);
            if (text) {
                fuzz_write_file(sealed_file, (const uint8_t *)text, strlen(text));
                free(text);
                argc = 6;
            }
        }
    }
    json_decref(sub);
    static const char *const formats[] = {"--by=rmax", "--csv", "--html"};
    char *argv[] = {"rank", (char *)formats[size % 3], "-o", out_file, sub_file, sealed_file, NULL};
    if (argc == 5)
        argv[5] = NULL;
    (void)FUZZ_CATCH_EXIT(cmd_rank(argc, argv));
    return 0;
}
