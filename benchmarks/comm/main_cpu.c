/* exa-comm: the driver with no back end beyond host memory (the CPU build). */
#include "comm.h"

int main(int argc, char **argv)
{
    return comm_main(argc, argv, NULL);
}
