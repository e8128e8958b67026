/* CUDA helpers shared by the GPU variants: see exa_cuda.h. */
#include "exa_cuda.h"

#include <jansson.h>
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include "exa_cli.h"
#include "exa_mpi.h"
#include "exa_parse.h"

#define TAG_NO_DEVICE 7301

void exa_cuda_fail(const char *file, int line, const char *call, const char *what)
{
    exa_fatal(EXA_EXIT_FAILED, "%s:%d: %s failed: %s", file, line, call, what ? what : "unknown error");
}

int exa_cuda_device_count(char *err, size_t len)
{
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        snprintf(err, len, "cudaGetDeviceCount: %s", cudaGetErrorString(e));
        (void)cudaGetLastError();   /* leave no sticky error behind for later calls */
        return -1;
    }
    if (count == 0)
        snprintf(err, len, "cudaGetDeviceCount found 0 devices");
    return count;
}

/* An optional device attribute: 0 when the runtime does not report it (checked, not fatal). */
static int attribute_or_zero(enum cudaDeviceAttr attr, int device)
{
    int v = 0;
    if (cudaDeviceGetAttribute(&v, attr, device) != cudaSuccess) {
        (void)cudaGetLastError();
        return 0;
    }
    return v;
}

void exa_cuda_select(struct exa_cuda_device *dev)
{
    MPI_Comm world = MPI_COMM_WORLD;
    int rank;
    char why[EXA_ERR_LEN] = "";
    memset(dev, 0, sizeof *dev);
    MPI_Comm_rank(world, &rank);

    int count = exa_cuda_device_count(why, sizeof why);
    int first_bad = count > 0 ? INT_MAX : rank;
    MPI_Allreduce(MPI_IN_PLACE, &first_bad, 1, MPI_INT, MPI_MIN, world);
    if (first_bad != INT_MAX) {
        /* The first rank without a device tells rank 0 why; rank 0 prints, every rank exits. */
        char msg[EXA_ERR_LEN + EXA_HOST_LEN + 32];
        char host[EXA_HOST_LEN] = "";
        int hlen = 0;
        MPI_Get_processor_name(host, &hlen);
        snprintf(msg, sizeof msg, "rank %d on %s: %s", rank, host, why);
        if (first_bad != 0) {
            if (rank == first_bad)
                MPI_Send(msg, (int)sizeof msg, MPI_CHAR, 0, TAG_NO_DEVICE, world);
            else if (rank == 0)
                MPI_Recv(msg, (int)sizeof msg, MPI_CHAR, first_bad, TAG_NO_DEVICE, world,
                         MPI_STATUS_IGNORE);
        }
        msg[sizeof msg - 1] = '\0';
        exa_input_error("no CUDA device (%s); this GPU benchmark needs one GPU per rank", msg);
    }

    MPI_Comm node;
    MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &dev->local_rank);
    MPI_Comm_size(node, &dev->local_size);
    MPI_Comm_free(&node);
    dev->count = count;
    dev->index = dev->local_rank % count;

    int shared = dev->local_size > count, max_share = (dev->local_size + count - 1) / count;
    MPI_Allreduce(MPI_IN_PLACE, &max_share, 1, MPI_INT, MPI_MAX, world);
    if (exa_mpi_any(world, shared))
        exa_warn("more ranks than GPUs on a node: up to %d ranks share one GPU, so per-GPU figures "
                 "are shared too (run one rank per GPU)", max_share);

    EXA_CUDA_CHECK(cudaSetDevice(dev->index));
    EXA_CUDA_CHECK(cudaFree(NULL));   /* create the context now: an unusable GPU fails here */
    struct cudaDeviceProp prop;
    EXA_CUDA_CHECK(cudaGetDeviceProperties(&prop, dev->index));
    snprintf(dev->name, sizeof dev->name, "%s", prop.name);
    dev->total_mem = prop.totalGlobalMem;
    dev->sm_count = prop.multiProcessorCount;
    dev->cc_major = prop.major;
    dev->cc_minor = prop.minor;
    EXA_CUDA_CHECK(cudaDeviceGetPCIBusId(dev->pci_bus_id, (int)sizeof dev->pci_bus_id, dev->index));
    dev->mem_clock_khz = attribute_or_zero(cudaDevAttrMemoryClockRate, dev->index);
    dev->mem_bus_width = attribute_or_zero(cudaDevAttrGlobalMemoryBusWidth, dev->index);
    EXA_CUDA_CHECK(cudaRuntimeGetVersion(&dev->runtime_version));
    EXA_CUDA_CHECK(cudaDriverGetVersion(&dev->driver_version));
}

static void set_version(json_t *o, const char *key, int v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%d.%d", v / 1000, (v % 1000) / 10);
    json_object_set_new(o, key, json_string(buf));
}

void *exa_cuda_device_json(const struct exa_cuda_device *dev)
{
    json_t *o = json_object();
    char cc[16];
    snprintf(cc, sizeof cc, "%d.%d", dev->cc_major, dev->cc_minor);
    json_object_set_new(o, "name", json_string(dev->name));
    json_object_set_new(o, "index", json_integer(dev->index));
    json_object_set_new(o, "pci_bus_id", json_string(dev->pci_bus_id));
    json_object_set_new(o, "compute_capability", json_string(cc));
    json_object_set_new(o, "multiprocessors", json_integer(dev->sm_count));
    json_object_set_new(o, "memory_bytes", json_integer((json_int_t)dev->total_mem));
    if (dev->mem_clock_khz > 0 && dev->mem_bus_width > 0) {
        /* double data rate: two transfers per clock */
        double peak = 2.0 * dev->mem_clock_khz * 1e3 * (dev->mem_bus_width / 8.0) / 1e9;
        json_object_set_new(o, "memory_peak_bandwidth_gbs", json_real(peak));
    }
    set_version(o, "cuda_runtime", dev->runtime_version);
    set_version(o, "cuda_driver", dev->driver_version);
    json_object_set_new(o, "devices_visible", json_integer(dev->count));
    json_object_set_new(o, "ranks_on_node", json_integer(dev->local_size));
    return o;
}
