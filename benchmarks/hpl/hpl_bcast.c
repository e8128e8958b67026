/* exa-hpl: the panel broadcast along the process rows, in HPL.dat's six topologies or as one
 * MPI_Ibcast.
 *
 * The process column that factored panel k sends its buffer (W = L1\U1, the pivots, the info slot
 * and each process row's own rows of L2) to the other Q-1 processes of its process row. Receivers
 * post their side as soon as they know the panel comes next, and everybody moves pending
 * transfers on between chunks of the trailing update (hpl_bcast_progress), so that the broadcast
 * overlaps computation. Positions below are relative to the root (0), modulo Q:
 *   Ibcast ('I')  MPI_Ibcast: the MPI library picks the algorithm
 *   1rg (0)  increasing ring: 0 -> 1 -> 2 -> ... -> Q-1
 *   1rM (1)  modified ring: 0 -> 1 alone first (the next panel's owner gets it soonest), then
 *            0 -> 2 -> 3 -> ... -> Q-1
 *   2rg (2)  two rings: 0 -> 1 -> ... -> h and 0 -> h+1 -> ... -> Q-1
 *   2rM (3)  0 -> 1 alone first, then two rings over 2..Q-1
 *   Lng (4)  long: the buffer cut into one piece per receiver, each sent by the root to its
 *            receiver (spread), then passed around the receivers' ring until all have all (roll):
 *            the root sends the buffer's volume once instead of once per ring
 *   LnM (5)  0 -> 1 alone first, then long over 2..Q-1
 * A receiver forwards as soon as its piece arrives, and does not wait for the forward to finish
 * before using the panel (hpl_bcast_wait); its buffer is only reused after hpl_bcast_finish. */
#include <string.h>

#include "hpl.h"

/* Messages of different panels never match each other (two panels can be in flight at once). */
static int panel_tag(const struct hpl_panel *pan)
{
    return pan->k % 16384;
}

static int absolute(const struct hpl_panel *pan, int rel, int q)
{
    return (pan->pcol + rel) % q;
}

static int is_long(int kind)
{
    return kind == HPL_BCAST_LNG || kind == HPL_BCAST_LNM;
}

/* Ring topologies: where my copy comes from and where it goes, as positions (-1: none). For the
 * long forms it serves the one receiver outside the roll, LnM's position 1, linked as in 1rM. */
static void ring_links(int kind, int rel, int q, int *from, int *to, int *nto)
{
    if (is_long(kind))
        kind = HPL_BCAST_1RM;
    int first = kind == HPL_BCAST_1RM || kind == HPL_BCAST_2RM ? 2 : 1; /* start of the rings */
    int two = kind == HPL_BCAST_2RG || kind == HPL_BCAST_2RM;
    int last_a = two ? first + (q - first + 1) / 2 - 1 : q - 1;    /* end of ring A */
    *nto = 0;
    *from = -1;
    if (rel == 0) {
        if (first == 2 && q > 1)
            to[(*nto)++] = 1;
        if (first < q)
            to[(*nto)++] = first;
        if (two && last_a + 1 < q)
            to[(*nto)++] = last_a + 1;
        return;
    }
    if (rel < first) { /* the modified rings' first receiver: from the root, no forward */
        *from = 0;
        return;
    }
    int ring_start = rel <= last_a ? first : last_a + 1, ring_end = rel <= last_a ? last_a : q - 1;
    *from = rel == ring_start ? 0 : rel - 1;
    if (rel < ring_end)
        to[(*nto)++] = rel + 1;
}

/* Long: the receivers in the roll are positions lo..q-1 (lo 1, or 2 after LnM's direct send);
 * piece i of m covers [i*count/m, (i+1)*count/m). */
static void piece(const struct hpl_panel *pan, int i, int m, double **at, int *n)
{
    long lo = (long)pan->count * i / m, hi = (long)pan->count * (i + 1) / m;
    *at = pan->buf + lo;
    *n = (int)(hi - lo);
}

static void isend(struct hpl_panel *pan, double *buf, int n, int to_rel, const struct hpl_grid *g)
{
    MPI_Isend(buf, n, MPI_DOUBLE, absolute(pan, to_rel, g->q), panel_tag(pan), g->row_comm,
              &pan->sreq[pan->nsreq++]);
}

static void irecv(struct hpl_panel *pan, double *buf, int n, int from_rel, const struct hpl_grid *g)
{
    MPI_Irecv(buf, n, MPI_DOUBLE, absolute(pan, from_rel, g->q), panel_tag(pan), g->row_comm,
              &pan->rreq);
}

/* Long, one step of the roll for receiver position rel (index i = rel - lo of m): at step s it
 * passes piece (i - s + 1) on to the next receiver and takes piece (i - s) from the previous. */
static void roll_step(struct hpl_panel *pan, const struct hpl_grid *g)
{
    int q = g->q, lo = pan->long_lo, m = q - lo, i = pan->rel - lo, s = pan->step, n;
    double *at;
    int next = lo + (i + 1) % m, prev = lo + (i - 1 + m) % m;
    piece(pan, ((i - s + 1) % m + m) % m, m, &at, &n);
    isend(pan, at, n, next, g);
    piece(pan, ((i - s) % m + m) % m, m, &at, &n);
    irecv(pan, at, n, prev, g);
}

static void start_root(struct hpl_panel *pan, const struct hpl_grid *g)
{
    int q = g->q;
    if (!is_long(pan->bcast)) {
        int to[3], nto, from;
        ring_links(pan->bcast, 0, q, &from, to, &nto);
        for (int i = 0; i < nto; i++)
            isend(pan, pan->buf, pan->count, to[i], g);
        return;
    }
    if (pan->bcast == HPL_BCAST_LNM)
        isend(pan, pan->buf, pan->count, 1, g);
    int lo = pan->long_lo, m = q - lo;
    for (int i = 0; i < m; i++) { /* spread */
        double *at;
        int n;
        piece(pan, i, m, &at, &n);
        isend(pan, at, n, lo + i, g);
    }
}

void hpl_bcast_start(struct hpl_panel *pan, const struct hpl_grid *g, int kind)
{
    pan->req = pan->rreq = MPI_REQUEST_NULL;
    pan->nsreq = 0;
    pan->arrived = pan->root;
    pan->bcast = kind;
    if (g->q < 2) {
        pan->arrived = 1;
        return;
    }
    if (kind == HPL_BCAST_IBCAST) {
        pan->arrived = 1; /* the request stands for the whole transfer */
        MPI_Ibcast(pan->buf, pan->count, MPI_DOUBLE, pan->pcol, g->row_comm, &pan->req);
        return;
    }
    pan->rel = (g->mycol - pan->pcol + g->q) % g->q;
    pan->long_lo = kind == HPL_BCAST_LNM ? 2 : 1;
    if (is_long(kind) && g->q - pan->long_lo < 2) /* at most one receiver in the roll: a ring */
        pan->bcast = kind = kind == HPL_BCAST_LNM ? HPL_BCAST_1RM : HPL_BCAST_1RG;
    if (pan->root) {
        start_root(pan, g);
        return;
    }
    pan->step = 0;
    if (is_long(kind) && pan->rel >= pan->long_lo) {
        double *at;
        int n, m = g->q - pan->long_lo;
        piece(pan, pan->rel - pan->long_lo, m, &at, &n);
        irecv(pan, at, n, 0, g); /* my piece of the spread */
    } else {
        int to[3], nto, from;
        ring_links(kind, pan->rel, g->q, &from, to, &nto);
        irecv(pan, pan->buf, pan->count, from, g);
    }
}

/* Completes what has completed and posts what that allows; with block, until the panel is here.
 * Sends already posted are left running (the roll's are completed before its next step). */
static void advance(struct hpl_panel *pan, const struct hpl_grid *g, int block)
{
    while (!pan->arrived) {
        int done = 1;
        if (block)
            MPI_Wait(&pan->rreq, MPI_STATUS_IGNORE);
        else
            MPI_Test(&pan->rreq, &done, MPI_STATUS_IGNORE);
        if (!done)
            return;
        if (is_long(pan->bcast) && pan->rel >= pan->long_lo) {
            if (pan->step + 1 >= g->q - pan->long_lo) {
                pan->arrived = 1; /* every piece is here */
                return;
            }
            if (pan->nsreq > 0) { /* the previous step's send, before its piece moves on */
                if (block)
                    MPI_Waitall(pan->nsreq, pan->sreq, MPI_STATUSES_IGNORE);
                else
                    MPI_Testall(pan->nsreq, pan->sreq, &done, MPI_STATUSES_IGNORE);
                if (!done)
                    return;
                pan->nsreq = 0;
            }
            pan->step++;
            roll_step(pan, g);
            continue;
        }
        int to[3], nto, from;
        ring_links(pan->bcast, pan->rel, g->q, &from, to, &nto);
        for (int i = 0; i < nto; i++)
            isend(pan, pan->buf, pan->count, to[i], g);
        pan->arrived = 1;
    }
}

void hpl_bcast_wait(struct hpl_panel *pan, const struct hpl_grid *g)
{
    if (pan->req != MPI_REQUEST_NULL)
        MPI_Wait(&pan->req, MPI_STATUS_IGNORE);
    advance(pan, g, 1);
}

void hpl_bcast_finish(struct hpl_panel *pan, const struct hpl_grid *g)
{
    hpl_bcast_wait(pan, g);
    if (pan->nsreq > 0)
        MPI_Waitall(pan->nsreq, pan->sreq, MPI_STATUSES_IGNORE);
    pan->nsreq = 0;
}

void hpl_bcast_progress(struct hpl_panel *pan, const struct hpl_grid *g)
{
    if (!pan)
        return;
    int done;
    if (pan->req != MPI_REQUEST_NULL)
        MPI_Test(&pan->req, &done, MPI_STATUS_IGNORE);
    advance(pan, g, 0);
    if (pan->nsreq > 0) {
        MPI_Testall(pan->nsreq, pan->sreq, &done, MPI_STATUSES_IGNORE);
        if (done)
            pan->nsreq = 0;
    }
}

int hpl_bcast_pending(const struct hpl_panel *pan)
{
    return pan && (pan->req != MPI_REQUEST_NULL || !pan->arrived || pan->nsreq > 0);
}
