/* Running an external tool's suite entry (kinds/external.c): before the run, its work folder and
 * input; after it, the import of its output into the run's record. Called by session.c's loop. */
#ifndef EXA_HARNESS_EXTERNAL_H
#define EXA_HARNESS_EXTERNAL_H

#include <jansson.h>
#include <limits.h>

#include "proc.h"
#include "suite.h"

struct external_step {
    char cwd[PATH_MAX];         /* results/<run-id>/work/<id>/: the tool's working folder */
    char log[PATH_MAX + 256];   /* the run's log, and where this attempt's output starts in it */
    long log_offset;
    char note[1024];            /* why the run has no record, for the manifest's note */
};

/* For a run whose parameters hold "external": makes its work folder, writes or copies its input,
 * drops the record argument the launcher added (the tool knows no --json) and returns 1; 0 for
 * any other run; -1 (with xs->note) when the work folder or input can not be made. */
int external_prepare(const char *dir, json_t *r, struct strlist *argv, struct external_step *xs);

/* After the run: imports the tool's output (its `output` file, else what it printed) into the
 * run's record, written atomically. Returns the note for the manifest (exit status, import error),
 * or NULL when a record was written. */
const char *external_finish(const char *dir, json_t *r, struct external_step *xs, const struct proc_result *res);

#endif
