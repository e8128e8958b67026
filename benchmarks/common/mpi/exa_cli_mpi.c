/* The MPI side of the CLI conventions (exa_cli.h): rank, finalize, abort and agreement through
 * MPI, installed by exa_mpi_cli_init. Every call checks MPI's state first because usage errors can
 * come before MPI_Init or after MPI_Finalize. */
#include "exa_mpi.h"

#include "exa_cli.h"

static int mpi_usable(void)
{
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    return initialized && !finalized;
}

static int mpi_rank(void)
{
    int rank = 0;
    if (mpi_usable())
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

static void mpi_finish(void)
{
    if (mpi_usable())
        MPI_Finalize();
}

static void mpi_abort(int code)
{
    if (mpi_usable())
        MPI_Abort(MPI_COMM_WORLD, code);
}

/* Only MPI_Initialized, as before the split: a broadcast after MPI_Finalize is an MPI error the
 * caller should see rather than a silent disagreement. */
static void mpi_agree(int *values, int n)
{
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized)
        MPI_Bcast(values, n, MPI_INT, 0, MPI_COMM_WORLD);
}

static const struct exa_runtime mpi_runtime = {mpi_rank, mpi_finish, mpi_abort, mpi_agree};

void exa_mpi_cli_init(const char *argv0)
{
    exa_cli_init(argv0);
    exa_cli_set_runtime(&mpi_runtime);
}
