/* results/<run-id>/manifest.json: what a run of a suite is made of and how each run went. Written
 * atomically (temporary file, fsync, rename, fsync of the folder) after every change, so a killed
 * harness leaves a manifest that `exabench run --resume` can finish. Layout: exabench-run(1), "FILES". */
#ifndef EXA_HARNESS_MANIFEST_H
#define EXA_HARNESS_MANIFEST_H

#include <jansson.h>
#include <stddef.h>

#include "suite.h"

#define MANIFEST_SCHEMA "exabench.manifest"
#define MANIFEST_SCHEMA_VERSION 1

/* A new run id: UTC time and the short host name, "20261125T110312Z-myhost". */
void manifest_run_id(char *buf, size_t len);

/* Creates PARENT/<run-id>/ with records/ and logs/ (adding "-2", "-3"... when the id is taken),
 * and points PARENT/latest at it.
 * Writes the chosen id into run_id and the folder into dir. Returns 0 or -1 (errno set). */
int manifest_make_dir(const char *parent, char *run_id, size_t idlen, char *dir, size_t dirlen);

/* Points PARENT/latest at run_id (a relative symbolic link, replaced atomically). Returns 0 or -1. */
int manifest_link_latest(const char *parent, const char *run_id);

/* Sets "updated" and writes DIR/manifest.json atomically. Returns 0, or -1 with a message printed. */
int manifest_write(json_t *manifest, const char *dir);

/* Loads DIR/manifest.json and checks its schema. Returns the object, or NULL with a message printed. */
json_t *manifest_load(const char *dir);


/* A new manifest (no runs yet) for suite s, and one pending run entry of it: its planned command,
 * parameters (in the record's names) and state. */
json_t *manifest_new(const struct suite *s, const char *run_id);
json_t *manifest_run_entry(const struct suite *s, const struct run *r, const struct strlist *exclude);

#endif
