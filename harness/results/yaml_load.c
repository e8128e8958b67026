/* libyaml's document loader with its error turned into a position and a sentence. */
#include "yaml_load.h"

static int load(yaml_parser_t *parser, yaml_document_t *doc, struct rd_yaml_error *e)
{
    int ok = yaml_parser_load(parser, doc);
    if (!ok) {
        const yaml_mark_t *m = parser->problem ? &parser->problem_mark : &parser->context_mark;
        e->line = (int)m->line + 1;
        e->column = (int)m->column + 1;
        snprintf(e->what, sizeof e->what, "%s%s%s", parser->problem ? parser->problem : "syntax error",
                 parser->context ? " " : "", parser->context ? parser->context : "");
    }
    yaml_parser_delete(parser);
    return ok ? 0 : -1;
}

int rd_yaml_load_file(FILE *f, yaml_document_t *doc, struct rd_yaml_error *e)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    return load(&parser, doc, e);
}

int rd_yaml_load_text(const char *text, size_t len, yaml_document_t *doc, struct rd_yaml_error *e)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    return load(&parser, doc, e);
}
