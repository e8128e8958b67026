/* CUDA-aware MPI detection (exa_cuda_aware.c). */
#ifndef EXA_CUDA_AWARE_H
#define EXA_CUDA_AWARE_H
/* Collective over MPI_COMM_WORLD: 1 when every rank's MPI takes device pointers (env_name=0|1
 * overrides the library's answer), with how it was decided in *method. */
int exa_cuda_aware_detect(const char *env_name, const char **method);
#endif
