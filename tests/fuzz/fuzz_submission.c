/* Fuzz target: the submission loader of `exabench rank` (harness/rank.c: cmd_rank and its check(),
 * which reads the file with rp_load_json of harness/report_util.c, recomputes the seal with
 * rp_submission_seal of harness/submit.c and validates each embedded record with
 * exa_record_validate). check() is static and takes a path, so the target runs the command on
 * the input written to sub.json in its temporary folder; the output format (text, CSV, HTML)
 * follows the input's size, the table goes to a file there, and exits on bad input are caught. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char sub_file[4096], out_file[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    fuzz_path(sub_file, sizeof sub_file, "sub.json");
    fuzz_path(out_file, sizeof out_file, "rank.out");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 18)
        return 0;
    fuzz_write_file(sub_file, data, size);
    static const char *const formats[] = {"--by=rmax", "--csv", "--html"};
    char *argv[] = {"rank", (char *)formats[size % 3], "-o", out_file, sub_file, NULL};
    (void)FUZZ_CATCH_EXIT(cmd_rank(5, argv));
    return 0;
}
