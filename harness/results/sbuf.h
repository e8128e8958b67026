/* A growing NUL-terminated string. */
#ifndef EXA_HARNESS_SBUF_H
#define EXA_HARNESS_SBUF_H

#include <stddef.h>

struct sbuf {
    char *s;
    size_t len, cap;
};
void sb_init(struct sbuf *b);
void sb_free(struct sbuf *b);
void sb_add(struct sbuf *b, const char *s);
void sb_addn(struct sbuf *b, const char *s, size_t n);
/* Room for extra more bytes (and the NUL) without growing again. */
void sb_reserve(struct sbuf *b, size_t extra);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
