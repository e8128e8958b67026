/* Launchers: the command line of a run under mpirun (local) or srun (Slurm), shell quoting for the
 * only place a shell is involved (Slurm batch scripts, and what `plan` prints for people), and
 * whether we run inside a Slurm allocation. */
#ifndef EXA_HARNESS_LAUNCH_H
#define EXA_HARNESS_LAUNCH_H

#include "suite.h"

/* "local" or "slurm". */
const char *launcher_type_name(enum launcher_type t);

/* True when the slurm launcher should call srun directly (mode srun, or mode auto inside an
 * allocation: SLURM_JOB_ID set); false when it writes batch scripts for sbatch. */
int slurm_use_srun(const struct launcher_cfg *L);

/* The full argv of a run: launcher, benchmark and "--json RECORD" (record relative to the run
 * folder, the working directory of every run). exclude: nodes to leave out (Slurm), may be NULL. */
void launch_command(const struct suite *s, const struct run *r, const char *record,
                    const struct strlist *exclude, struct strlist *out);

/* The environment names the launcher must forward (mpirun -x): the run's own plus EXA_LAUNCHER and
 * EXA_LAUNCH_COMMAND. */
void launch_env_names(const struct run *r, struct strlist *out);

/* Appends word to buf (of size cap) quoted for a POSIX shell: bare when it holds only safe
 * characters, otherwise in single quotes with ' written as '\''. */
void shell_quote(char *buf, size_t cap, const char *word);

/* The argv as one line of shell words (for display and batch scripts). Caller frees. */
char *shell_join(json_t *argv_array);

#endif
