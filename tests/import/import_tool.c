/* exa-import-tool: the importers from the command line, for the tests (and until `exabench
 * import` exists). Prints the records of each FILE as one JSON array, each record checked with
 * exa_record_validate; --recognise prints the importer chosen and its confidence instead.
 *   exa-import-tool [--format NAME] [--recognise] FILE...
 * Exit: 0 imported, 2 refused (the message on stderr names the file, the line and what was
 * expected). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_record.h"
#include "import.h"

int main(int argc, char **argv)
{
    const char *format = NULL;
    int recognise = 0, status = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            format = argv[++i];
            continue;
        }
        if (!strcmp(argv[i], "--recognise")) {
            recognise = 1;
            continue;
        }
        files++;
        char err[IMPORT_ERR_LEN];
        if (recognise) {
            struct import_input in;
            if (import_read_file(argv[i], &in, err) != 0) {
                fprintf(stderr, "exa-import-tool: %s\n", err);
                status = 2;
                continue;
            }
            int conf = 0;
            const struct importer *imp = import_recognise(in.text, in.len, &conf);
            printf("%s %d\n", imp ? imp->name : "none", conf);
            import_input_free(&in);
            continue;
        }
        json_t *recs = import_file(argv[i], format, NULL, err);
        if (!recs) {
            fprintf(stderr, "exa-import-tool: %s\n", err);
            status = 2;
            continue;
        }
        size_t k;
        json_t *r;
        json_array_foreach(recs, k, r) {
            char verr[EXA_ERR_LEN];
            if (exa_record_validate(r, verr) != 0) {
                fprintf(stderr, "exa-import-tool: %s: record %zu is malformed: %s\n", argv[i], k, verr);
                status = 2;
            }
        }
        if (json_dumpf(recs, stdout, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17)) != 0)
            status = 2;
        putchar('\n');
        json_decref(recs);
    }
    if (!files) {
        fprintf(stderr, "usage: exa-import-tool [--format NAME] [--recognise] FILE...\n");
        return 2;
    }
    return status;
}
