/* Fuzz target: the acceptance spec of `exabench accept`:
 *   rp_load_spec()  (harness/report_util.c) the YAML-or-JSON reader, on the input written to
 *                   spec.yaml in the target's temporary folder;
 *   cmd_accept()    (harness/accept.c) the whole command on that spec against the fixed run folder
 *                   tests/fuzz/data/run: its static validate() (the spec checks), evaluate() and
 *                   the verdicts, written as JSON to a file in the temporary folder.
 * The spec checks end the process on a bad spec (exa_input_error); the target catches that exit,
 * which leaves the command's spec and run set unfreed: this target runs with leak detection off. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "fuzz.h"
#include "report.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char spec_file[4096], out_file[4096], run_dir[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    fuzz_path(spec_file, sizeof spec_file, "spec.yaml");
    fuzz_path(out_file, sizeof out_file, "acceptance.json");
    snprintf(run_dir, sizeof run_dir, "%s/run", fuzz_data_dir());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    fuzz_write_file(spec_file, data, size);
    char err[4096] = "";
    json_t *spec = rp_load_spec(spec_file, err, sizeof err);
    if (!spec) {
        if (!err[0]) {
            fuzz_fail("fuzz_accept: rp_load_spec failed without a message");
        }
        return 0;
    }
    json_decref(spec);
    char *argv[] = {"accept", "--json", out_file, spec_file, run_dir, NULL};
    (void)FUZZ_CATCH_EXIT(cmd_accept(5, argv));
    return 0;
}
