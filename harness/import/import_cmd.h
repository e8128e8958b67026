/* What `exabench import` shares with the external suite entries (harness/run/external.c). */
#ifndef EXA_IMPORT_CMD_H
#define EXA_IMPORT_CMD_H

#include <jansson.h>
#include <stddef.h>

/* A manifest run entry for an imported record written at RECORD (relative to the run folder):
 * its id, benchmark, test, scale from the record's launch, parameters, status valid or
 * verification-failed. */
json_t *import_manifest_entry(const json_t *rec, const char *id, size_t index, const char *record);

#endif
