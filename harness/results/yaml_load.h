/* Loading a YAML document with libyaml, once for the harness: the suite file and the acceptance
 * spec. The caller words the error; this says where and what. */
#ifndef EXA_HARNESS_YAML_LOAD_H
#define EXA_HARNESS_YAML_LOAD_H

#include <stddef.h>
#include <stdio.h>
#include <yaml.h>

struct rd_yaml_error {
    int line, column;           /* 1-based */
    char what[512];             /* libyaml's problem and context */
};

/* 0 with *doc loaded (yaml_document_delete it), or -1 with e filled. */
int rd_yaml_load_file(FILE *f, yaml_document_t *doc, struct rd_yaml_error *e);
int rd_yaml_load_text(const char *text, size_t len, yaml_document_t *doc, struct rd_yaml_error *e);

#endif
