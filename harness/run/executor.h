/* The executor interface: how the runs of a session get onto the machine. One file per executor
 * (exec_local.c: mpirun on this node; exec_srun.c: srun inside an allocation; exec_sbatch.c: batch
 * jobs outside one); launch.c only builds each run's command line. */
#ifndef EXA_HARNESS_EXECUTOR_H
#define EXA_HARNESS_EXECUTOR_H

#include <jansson.h>

struct session;

struct executor {
    const char *name;
    /* Runs every pending run of S, or with dry_run prints what would run. 0, -1 on failure, -2 when
     * a value of the suite or manifest can not be used (bad input: exit 2). */
    int (*execute)(struct session *S, int dry_run);
};

extern const struct executor executor_local, executor_srun, executor_sbatch;

/* The executor for a manifest's "launcher" object (type, and Slurm's mode). */
const struct executor *executor_for(const json_t *launcher);

#endif
