/* exa-hpl: the CPU program, hpl_main() with the CBLAS update engine. */
#include "hpl_driver.h"

int main(int argc, char **argv)
{
    return hpl_main(argc, argv, &hpl_engine_blas, NULL);
}
