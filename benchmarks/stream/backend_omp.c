/* exa-stream's CPU back end: OpenMP threads over 64-byte aligned arrays.
 *
 * Work split: every operation (the first-touch initialisation included) gives thread t the same
 * contiguous range of elements, made of whole 64-byte cache lines, so that each page is first
 * touched, and later used, by the same thread, and no two threads write one cache line.
 *
 * Stores: with STREAM_STORES_NONTEMPORAL (the default) the four kernels that write an array use
 * non-temporal (streaming) store intrinsics: vmovntpd on zmm registers when compiled for
 * AVX-512, on ymm for AVX, on xmm for SSE2. They write whole cache lines to memory without first
 * reading them (no read-for-ownership), so the bytes the bandwidth formula counts are the bytes
 * that really move. With STREAM_STORES_TEMPORAL the loops are plain `omp simd` loops and the
 * compiler emits ordinary stores, as McCalpin's stream.c gets from gcc. GCC 12 ignores
 * `#pragma omp simd nontemporal(...)`, hence the intrinsics. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "stream_backend.h"

#define LINE_DOUBLES 8   /* doubles per 64-byte cache line */

#if defined(__AVX512F__)
#define NT_WIDTH 8
#define NT_NAME "non-temporal stores (AVX-512 vmovntpd, 64-byte zmm)"
typedef __m512d vdouble;
#define V_LOAD(p) _mm512_load_pd(p)
#define V_STREAM(p, v) _mm512_stream_pd((p), (v))
#define V_SET1(x) _mm512_set1_pd(x)
#define V_MUL(x, y) _mm512_mul_pd((x), (y))
#define V_ADD(x, y) _mm512_add_pd((x), (y))
#elif defined(__AVX__)
#define NT_WIDTH 4
#define NT_NAME "non-temporal stores (AVX vmovntpd, 32-byte ymm)"
typedef __m256d vdouble;
#define V_LOAD(p) _mm256_load_pd(p)
#define V_STREAM(p, v) _mm256_stream_pd((p), (v))
#define V_SET1(x) _mm256_set1_pd(x)
#define V_MUL(x, y) _mm256_mul_pd((x), (y))
#define V_ADD(x, y) _mm256_add_pd((x), (y))
#else
#define NT_WIDTH 2
#define NT_NAME "non-temporal stores (SSE2 movntpd, 16-byte xmm)"
typedef __m128d vdouble;
#define V_LOAD(p) _mm_load_pd(p)
#define V_STREAM(p, v) _mm_stream_pd((p), (v))
#define V_SET1(x) _mm_set1_pd(x)
#define V_MUL(x, y) _mm_mul_pd((x), (y))
#define V_ADD(x, y) _mm_add_pd((x), (y))
#endif

struct omp_state {
    size_t n;
    int threads;
    int nontemporal;
    double *a, *b, *c;
};

/* The calling thread's range [*lo, *hi) of the n elements: whole cache lines, balanced to within
 * one line. Called inside a parallel region. */
static void thread_range(size_t n, size_t *lo, size_t *hi)
{
    int t = omp_get_thread_num(), nthreads = omp_get_num_threads();
    size_t lines = (n + LINE_DOUBLES - 1) / LINE_DOUBLES;
    size_t l0 = lines * (size_t)t / (size_t)nthreads;
    size_t l1 = lines * (size_t)(t + 1) / (size_t)nthreads;
    *lo = l0 * LINE_DOUBLES < n ? l0 * LINE_DOUBLES : n;
    *hi = l1 * LINE_DOUBLES < n ? l1 * LINE_DOUBLES : n;
}

static double *alloc_array(size_t n)
{
    size_t bytes = n * sizeof(double);
    size_t align = bytes >= (2u << 20) ? (2u << 20) : 64;   /* 2 MiB: let huge pages back it */
    bytes = (bytes + align - 1) / align * align;
    void *p = NULL;
    if (posix_memalign(&p, align, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (align > 64)
        (void)madvise(p, bytes, MADV_HUGEPAGE);   /* a hint only: fewer TLB misses when honoured */
#endif
    return p;
}

static void omp_destroy(void *state)
{
    struct omp_state *st = state;
    if (!st)
        return;
    free(st->a);
    free(st->b);
    free(st->c);
    free(st);
}

static void *omp_create(const struct stream_config *cfg, double a0, double b0, double c0,
                        char err[EXA_ERR_LEN])
{
    struct omp_state *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, EXA_ERR_LEN, "out of memory");
        return NULL;
    }
    st->n = cfg->n;
    st->threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    omp_set_num_threads(st->threads);   /* so that other OpenMP users (PAPI counting) agree */
    st->nontemporal = cfg->stores == STREAM_STORES_NONTEMPORAL;
    st->a = alloc_array(cfg->n);
    st->b = alloc_array(cfg->n);
    st->c = alloc_array(cfg->n);
    if (!st->a || !st->b || !st->c) {
        snprintf(err, EXA_ERR_LEN, "cannot allocate 3 arrays of %zu doubles (%.1f MiB each)",
                 cfg->n, (double)cfg->n * sizeof(double) / (1024.0 * 1024.0));
        omp_destroy(st);
        return NULL;
    }
    double *restrict a = st->a, *restrict b = st->b, *restrict c = st->c;
#pragma omp parallel num_threads(st->threads)
    {
        size_t lo, hi;
        thread_range(st->n, &lo, &hi);
        for (size_t i = lo; i < hi; i++) {
            a[i] = a0;
            b[i] = b0;
            c[i] = c0;
        }
    }
    return st;
}

static void omp_copy(void *state)
{
    struct omp_state *st = state;
    const double *restrict a = st->a;
    double *restrict c = st->c;
    if (st->nontemporal) {
#pragma omp parallel num_threads(st->threads)
        {
            size_t lo, hi;
            thread_range(st->n, &lo, &hi);
            size_t i = lo, vend = lo + (hi - lo) / NT_WIDTH * NT_WIDTH;
            for (; i < vend; i += NT_WIDTH)
                V_STREAM(c + i, V_LOAD(a + i));
            for (; i < hi; i++)
                c[i] = a[i];
            _mm_sfence();
        }
    } else {
#pragma omp parallel num_threads(st->threads)
        {
            size_t lo, hi;
            thread_range(st->n, &lo, &hi);
#pragma omp simd aligned(a, c : 64)
            for (size_t i = lo; i < hi; i++)
                c[i] = a[i];
        }
    }
}

static void omp_scale(void *state, double scalar)
{
    struct omp_state *st = state;
    const double *restrict c = st->c;
    double *restrict b = st->b;
    if (st->nontemporal) {
#pragma omp parallel num_threads(st->threads)
        {
            size_t lo, hi;
            thread_range(st->n, &lo, &hi);
            vdouble s = V_SET1(scalar);
            size_t i = lo, vend = lo + (hi - lo) / NT_WIDTH * NT_WIDTH;
            for (; i < vend; i += NT_WIDTH)
                V_STREAM(b + i, V_MUL(s, V_LOAD(c + i)));
            for (; i < hi; i++)
                b[i] = scalar * c[i];
            _mm_sfence();
        }
    } else {
#pragma omp parallel num_threads(st->threads)
        {
            size_t lo, hi;
            thread_range(st->n, &lo, &hi);
#pragma omp simd aligned(b, c : 64)
            for (size_t i = lo; i < hi; i++)
                b[i] = scalar * c[i];
        }
    }
}

static void omp_add(void *state)
{
    struct omp_state *st = state;
    const double *restrict a = st->a, *restrict b = st->b;
    double *restrict c = st->c;
    if (st->nontemporal) {
#pragma omp parallel num_threads(st->threads)
        {
            size_t lo, hi;
            thread_range(st->n, &lo, &hi);
            size_t i = lo, vend = lo + (hi - lo) / NT_WIDTH * NT_WIDTH;
            for (; i < vend; i += NT_WIDTH)
                V_STREAM(c + i, V_ADD(V_LOAD(a + i), V_LOAD(b + i)));
            for (; i < hi; i++)
                c[i] = a[i] + b[i];
            _mm_sfence();
        }
    } else {
#pragma omp parallel num_threads(st->threads)
        {
            size_t lo, hi;
            thread_range(st->n, &lo, &hi);
#pragma omp simd aligned(a, b, c : 64)
            for (size_t i = lo; i < hi; i++)
                c[i] = a[i] + b[i];
        }
    }
}

static void omp_triad(void *state, double scalar)
{
    struct omp_state *st = state;
    const double *restrict b = st->b, *restrict c = st->c;
    double *restrict a = st->a;
    if (st->nontemporal) {
#pragma omp parallel num_threads(st->threads)
        {
            size_t lo, hi;
            thread_range(st->n, &lo, &hi);
            vdouble s = V_SET1(scalar);
            size_t i = lo, vend = lo + (hi - lo) / NT_WIDTH * NT_WIDTH;
            /* b + s*c as a multiply then an add, like the scalar remainder and the verifier. */
            for (; i < vend; i += NT_WIDTH)
                V_STREAM(a + i, V_ADD(V_LOAD(b + i), V_MUL(s, V_LOAD(c + i))));
            for (; i < hi; i++)
                a[i] = b[i] + scalar * c[i];
            _mm_sfence();
        }
    } else {
#pragma omp parallel num_threads(st->threads)
        {
            size_t lo, hi;
            thread_range(st->n, &lo, &hi);
#pragma omp simd aligned(a, b, c : 64)
            for (size_t i = lo; i < hi; i++)
                a[i] = b[i] + scalar * c[i];
        }
    }
}

static double omp_dot(void *state)
{
    struct omp_state *st = state;
    const double *restrict a = st->a, *restrict b = st->b;
    double sum = 0.0;
#pragma omp parallel num_threads(st->threads) reduction(+ : sum)
    {
        size_t lo, hi;
        thread_range(st->n, &lo, &hi);
        double part = 0.0;
#pragma omp simd aligned(a, b : 64) reduction(+ : part)
        for (size_t i = lo; i < hi; i++)
            part += a[i] * b[i];
        sum += part;
    }
    return sum;
}

static void omp_library_copy(void *state)
{
    struct omp_state *st = state;
#pragma omp parallel num_threads(st->threads)
    {
        size_t lo, hi;
        thread_range(st->n, &lo, &hi);
        if (hi > lo)
            memcpy(st->c + lo, st->a + lo, (hi - lo) * sizeof(double));
    }
}

static void omp_read_arrays(void *state, double **a, double **b, double **c)
{
    struct omp_state *st = state;
    *a = st->a;
    *b = st->b;
    *c = st->c;
}

static const char *omp_describe_stores(void *state)
{
    struct omp_state *st = state;
    return st->nontemporal ? NT_NAME : "temporal stores (compiler-vectorised omp simd loops)";
}

static int omp_threads(void *state)
{
    return ((struct omp_state *)state)->threads;
}

const struct stream_backend stream_backend_omp = {
    .name = "cpu",
    .model = "OpenMP",
    .create = omp_create,
    .copy = omp_copy,
    .scale = omp_scale,
    .add = omp_add,
    .triad = omp_triad,
    .dot = omp_dot,
    .library_copy = omp_library_copy,
    .read_arrays = omp_read_arrays,
    .describe_stores = omp_describe_stores,
    .threads = omp_threads,
    .destroy = omp_destroy,
};
