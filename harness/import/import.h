/* Importers: other tools' text output turned into exabench records (schema "exabench.record",
 * version 1, as written by the native benchmarks; docs in harness/import/README.md).
 *
 * One file per format, each filling one `struct importer`. The registry (import.c) picks the
 * importer from the text itself (import_recognise) or by name (import_find). An importer either
 * returns every record the file holds or fails with "PATH:LINE: expected ..., found '...'":
 * never a partial result, never a crash, whatever the input. */
#ifndef EXA_IMPORT_H
#define EXA_IMPORT_H

#include <jansson.h>
#include <stddef.h>

#define IMPORT_ERR_LEN 512

/* The input: the bytes as read, where they came from and their SHA-256. text[len] is '\0'. */
struct import_input {
    const char *path; /* as given: messages and the record's import.path */
    const char *text;
    size_t len;
    char sha256[65]; /* lowercase hex of the bytes */
};

struct importer {
    const char *name;    /* "hpl", "hpcg", "osu", "imb", "stream", "babelstream", "nccl", "hpcc" */
    const char *expects; /* what this importer reads, for the refusal message of an unknown file */
    /* 0: not this format; 1..100: how sure. Cheap: looks for the tool's banner or headers. */
    int (*recognise)(const char *text, size_t len);
    /* Appends the file's records to out (a JSON array). 0 on success; -1 with err set, and
     * out left as it was, when the text does not read as this format all through. */
    int (*parse)(const struct import_input *in, json_t *out, char err[IMPORT_ERR_LEN]);
};

/* Every importer, NULL-terminated, in the order recognition breaks ties. */
extern const struct importer *const import_registry[];

/* The importer called NAME, or NULL. */
const struct importer *import_find(const char *name);

/* The importer most sure of TEXT (confidence > 0), or NULL; *confidence gets its score. */
const struct importer *import_recognise(const char *text, size_t len, int *confidence);

/* Reads PATH whole (at most 64 MiB; NUL bytes refused: these are text formats) and hashes it.
 * 0, or -1 with err set. import_input_free releases what it read. */
int import_read_file(const char *path, struct import_input *in, char err[IMPORT_ERR_LEN]);
/* The same for bytes already in memory (copied; path used for messages and the record). */
int import_input_from_memory(const char *path, const char *bytes, size_t len, struct import_input *in,
                             char err[IMPORT_ERR_LEN]);
void import_input_free(struct import_input *in);

/* Reads, recognises (or uses the importer called FORMAT when not NULL) and parses PATH: a new
 * JSON array of records, or NULL with err set. An unrecognised file is refused with the list
 * of what was expected. *used, when not NULL, gets the importer that read it. */
json_t *import_file(const char *path, const char *format, const struct importer **used,
                    char err[IMPORT_ERR_LEN]);

#endif
