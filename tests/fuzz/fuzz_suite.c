/* Fuzz target: the suite file loader, suite_load() (harness/suite.c), which takes a path: the
 * input is written to suite.yaml in the target's temporary folder, beside stand-in exa-hpl,
 * exa-stream and exa-comm executables (found on PATH), so that entries resolve their binaries.
 * A suite that loads is also freed (suite_free) and its --only check run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "suite.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char suite_file[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    char path[4096];
    static const char *const names[] = {"exa-hpl", "exa-stream", "exa-comm"};
    for (size_t i = 0; i < 3; i++) {
        fuzz_path(path, sizeof path, names[i]);
        fuzz_write_file(path, (const uint8_t *)"#!/bin/sh\nexit 0\n", 17);
        chmod(path, 0755);
    }
    /* Only the stand-ins: a fuzzed 'binary:' or 'hpl_dat:' path is looked at (stat), never run. */
    setenv("PATH", fuzz_tmp(), 1);
    fuzz_path(suite_file, sizeof suite_file, "suite.yaml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    fuzz_write_file(suite_file, data, size);
    struct suite s;
    if (suite_load(suite_file, &s) == 0) {
        struct strlist only = {0};
        for (size_t i = 0; i < s.n_bench; i++)
            strlist_push(&only, s.bench[i].name);
        if (suite_check_only(&s, &only) != 0)
            fuzz_fail("fuzz_suite: suite_check_only refuses the suite's own entry names");
        strlist_free(&only);
    }
    suite_free(&s);
    return 0;
}
