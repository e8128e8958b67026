/* exa-hpl: the HPL.dat reader.
 *
 * Reads netlib HPL's input file unchanged: two header lines, then one setting (or one list) per
 * line, the values first and any commentary after them:
 *
 *    3  output file name          17  NBMINs                    25  DEPTHs
 *    4  device out (6,7,file)     18  # of NDIV                 26  SWAP (0 bin-exch,1 long,2 mix)
 *    5  # of N                    19  NDIVs                     27  swapping threshold
 *    6  Ns                        20  # of RFACT                28  L1 (0 transposed, 1 not)
 *    7  # of NB                   21  RFACTs (0 L, 1 C, 2 R)    29  U  (0 transposed, 1 not)
 *    8  NBs                       22  # of BCAST                30  Equilibration (0 no, 1 yes)
 *    9  PMAP (0 row, 1 column)    23  BCASTs (0..5)             31  memory alignment (doubles)
 *   10  # of grids                24  # of DEPTH
 *   11  Ps   12  Qs   13  threshold   14  # of PFACT   15  PFACTs (0 L, 1 C, 2 R)   16  # of NBMIN
 *
 * Lines 30 and 31 are optional (files from HPL 1.0 end at line 29). Anything after line 31 is
 * ignored, as HPL does. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpl.h"

const char *const hpl_fact_names[3] = {"Left", "Crout", "Right"};
const char *const hpl_bcast_names[7] = {"1rg", "1rM", "2rg", "2rM", "Lng", "LnM", "Ibcast"};
const char *const hpl_swap_names[3] = {"bin-exch", "long", "mix"};

struct reader {
    const char *p;     /* next unread character */
    const char *name;
    int line;          /* number of the line last returned */
    char buf[1024];
    char *err;
    size_t errlen;
};

static int fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct reader *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errlen, "%s:%d: %s", r->name, r->line, msg);
    return -1;
}

/* Next line into r->buf; -1 at the end of the text. */
static int next_line(struct reader *r)
{
    if (*r->p == '\0')
        return -1;
    const char *e = strchr(r->p, '\n');
    size_t len = e ? (size_t)(e - r->p) : strlen(r->p);
    if (len >= sizeof r->buf)
        len = sizeof r->buf - 1;
    memcpy(r->buf, r->p, len);
    r->buf[len] = '\0';
    if (len > 0 && r->buf[len - 1] == '\r')
        r->buf[len - 1] = '\0';
    r->p = e ? e + 1 : r->p + strlen(r->p);
    r->line++;
    return 0;
}

static int need_line(struct reader *r, const char *what)
{
    if (next_line(r) == 0)
        return 0;
    r->line++;
    return fail(r, "unexpected end of file, expected %s", what);
}

/* The idx-th whitespace-separated token of the current line into tok; 0, or -1 if absent. */
static int token(const char *line, int idx, char *tok, size_t len)
{
    const char *s = line;
    for (int i = 0;; i++) {
        while (*s && isspace((unsigned char)*s))
            s++;
        if (!*s)
            return -1;
        const char *e = s;
        while (*e && !isspace((unsigned char)*e))
            e++;
        if (i == idx) {
            size_t n = (size_t)(e - s) < len - 1 ? (size_t)(e - s) : len - 1;
            memcpy(tok, s, n);
            tok[n] = '\0';
            return 0;
        }
        s = e;
    }
}

static int parse_int_tok(const char *tok, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(tok, &end, 10);
    if (errno || end == tok || *end)
        return -1;
    *out = v;
    return 0;
}

/* Reads `count` integers from the current line, each within [lo, hi]. */
static int ints(struct reader *r, const char *what, int count, long lo, long hi, int *out)
{
    char tok[128];
    for (int i = 0; i < count; i++) {
        long v;
        if (token(r->buf, i, tok, sizeof tok) != 0) {
            if (count == 1)
                return fail(r, "expected an integer (%s), found an empty line", what);
            return fail(r, "expected %d integers (%s), found %d", count, what, i);
        }
        if (parse_int_tok(tok, &v) != 0) {
            if (count == 1)
                return fail(r, "expected an integer (%s), found '%s'", what, tok);
            return fail(r, "expected %d integers (%s), value %d is '%s'", count, what, i + 1, tok);
        }
        if (v < lo || v > hi) {
            /* a bounded setting names both ends; a size (capped at an input limit) names the
             * end it crossed */
            if (hi < HPL_NB_MAX)
                return fail(r, "%s must be between %ld and %ld, found %ld", what, lo, hi, v);
            if (v < lo)
                return fail(r, "%s must be at least %ld, found %ld", what, lo, v);
            return fail(r, "%s must be at most %ld, found %ld", what, hi, v);
        }
        out[i] = (int)v;
    }
    return 0;
}

static int one_int(struct reader *r, const char *what, long lo, long hi, int *out)
{
    if (need_line(r, what) != 0)
        return -1;
    return ints(r, what, 1, lo, hi, out);
}

/* "# of X" line then the list line. */
static int list(struct reader *r, const char *what, long lo, long hi, int *count, int *out,
                int *line_of_list)
{
    char cwhat[96];
    snprintf(cwhat, sizeof cwhat, "number of %s", what);
    if (one_int(r, cwhat, 1, HPL_DAT_MAX, count) != 0)
        return -1;
    if (need_line(r, what) != 0)
        return -1;
    if (line_of_list)
        *line_of_list = r->line;
    return ints(r, what, *count, lo, hi, out);
}

static void warn(struct hpl_dat *d, const char *name, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void warn(struct hpl_dat *d, const char *name, int line, const char *fmt, ...)
{
    if (d->nwarn >= HPL_DAT_MAX_WARN)
        return;
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(d->warn[d->nwarn++], sizeof d->warn[0], "%s line %d: %s", name, line, msg);
}

void hpl_dat_defaults(struct hpl_dat *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->outfile, sizeof d->outfile, "HPL.out");
    d->device = 6;
    d->nnb = 1;
    d->nbs[0] = 192;
    d->pmap = HPL_PMAP_ROW;
    d->threshold = 16.0;
    d->npfact = d->nnbmin = d->nndiv = d->nrfact = d->nbcast = d->ndepth = 1;
    d->pfacts[0] = 2;
    d->nbmins[0] = 8;
    d->ndivs[0] = 2;
    d->rfacts[0] = 2;
    d->bcasts[0] = HPL_BCAST_IBCAST;
    d->depths[0] = 1;
    d->swap = 1;
    d->swap_threshold = 64;
    d->l1 = 1;
    d->u = 1;
    d->equil = 0;
    d->align = 8;
}

int hpl_dat_parse(const char *text, const char *name, struct hpl_dat *d, char *err, size_t errlen)
{
    struct reader r = {.p = text, .name = name, .err = err, .errlen = errlen};
    int ln;
    hpl_dat_defaults(d);
    d->nn = 0;
    d->nwarn = 0;

    if (need_line(&r, "the first header line") || need_line(&r, "the second header line"))
        return -1;
    if (need_line(&r, "the output file name"))
        return -1;
    if (token(r.buf, 0, d->outfile, sizeof d->outfile) != 0)
        return fail(&r, "expected the output file name, found an empty line");
    if (one_int(&r, "device out", -0x7fffffffL, 0x7fffffffL, &d->device))
        return -1;
    if (list(&r, "Ns", 1, HPL_N_MAX, &d->nn, d->ns, NULL))
        return -1;
    if (list(&r, "NBs", 1, HPL_NB_MAX, &d->nnb, d->nbs, NULL))
        return -1;
    if (one_int(&r, "PMAP (0 row-major, 1 column-major)", 0, 1, &d->pmap))
        return -1;
    if (list(&r, "Ps", 1, HPL_GRID_MAX, &d->ngrid, d->ps, NULL))
        return -1;
    if (need_line(&r, "Qs"))
        return -1;
    if (ints(&r, "Qs", d->ngrid, 1, HPL_GRID_MAX, d->qs))
        return -1;
    if (need_line(&r, "threshold"))
        return -1;
    {
        char tok[128], *end;
        if (token(r.buf, 0, tok, sizeof tok) != 0)
            return fail(&r, "expected a number (threshold), found an empty line");
        errno = 0;
        d->threshold = strtod(tok, &end);
        if (errno || end == tok || *end)
            return fail(&r, "expected a number (threshold), found '%s'", tok);
    }
    if (list(&r, "PFACTs (0 left, 1 Crout, 2 right)", 0, 2, &d->npfact, d->pfacts, NULL))
        return -1;
    if (list(&r, "NBMINs", 1, HPL_NB_MAX, &d->nnbmin, d->nbmins, NULL))
        return -1;
    if (list(&r, "NDIVs", 2, HPL_NB_MAX, &d->nndiv, d->ndivs, NULL))
        return -1;
    if (list(&r, "RFACTs (0 left, 1 Crout, 2 right)", 0, 2, &d->nrfact, d->rfacts, NULL))
        return -1;
    if (list(&r, "BCASTs (0 1rg, 1 1rM, 2 2rg, 3 2rM, 4 Lng, 5 LnM)", 0, 5, &d->nbcast,
             d->bcasts, NULL))
        return -1;
    if (list(&r, "DEPTHs", 0, 0x7fffffffL, &d->ndepth, d->depths, &ln))
        return -1;
    for (int i = 0; i < d->ndepth; i++) {
        int seen = 0;
        for (int k = 0; k < i; k++)
            seen |= d->depths[k] == d->depths[i];
        if (d->depths[i] > 1 && !seen)
            warn(d, name, ln, "DEPTH=%d not implemented, using 1", d->depths[i]);
    }
    if (one_int(&r, "SWAP (0 bin-exch, 1 long, 2 mix)", 0, 2, &d->swap))
        return -1;
    if (one_int(&r, "swapping threshold", 0, 0x7fffffffL, &d->swap_threshold))
        return -1;
    if (one_int(&r, "L1 form (0 transposed, 1 no-transposed)", 0, 1, &d->l1))
        return -1;
    if (d->l1 == 0)
        warn(d, name, r.line, "L1=transposed not implemented, using no-transposed");
    if (one_int(&r, "U form (0 transposed, 1 no-transposed)", 0, 1, &d->u))
        return -1;
    if (d->u == 0)
        warn(d, name, r.line, "U=transposed not implemented, using no-transposed");
    /* optional in HPL 1.0 files */
    d->equil = 1;
    d->align = 8;
    if (next_line(&r) != 0)
        return 0;
    if (ints(&r, "Equilibration (0 no, 1 yes)", 1, 0, 1, &d->equil))
        return -1;
    if (d->equil == 1)
        warn(d, name, r.line, "Equilibration=yes not implemented, ignored");
    if (next_line(&r) != 0)
        return 0;
    if (ints(&r, "memory alignment (in doubles)", 1, 1, 4096, &d->align))
        return -1;
    return 0;
}
