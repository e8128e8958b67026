/* The local executor: the runs one after another on this node, each through mpirun as launch.c
 * built it; executor_for picks an executor from the manifest's launcher. */
#include "executor.h"

#include <string.h>

#include "session.h"

static int local_execute(struct session *S, int dry_run)
{
    return dry_run ? session_print_commands(S) : session_run_each(S);
}

const struct executor executor_local = {"local", local_execute};

const struct executor *executor_for(const json_t *launcher)
{
    const char *type = json_string_value(json_object_get(launcher, "type"));
    const char *mode = json_string_value(json_object_get(launcher, "mode"));
    if (!type || strcmp(type, "slurm"))
        return &executor_local;
    return mode && !strcmp(mode, "sbatch") ? &executor_sbatch : &executor_srun;
}
