/* exa-hpl's `emulated` device engine (hpl_device.h) on the CPU: the device-resident LU's logic
 * and traffic, proven without a GPU (CI runs it with OpenBLAS: exa-hpl --engine emulated).
 *
 * "Device memory" is a separate mapping per allocation, filled with a NaN pattern when it is
 * allocated and when it is freed (so a value the algorithm never copied in shows up as a failed
 * residual, not as a lucky zero), and, unless EXA_HPL_EMULATED_GUARD=0, kept PROT_NONE outside the
 * engine's own operations: a dereference of a device pointer by the algorithm faults at once.
 * Every copy counts its bytes by direction (index lists too), which the traffic test reads.
 * Streams run their work at once, in call order (a legal schedule of any stream program).
 * MPI is given host buffers (staged) unless EXA_HPL_CUDA_AWARE=1, which lets MPI read device
 * pointers as a CUDA-aware MPI would (the guard is then off). */
#include <cblas.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exa_cli.h"
#include "hpl.h"
#include "hpl_device.h"

#define MAX_ALLOCS 64
#define POISON 0xFFF4DEADBEEF0000ull   /* a NaN: any arithmetic on it stays NaN */

static struct {
    struct { char *p; size_t len; } a[MAX_ALLOCS];
    int n;
    int guard, open;
    size_t bytes;
    struct hpl_dev_counters c;
} emu;

static void protect_all(int prot)
{
    if (!emu.guard)
        return;
    for (int i = 0; i < emu.n; i++)
        if (mprotect(emu.a[i].p, emu.a[i].len, prot) != 0)
            exa_fatal(EXA_EXIT_FAILED, "emulated device: mprotect(%zu bytes): failed", emu.a[i].len);
}

/* Operations open device memory for their own accesses and close it again. */
static void enter(void)
{
    if (emu.open++ == 0)
        protect_all(PROT_READ | PROT_WRITE);
}

static void leave(void)
{
    if (--emu.open == 0)
        protect_all(PROT_NONE);
}

static void poison(void *p, size_t bytes)
{
    uint64_t v = POISON, *q = p;
    for (size_t i = 0; i < bytes / 8; i++)
        q[i] = v;
}

static void emu_init(void)
{
    const char *g = getenv("EXA_HPL_EMULATED_GUARD");
    const char *aw = getenv("EXA_HPL_CUDA_AWARE");
    struct hpl_device *d = &hpl_device_emulated;
    d->mpi_device_pointers = aw && !strcmp(aw, "1");
    d->mpi_method = d->mpi_device_pointers ? "EXA_HPL_CUDA_AWARE=1 (MPI reads device memory)"
                                           : "staged through host buffers (emulated default)";
    emu.guard = !(g && !strcmp(g, "0")) && !d->mpi_device_pointers;
    memset(&emu.c, 0, sizeof emu.c);
}

static void emu_finalize(void) {}

static void *emu_alloc(size_t bytes)
{
    if (emu.n == MAX_ALLOCS)
        exa_fatal(EXA_EXIT_FAILED, "emulated device: more than %d allocations", MAX_ALLOCS);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t len = ((bytes ? bytes : 1) + page - 1) / page * page;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    poison(p, len);
    if (emu.guard && !emu.open && mprotect(p, len, PROT_NONE) != 0)
        exa_fatal(EXA_EXIT_FAILED, "emulated device: mprotect(%zu bytes): failed", len);
    emu.a[emu.n].p = p;
    emu.a[emu.n++].len = len;
    emu.bytes += len;
    return p;
}

static void emu_free(void *p)
{
    if (!p)
        return;
    for (int i = 0; i < emu.n; i++) {
        if (emu.a[i].p != p)
            continue;
        size_t len = emu.a[i].len;
        if (mprotect(p, len, PROT_READ | PROT_WRITE) == 0)
            poison(p, len);
        munmap(p, len);
        emu.bytes -= len;
        emu.a[i] = emu.a[--emu.n];
        return;
    }
    exa_fatal(EXA_EXIT_FAILED, "emulated device: free of %p, which is no device allocation", p);
}

size_t hpl_emu_bytes_allocated(void) { return emu.bytes; }

static void *emu_host_alloc(size_t bytes) { return hpl_alloc(bytes ? bytes : 8, 64); }
static void emu_host_free(void *p) { free(p); }

static void emu_copy2d(int stream, enum hpl_dev_dir dir, int rows, int cols, const double *src,
                       size_t lds, double *dst, size_t ldd)
{
    (void)stream;
    if (rows <= 0 || cols <= 0)
        return;
    enter();
    for (int c = 0; c < cols; c++)
        memmove(dst + (size_t)c * ldd, src + (size_t)c * lds, sizeof(double) * (size_t)rows);
    leave();
    double b = 8.0 * rows * (double)cols;
    if (dir == HPL_H2D)
        emu.c.bytes_h2d += b;
    else if (dir == HPL_D2H)
        emu.c.bytes_d2h += b;
    else
        emu.c.bytes_d2d += b;
    emu.c.copies++;
}

static void emu_gemm_sub(int stream, int m, int n, int k, const double *a, int lda,
                         const double *b, int ldb, double *c, int ldc)
{
    (void)stream;
    if (m <= 0 || n <= 0 || k <= 0)
        return;
    enter();
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, -1.0, a, lda, b, ldb, 1.0, c,
                ldc);
    leave();
    emu.c.gemms++;
    emu.c.gemm_flops += 2.0 * m * (double)n * k;
}

static void emu_trsm_lunit(int stream, int m, int n, const double *l, int ldl, double *b, int ldb)
{
    (void)stream;
    if (m <= 0 || n <= 0)
        return;
    enter();
    cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, m, n, 1.0, l, ldl,
                b, ldb);
    leave();
    emu.c.trsms++;
}

static void emu_gather(int stream, int nr, int nc, const int *idx, const double *a, int lda,
                       double *buf)
{
    (void)stream;
    if (nr <= 0)
        return;
    emu.c.bytes_h2d += 4.0 * nr;   /* the index list goes to the device */
    enter();
    for (int c = 0; c < nc; c++)
        for (int r = 0; r < nr; r++)
            buf[(size_t)r * nc + c] = a[idx[r] + (size_t)c * lda];
    leave();
    emu.c.row_ops++;
}

static void emu_scatter(int stream, int nr, int nc, const int *from, const double *buf,
                        const int *idx, double *a, int lda)
{
    (void)stream;
    if (nr <= 0)
        return;
    emu.c.bytes_h2d += 8.0 * nr;   /* both index lists */
    enter();
    for (int c = 0; c < nc; c++)
        for (int r = 0; r < nr; r++)
            a[idx[r] + (size_t)c * lda] = buf[(size_t)from[r] * nc + c];
    leave();
    emu.c.row_ops++;
}

static void emu_record(int event, int stream) { (void)event, (void)stream; }
static void emu_wait(int stream, int event) { (void)event, (void)stream; }
static void emu_sync(int stream) { (void)stream; }
static int emu_query(int stream) { (void)stream; return 1; }
static void emu_counters(struct hpl_dev_counters *c) { *c = emu.c; }

struct hpl_device hpl_device_emulated = {
    .name = "emulated",
    .init = emu_init,
    .finalize = emu_finalize,
    .alloc = emu_alloc,
    .free = emu_free,
    .host_alloc = emu_host_alloc,
    .host_free = emu_host_free,
    .copy2d = emu_copy2d,
    .gemm_sub = emu_gemm_sub,
    .trsm_lunit = emu_trsm_lunit,
    .gather_rows = emu_gather,
    .scatter_rows = emu_scatter,
    .record = emu_record,
    .wait = emu_wait,
    .sync = emu_sync,
    .query = emu_query,
    .counters = emu_counters,
};

const struct hpl_device *hpl_device_find(const char *name, const struct hpl_device *own)
{
    if (!strcmp(name, "emulated"))
        return &hpl_device_emulated;
    if (own && !strcmp(name, own->name))
        return own;
    return NULL;
}
