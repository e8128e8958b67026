/* exabench ingest RUN: adds a run to the history database (SQLite; default results/history.db).
 * One transaction per run; the same run ingested twice changes nothing, and a different run that
 * reuses a run id already present (another creation time, other runs) is refused. The schema is in README.md ("From results to decisions") and in history_schema below. */
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"
#include "exa_record.h"
#include "report.h"
#include "rundir_scan.h"

const char *const history_schema =
    "CREATE TABLE IF NOT EXISTS runs(\n"
    "  run_id TEXT PRIMARY KEY,   -- the manifest's run id\n"
    "  created TEXT NOT NULL,     -- ISO 8601 UTC: the time axis of 'exabench history'\n"
    "  system TEXT, suite TEXT, dir TEXT,\n"
    "  ingested TEXT NOT NULL,\n"
    "  n_runs INTEGER NOT NULL,\n"
    "  provenance TEXT NOT NULL   -- flattened provenance facts: {path: [values]}\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS records(\n"
    "  run_id TEXT NOT NULL REFERENCES runs(run_id), run TEXT NOT NULL,\n"
    "  benchmark TEXT NOT NULL, test TEXT NOT NULL, case_key TEXT NOT NULL, parameters TEXT NOT NULL,\n"
    "  nodes INTEGER, ranks INTEGER, ranks_per_node INTEGER, threads_per_rank INTEGER, repetition INTEGER,\n"
    "  status TEXT NOT NULL, ok INTEGER NOT NULL, started TEXT, host TEXT,\n"
    "  PRIMARY KEY(run_id, run)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS metrics(\n"
    "  run_id TEXT NOT NULL, run TEXT NOT NULL, metric TEXT NOT NULL,\n"
    "  value REAL, unit TEXT, direction TEXT,\n"
    "  PRIMARY KEY(run_id, run, metric)\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS metrics_by_name ON metrics(metric);\n";

static void usage(void)
{
    printf("Usage: exabench ingest [OPTIONS] RUN...\n\n"
           "Adds each results folder RUN to the history database: one row per run in 'runs' (with\n"
           "its flattened provenance), per benchmark run in 'records', and per metric in 'metrics'.\n"
           "Ingesting the same run twice changes nothing. A different run that reuses a run id already\n"
           "in the database (another creation time, other runs or statuses) is refused (exit 2).\n"
           "'exabench history' reads the database.\n\n"
           "Options:\n"
           "      --db FILE  the database (default results/history.db; created when missing)\n"
           "  -h, --help     this text\n\n"
           "Exit status: 0 ingested (or already present), 2 bad input, a reused run id or a database\n"
           "error.\n");
}

int history_open(const char *path, int create, sqlite3 **db, char *err, size_t errlen)
{
    if (create) {
        char *d = strdup(path);
        char *dir = dirname(d);
        if (strcmp(dir, ".") && rp_mkdir_p(dir, err, errlen) != 0) {
            free(d);
            return -1;
        }
        free(d);
    }
    int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, *db ? sqlite3_errmsg(*db) : "cannot open");
        sqlite3_close(*db);
        *db = NULL;
        return -1;
    }
    sqlite3_busy_timeout(*db, 5000);
    char *msg = NULL;
    if (create && sqlite3_exec(*db, history_schema, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : "cannot create the schema");
        sqlite3_free(msg);
        sqlite3_close(*db);
        *db = NULL;
        return -1;
    }
    return 0;
}

#define CHECK(x)                                                                                                       \
    do {                                                                                                               \
        int rc_ = (x);                                                                                                 \
        if (rc_ != SQLITE_OK && rc_ != SQLITE_DONE && rc_ != SQLITE_ROW) {                                             \
            snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));                                                 \
            goto fail;                                                                                                 \
        }                                                                                                              \
    } while (0)

static int cmp_run_id(const void *a, const void *b)
{
    return strcmp((*(const struct rd_run *const *)a)->id, (*(const struct rd_run *const *)b)->id);
}

/* What tells one run from another under the same id: each benchmark run's id, status and start
 * time, in id order ("ID STATUS STARTED\n" each). */
static void run_identity(const struct rd_set *set, struct sbuf *out)
{
    const struct rd_run **by_id = calloc(set->n ? set->n : 1, sizeof *by_id);
    for (size_t i = 0; i < set->n; i++)
        by_id[i] = &set->runs[i];
    qsort(by_id, set->n, sizeof *by_id, cmp_run_id);
    for (size_t i = 0; i < set->n; i++) {
        const char *started = json_string_value(json_object_get(by_id[i]->rec, "started"));
        sb_printf(out, "%s %s %s\n", by_id[i]->id, by_id[i]->status, started ? started : "");
    }
    free(by_id);
}

/* Is the run already in the database (run_id found) the run of set? 1 yes, 0 no (why says how it
 * differs), -1 database error. */
static int same_run(sqlite3 *db, const struct rd_set *set, char *why, size_t whylen)
{
    sqlite3_stmt *q = NULL;
    int same = -1;
    struct sbuf have, want;
    sb_init(&have);
    sb_init(&want);
    if (sqlite3_prepare_v2(db, "SELECT created, n_runs FROM runs WHERE run_id = ?", -1, &q, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(q, 1, set->run_id, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_ROW)
        goto out;
    const char *created = (const char *)sqlite3_column_text(q, 0);
    sqlite3_int64 n_runs = sqlite3_column_int64(q, 1);
    if (*set->created && created && strcmp(created, set->created) != 0) {
        snprintf(why, whylen, "created %s there, %s here", created, set->created);
        same = 0;
        goto out;
    }
    if (n_runs != (sqlite3_int64)set->n) {
        snprintf(why, whylen, "%lld runs there, %zu here", (long long)n_runs, set->n);
        same = 0;
        goto out;
    }
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(db, "SELECT run, status, coalesce(started, '') FROM records WHERE run_id = ? ORDER BY run",
                           -1, &q, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(q, 1, set->run_id, -1, SQLITE_STATIC);
    while (sqlite3_step(q) == SQLITE_ROW)
        sb_printf(&have, "%s %s %s\n", (const char *)sqlite3_column_text(q, 0),
                  (const char *)sqlite3_column_text(q, 1), (const char *)sqlite3_column_text(q, 2));
    run_identity(set, &want);
    same = !strcmp(have.s ? have.s : "", want.s ? want.s : "");
    if (!same)
        snprintf(why, whylen, "its runs, statuses or start times differ");
out:
    sqlite3_finalize(q);
    sb_free(&have);
    sb_free(&want);
    return same;
}

/* Returns 1 ingested, 0 already present, -2 a different run under the same id (err says so), -1
 * error. */
static int ingest_one(sqlite3 *db, const char *path, const struct rd_set *set, char *err, size_t errlen)
{
    sqlite3_stmt *q = NULL, *ins_run = NULL, *ins_rec = NULL, *ins_met = NULL;
    int rc, result = -1;
    CHECK(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL));
    CHECK(sqlite3_prepare_v2(db, "SELECT 1 FROM runs WHERE run_id = ?", -1, &q, NULL));
    sqlite3_bind_text(q, 1, set->run_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        CHECK(rc);
    if (rc == SQLITE_ROW) {
        sqlite3_finalize(q);
        char why[512] = "";
        int same = same_run(db, set, why, sizeof why);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        if (same < 0) {
            snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
            return -1;
        }
        if (!same) {
            snprintf(err, errlen, "ingest: %s: run id %s is already in %s for a different run (%s): refused", set->dir,
                     set->run_id, path, why);
            return -2;
        }
        return 0;
    }
    sqlite3_finalize(q);
    q = NULL;
    json_t *prov = rp_run_provenance(set);
    char *prov_text = json_dumps(prov, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(prov);
    char now[32];
    exa_utc_now(now, sizeof now);
    const json_t *suite = json_object_get(set->manifest, "suite");
    const char *suite_name = json_string_value(json_object_get(suite, "name"));
    CHECK(sqlite3_prepare_v2(db, "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &ins_run, NULL));
    sqlite3_bind_text(ins_run, 1, set->run_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins_run, 2, *set->created ? set->created : now, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins_run, 3, set->system_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins_run, 4, suite_name ? suite_name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins_run, 5, set->dir, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins_run, 6, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins_run, 7, (sqlite3_int64)set->n);
    sqlite3_bind_text(ins_run, 8, prov_text, -1, rd_jfree);
    CHECK(sqlite3_step(ins_run));
    CHECK(sqlite3_prepare_v2(db, "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
                             &ins_rec, NULL));
    CHECK(sqlite3_prepare_v2(db, "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)", -1, &ins_met, NULL));
    for (size_t i = 0; i < set->n; i++) {
        const struct rd_run *r = &set->runs[i];
        char *params = r->params ? json_dumps(r->params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        sqlite3_reset(ins_rec);
        sqlite3_bind_text(ins_rec, 1, set->run_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_rec, 2, r->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_rec, 3, r->benchmark, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_rec, 4, r->test, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_rec, 5, r->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_rec, 6, params ? params : "{}", -1, params ? rd_jfree : SQLITE_STATIC);
        sqlite3_bind_int(ins_rec, 7, r->nodes);
        sqlite3_bind_int(ins_rec, 8, r->ranks);
        sqlite3_bind_int(ins_rec, 9, r->ranks_per_node);
        sqlite3_bind_int(ins_rec, 10, r->threads_per_rank);
        sqlite3_bind_int(ins_rec, 11, r->repetition);
        sqlite3_bind_text(ins_rec, 12, r->status, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins_rec, 13, r->ok);
        const char *started = json_string_value(json_object_get(r->rec, "started"));
        if (started)
            sqlite3_bind_text(ins_rec, 14, started, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins_rec, 14);
        sqlite3_bind_text(ins_rec, 15, r->host, -1, SQLITE_STATIC);
        CHECK(sqlite3_step(ins_rec));
        const char *mn;
        const json_t *m;
        json_object_foreach(json_object_get(r->rec, "metrics"), mn, m) {
            const json_t *v = json_object_get(m, "value");
            sqlite3_reset(ins_met);
            sqlite3_bind_text(ins_met, 1, set->run_id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_met, 2, r->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_met, 3, mn, -1, SQLITE_STATIC);
            if (json_is_number(v))
                sqlite3_bind_double(ins_met, 4, json_number_value(v));
            else
                sqlite3_bind_null(ins_met, 4);
            const char *u = json_string_value(json_object_get(m, "unit"));
            const char *d = json_string_value(json_object_get(m, "direction"));
            sqlite3_bind_text(ins_met, 5, u ? u : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_met, 6, d ? d : "higher", -1, SQLITE_STATIC);
            CHECK(sqlite3_step(ins_met));
        }
    }
    CHECK(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL));
    result = 1;
fail:
    if (result < 0)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(q);
    sqlite3_finalize(ins_run);
    sqlite3_finalize(ins_rec);
    sqlite3_finalize(ins_met);
    return result;
}

int cmd_ingest(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *path = "results/history.db";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': path = optarg; break;
        case 'h': usage(); return EXA_EXIT_OK;
        default: exa_usage_error("ingest: unknown option (see 'exabench ingest --help')");
        }
    }
    if (optind >= argc)
        exa_usage_error("ingest: expected one or more RUN folders");
    char err[4096];
    /* Load every run first: a bad folder leaves the database untouched. */
    size_t n = (size_t)(argc - optind);
    struct rd_set *sets = calloc(n, sizeof *sets);
    for (size_t i = 0; i < n; i++)
        if (rd_load(argv[optind + (int)i], &sets[i], err, sizeof err) != 0)
            exa_input_error("%s", err);
    sqlite3 *db;
    if (history_open(path, 1, &db, err, sizeof err) != 0)
        exa_input_error("%s", err);
    int status = EXA_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        int rc = ingest_one(db, path, &sets[i], err, sizeof err);
        if (rc < 0) {  /* a database error, or a different run under a run id already there */
            fprintf(stderr, "exabench: error: %s\n", err);
            status = EXA_EXIT_USAGE;
        } else if (rc == 0) {
            printf("ingest: %s is already in %s: nothing changed\n", sets[i].run_id, path);
        } else {
            printf("ingest: %s added to %s (%zu runs)\n", sets[i].run_id, path, sets[i].n);
        }
        rd_free(&sets[i]);
    }
    free(sets);
    sqlite3_close(db);
    return status;
}
