/* exa-mxp: the factorisation precisions. fp64 (OpenBLAS dgemm: the reference, whose refinement
 * has nothing to do) and fp32 (sgemm, about twice dgemm's rate on AVX-512) on every build; the CUDA
 * build registers fp16 and bf16 (cublasGemmEx with FP32 accumulation). The preconditioner's
 * matrix-vector work keeps its vectors in double and reads the factors in their own precision:
 * the refinement's accuracy then depends only on the factors, as GMRES-IR's analysis assumes. */
#include <cblas.h>
#include <float.h>
#include <stdio.h>
#include <string.h>

#include "mxp.h"

/* ---------------------------------------------------------------- fp64 */
static void d_gemm_sub(int m, int n, int k, const void *a, int lda, const void *b, int ldb, void *c,
                       int ldc)
{
    if (m > 0 && n > 0 && k > 0)
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, -1.0, a, lda, b, ldb, 1.0,
                    c, ldc);
}

static void d_trsm_llu(int m, int n, const void *l, int ldl, void *b, int ldb)
{
    if (m > 0 && n > 0)
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, m, n, 1.0, l,
                    ldl, b, ldb);
}

static void d_trsm_ru(int m, int n, const void *u, int ldu, void *b, int ldb)
{
    if (m > 0 && n > 0)
        cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, m, n, 1.0,
                    u, ldu, b, ldb);
}

static void d_gemv_sub(int m, int n, const void *a, int lda, const double *x, double *y)
{
    if (m > 0 && n > 0)
        cblas_dgemv(CblasColMajor, CblasNoTrans, m, n, -1.0, a, lda, x, 1, 1.0, y, 1);
}

static void d_trsv(int lower, int n, const void *t, int ldt, double *x)
{
    if (n > 0)
        cblas_dtrsv(CblasColMajor, lower ? CblasLower : CblasUpper, CblasNoTrans,
                    lower ? CblasUnit : CblasNonUnit, n, t, ldt, x, 1);
}

static void d_from_double(const double *src, void *dst, size_t n)
{
    memcpy(dst, src, n * sizeof(double));
}

static void d_to_double(const void *src, double *dst, size_t n)
{
    memcpy(dst, src, n * sizeof(double));
}

/* ---------------------------------------------------------------- fp32 */
static void s_gemm_sub(int m, int n, int k, const void *a, int lda, const void *b, int ldb, void *c,
                       int ldc)
{
    if (m > 0 && n > 0 && k > 0)
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, -1.0f, a, lda, b, ldb,
                    1.0f, c, ldc);
}

static void s_trsm_llu(int m, int n, const void *l, int ldl, void *b, int ldb)
{
    if (m > 0 && n > 0)
        cblas_strsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, m, n, 1.0f, l,
                    ldl, b, ldb);
}

static void s_trsm_ru(int m, int n, const void *u, int ldu, void *b, int ldb)
{
    if (m > 0 && n > 0)
        cblas_strsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, m, n, 1.0f,
                    u, ldu, b, ldb);
}

static void s_gemv_sub(int m, int n, const void *a, int lda, const double *x, double *y)
{
    const float *af = a;
    for (int j = 0; j < n; j++) {
        const float *col = af + (size_t)j * lda;
        double xj = x[j];
        for (int i = 0; i < m; i++)
            y[i] -= (double)col[i] * xj;
    }
}

static void s_trsv(int lower, int n, const void *t, int ldt, double *x)
{
    const float *tf = t;
    if (lower) {
        for (int j = 0; j < n; j++) {
            const float *col = tf + (size_t)j * ldt;
            for (int i = j + 1; i < n; i++)
                x[i] -= (double)col[i] * x[j];
        }
        return;
    }
    for (int j = n - 1; j >= 0; j--) {
        const float *col = tf + (size_t)j * ldt;
        x[j] /= (double)col[j];
        for (int i = 0; i < j; i++)
            x[i] -= (double)col[i] * x[j];
    }
}

static void s_from_double(const double *src, void *dst, size_t n)
{
    float *d = dst;
    for (size_t i = 0; i < n; i++)
        d[i] = (float)src[i];
}

static void s_to_double(const void *src, double *dst, size_t n)
{
    const float *s = src;
    for (size_t i = 0; i < n; i++)
        dst[i] = s[i];
}

static const struct mxp_precision prec_fp64 = {
    .name = "fp64", .size = sizeof(double), .unit_roundoff = DBL_EPSILON / 2,
    .gemm_flop_ratio = 1.0, .gemm_sub = d_gemm_sub, .trsm_left_lower_unit = d_trsm_llu,
    .trsm_right_upper = d_trsm_ru, .gemv_sub = d_gemv_sub, .trsv = d_trsv,
    .from_double = d_from_double, .to_double = d_to_double};
static const struct mxp_precision prec_fp32 = {
    .name = "fp32", .size = sizeof(float), .unit_roundoff = FLT_EPSILON / 2,
    .gemm_flop_ratio = 2.0, .gemm_sub = s_gemm_sub, .trsm_left_lower_unit = s_trsm_llu,
    .trsm_right_upper = s_trsm_ru, .gemv_sub = s_gemv_sub, .trsv = s_trsv,
    .from_double = s_from_double, .to_double = s_to_double};

static const struct mxp_precision *table[8] = {&prec_fp64, &prec_fp32, NULL};

void mxp_precision_register(const struct mxp_precision *p)
{
    for (size_t i = 0; i + 1 < sizeof table / sizeof *table; i++) {
        if (!table[i] || !strcmp(table[i]->name, p->name)) {
            table[i] = p;
            return;
        }
    }
}

const struct mxp_precision *mxp_precision_find(const char *name)
{
    for (size_t i = 0; table[i]; i++)
        if (!strcmp(table[i]->name, name))
            return table[i];
    return NULL;
}

void mxp_precision_names(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; table[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", table[i]->name);
}
