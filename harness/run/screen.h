/* Node screening: the single-node benchmarks on every node at once, robust outlier detection
 * (median and MAD), the list of flagged nodes for later scale steps to exclude. */
#ifndef EXA_HARNESS_SCREEN_H
#define EXA_HARNESS_SCREEN_H

#include <stddef.h>

#include "session.h"
#include "screen_stats.h"
#include "suite.h"

/* Runs the suite's screen step into S->dir/screen/ and appends the flagged nodes to flagged.
 * Returns 0 (whether or not nodes were flagged), -1 when the step can not run. */
int screen_execute(const struct suite *s, struct session *S, struct strlist *flagged);

#endif
