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
           "  rpeak_gflops: 98304             # the whole system's theoretical Rpeak; else\n"
           "  rpeak_per_node_gflops: 3072     #   per node x the Rmax run's nodes\n"
           "  memory_per_node_gib: 512        # optional: the memory rank checks 8 N^2 against\n\n"
           "Rpeak is theoretical, as TOP500 defines it (cores x nominal clock x FP64 flops per cycle, or\n"
           "the accelerators' rated FP64 peak): from the system file, else the run's system, else the\n"
           "Rmax record's rpeak_theoretical (exa-hpl computes it from the hardware it runs on), else\n"
           "this machine's hardware when the Rmax run ran here. The basis is recorded (rpeak_basis,\n"
           "rpeak_source). A calibrated dgemm rate is never used as Rpeak: it is kept as\n"
           "dgemm_peak_gflops, with efficiency_dgemm_peak beside the efficiency against Rpeak. The\n"
           "memory per node comes from the system file, the run's system or the Rmax record's\n"
           "provenance.\n\n"
           "The submission (schema exabench.submission) holds the system, the summary (Rmax, Rpeak,\n"
           "efficiency, dgemm peak, Nmax, N1/2, nodes, cores, memory per node, accelerators,\n"
           "interconnect, MPI, BLAS, date, STREAM Triad per node, latency, bandwidth, energy and Gflop/s\n"
           "per watt where measured), the raw text of every valid HPL, STREAM and comm record with its\n"
           "SHA-256, and a seal: a SHA-256 digest over the records' digests, the run id, the system and\n"
           "the summary (exabench-submit(1) gives the exact byte layout). The seal is an integrity\n"
           "digest only: anyone can recompute it. With --key the same bytes are signed (Ed25519), and\n"
           "'exabench rank --trust' ranks only what a trusted key signed.\n\n"
           "submit refuses (exit 1, naming each reason) a run whose HPL residual check failed, a\n"
           "non-compliant record (compliance.compliant false), a run without a valid HPL record, a\n"
           "run without a theoretical Rpeak, an Rmax above Rpeak, and anything else 'exabench rank'\n"
           "would refuse (Gflop/s not following from N and the time, N not fitting the memory).\n\n"
           "Options:\n"
           "      --system FILE  the system description (required)\n"
           "  -o, --output FILE  where to write (default: RUN/submission.json); '-' for stdout\n"
           "      --key FILE     sign with this Ed25519 private key ('exabench keygen'); refused when\n"
           "                     group or others can read or write it (exit 2)\n"
           "      --signer NAME  the signer's name recorded beside the signature (default USER@HOST;\n"
           "                     rank --trust reports the name the trust file gives the key)\n"
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

/* The system description: a mapping with a name and a site (exit 2 otherwise). */
static json_t *load_system(const char *system_path)
{
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
    return system;
}

/* Failed HPL runs and non-compliant records, one line each into why. */
static void run_refusals(const struct rd_set *set, struct sbuf *why)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        char fb[200];
        if (kind_has_role(r->benchmark, KIND_ROLE_RMAX) && r->rec && !r->ok)
            sb_printf(why, "  %s: HPL run failed: %s\n", r->name, rd_failure(r, fb, sizeof fb));
        const json_t *comp = json_object_get(r->rec, "compliance");
        if (r->ok && json_is_false(json_object_get(comp, "compliant"))) {
            sb_printf(why, "  %s: not compliant with the run rules:", r->name);
            size_t k;
            const json_t *v;
            json_array_foreach(json_object_get(comp, "violations"), k, v)
                sb_printf(why, "%s %s", k ? ";" : "", json_string_value(v) ? json_string_value(v) : "?");
            sb_add(why, "\n");
        }
    }
}

/* The TOP500 figures besides the peaks (sub_peaks adds those). */
static void fill_summary(json_t *summary, const json_t *system, const struct rd_set *set, const struct rp_summary *s)
{
    const struct rd_run *top = s->rmax_run;
    const json_t *sw = json_object_get(json_object_get(top->rec, "provenance"), "software");
    const json_t *mpi = json_object_get(sw, "mpi");
    char mpi_text[256];
    snprintf(mpi_text, sizeof mpi_text, "%s%s%s", jstr(mpi, "library", json_string_value(mpi) ? json_string_value(mpi) : ""),
             json_object_get(mpi, "version") ? " " : "", jstr(mpi, "version", ""));
    const json_t *blas = json_object_get(sw, "blas");
    char *blas_dump = json_is_string(blas) || !blas ? NULL : json_dumps(blas, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *blas_text = json_is_string(blas) ? json_string_value(blas) : blas_dump ? blas_dump : "";
    const json_t *msys = json_object_get(set->manifest, "system");
    json_t *acc = json_object_get(system, "accelerators");
    if (!acc)
        acc = json_object_get(msys, "accelerators");
    json_object_set_new(summary, "rmax_gflops", json_real(s->rmax));
    json_object_set_new(summary, "nmax", json_integer(s->nmax));
    json_object_set_new(summary, "n_half", NUM(s->n_half));
    json_object_set_new(summary, "n_half_is_upper_bound", json_boolean(s->n_half_upper));
    json_object_set_new(summary, "nodes", json_integer(s->rmax_nodes));
    json_t *cores = json_object_get(system, "cores");
    json_object_set_new(summary, "cores", json_is_integer(cores) ? json_incref(cores) : json_integer(s->rmax_cores));
    json_object_set_new(summary, "accelerators", acc ? json_deep_copy(acc) : json_null());
    json_object_set_new(summary, "interconnect", json_string(jstr(system, "interconnect", "")));
    json_object_set_new(summary, "mpi", json_string(mpi_text));
    json_object_set_new(summary, "blas", json_string(blas_text));
    rd_jfree(blas_dump);
    json_object_set_new(summary, "date", json_string(jstr(top->rec, "started", set->created)));
    json_object_set_new(summary, "stream_triad_per_node_gbs", NUM(s->triad_per_node));
    json_object_set_new(summary, "hpl_mxp_gflops", NUM(s->mxp_gflops));
    json_object_set_new(summary, "hpl_mxp_n", isnan(s->mxp_gflops) ? json_null() : json_integer(s->mxp_n));
    json_object_set_new(summary, "latency_us", NUM(s->latency_us));
    json_object_set_new(summary, "latency_size_bytes", isnan(s->latency_us) ? json_null() : json_real(s->latency_size));
    json_object_set_new(summary, "bandwidth_gbs", NUM(s->bandwidth_gbs));
    json_object_set_new(summary, "bandwidth_size_bytes",
                        isnan(s->bandwidth_gbs) ? json_null() : json_real(s->bandwidth_size));
    json_object_set_new(summary, "energy_j", NUM(s->energy_j));
    json_object_set_new(summary, "power_w", NUM(s->power_w));
    json_object_set_new(summary, "gflops_per_watt", NUM(s->power_w > 0 ? s->rmax / s->power_w : NAN));
    json_object_set_new(summary, "rmax_record", json_string(top->record_file));
}

/* Every valid record of a known kind, with its raw text and SHA-256. */
static json_t *records_json(const struct rd_set *set)
{
    char err[4096];
    json_t *records = json_array();
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        if (!r->ok || !r->record_file ||
            !kind_find(r->benchmark))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", set->dir, r->record_file);
        size_t len;
        char *raw = rp_read_file(path, &len, err, sizeof err);
        if (!raw)
            exa_input_error("%s", err);
        char h[65];
        rd_sha256_hex(raw, len, h);
        json_array_append_new(records, json_pack("{s:s, s:s, s:s%}", "file", r->record_file, "sha256", h, "raw", raw, len));
        free(raw);
    }
    return records;
}

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
    json_t *system = load_system(system_path);
    struct rd_set set;
    if (rd_load(argv[optind], &set, err, sizeof err) != 0)
        exa_input_error("%s", err);

    /* Refusals. */
    struct sbuf why;
    sb_init(&why);
    run_refusals(&set, &why);
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

    fill_summary(summary, system, &set, &sum);
    json_t *records = records_json(&set);
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
