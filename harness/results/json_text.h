/* JSON string text, apart from the scanner's grammar (rundir_scan.c). */
#ifndef EXA_HARNESS_JSON_TEXT_H
#define EXA_HARNESS_JSON_TEXT_H

#include <stddef.h>

/* The code unit of "\uXXXX" at p (p at the backslash, 6 bytes available), or -1. */
long rd_json_hex4(const char *p);
/* Length of the well-formed UTF-8 sequence at p (first byte >= 0x80), 0 when it is not one:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
size_t rd_json_utf8_len(const unsigned char *p, const unsigned char *end);
/* Decodes a checked string body with escapes into out (at most e - b bytes); returns the length. */
size_t rd_json_unescape(const char *b, const char *e, char *out);

#endif
