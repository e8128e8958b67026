/* The srun executor: inside a Slurm allocation, the runs one after another, each a job step through
 * srun as launch.c built it (nodes to exclude included). */
#include "executor.h"

#include "session.h"

static int srun_execute(struct session *S, int dry_run)
{
    return dry_run ? session_print_commands(S) : session_run_each(S);
}

const struct executor executor_srun = {"srun", srun_execute};
