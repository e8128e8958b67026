/* exa-mxp: the CPU program (OpenBLAS sgemm/dgemm). */
#include "mxp_driver.h"

int main(int argc, char **argv)
{
    return mxp_main(argc, argv, "cpu", NULL, NULL);
}
