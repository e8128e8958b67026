/* exa-stream: the STREAM driver with the OpenMP CPU back end. */
#include "stream.h"

int main(int argc, char **argv)
{
    return stream_main(argc, argv, &stream_backend_omp);
}
