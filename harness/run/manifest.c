/* The manifest of a run folder, written atomically. */
#include "manifest.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "exa_cli.h"
#include "exa_hplmodel.h"
#include "exa_record.h"
#include "file_atomic.h"
#include "launch.h"

void manifest_run_id(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char host[256] = "host";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = 0;
    char *dot = strchr(host, '.');
    if (dot)
        *dot = 0;
    for (char *p = host; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", *p))
            *p = '_';
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(buf, len, "%s-%s", stamp, host);
}

static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

int manifest_make_dir(const char *parent, char *run_id, size_t idlen, char *dir, size_t dirlen)
{
    if (mkdir_p(parent) != 0)
        return -1;
    char base[200];
    manifest_run_id(base, sizeof base);
    for (int k = 1; k < 1000; k++) {
        if (k == 1)
            snprintf(run_id, idlen, "%s", base);
        else
            snprintf(run_id, idlen, "%s-%d", base, k);
        snprintf(dir, dirlen, "%s/%s", parent, run_id);
        if (mkdir(dir, 0755) == 0) {
            char sub[PATH_MAX];
            snprintf(sub, sizeof sub, "%s/records", dir);
            if (mkdir(sub, 0755) != 0)
                return -1;
            snprintf(sub, sizeof sub, "%s/logs", dir);
            if (mkdir(sub, 0755) != 0)
                return -1;
            manifest_link_latest(parent, run_id);   /* a convenience: failure is not an error */
            return 0;
        }
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

int manifest_link_latest(const char *parent, const char *run_id)
{
    char tmp[PATH_MAX], link[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/.latest.tmp.%ld", parent, (long)getpid());
    snprintf(link, sizeof link, "%s/latest", parent);
    unlink(tmp);
    if (symlink(run_id, tmp) != 0)
        return -1;
    if (rename(tmp, link) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}


int manifest_write(json_t *manifest, const char *dir)
{
    char now[32];
    exa_utc_now(now, sizeof now);
    json_object_set_new(manifest, "updated", json_string(now));
    char *text = json_dumps(manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text) {
        fprintf(stderr, "exabench: error: can not serialise the manifest\n");
        return -1;
    }
    size_t len = strlen(text);
    char *with_nl = malloc(len + 2);
    memcpy(with_nl, text, len);
    with_nl[len] = '\n';
    with_nl[len + 1] = 0;
    free(text);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    int rc = rd_write_atomic(path, with_nl, strlen(with_nl), 1);
    if (rc != 0)
        fprintf(stderr, "exabench: error: can not write %s: %s\n", path, strerror(errno));
    free(with_nl);
    return rc;
}

json_t *manifest_load(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t je;
    json_t *m = json_load_file(path, JSON_DECODE_ANY, &je);
    if (!m) {
        if (je.line > 0)
            fprintf(stderr, "%s:%d:%d: error: %s\n", path, je.line, je.column, je.text);
        else
            fprintf(stderr, "%s: error: %s\n", path, je.text);
        return NULL;
    }
    const char *schema = json_string_value(json_object_get(m, "schema"));
    json_t *runs = json_object_get(m, "runs");
    if (!json_is_object(m) || !schema || strcmp(schema, MANIFEST_SCHEMA) != 0 ||
        json_integer_value(json_object_get(m, "schema_version")) != MANIFEST_SCHEMA_VERSION ||
        !json_is_array(runs)) {
        fprintf(stderr, "%s: error: not an exabench manifest (schema %s version %d expected)\n", path,
                MANIFEST_SCHEMA, MANIFEST_SCHEMA_VERSION);
        json_decref(m);
        return NULL;
    }
    size_t i;
    json_t *r;
    json_array_foreach(runs, i, r) {
        if (!json_is_object(r) || !json_is_array(json_object_get(r, "command")) ||
            !json_is_string(json_object_get(r, "status")) || !json_is_string(json_object_get(r, "id"))) {
            fprintf(stderr, "%s: error: run %zu is malformed (id, status and command are required)\n",
                    path, i + 1);
            json_decref(m);
            return NULL;
        }
    }
    return m;
}

/* ---- a new run folder's manifest -------------------------------------------------------------- */

static void set_or_null(json_t *r, const char *key, json_t *value)
{
    json_object_set_new(r, key, value ? value : json_null());
}

/* This node's memory in GiB (0 if unknown): the manifest's system description of a local run. */
static double local_memory_gib(void)
{
    uint64_t total = 0;
    return exa_meminfo(&total, NULL) == 0 ? (double)total / 1073741824.0 : 0;
}

static json_t *system_json(const struct suite *s)
{
    const struct system_cfg *y = &s->system;
    int local = s->launcher.type == LAUNCH_LOCAL;
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    long cores = y->cores_per_node ? y->cores_per_node : (local ? sysconf(_SC_NPROCESSORS_ONLN) : 0);
    double mem = y->memory_per_node_gib > 0 ? y->memory_per_node_gib : (local ? local_memory_gib() : 0);
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(y->name ? y->name : host));
    set_or_null(o, "nodes", y->nodes ? json_integer(y->nodes) : local ? json_integer(1) : NULL);
    set_or_null(o, "cores_per_node", cores ? json_integer(cores) : NULL);
    set_or_null(o, "memory_per_node_gib", mem > 0 ? json_real(round(mem * 100) / 100) : NULL);
    set_or_null(o, "rpeak_per_node_gflops", y->rpeak_per_node_gflops > 0 ? json_real(y->rpeak_per_node_gflops) : NULL);
    json_object_set(o, "accelerators", y->accelerators);
    return o;
}

static json_t *launcher_json(const struct suite *s)
{
    const struct launcher_cfg *L = &s->launcher;
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(launcher_type_name(L->type)));
    if (L->type == LAUNCH_LOCAL) {
        json_object_set_new(o, "mpirun", json_string(L->mpirun ? L->mpirun : "mpirun"));
        json_object_set_new(o, "oversubscribe", json_boolean(L->oversubscribe));
        json_object_set_new(o, "mpirun_args", strlist_json(&L->mpirun_args));
    } else {
        json_object_set_new(o, "mode", json_string(slurm_use_srun(L) ? "srun" : "sbatch"));
        const char *job = getenv("SLURM_JOB_ID");
        set_or_null(o, "allocation", job && *job ? json_string(job) : NULL);
        set_or_null(o, "partition", L->partition ? json_string(L->partition) : NULL);
        set_or_null(o, "account", L->account ? json_string(L->account) : NULL);
        set_or_null(o, "qos", L->qos ? json_string(L->qos) : NULL);
        set_or_null(o, "time_limit", L->time_limit ? json_string(L->time_limit) : NULL);
        json_object_set_new(o, "srun_args", strlist_json(&L->srun_args));
        json_object_set_new(o, "sbatch_args", strlist_json(&L->sbatch_args));
        json_object_set_new(o, "poll_interval_s", json_real(L->poll_interval));
    }
    json_object_set_new(o, "kill_grace_s", json_real(L->kill_grace));
    return o;
}

json_t *manifest_new(const struct suite *s, const char *run_id)
{
    char now[32];
    exa_utc_now(now, sizeof now);
    json_t *m = json_object();
    json_object_set_new(m, "schema", json_string(MANIFEST_SCHEMA));
    json_object_set_new(m, "schema_version", json_integer(MANIFEST_SCHEMA_VERSION));
    json_object_set_new(m, "run_id", json_string(run_id));
    json_object_set_new(m, "suite", json_pack("{s:s, s:s, s:s}", "file", s->path, "name", s->name,
                                              "sha256", s->sha256));
    json_object_set_new(m, "system", system_json(s));
    json_object_set_new(m, "launcher", launcher_json(s));
    json_object_set_new(m, "created", json_string(now));
    json_object_set_new(m, "updated", json_string(now));
    json_object_set_new(m, "exabench", json_pack("{s:s, s:s}", "version", exa_version(), "git_commit",
                                                 EXA_BUILD_GIT_COMMIT));
    json_object_set_new(m, "runs", json_array());
    json_object_set_new(m, "excluded_nodes", json_array());
    return m;
}

json_t *manifest_run_entry(const struct suite *s, const struct run *r, const struct strlist *exclude)
{
    char record[256], log[256];
    snprintf(record, sizeof record, "records/%s.json", r->id);
    snprintf(log, sizeof log, "logs/%s.log", r->id);
    struct strlist cmd = {0};
    launch_command(s, r, record, exclude, &cmd);
    json_t *env = json_object();
    for (size_t k = 0; k < r->env.names.n; k++)
        json_object_set_new(env, r->env.names.v[k], json_string(r->env.values.v[k]));
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer(r->index));
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "name", json_string(r->entry->name));
    json_object_set_new(o, "benchmark", json_string(r->benchmark));
    set_or_null(o, "test", r->test ? json_string(r->test) : NULL);
    json_object_set_new(o, "label", json_string(r->label));
    json_object_set_new(o, "scale", json_pack("{s:I, s:I, s:I, s:I}", "nodes", (json_int_t)r->nodes, "ranks",
                                              (json_int_t)r->ranks, "ranks_per_node", (json_int_t)r->ranks_per_node,
                                              "threads_per_rank", (json_int_t)r->threads_per_rank));
    json_object_set(o, "parameters", r->parameters);
    json_object_set_new(o, "repetition", json_integer(r->repetition));
    json_object_set_new(o, "timeout_s", json_real(r->timeout));
    json_object_set_new(o, "env", env);
    json_object_set_new(o, "command", strlist_json(&cmd));
    json_object_set_new(o, "status", json_string("pending"));
    json_object_set_new(o, "exit_code", json_null());
    json_object_set_new(o, "signal", json_null());
    json_object_set_new(o, "started", json_null());
    json_object_set_new(o, "finished", json_null());
    json_object_set_new(o, "duration_s", json_null());
    json_object_set_new(o, "record", json_string(record));
    json_object_set_new(o, "log", json_string(log));
    json_object_set_new(o, "log_tail", json_null());
    json_object_set_new(o, "attempts", json_integer(0));
    strlist_free(&cmd);
    return o;
}
