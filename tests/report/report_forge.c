/* report-forge: alters a sealed submission the way a knowing forger would, and re-seals it, so that
 * the tests show `exabench rank` refusing on its own checks rather than only on the seal.
 *
 *   report-forge IN OUT --fail-residual   the first HPL record now failed its residual check
 *   report-forge IN OUT --rpeak-below     Rpeak set below Rmax
 *   report-forge IN OUT --rmax-inflate    summary Rmax raised by 10% (not what the records show)
 *   report-forge IN OUT --mxp-inflate     summary HPL-MxP raised by 10% (the same, for exa-mxp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: report-forge IN OUT --fail-residual|--rpeak-below|--rmax-inflate|--mxp-inflate\n");
        return 2;
    }
    char err[1024];
    json_t *sub = rp_load_json(argv[1], err, sizeof err);
    if (!sub) {
        fprintf(stderr, "report-forge: %s\n", err);
        return 2;
    }
    json_t *summary = json_object_get(sub, "summary");
    double rmax = json_number_value(json_object_get(summary, "rmax_gflops"));
    if (!strcmp(argv[3], "--fail-residual")) {
        size_t i;
        json_t *r;
        int done = 0;
        json_array_foreach(json_object_get(sub, "records"), i, r) {
            json_t *rec = json_loads(json_string_value(json_object_get(r, "raw")), 0, NULL);
            if (done || !rec || strcmp(json_string_value(json_object_get(rec, "benchmark")), "hpl")) {
                json_decref(rec);
                continue;
            }
            json_t *v = json_object_get(rec, "verification");
            json_object_set_new(v, "passed", json_false());
            json_object_set_new(v, "value", json_real(4321.0));
            json_object_set_new(rec, "valid", json_false());
            char *raw = json_dumps(rec, JSON_INDENT(1));
            char h[65];
            rd_sha256_hex(raw, strlen(raw), h);
            json_object_set_new(r, "raw", json_string(raw));
            json_object_set_new(r, "sha256", json_string(h));
            free(raw);
            json_decref(rec);
            done = 1;
        }
    } else if (!strcmp(argv[3], "--rpeak-below")) {
        json_object_set_new(summary, "rpeak_gflops", json_real(rmax * 0.5));
    } else if (!strcmp(argv[3], "--rmax-inflate")) {
        json_object_set_new(summary, "rmax_gflops", json_real(rmax * 1.1));
    } else if (!strcmp(argv[3], "--mxp-inflate")) {
        double mxp = json_number_value(json_object_get(summary, "hpl_mxp_gflops"));
        json_object_set_new(summary, "hpl_mxp_gflops", json_real(mxp * 1.1));
    } else {
        fprintf(stderr, "report-forge: unknown alteration '%s'\n", argv[3]);
        return 2;
    }
    char digest[65];
    if (rp_submission_seal(sub, digest, err, sizeof err) != 0) {
        fprintf(stderr, "report-forge: %s\n", err);
        return 2;
    }
    json_object_set_new(json_object_get(sub, "seal"), "digest", json_string(digest));
    if (json_dump_file(sub, argv[2], JSON_INDENT(1)) != 0) {
        fprintf(stderr, "report-forge: cannot write %s\n", argv[2]);
        return 2;
    }
    json_decref(sub);
    return 0;
}
