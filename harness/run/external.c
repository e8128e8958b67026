/* External tools run as suite entries (kinds/external.c): the work folder and input of a run
 * before it starts, and the import of its output into the run's record after it ends. The tool
 * runs in results/<run-id>/work/<run>/ with its input there (HPL.dat written from the run's n, nb,
 * p and q, or the entry's input copied); what it printed (this attempt's part of the run's log) is
 * kept as work/<run>/output.txt; its output file, or that text, is imported with the entry's format
 * (harness/import/) and written atomically as the run's record. */
#include "external.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exa_record.h"
#include "file_atomic.h"
#include "import.h"

static const json_t *ext_of(const json_t *r)
{
    return json_object_get(json_object_get(r, "parameters"), "external");
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static long jint(const json_t *o, const char *k)
{
    return (long)json_integer_value(json_object_get(o, k));
}

/* An HPL.dat of one problem on one grid, in netlib's layout (xhpl, exa-hpl and hpcc read it; the
 * two lines after line 31 are hpcc's, which HPL ignores). */
static int write_hpl_dat(const char *path, const json_t *par)
{
    char buf[4096];
    int len = snprintf(buf, sizeof buf,
        "HPLinpack benchmark input file\n"
        "written by exabench for an external suite entry\n"
        "HPL.out      output file name (if any)\n"
        "6            device out (6=stdout,7=stderr,file)\n"
        "1            # of problems sizes (N)\n"
        "%ld         Ns\n"
        "1            # of NBs\n"
        "%ld          NBs\n"
        "0            PMAP process mapping (0=Row-,1=Column-major)\n"
        "1            # of process grids (P x Q)\n"
        "%ld            Ps\n"
        "%ld            Qs\n"
        "16.0         threshold\n"
        "1            # of panel fact\n"
        "2            PFACTs (0=left, 1=Crout, 2=Right)\n"
        "1            # of recursive stopping criterium\n"
        "4            NBMINs (>= 1)\n"
        "1            # of panels in recursion\n"
        "2            NDIVs\n"
        "1            # of recursive panel fact.\n"
        "1            RFACTs (0=left, 1=Crout, 2=Right)\n"
        "1            # of broadcast\n"
        "1            BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)\n"
        "1            # of lookahead depth\n"
        "1            DEPTHs (>=0)\n"
        "2            SWAP (0=bin-exch,1=long,2=mix)\n"
        "64           swapping threshold\n"
        "1            L1 in (0=transposed,1=no-transposed) form\n"
        "1            U  in (0=transposed,1=no-transposed) form\n"
        "0            Equilibration (0=no,1=yes)\n"
        "8            memory alignment in double (> 0)\n"
        "##### This line (no. 32) is ignored (it serves as a separator). ######\n"
        "0                               Number of additional problem sizes for PTRANS\n",
        jint(par, "n"), jint(par, "nb"), jint(par, "p"), jint(par, "q"));
    return rd_write_atomic(path, buf, (size_t)len, 0);
}

static char *slurp(const char *path, long offset, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (offset > 0 && fseek(f, offset, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

static int copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = slurp(from, 0, &len);
    if (!data)
        return -1;
    int rc = rd_write_atomic(to, data, len, 0);
    free(data);
    return rc;
}

int external_prepare(const char *dir, json_t *r, struct strlist *argv, struct external_step *xs)
{
    const json_t *ext = ext_of(r);
    if (!json_is_object(ext))
        return 0;
    memset(xs, 0, sizeof *xs);
    /* The launcher's "--json RECORD": the harness writes the record, not the tool. */
    if (argv->n >= 2 && !strcmp(argv->v[argv->n - 2], "--json")) {
        free(argv->v[--argv->n]);
        free(argv->v[--argv->n]);
    }
    const char *id = jstr(r, "id");
    char work[PATH_MAX];
    snprintf(work, sizeof work, "%s/work", dir);
    mkdir(work, 0755);
    snprintf(xs->cwd, sizeof xs->cwd, "%s/work/%s", dir, id ? id : "run");
    if (mkdir(xs->cwd, 0755) != 0 && errno != EEXIST) {
        snprintf(xs->note, sizeof xs->note, "%s: can not make the work folder: %s", xs->cwd, strerror(errno));
        return -1;
    }
    snprintf(xs->log, sizeof xs->log, "%s/%s", dir, jstr(r, "log") ? jstr(r, "log") : "");
    struct stat st;
    xs->log_offset = stat(xs->log, &st) == 0 ? (long)st.st_size : 0;
    const char *input = jstr(ext, "input"), *as = jstr(ext, "input_as");
    char dst[PATH_MAX * 2];
    int rc = 0;
    if (json_is_true(json_object_get(ext, "write_hpl_dat"))) {
        snprintf(dst, sizeof dst, "%s/%s", xs->cwd, as ? as : "HPL.dat");
        rc = write_hpl_dat(dst, json_object_get(r, "parameters"));
    } else if (input) {
        const char *base = strrchr(input, '/') ? strrchr(input, '/') + 1 : input;
        snprintf(dst, sizeof dst, "%s/%s", xs->cwd, as ? as : base);
        rc = copy_file(input, dst);
    }
    if (rc != 0) {
        snprintf(xs->note, sizeof xs->note, "%s: can not write the tool's input: %s", dst, strerror(errno));
        return -1;
    }
    return 1;
}

/* The record among those imported that is this run's: the first with the kind's headline metric
 * (hpcc's HPL section for hpl-external), else the first. */
static json_t *pick_record(json_t *recs, const char *headline)
{
    size_t i;
    json_t *rec;
    json_array_foreach(recs, i, rec)
        if (!headline || json_object_get(json_object_get(rec, "metrics"), headline))
            return rec;
    return json_array_get(recs, 0);
}

/* What the harness knows and the tool's output does not: how it was launched. */
static void set_launch(json_t *rec, const json_t *r)
{
    const json_t *scale = json_object_get(r, "scale");
    json_t *launch = json_object_get(rec, "launch");
    if (!json_is_object(launch))
        return;
    const char *keys[] = {"nodes", "ranks", "ranks_per_node", "threads_per_rank"};
    for (int k = 0; k < 4; k++)
        json_object_set_new(launch, keys[k], json_integer(jint(scale, keys[k])));
    json_object_set_new(launch, "unknown", json_array());
    json_object_set_new(launch, "launcher", json_string("exabench (external suite entry)"));
    json_object_set(launch, "argv", json_object_get(r, "command"));
}

const char *external_finish(const char *dir, json_t *r, struct external_step *xs, const struct proc_result *res)
{
    const json_t *ext = ext_of(r);
    char printed[PATH_MAX + 32], path[PATH_MAX * 2], err[IMPORT_ERR_LEN] = "";
    size_t len = 0;
    if (res->timed_out || !res->exited)
        return NULL;    /* timed out, crashed or stopped: run_settle says so */
    char *text = slurp(xs->log, xs->log_offset, &len);
    /* The tool's own output: this attempt's part of the log, after the harness's two header lines. */
    char *from = text;
    for (int k = 0; k < 2 && from && !strncmp(from, k ? "$ " : "=== exabench: ", k ? 2 : 14); k++) {
        char *nl = memchr(from, '\n', len - (size_t)(from - text));
        from = nl ? nl + 1 : text + len;
    }
    snprintf(printed, sizeof printed, "%s/output.txt", xs->cwd);
    rd_write_atomic(printed, from ? from : "", from ? len - (size_t)(from - text) : 0, 0);
    free(text);
    const char *output = jstr(ext, "output");
    if (output) {
        snprintf(path, sizeof path, "%s/%s", xs->cwd, output);
        glob_t g;  /* HPCG's HPCG-Benchmark_3.1_<time>.txt: a pattern, the last match in name order */
        if (strpbrk(output, "*?[") && glob(path, 0, NULL, &g) == 0) {
            snprintf(path, sizeof path, "%s", g.gl_pathv[g.gl_pathc - 1]);
            globfree(&g);
        }
    } else
        snprintf(path, sizeof path, "%s", printed);
    char status[128] = "";
    if (res->exited && res->exit_code != 0)
        snprintf(status, sizeof status, "the tool exited with status %d; ", res->exit_code);
    json_t *recs = access(path, R_OK) == 0 ? import_file(path, jstr(ext, "format"), NULL, err) : NULL;
    if (!recs && !*err)
        snprintf(err, sizeof err, "%s: the tool wrote no output file", path);
    json_t *rec = recs ? pick_record(recs, jstr(ext, "headline")) : NULL;
    const char *rel = jstr(r, "record");
    char verr[EXA_ERR_LEN];
    if (rec && rel) {
        set_launch(rec, r);
        if (json_array_size(recs) > 1) {
            json_t *notes = json_object_get(json_object_get(rec, "import"), "notes");
            char n[256];
            snprintf(n, sizeof n, "the output held %zu results: this record is the first with %s; all are in "
                     "%s", json_array_size(recs), jstr(ext, "headline") ? jstr(ext, "headline") : "a result", path);
            if (json_is_array(notes))
                json_array_append_new(notes, json_string(n));
        }
        char *dump = exa_record_validate(rec, verr) == 0 ? json_dumps(rec, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        if (dump && rd_write_atomic(path, dump, strlen(dump), 1) == 0) {
            /* The kind the record names (netlib-hpl, hpcc...) is the run's from now on: report,
             * compare and submit know the run by it. */
            json_object_set(r, "external_kind", json_object_get(r, "benchmark"));
            json_object_set(r, "benchmark", json_object_get(rec, "benchmark"));
            json_object_set(r, "test", json_object_get(rec, "test"));
            free(dump);
            json_decref(recs);
            if (!*status)
                return NULL;
            snprintf(xs->note, sizeof xs->note, "%soutput imported", status);
            return xs->note;
        }
        snprintf(err, sizeof err, "%s: can not write the record: %s", path, dump ? strerror(errno) : verr);
        free(dump);
    }
    json_decref(recs);
    snprintf(xs->note, sizeof xs->note, "%s%s", status, err);
    return xs->note;
}
