/* exabench submit RUN --system FILE: one TOP500-style submission file with the system facts, the
 * summary figures (Rmax, Rpeak, Nmax, N1/2, cores, accelerators, interconnect, MPI, BLAS, date,
 * energy where measured) and the raw records they rest on, sealed with a SHA-256 digest. Refuses a
 * run with a failed residual check or a non-compliant record. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"
#include "exa_record.h"
#include "kind.h"
#include "report.h"
#include "rundir_scan.h"
#include "signing.h"
#include "submit.h"

static void usage(void)
{
    printf("Usage: exabench submit [OPTIONS] RUN --system FILE\n\n"
           "Writes a sealed TOP500-style submission from the results folder RUN. FILE (YAML or JSON)\n"
           "describes the system:\n\n"
           "  name: Example cluster           # required\n"
           "  site: Example computing centre  # required\n"
           "  manufacturer: ...               # optional, kept as given\n"
           "  interconnect: InfiniBand NDR\n"
           "  accelerators: none\n"
           "  rpeak_gflops: 98304             # optional: the whole system's Rpeak; else\n"
           "  rpeak_per_node_gflops: 3072     #   per node x the Rmax run's nodes; else the run's\n"
           "                                  #   system, else the record's expected peak\n\n"
           "The submission (schema exabench.submission) holds the system, the summary (Rmax, Rpeak,\n"
           "efficiency, Nmax, N1/2, nodes, cores, accelerators, interconnect, MPI, BLAS, date,\n"
           "STREAM Triad per node, latency, bandwidth, energy and Gflop/s per watt where measured),\n"
           "the raw text of every valid HPL, STREAM and comm record with its SHA-256, and a seal: a\n"
           "SHA-256 digest over the records' digests, the run id, the system and the summary\n"
           "(the README's section on submit gives the exact byte layout). 'exabench rank' re-checks all of it.\n\n"
           "submit refuses (exit 1, naming each reason) a run whose HPL residual check failed, a\n"
           "non-compliant record (compliance.compliant false), a run without a valid HPL record, and\n"
           "an Rmax above Rpeak.\n\n"
           "Options:\n"
           "      --system FILE  the system description (required)\n"
           "  -o, --output FILE  where to write (default: RUN/submission.json); '-' for stdout\n"
           "  -h, --help         this text\n\n"
           "Exit status: 0 written, 1 refused, 2 bad input.\n");
}

static const char *jstr(const json_t *o, const char *k, const char *d)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : d;
}

char *rp_submission_bytes(const json_t *sub, size_t *len, char *err, size_t errlen)
{
    const json_t *recs = json_object_get(sub, "records");
    const json_t *system = json_object_get(sub, "system"), *summary = json_object_get(sub, "summary");
    const char *run_id = json_string_value(json_object_get(sub, "run_id"));
    if (!json_is_array(recs) || !json_is_object(system) || !json_is_object(summary) || !run_id) {
        snprintf(err, errlen, "records, system, summary or run_id missing");
        return NULL;
    }
    struct sbuf b;
    sb_init(&b);
    sb_add(&b, RP_SUBMISSION_SCHEMA "/1\n");
    size_t i;
    const json_t *r;
    json_array_foreach(recs, i, r) {
        const char *file = json_string_value(json_object_get(r, "file"));
        const char *raw = json_string_value(json_object_get(r, "raw"));
        if (!file || !raw) {
            snprintf(err, errlen, "records[%zu]: 'file' or 'raw' missing", i);
            sb_free(&b);
            return NULL;
        }
        char h[65];
        rd_sha256_hex(raw, json_string_length(json_object_get(r, "raw")), h);
        sb_printf(&b, "%s %s\n", file, h);
    }
    char *s1 = json_dumps(system, JSON_COMPACT | JSON_SORT_KEYS), *s2 = json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS);
    sb_printf(&b, "%s\n%s\n%s\n", run_id, s1, s2);
    rd_jfree(s1);
    rd_jfree(s2);
    *len = b.len;
    return b.s;
}

int rp_submission_seal(const json_t *sub, char digest[65], char *err, size_t errlen)
{
    size_t len;
    char *bytes = rp_submission_bytes(sub, &len, err, errlen);
    if (!bytes)
        return -1;
    rd_sha256_hex(bytes, len, digest);
    free(bytes);
    return 0;
}

/* Removes the "__line" keys the YAML reader adds. */
static void strip_lines(json_t *v)
{
    if (json_is_object(v)) {
        json_object_del(v, "__line");
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
            strip_lines(x);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
            strip_lines(x);
    }
}

#define NUM(x) (isfinite(x) ? json_real(x) : json_null())

int cmd_submit(int argc, char **argv)
{
    static const struct option opts[] = {{"system", required_argument, 0, 's'},
                                         {"output", required_argument, 0, 'o'},
                                         {"key", required_argument, 0, 'k'},
                                         {"signer", required_argument, 0, 'S'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *system_path = NULL, *out_path = NULL, *key_path = NULL, *signer = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': system_path = optarg; break;
        case 'o': out_path = optarg; break;
        case 'k': key_path = optarg; break;
        case 'S': signer = optarg; break;
        case 'h': usage(); return EXA_EXIT_OK;
        default: exa_usage_error("submit: unknown option (see 'exabench submit --help')");
        }
    }
    if (argc - optind != 1)
        exa_usage_error("submit: expected one RUN folder, got %d arguments", argc - optind);
    if (!system_path)
        exa_usage_error("submit: --system FILE is required (the system's name, site, interconnect...)");
    char err[4096];
    json_t *system = rp_load_spec(system_path, err, sizeof err);
    if (!system)
        exa_input_error("%s", err);
    if (!json_is_object(system))
        exa_input_error("%s: the system description must be a mapping", system_path);
    const char *req[] = {"name", "site"};
    for (size_t i = 0; i < 2; i++)
        if (!json_is_string(json_object_get(system, req[i])))
            exa_input_error("%s%s%d: '%s' is required (a string)", system_path, rp_line(system) ? ":" : "",
                            rp_line(system), req[i]);
    strip_lines(system);
    struct rd_set set;
    if (rd_load(argv[optind], &set, err, sizeof err) != 0)
        exa_input_error("%s", err);

    /* Refusals. */
    struct sbuf why;
    sb_init(&why);
    for (size_t i = 0; i < set.n; i++) {
        const struct rd_run *r = &set.runs[i];
        char fb[200];
        if (kind_has_role(r->benchmark, KIND_ROLE_RMAX) && r->rec && !r->ok)
            sb_printf(&why, "  %s: HPL run failed: %s\n", r->name, rd_failure(r, fb, sizeof fb));
        const json_t *comp = json_object_get(r->rec, "compliance");
        if (r->ok && json_is_false(json_object_get(comp, "compliant"))) {
            sb_printf(&why, "  %s: not compliant with the run rules:", r->name);
            size_t k;
            const json_t *v;
            json_array_foreach(json_object_get(comp, "violations"), k, v)
                sb_printf(&why, "%s %s", k ? ";" : "", json_string_value(v) ? json_string_value(v) : "?");
            sb_add(&why, "\n");
        }
    }
    struct rp_summary sum;
    rp_summarize(&set, &sum);
    if (!sum.rmax_run)
        sb_add(&why, "  no valid HPL record: there is no Rmax to submit\n");
    json_t *summary = json_object();
    sub_peaks(summary, system, &set, &sum, &why);
    double rpeak = json_number_value(json_object_get(summary, "rpeak_gflops"));
    if (sum.rmax_run && rpeak > 0 && sum.rmax > rpeak)
        sb_printf(&why, "  Rmax %.6g Gflop/s exceeds Rpeak %.6g Gflop/s\n", sum.rmax, rpeak);
    if (why.len) {
        fprintf(stderr, "exabench: submit refused for %s:\n%s", set.run_id, why.s);
        sb_free(&why);
        json_decref(system);
        json_decref(summary);
        rd_free(&set);
        return EXA_EXIT_FAILED;
    }
    sb_free(&why);

    const struct rd_run *top = sum.rmax_run;
    const json_t *sw = json_object_get(json_object_get(top->rec, "provenance"), "software");
    const json_t *mpi = json_object_get(sw, "mpi");
    char mpi_text[256];
    snprintf(mpi_text, sizeof mpi_text, "%s%s%s", jstr(mpi, "library", json_string_value(mpi) ? json_string_value(mpi) : ""),
             json_object_get(mpi, "version") ? " " : "", jstr(mpi, "version", ""));
    const json_t *blas = json_object_get(sw, "blas");
    char *blas_dump = json_is_string(blas) || !blas ? NULL : json_dumps(blas, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *blas_text = json_is_string(blas) ? json_string_value(blas) : blas_dump ? blas_dump : "";
    const json_t *msys = json_object_get(set.manifest, "system");
    json_t *acc = json_object_get(system, "accelerators");
    if (!acc)
        acc = json_object_get(msys, "accelerators");
    json_object_set_new(summary, "rmax_gflops", json_real(sum.rmax));
    json_object_set_new(summary, "nmax", json_integer(sum.nmax));
    json_object_set_new(summary, "n_half", NUM(sum.n_half));
    json_object_set_new(summary, "n_half_is_upper_bound", json_boolean(sum.n_half_upper));
    json_object_set_new(summary, "nodes", json_integer(sum.rmax_nodes));
    json_t *cores = json_object_get(system, "cores");
    json_object_set_new(summary, "cores", json_is_integer(cores) ? json_incref(cores) : json_integer(sum.rmax_cores));
    json_object_set_new(summary, "accelerators", acc ? json_deep_copy(acc) : json_null());
    json_object_set_new(summary, "interconnect", json_string(jstr(system, "interconnect", "")));
    json_object_set_new(summary, "mpi", json_string(mpi_text));
    json_object_set_new(summary, "blas", json_string(blas_text));
    rd_jfree(blas_dump);
    json_object_set_new(summary, "date", json_string(jstr(top->rec, "started", set.created)));
    json_object_set_new(summary, "stream_triad_per_node_gbs", NUM(sum.triad_per_node));
    json_object_set_new(summary, "latency_us", NUM(sum.latency_us));
    json_object_set_new(summary, "latency_size_bytes", isnan(sum.latency_us) ? json_null() : json_real(sum.latency_size));
    json_object_set_new(summary, "bandwidth_gbs", NUM(sum.bandwidth_gbs));
    json_object_set_new(summary, "bandwidth_size_bytes",
                        isnan(sum.bandwidth_gbs) ? json_null() : json_real(sum.bandwidth_size));
    json_object_set_new(summary, "energy_j", NUM(sum.energy_j));
    json_object_set_new(summary, "power_w", NUM(sum.power_w));
    json_object_set_new(summary, "gflops_per_watt", NUM(sum.power_w > 0 ? sum.rmax / sum.power_w : NAN));
    json_object_set_new(summary, "rmax_record", json_string(top->record_file));

    json_t *records = json_array();
    for (size_t i = 0; i < set.n; i++) {
        const struct rd_run *r = &set.runs[i];
        if (!r->ok || !r->record_file ||
            !kind_find(r->benchmark))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", set.dir, r->record_file);
        size_t len;
        char *raw = rp_read_file(path, &len, err, sizeof err);
        if (!raw)
            exa_input_error("%s", err);
        char h[65];
        rd_sha256_hex(raw, len, h);
        json_array_append_new(records, json_pack("{s:s, s:s, s:s%}", "file", r->record_file, "sha256", h, "raw", raw, len));
        free(raw);
    }
    char now[32];
    exa_utc_now(now, sizeof now);
    json_t *sub = json_object();
    json_object_set_new(sub, "schema", json_string(RP_SUBMISSION_SCHEMA));
    json_object_set_new(sub, "schema_version", json_integer(1));
    json_object_set_new(sub, "run_id", json_string(set.run_id));
    json_object_set_new(sub, "submitted", json_string(now));
    json_object_set_new(sub, "exabench", json_pack("{s:s}", "version", exa_version()));
    json_object_set_new(sub, "system", system);
    json_object_set_new(sub, "summary", summary);
    json_object_set_new(sub, "records", records);
    char digest[65];
    if (rp_submission_seal(sub, digest, err, sizeof err) != 0)
        exa_input_error("seal: %s", err);
    json_object_set_new(sub, "seal", json_pack("{s:s, s:s, s:s}", "algorithm", "sha256", "covers",
                                               "records' sha256, run_id, system, summary", "digest", digest));
    char name[SIG_NAME_MAX + 1];
    if (key_path) {
        if (!signer)
            sub_default_signer(name, sizeof name);
        if (sub_sign(sub, key_path, signer ? signer : name, err, sizeof err) != 0)
            exa_input_error("submit --key: %s", err);
    }
    /* What rank would refuse is never written. */
    char reason[1024];
    const char *who;
    if (rk_check(sub, NULL, reason, sizeof reason, &who) != 0) {
        fprintf(stderr, "exabench: submit refused for %s:\n  %s\n", set.run_id, reason);
        json_decref(sub);
        rd_free(&set);
        return EXA_EXIT_FAILED;
    }
    char path[4096];
    if (out_path)
        snprintf(path, sizeof path, "%s", out_path);
    else
        snprintf(path, sizeof path, "%s/submission.json", set.dir);
    int rc = !strcmp(path, "-") ? json_dumpf(sub, stdout, JSON_INDENT(1)) : json_dump_file(sub, path, JSON_INDENT(1));
    if (rc != 0)
        exa_input_error("cannot write '%s'", path);
    char nb[32];
    fprintf(!strcmp(path, "-") ? stderr : stdout, "submission: %s (Rmax %s Gflop/s, %zu records, seal %.16s...)\n",
            path, rp_num(sum.rmax, nb), json_array_size(records), digest);
    json_decref(sub);
    rd_free(&set);
    return EXA_EXIT_OK;
}
