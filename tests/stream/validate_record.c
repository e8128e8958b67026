/* Test tool: stream-validate-record FILE checks a result record with exa_record_validate (every
 * required field present and well typed). Exit 0 valid, 1 invalid (the reason on stderr), 2 when
 * the file can not be read as JSON. */
#include <jansson.h>
#include <stdio.h>
#include "exa_record.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s RECORD.json\n", argv[0]);
        return 2;
    }
    json_error_t jerr;
    json_t *rec = json_load_file(argv[1], 0, &jerr);
    if (!rec) {
        fprintf(stderr, "%s: %s:%d: %s\n", argv[0], argv[1], jerr.line, jerr.text);
        return 2;
    }
    char err[EXA_ERR_LEN];
    int rc = exa_record_validate(rec, err) == 0 ? 0 : 1;
    if (rc)
        fprintf(stderr, "%s: %s: invalid record: %s\n", argv[0], argv[1], err);
    json_decref(rec);
    return rc;
}
