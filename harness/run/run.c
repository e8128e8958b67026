/* `exabench run`: expands a suite, writes results/<run-id>/manifest.json, and runs every run in
 * order (locally through mpirun, or through Slurm: srun inside an allocation, batch jobs outside
 * one), recording each run's outcome atomically so that a killed harness can --resume. */
#include "session.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_info.h"
#include "commands.h"
#include "exa_cli.h"
#include "exa_hplmodel.h"
#include "exa_record.h"
#include "launch.h"
#include "manifest.h"
#include "executor.h"
#include "guard.h"
#include "proc.h"
#include "screen.h"
#include "suite.h"

/* ---- exabench run ---------------------------------------------------------------------------- */

static void run_usage(FILE *out)
{
    fprintf(out,
        "Usage: exabench run SUITE [--out DIR] [--only NAME...] [--screen] [--exclude-file FILE]\n"
        "                          [--dry-run]\n"
        "       exabench run --resume RUN-ID [--out DIR] [SUITE]\n\n"
        "Runs the suite's runs in plan order ('exabench plan SUITE' lists them) and writes\n"
        "DIR/<run-id>/: manifest.json, records/<NNNN>-<slug>.json (one record per run) and\n"
        "logs/<NNNN>-<slug>.log (each run's stdout and stderr). The run id is the UTC start time\n"
        "and the host name, e.g. 20261125T110312Z-myhost. The manifest is rewritten atomically\n"
        "after every run; a run that crashes, hangs past its timeout, exits non-zero, fails\n"
        "verification or writes no valid record is recorded with its status, exit code or signal\n"
        "and the tail of its log, and the sweep goes on.\n\n"
        "Launchers (the suite's launcher.type): local runs 'mpirun' on this host; slurm uses\n"
        "'srun' inside an allocation (SLURM_JOB_ID set) and otherwise writes one batch script per\n"
        "scale step under DIR/<run-id>/slurm/, submits them with sbatch, follows them with\n"
        "squeue and scontrol and collects their records.\n\n"
        "Options:\n"
        "  --out DIR          parent folder of run folders (default: results)\n"
        "  --only NAME...     run only the benchmark entries with these names\n"
        "  --resume RUN-ID    finish the pending runs of DIR/RUN-ID ('latest': the newest; a path:\n"
        "                     that folder): runs that ended are kept, nothing is run twice; a run\n"
        "                     whose complete record exists is adopted rather than run again\n"
        "  --screen           run the suite's screen step first and leave the flagged nodes out of\n"
        "                     the later runs (Slurm: srun/sbatch --exclude)\n"
        "  --exclude-file F   leave out the nodes listed in F (one host name per line, e.g. the\n"
        "                     screen/flagged-nodes.txt of an earlier run)\n"
        "  --dry-run          print what would run (Slurm outside an allocation: the batch\n"
        "                     scripts) and run nothing\n"
        "  -h, --help         this text\n\n"
        "Progress goes to stderr: '[7/24] LABEL  41 s  ETA 3m10s' (LABEL: the run as 'plan' names\n"
        "it), updated in place on a terminal, one line per start and end otherwise.\n\n"
        "Exit status: 0 every run valid, 1 some run not valid (or interrupted: finish it with\n"
        "--resume), 2 bad usage or a bad suite file.\n");
}

static int read_node_list(const char *file, struct strlist *out)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return -1;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n#")] = 0;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strlen(p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            p[--n] = 0;
        if (*p)
            strlist_push(out, p);
    }
    fclose(f);
    return 0;
}

static int print_summary(struct session *S)
{
    json_t *runs = json_object_get(S->manifest, "runs");
    size_t i, n_valid = 0, n = json_array_size(runs);
    json_t *r;
    printf("%-4s  %-40s  %-19s  %9s\n", "#", "run", "status", "time");
    json_array_foreach(runs, i, r) {
        const char *st = json_string_value(json_object_get(r, "status"));
        n_valid += !strcmp(st, "valid");
        json_t *d = json_object_get(r, "duration_s");
        char t[32] = "-";
        if (json_is_number(d))
            session_fmt_secs(t, sizeof t, json_number_value(d));
        char extra[64] = "";
        if (json_is_integer(json_object_get(r, "signal")))
            snprintf(extra, sizeof extra, " (signal %lld)", (long long)json_integer_value(json_object_get(r, "signal")));
        else if (json_is_integer(json_object_get(r, "exit_code")) && json_integer_value(json_object_get(r, "exit_code")))
            snprintf(extra, sizeof extra, " (exit %lld)", (long long)json_integer_value(json_object_get(r, "exit_code")));
        if (json_is_true(json_object_get(r, "foreign_load")))
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " [foreign load]");
        printf("%-4lld  %-40s  %-19s  %9s%s\n", (long long)json_integer_value(json_object_get(r, "index")),
               json_string_value(json_object_get(r, "id")), st, t, extra);
    }
    printf("\n%zu of %zu runs valid; results in %s\n", n_valid, n, S->dir);
    return n_valid == n ? EXA_EXIT_OK : EXA_EXIT_FAILED;
}

static int execute(struct session *S, int dry_run)
{
    const struct executor *x = executor_for(json_object_get(S->manifest, "launcher"));
    return x->execute(S, dry_run);
}

struct run_opts {
    const char **out, **resume, **file, **exclude_file;
    int *dry_run, *screen_first;
    struct strlist *only;
};

/* Options in the order given ("-": the suite file is seen where it stands, so --only knows whether
 * its last name may be the file). */
static void run_options(int argc, char **argv, struct run_opts *o)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"out", required_argument, NULL, 'O'},
        {"resume", required_argument, NULL, 'R'}, {"exclude-file", required_argument, NULL, 'X'},
        {"dry-run", no_argument, NULL, 'n'}, {"screen", no_argument, NULL, 's'},
        {"only", no_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "-:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': run_usage(stdout); exit(0);
        case 'O': *o->out = optarg; break;
        case 'R': *o->resume = optarg; break;
        case 'X': *o->exclude_file = optarg; break;
        case 'n': *o->dry_run = 1; break;
        case 's': *o->screen_first = 1; break;
        case 'o': suite_take_only(argc, argv, *o->file != NULL, o->only); break;
        case 1:
            if (*o->file)
                exa_usage_error("run: one suite file expected, got '%s' and '%s'", *o->file, optarg);
            *o->file = optarg;
            break;
        case ':': exa_usage_error("%s needs a value", argv[optind - 1]);
        default: exa_usage_error("run: unknown option '%s'", argv[optind - 1]);
        }
    }
}

/* --resume: the session of an earlier run folder; a suite named too must be the one it ran. */
static int resume_session(const struct run_opts *o, struct session *S)
{
    const char *resume = *o->resume, *file = *o->file;
    char dir[PATH_MAX];
    if (strchr(resume, '/'))
        snprintf(dir, sizeof dir, "%s", resume);
    else
        snprintf(dir, sizeof dir, "%s/%s", *o->out, resume);
    if (!realpath(dir, S->dir)) {
        fprintf(stderr, "exabench: error: --resume %s: no run folder %s: %s\n", resume, dir, strerror(errno));
        return EXA_EXIT_USAGE;
    }
    if (!(S->manifest = manifest_load(S->dir)))
        return EXA_EXIT_USAGE;
    if (file) {
        struct suite s;
        int bad = suite_load(file, &s) != 0;
        const char *sha = json_string_value(json_object_get(json_object_get(S->manifest, "suite"), "sha256"));
        if (!bad && (!sha || strcmp(sha, s.sha256) != 0)) {
            fprintf(stderr, "exabench: error: %s changed since run %s started (sha256 differs); "
                    "resume without naming the suite to finish the runs as planned\n", file, resume);
            bad = 1;
        }
        suite_free(&s);
        if (bad)
            return EXA_EXIT_USAGE;
    }
    snprintf(S->run_id, sizeof S->run_id, "%s", json_string_value(json_object_get(S->manifest, "run_id")) ?: "");
    return 0;
}

/* The suite, checked against --only and --screen, with the nodes of --exclude-file. */
static int load_suite(const struct run_opts *o, struct suite *s, struct strlist *exclude)
{
    const char *file = *o->file;
    if (suite_load(file, s) != 0 || suite_check_only(s, o->only) != 0)
        return EXA_EXIT_USAGE;
    if (*o->screen_first && !s->screen.present) {
        fprintf(stderr, "%s: error: --screen: the suite has no 'screen' section\n", file);
        return EXA_EXIT_USAGE;
    }
    if (*o->exclude_file && read_node_list(*o->exclude_file, exclude) != 0) {
        fprintf(stderr, "exabench: error: --exclude-file %s: %s\n", *o->exclude_file, strerror(errno));
        return EXA_EXIT_USAGE;
    }
    return 0;
}

/* The new run folder (or, for --dry-run, the name it would have). */
static int session_folder(const struct run_opts *o, struct session *S)
{
    const char *out = *o->out;
    if (*o->dry_run) {
        char parent[PATH_MAX];
        manifest_run_id(S->run_id, sizeof S->run_id);
        if (!realpath(out, parent))
            snprintf(parent, sizeof parent, "%s", out);
        snprintf(S->dir, sizeof S->dir, "%s/%s", parent, S->run_id);
        return 0;
    }
    char made[PATH_MAX];
    if (manifest_make_dir(out, S->run_id, sizeof S->run_id, made, sizeof made) != 0 || !realpath(made, S->dir)) {
        fprintf(stderr, "exabench: error: can not create a run folder under %s: %s\n", out, strerror(errno));
        return EXA_EXIT_USAGE;
    }
    return 0;
}

/* The manifest's runs (those --only keeps) and excluded nodes. */
static void manifest_fill(struct session *S, const struct suite *s, const struct plan *p,
                          const struct strlist *only, const struct strlist *exclude)
{
    json_t *ex = json_object_get(S->manifest, "excluded_nodes");
    for (size_t i = 0; i < exclude->n; i++)
        json_array_append_new(ex, json_string(exclude->v[i]));
    json_t *runs = json_object_get(S->manifest, "runs");
    for (size_t i = 0; i < p->n; i++)
        if (suite_selected(only, p->runs[i].entry->name))
            json_array_append_new(runs, manifest_run_entry(s, &p->runs[i], exclude));
}

/* A new session: the suite planned into a new run folder's manifest, screened first with --screen. */
static int new_session(const struct run_opts *o, struct session *S)
{
    struct suite s;
    struct plan p = {0};
    struct strlist exclude = {0};
    memset(&s, 0, sizeof s);
    int rc = load_suite(o, &s, &exclude);
    if (rc == 0 && plan_build(&s, &p) != 0)
        rc = EXA_EXIT_USAGE;
    if (rc == 0)
        rc = session_folder(o, S);
    if (rc == 0) {
        S->manifest = manifest_new(&s, S->run_id);
        S->grace = s.launcher.kill_grace;
        if (*o->screen_first && !*o->dry_run) {
            session_save(S);
            if (screen_execute(&s, S, &exclude) != 0)
                rc = EXA_EXIT_FAILED;
        }
    }
    if (rc == 0) {
        manifest_fill(S, &s, &p, o->only, &exclude);
        if (!*o->dry_run && session_save(S) != 0)
            rc = EXA_EXIT_USAGE;
    }
    plan_free(&p);
    suite_free(&s);
    strlist_free(&exclude);
    return rc;
}

/* Runs the session's pending runs with the manifest's launcher settings; the exit status. */
static int run_session(struct session *S, const char *out, int dry_run)
{
    json_t *L = json_object_get(S->manifest, "launcher");
    S->grace = json_number_value(json_object_get(L, "kill_grace_s"));
    if (S->grace <= 0)
        S->grace = 10;
    S->poll_interval = json_number_value(json_object_get(L, "poll_interval_s"));
    if (S->poll_interval <= 0)
        S->poll_interval = 5;
    S->total = json_array_size(json_object_get(S->manifest, "runs"));
    if (!dry_run)
        fprintf(stderr, "exabench: run %s: %zu runs, results in %s\n", S->run_id, S->total, S->dir);
    int xrc = execute(S, dry_run);
    if (xrc != 0)
        return xrc == -2 ? EXA_EXIT_USAGE : EXA_EXIT_FAILED;
    if (dry_run)
        return EXA_EXIT_OK;
    int rc = print_summary(S);
    if (proc_interrupted()) {
        fprintf(stderr, "exabench: interrupted; finish with: exabench run --resume %s%s%s\n", S->run_id,
                strcmp(out, "results") ? " --out " : "", strcmp(out, "results") ? out : "");
        rc = EXA_EXIT_FAILED;
    }
    return rc;
}

int cmd_run(int argc, char **argv)
{
    const char *out = "results", *resume = NULL, *file = NULL, *exclude_file = NULL;
    int dry_run = 0, screen_first = 0;
    struct strlist only = {0};
    struct run_opts o = {&out, &resume, &file, &exclude_file, &dry_run, &screen_first, &only};
    run_options(argc, argv, &o);
    if (!file && !resume)
        exa_usage_error("run: missing the suite file");
    if (resume && (only.n || screen_first || exclude_file))
        exa_usage_error("--resume finishes the runs of an earlier session as planned: --only, "
                        "--screen and --exclude-file do not apply");
    struct session S;
    memset(&S, 0, sizeof S);
    S.tty = isatty(2);
    proc_install_signal_handlers();
    int rc = !dry_run && !resume ? guard_check_clear(NULL, out) : 0;
    if (rc == 0)
        rc = resume ? resume_session(&o, &S) : new_session(&o, &S);
    strlist_free(&only);
    if (rc == 0 && !dry_run)
        rc = guard_session_start(&S, resume != NULL);
    if (rc == 0 && !dry_run && resume && guard_reset_failed(&S) > 0)
        session_save(&S);
    if (rc == 0)
        rc = run_session(&S, out, dry_run);
    json_decref(S.manifest);
    return rc;
}
