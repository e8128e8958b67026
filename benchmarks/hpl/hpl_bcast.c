/* exa-hpl: the panel broadcast along the process rows.
 *
 * The process column that factored panel k sends its buffer (W = L1\U1, the pivots, the info slot
 * and each process row's own rows of L2) to the other Q-1 processes of its process row with one
 * nonblocking MPI_Ibcast over the row communicator; MPI picks the algorithm (a binomial tree or a
 * pipelined chain for large panels). Receivers post their side as soon as they know the panel
 * comes next, and both sides poke the request between chunks of the trailing update
 * (hpl_bcast_progress) so that the transfer overlaps computation. This is the BCAST the T/V code
 * shows as 'I'. */
#include "hpl.h"

void hpl_bcast_start(struct hpl_panel *pan, const struct hpl_grid *g)
{
    pan->req = MPI_REQUEST_NULL;
    if (g->q < 2)
        return;
    MPI_Ibcast(pan->buf, pan->count, MPI_DOUBLE, pan->pcol, g->row_comm, &pan->req);
}

void hpl_bcast_wait(struct hpl_panel *pan)
{
    if (pan->req != MPI_REQUEST_NULL)
        MPI_Wait(&pan->req, MPI_STATUS_IGNORE);
}

void hpl_bcast_progress(struct hpl_panel *pan)
{
    if (pan && pan->req != MPI_REQUEST_NULL) {
        int done;
        MPI_Test(&pan->req, &done, MPI_STATUS_IGNORE);
    }
}
