/* exa-stream-cuda: the STREAM driver (shared with exa-stream) with the CUDA back end. */
#include "../stream.h"
#include "stream_cuda.h"

int main(int argc, char **argv)
{
    return stream_main(argc, argv, &stream_backend_cuda);
}
