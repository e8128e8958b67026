/* What `exabench report` hands its page renderer (report_page.c): the loaded run, its summary,
 * the benchmarks in first-seen order and the plots already written. */
#ifndef EXA_REPORT_PAGE_H
#define EXA_REPORT_PAGE_H

#include <stddef.h>

#include "report.h"

/* A benchmark of the run with its metric columns. */
struct bench {
    const char *name;
    json_t *metrics; /* name -> unit (first seen), in first-seen order */
    size_t runs, ok;
};

struct report_page {
    const struct rd_set *set;
    const struct rp_summary *sum;
    const struct bench *benches;
    size_t nb, nfailed;
    const struct rp_plot *plots;
    size_t nplots;
    const char *dir; /* where the PNGs to embed are */
    int render;      /* 0: no PNG was rendered */
};

/* Appends the whole page to h (HTML) and md (Markdown). */
void report_page_build(const struct report_page *p, struct sbuf *h, struct sbuf *md);

#endif
