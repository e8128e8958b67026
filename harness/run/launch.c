/* Command lines of runs under the local (mpirun) and slurm (srun) launchers. Commands are argument
 * vectors from start to end; nothing here goes through a shell except batch scripts, where every
 * word is quoted (shell_quote), so a value in a suite file can not inject a command. */
#include "launch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *launcher_type_name(enum launcher_type t) { return t == LAUNCH_SLURM ? "slurm" : "local"; }

int slurm_use_srun(const struct launcher_cfg *L)
{
    if (L->mode == SLURM_SRUN)
        return 1;
    if (L->mode == SLURM_SBATCH)
        return 0;
    const char *job = getenv("SLURM_JOB_ID");
    return job && *job;
}

void launch_env_names(const struct run *r, struct strlist *out)
{
    strlist_append(out, &r->env.names);
    strlist_push(out, "EXA_LAUNCHER");
    strlist_push(out, "EXA_LAUNCH_COMMAND");
}

void launch_command(const struct suite *s, const struct run *r, const char *record,
                    const struct strlist *exclude, struct strlist *out)
{
    const struct launcher_cfg *L = &s->launcher;
    if (L->type == LAUNCH_LOCAL) {
        strlist_push(out, L->mpirun ? L->mpirun : "mpirun");
        if (geteuid() == 0)
            strlist_push(out, "--allow-run-as-root");
        if (L->oversubscribe)
            strlist_push(out, "--oversubscribe");
        strlist_push(out, "-np");
        strlist_pushf(out, "%ld", r->ranks);
        struct strlist names = {0};
        launch_env_names(r, &names);
        for (size_t i = 0; i < names.n; i++) {
            strlist_push(out, "-x");
            strlist_push(out, names.v[i]);
        }
        strlist_free(&names);
        strlist_append(out, &L->mpirun_args);
    } else {
        strlist_push(out, "srun");
        strlist_pushf(out, "--nodes=%ld", r->nodes);
        strlist_pushf(out, "--ntasks=%ld", r->ranks);
        strlist_pushf(out, "--ntasks-per-node=%ld", r->ranks_per_node);
        strlist_pushf(out, "--cpus-per-task=%ld", r->threads_per_rank);
        /* A rank killed by a signal ends the step at once: the run is recorded crashed, not left
         * to hang beside its dead peer until the timeout (issue 14). */
        strlist_push(out, "--kill-on-bad-exit=1");
        if (exclude && exclude->n) {
            char buf[8192] = "";
            for (size_t i = 0; i < exclude->n; i++) {
                if (i)
                    strncat(buf, ",", sizeof buf - strlen(buf) - 1);
                strncat(buf, exclude->v[i], sizeof buf - strlen(buf) - 1);
            }
            strlist_pushf(out, "--exclude=%s", buf);
        }
        /* Outside an allocation srun makes its own, so it needs the placement options too. */
        if (slurm_use_srun(L) && !getenv("SLURM_JOB_ID")) {
            if (L->partition)
                strlist_pushf(out, "--partition=%s", L->partition);
            if (L->account)
                strlist_pushf(out, "--account=%s", L->account);
            if (L->qos)
                strlist_pushf(out, "--qos=%s", L->qos);
        }
        strlist_append(out, &L->srun_args);
    }
    strlist_append(out, &r->bench_argv);
    strlist_push(out, "--json");
    strlist_push(out, record);
}

void shell_quote(char *buf, size_t cap, const char *word)
{
    size_t len = strlen(buf);
    int safe = *word != 0;
    for (const char *p = word; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%", *p))
            safe = 0;
    if (safe) {
        snprintf(buf + len, cap - len, "%s", word);
        return;
    }
    if (len + 1 < cap)
        buf[len++] = '\'';
    for (const char *p = word; *p && len + 5 < cap; p++) {
        if (*p == '\'') {
            memcpy(buf + len, "'\\''", 4);
            len += 4;
        } else {
            buf[len++] = *p;
        }
    }
    if (len + 1 < cap)
        buf[len++] = '\'';
    buf[len < cap ? len : cap - 1] = 0;
}

char *shell_join(json_t *argv_array)
{
    size_t cap = 256;
    for (size_t i = 0; i < json_array_size(argv_array); i++)
        cap += 4 * strlen(json_string_value(json_array_get(argv_array, i)) ?: "") + 3;
    char *buf = calloc(1, cap);
    for (size_t i = 0; i < json_array_size(argv_array); i++) {
        if (i)
            strncat(buf, " ", cap - strlen(buf) - 1);
        shell_quote(buf, cap, json_string_value(json_array_get(argv_array, i)) ?: "");
    }
    return buf;
}
