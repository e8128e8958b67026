/* Fuzz target: reading a results folder, rd_load() (harness/rundir.c), which takes a folder: the
 * input is written as manifest.json of a run folder in the target's temporary folder whose
 * records/ holds the records of tests/fuzz/data/run/records (copied once), so that manifests that
 * name them load records too. The reading helpers rd_metric, rd_metric_samples, rd_param and
 * rd_failure run over every run that loads.
 *
 * No guard: rd_load confines every record path to the run folder (no absolute path, no "..",
 * no symbolic link) and caps a record's size, so manifests naming "/dev/zero" or "../../x" are
 * loaded like any other (the corpus keeps them: known-*). Checked on success: the run id is a
 * valid one and every record file read is a confined path. */
#include <dirent.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "rundir.h"
#include "safe_io.h"
#include "rundir_scan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char run_dir[4096], manifest[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    char src[4096], dst[4096];
    fuzz_path(run_dir, sizeof run_dir, "run");
    mkdir(run_dir, 0755);
    snprintf(dst, sizeof dst, "%s/records", run_dir);
    mkdir(dst, 0755);
    snprintf(src, sizeof src, "%s/run/records", fuzz_data_dir());
    DIR *d = opendir(src);
    if (!d) {
        fprintf(stderr, "fuzz_manifest: no %s (set EXA_FUZZ_DATA to tests/fuzz/data)\n", src);
        abort();
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char s[8192], t[8192];
        snprintf(s, sizeof s, "%s/%s", src, e->d_name);
        snprintf(t, sizeof t, "%s/records/%s", run_dir, e->d_name);
        fuzz_copy_file(s, t);
    }
    closedir(d);
    snprintf(manifest, sizeof manifest, "%s/manifest.json", run_dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 18)
        return 0;
    fuzz_write_file(manifest, data, size);
    struct rd_set set;
    char err[4096] = "";
    if (rd_load(run_dir, &set, err, sizeof err) == 0) {
        char why[512];
        if (json_is_string(json_object_get(set.manifest, "run_id")) && safe_run_id_check(set.run_id, why, sizeof why) != 0)
            fuzz_fail("fuzz_manifest: loaded with a bad run id: %s", why);
        for (size_t i = 0; i < set.n; i++) {
            const struct rd_run *r = &set.runs[i];
            if (r->record_file && safe_rel_path_check(r->record_file, why, sizeof why) != 0)
                fuzz_fail("fuzz_manifest: a record read from outside the run folder: %s", why);
            double v, samples[64];
            const char *unit;
            int higher;
            char text[512];
            (void)rd_metric(r, "gflops", &v, &unit, &higher);
            (void)rd_metric_samples(r, "triad_bandwidth", samples, 64);
            (void)rd_param(r, "n");
            (void)rd_failure(r, text, sizeof text);
        }
    } else if (!err[0]) {
        fuzz_fail("fuzz_manifest: rd_load failed without a message");
    }
    rd_free(&set);
    return 0;
}
