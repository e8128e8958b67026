/* exabench import FILE... [--as KIND] [--system FILE] [--run RUN]: other tools' output files as
 * records of a run folder (a new one under --out, or RUN, new or existing). Every file is read and
 * parsed before anything is written (all or nothing); records are written atomically under names
 * made from the file's SHA-256, and an existing record is never replaced: importing the same file
 * twice into one folder is refused. Manual: docs/man/exabench-import.1.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "exa_cli.h"
#include "exa_record.h"
#include "file_atomic.h"
#include "import.h"
#include "import_cmd.h"
#include "kind.h"
#include "manifest.h"
#include "yaml_load.h"

static void usage(void)
{
    printf("Usage: exabench import [options] FILE...\n\n"
           "Reads the output of another benchmark tool and adds it, as standard exabench records,\n"
           "to a run folder that report, compare, accept, submit, ingest and history read.\n"
           "Formats (recognised from the text unless --as names one): netlib and vendor HPL\n"
           "(HPL.out, NVIDIA HPL, rocHPL, Intel), hpcc (hpccoutf.txt), HPCG 3.x report files, OSU\n"
           "Micro-Benchmarks 5.x-7.x, IMB, McCalpin STREAM, BabelStream, nccl-tests, exa-hpl's text.\n\n"
           "Options:\n"
           "      --as KIND       read every FILE as this format: an importer (hpl, hpcc, hpcg, osu,\n"
           "                      imb, stream, babelstream, nccl) or an imported kind (netlib-hpl...)\n"
           "      --run RUN       add to the run folder RUN (created when it does not exist)\n"
           "      --out DIR       parent of a new run folder when --run is not given (default: results)\n"
           "      --system FILE   the machine, as a suite's system section (YAML: name, nodes,\n"
           "                      cores_per_node, memory_per_node_gib, rpeak_per_node_gflops)\n"
           "  -h, --help          this text\n\n"
           "Exit status: 0 imported, every record valid; 1 imported, some record invalid (a failed\n"
           "residual, an INVALID HPCG run...); 2 bad usage or a file that does not read (nothing written).\n");
}

/* The importer --as names: an importer's own name or an imported kind's. */
static const char *importer_named(const char *as)
{
    if (import_find(as))
        return as;
    const struct kind *k = kind_find(as);
    if (k && k->importer)
        return k->importer;
    char names[512] = "";
    for (const struct importer *const *i = import_registry; *i; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", *names ? ", " : "", (*i)->name);
    exa_usage_error("--as '%s': not a format exabench imports (%s, or an imported kind such as netlib-hpl)", as,
                    names);
}

/* The system description of --system FILE: a mapping, or a file whose `system:` is one. */
static json_t *system_from_yaml(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        exa_input_error("%s: can not read the system file: %s", path, strerror(errno));
    yaml_document_t doc;
    struct rd_yaml_error ye;
    int rc = rd_yaml_load_file(f, &doc, &ye);
    fclose(f);
    if (rc != 0)
        exa_input_error("%s:%d:%d: %s", path, ye.line, ye.column, ye.what);
    yaml_node_t *m = yaml_document_get_root_node(&doc);
    for (int pass = 0; pass < 2 && m && m->type == YAML_MAPPING_NODE; pass++)
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(&doc, p->key);
            if (pass == 0 && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, "system")) {
                m = yaml_document_get_node(&doc, p->value);
                break;
            }
        }
    if (!m || m->type != YAML_MAPPING_NODE)
        exa_input_error("%s: expected a mapping of system keys (name, nodes, cores_per_node, "
                        "memory_per_node_gib, rpeak_per_node_gflops)", path);
    json_t *sys = json_pack("{s:s, s:n, s:n, s:n, s:n, s:[]}", "name", "unknown", "nodes", "cores_per_node",
                            "memory_per_node_gib", "rpeak_per_node_gflops", "accelerators");
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key), *v = yaml_document_get_node(&doc, p->value);
        const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        const char *val = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
        int line = (int)k->start_mark.line + 1;
        if (!strcmp(key, "accelerators"))
            continue;
        if (!json_object_get(sys, key))
            exa_input_error("%s:%d: unknown system key '%s' (expected name, nodes, cores_per_node, "
                            "memory_per_node_gib, rpeak_per_node_gflops)", path, line, key);
        if (!val)
            exa_input_error("%s:%d: %s: expected a scalar value", path, line, key);
        if (!strcmp(key, "name")) {
            json_object_set_new(sys, key, json_string(val));
            continue;
        }
        char *end;
        errno = 0;
        double d = strtod(val, &end);
        if (errno || end == val || *end || !(d > 0))
            exa_input_error("%s:%d: %s: expected a positive number, found '%s'", path, line, key, val);
        int integral = !strcmp(key, "nodes") || !strcmp(key, "cores_per_node");
        if (integral && d != (double)(json_int_t)d)
            exa_input_error("%s:%d: %s: expected a whole number, found '%s'", path, line, key, val);
        json_object_set_new(sys, key, integral ? json_integer((json_int_t)d) : json_real(d));
    }
    yaml_document_delete(&doc);
    return sys;
}

struct imported_file {
    const char *path;
    json_t *records;            /* array */
    const struct importer *used;
};

/* The record's file name: the input's SHA-256 (12 digits), its position in the file and its
 * benchmark, so that the same output imported twice lands on the same name and is refused. */
static void record_name(const json_t *rec, size_t k, char *buf, size_t len)
{
    const json_t *imp = json_object_get(rec, "import");
    const char *sha = json_string_value(json_object_get(imp, "sha256"));
    const char *bench = json_string_value(json_object_get(rec, "benchmark"));
    snprintf(buf, len, "imp-%.12s-%03zu-%s", sha ? sha : "nosha", k + 1, bench ? bench : "unknown");
    for (char *c = buf; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *c))
            *c = '_';
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void make_dir(const char *p)
{
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        exa_input_error("%s: can not create the folder: %s", p, strerror(errno));
}

/* The run folder: RUN (created with records/ and logs/ when new) or a new one under out. *fresh
 * is 1 when it holds no records yet (the import writes its manifest). */
static void run_folder(const char *run, const char *out, char *dir, size_t len, char *run_id, size_t idlen,
                       int *fresh)
{
    char sub[4096];
    if (!run) {
        if (manifest_make_dir(out, run_id, idlen, dir, len) != 0)
            exa_input_error("%s: can not create a run folder: %s", out, strerror(errno));
        *fresh = 1;
        return;
    }
    snprintf(dir, len, "%s", run);
    size_t l = strlen(dir);
    while (l > 1 && dir[l - 1] == '/')
        dir[--l] = 0;
    const char *base = strrchr(dir, '/');
    snprintf(run_id, idlen, "%s", base ? base + 1 : dir);
    snprintf(sub, sizeof sub, "%s/records", dir);
    *fresh = !is_dir(sub);
    if (!is_dir(dir))
        make_dir(dir);
    make_dir(sub);
    snprintf(sub, sizeof sub, "%s/logs", dir);
    make_dir(sub);
}

static json_t *new_manifest(const char *run_id, json_t *system)
{
    char now[32];
    exa_utc_now(now, sizeof now);
    json_t *m = json_object();
    json_object_set_new(m, "schema", json_string(MANIFEST_SCHEMA));
    json_object_set_new(m, "schema_version", json_integer(MANIFEST_SCHEMA_VERSION));
    json_object_set_new(m, "run_id", json_string(run_id));
    json_object_set_new(m, "source", json_string("imported"));
    json_object_set_new(m, "suite", json_null());
    json_object_set_new(m, "system", system ? json_incref(system) : json_pack("{s:s}", "name", "unknown"));
    json_object_set_new(m, "launcher", json_pack("{s:s}", "type", "imported"));
    json_object_set_new(m, "created", json_string(now));
    json_object_set_new(m, "updated", json_string(now));
    json_object_set_new(m, "exabench", json_pack("{s:s}", "version", exa_version()));
    json_object_set_new(m, "runs", json_array());
    json_object_set_new(m, "imports", json_array());
    json_object_set_new(m, "excluded_nodes", json_array());
    return m;
}

json_t *import_manifest_entry(const json_t *rec, const char *id, size_t index, const char *record)
{
    const json_t *launch = json_object_get(rec, "launch");
    json_int_t nodes = json_integer_value(json_object_get(launch, "nodes"));
    json_int_t ranks = json_integer_value(json_object_get(launch, "ranks"));
    json_int_t rpn = json_integer_value(json_object_get(launch, "ranks_per_node"));
    json_int_t tpr = json_integer_value(json_object_get(launch, "threads_per_rank"));
    nodes = nodes > 0 ? nodes : 1;
    ranks = ranks > 0 ? ranks : nodes;
    int ok = json_is_true(json_object_get(rec, "valid")) &&
             !json_is_false(json_object_get(json_object_get(rec, "verification"), "passed"));
    const char *bench = json_string_value(json_object_get(rec, "benchmark"));
    const json_t *test = json_object_get(rec, "test");
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer((json_int_t)index));
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "name", json_string(bench ? bench : "imported"));
    json_object_set_new(o, "benchmark", json_string(bench ? bench : "unknown"));
    json_object_set_new(o, "test", json_is_string(test) ? json_copy((json_t *)test) : json_null());
    json_object_set_new(o, "label", json_string(id));
    json_object_set_new(o, "scale", json_pack("{s:I, s:I, s:I, s:I}", "nodes", nodes, "ranks", ranks,
                                              "ranks_per_node", rpn > 0 ? rpn : ranks / nodes,
                                              "threads_per_rank", tpr > 0 ? tpr : (json_int_t)1));
    json_object_set(o, "parameters", json_object_get(rec, "parameters"));
    json_object_set_new(o, "repetition", json_integer(1));
    json_object_set_new(o, "status", json_string(ok ? "valid" : "verification-failed"));
    json_object_set_new(o, "source", json_string("imported"));
    json_object_set_new(o, "command", json_array());  /* nothing to run: --resume leaves it */
    json_object_set_new(o, "record", json_string(record));
    json_object_set_new(o, "log", json_null());
    return o;
}

/* Refuses (before anything is written) a record name already in the folder. */
static void check_new_names(const char *dir, struct imported_file *f, size_t nf)
{
    for (size_t i = 0; i < nf; i++) {
        for (size_t k = 0; k < json_array_size(f[i].records); k++) {
            char name[256], path[4096 + 300];
            record_name(json_array_get(f[i].records, k), k, name, sizeof name);
            snprintf(path, sizeof path, "%s/records/%s.json", dir, name);
            if (access(path, F_OK) == 0)
                exa_input_error("%s: already imported into %s (records/%s.json comes from the same bytes); "
                                "records are never overwritten", f[i].path, dir, name);
            for (size_t j = 0; j < i; j++)
                if (!strcmp(f[i].path, f[j].path) || !strcmp(json_string_value(json_object_get(
                    json_object_get(json_array_get(f[j].records, 0), "import"), "sha256")) ?: "",
                    json_string_value(json_object_get(json_object_get(json_array_get(f[i].records, 0),
                                                                      "import"), "sha256")) ?: "x"))
                    exa_input_error("%s: the same bytes as %s, given twice", f[i].path, f[j].path);
        }
    }
}

static void write_json(const char *path, const json_t *j, int durable)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    size_t len = strlen(text);
    text = realloc(text, len + 2);
    text[len++] = '\n';
    if (rd_write_atomic(path, text, len, durable) != 0)
        exa_input_error("%s: can not write: %s", path, strerror(errno));
    free(text);
}

/* Writes every record and the manifest entries. Returns how many records are not valid. */
static size_t write_records(const char *dir, json_t *manifest, struct imported_file *f, size_t nf)
{
    json_t *runs = manifest ? json_object_get(manifest, "runs") : NULL;
    size_t bad = 0;
    for (size_t i = 0; i < nf; i++) {
        for (size_t k = 0; k < json_array_size(f[i].records); k++) {
            json_t *rec = json_array_get(f[i].records, k);
            char name[256], path[4096 + 300], rel[300];
            record_name(rec, k, name, sizeof name);
            snprintf(rel, sizeof rel, "records/%s.json", name);
            snprintf(path, sizeof path, "%s/%s", dir, rel);
            write_json(path, rec, 1);
            json_t *e = import_manifest_entry(rec, name, runs ? json_array_size(runs) + 1 : 0, rel);
            int ok = !strcmp(json_string_value(json_object_get(e, "status")), "valid");
            bad += !ok;
            const json_t *g = json_object_get(json_object_get(json_object_get(rec, "metrics"), "gflops"), "value");
            printf("%s  %s%s%s  %s", rel, json_string_value(json_object_get(rec, "benchmark")),
                   json_is_string(json_object_get(rec, "test")) ? " " : "",
                   json_string_value(json_object_get(rec, "test")) ?: "", ok ? "valid" : "INVALID");
            if (json_is_number(g))
                printf("  %s%.6g Gflop/s", ok ? "" : "not a result: ", json_number_value(g));
            putchar('\n');
            if (runs)
                json_array_append_new(runs, e);
            else
                json_decref(e);
        }
        if (manifest && json_is_array(json_object_get(manifest, "imports")))
            json_array_append_new(json_object_get(manifest, "imports"),
                                  json_pack("{s:s, s:O, s:s, s:I}", "path", f[i].path, "sha256",
                                            json_object_get(json_object_get(json_array_get(f[i].records, 0),
                                                                            "import"), "sha256"),
                                            "importer", f[i].used->name,
                                            "records", (json_int_t)json_array_size(f[i].records)));
    }
    return bad;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {{"as", required_argument, 0, 'a'}, {"run", required_argument, 0, 'r'},
                                         {"out", required_argument, 0, 'o'}, {"system", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *as = NULL, *run = NULL, *out = "results", *system_file = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'a')
            as = importer_named(optarg);
        else if (c == 'r')
            run = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 's')
            system_file = optarg;
        else if (c == 'h') {
            usage();
            return 0;
        } else
            exa_usage_error("see 'exabench import --help'");
    }
    if (optind >= argc)
        exa_usage_error("give at least one FILE to import (see 'exabench import --help')");
    json_t *system = system_file ? system_from_yaml(system_file) : NULL;
    size_t nf = (size_t)(argc - optind);
    struct imported_file *f = calloc(nf, sizeof *f);
    for (size_t i = 0; i < nf; i++) {
        char err[IMPORT_ERR_LEN];
        f[i].path = argv[optind + (int)i];
        f[i].records = import_file(f[i].path, as, &f[i].used, err);
        if (!f[i].records)
            exa_input_error("%s", err);
        if (json_array_size(f[i].records) == 0)
            exa_input_error("%s: no result in the file (expected %s)", f[i].path, f[i].used->expects);
    }
    char dir[4096], run_id[256];
    int fresh = 0;
    run_folder(run, out, dir, sizeof dir, run_id, sizeof run_id, &fresh);
    check_new_names(dir, f, nf);
    char mpath[4096 + 32];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
    json_t *manifest = NULL;
    if (access(mpath, F_OK) == 0) {
        if (!(manifest = manifest_load(dir)))
            return EXA_EXIT_USAGE;
    } else if (fresh) {
        manifest = new_manifest(run_id, system);
    }
    if (manifest && system)
        json_object_set(manifest, "system", system);
    size_t bad = write_records(dir, manifest, f, nf);
    if (manifest && manifest_write(manifest, dir) != 0)
        return EXA_EXIT_USAGE;
    size_t total = 0;
    for (size_t i = 0; i < nf; i++)
        total += json_array_size(f[i].records);
    printf("imported %zu record%s from %zu file%s into %s (%zu not valid)\n", total, total == 1 ? "" : "s", nf,
           nf == 1 ? "" : "s", dir, bad);
    for (size_t i = 0; i < nf; i++)
        json_decref(f[i].records);
    free(f);
    json_decref(manifest);
    json_decref(system);
    return bad ? EXA_EXIT_FAILED : EXA_EXIT_OK;
}
