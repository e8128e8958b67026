/* exa-mxp: GMRES-IR, the refinement of HPL-MxP. The LU's own solution x0 = (LU)^-1 b starts it;
 * then restarted GMRES in FP64 on A x = b, right-preconditioned by the low-precision factors
 * (A M^-1 u = r, x += M^-1 u), so that the residual it minimises is the true one. A cycle stops
 * when its estimated residual is below half the criterion's bound (the 2-norm bounds the max-norm
 * the criterion uses), and every cycle ends with the true residual computed from A, the only
 * figure that decides convergence:
 *     ||A x - b||_oo / (eps (||A||_oo ||x||_oo + ||b||_oo) N) < threshold,  eps = 2^-53
 * exactly HPL's scaled residual. Vectors are replicated on every rank (see mxp.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mxp.h"

static double dot(const double *a, const double *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static double norm_inf(const double *a, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) {
        double v = fabs(a[i]);
        if (!(v <= s)) /* NaN wins */
            s = isnan(v) ? INFINITY : v;
    }
    return s;
}

/* r := b - A x; returns the scaled residual. */
static double residual(const struct mxp_matrix *m, const struct hpl_grid *g, const double *x,
                       double *r, double *norm_r, double *norm_x, double *work)
{
    mxp_matvec(m, g, x, r, work);
    for (int i = 0; i < m->n; i++)
        r[i] = m->b[i] - r[i];
    *norm_r = norm_inf(r, m->n);
    *norm_x = norm_inf(x, m->n);
    double eps = DBL_EPSILON / 2;
    double den = eps * (m->norm_a * *norm_x + m->norm_b) * m->n;
    return den > 0 && isfinite(*norm_r) ? *norm_r / den : INFINITY;
}

double mxp_scaled_residual(const struct mxp_matrix *m, const struct hpl_grid *g, const double *x,
                           double *norm_r, double *norm_x, double *work)
{
    double *r = malloc((size_t)m->n * sizeof(double));
    if (!r)
        return INFINITY;
    double s = residual(m, g, x, r, norm_r, norm_x, work);
    free(r);
    return s;
}

struct gmres_ws {
    double *v;       /* (restart + 1) x n: the Krylov basis */
    double *h;       /* (restart + 1) x restart: the Hessenberg matrix, column-major */
    double *cs, *sn, *gv, *y;
    double *w, *work;
};

static void givens(double a, double b, double *c, double *s)
{
    double r = hypot(a, b);
    *c = r > 0 ? a / r : 1;
    *s = r > 0 ? b / r : 0;
}

/* One GMRES cycle from residual r (overwritten); x += M^-1 V y. Returns its iterations. */
static int gmres_cycle(const struct mxp_matrix *m, const struct hpl_grid *g, int restart,
                       int budget, double stop, double *r, double *x, struct gmres_ws *ws)
{
    const int n = m->n, ldh = restart + 1;
    double beta = sqrt(dot(r, r, n));
    if (!(beta > 0) || budget <= 0)
        return 0;
    memset(ws->gv, 0, (size_t)ldh * sizeof(double));
    ws->gv[0] = beta;
    for (int i = 0; i < n; i++)
        ws->v[i] = r[i] / beta;
    int k = 0;
    while (k < restart && k < budget) {
        double *vk = ws->v + (size_t)k * n, *vn = ws->v + (size_t)(k + 1) * n;
        double *hk = ws->h + (size_t)k * ldh;
        memcpy(ws->w, vk, (size_t)n * sizeof(double));
        mxp_precond(m, g, ws->w, ws->work);
        mxp_matvec(m, g, ws->w, vn, ws->work);
        for (int i = 0; i <= k; i++) { /* modified Gram-Schmidt */
            hk[i] = dot(vn, ws->v + (size_t)i * n, n);
            for (int t = 0; t < n; t++)
                vn[t] -= hk[i] * ws->v[(size_t)i * n + t];
        }
        hk[k + 1] = sqrt(dot(vn, vn, n));
        if (hk[k + 1] > 0)
            for (int t = 0; t < n; t++)
                vn[t] /= hk[k + 1];
        for (int i = 0; i < k; i++) { /* the earlier rotations on the new column */
            double a = hk[i], b = hk[i + 1];
            hk[i] = ws->cs[i] * a + ws->sn[i] * b;
            hk[i + 1] = -ws->sn[i] * a + ws->cs[i] * b;
        }
        givens(hk[k], hk[k + 1], &ws->cs[k], &ws->sn[k]);
        hk[k] = ws->cs[k] * hk[k] + ws->sn[k] * hk[k + 1];
        hk[k + 1] = 0;
        ws->gv[k + 1] = -ws->sn[k] * ws->gv[k];
        ws->gv[k] = ws->cs[k] * ws->gv[k];
        k++;
        if (fabs(ws->gv[k]) <= stop)
            break;
    }
    for (int i = k - 1; i >= 0; i--) { /* H y = g, H upper triangular after the rotations */
        double s = ws->gv[i];
        for (int j = i + 1; j < k; j++)
            s -= ws->h[(size_t)j * ldh + i] * ws->y[j];
        ws->y[i] = s / ws->h[(size_t)i * ldh + i];
    }
    memset(ws->w, 0, (size_t)n * sizeof(double));
    for (int j = 0; j < k; j++)
        for (int t = 0; t < n; t++)
            ws->w[t] += ws->y[j] * ws->v[(size_t)j * n + t];
    mxp_precond(m, g, ws->w, ws->work);
    for (int t = 0; t < n; t++)
        x[t] += ws->w[t];
    return k;
}

static int ws_alloc(struct gmres_ws *ws, const struct mxp_matrix *m, int restart)
{
    size_t n = (size_t)m->n, ldh = (size_t)restart + 1;
    memset(ws, 0, sizeof *ws);
    ws->v = malloc(ldh * n * sizeof(double));
    ws->h = calloc(ldh * (size_t)restart, sizeof(double));
    ws->cs = calloc(ldh * 4, sizeof(double));
    ws->w = malloc(n * sizeof(double));
    ws->work = malloc(MXP_WORK_DOUBLES(m) * sizeof(double) + sizeof(double));
    if (!ws->v || !ws->h || !ws->cs || !ws->w || !ws->work)
        return -1;
    ws->sn = ws->cs + ldh;
    ws->gv = ws->sn + ldh;
    ws->y = ws->gv + ldh;
    return 0;
}

static void ws_free(struct gmres_ws *ws)
{
    free(ws->v);
    free(ws->h);
    free(ws->cs);
    free(ws->w);
    free(ws->work);
}

int mxp_refine(const struct mxp_matrix *m, const struct hpl_grid *g,
               const struct mxp_refine_opts *o, double *x, struct mxp_refine_result *res)
{
    struct gmres_ws ws = {0};
    double *r = malloc((size_t)m->n * sizeof(double));
    int ok = ws_alloc(&ws, m, o->restart) == 0 && r, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, g->comm);
    memset(res, 0, sizeof *res);
    if (!all_ok) {
        ws_free(&ws);
        free(r);
        return -1;
    }
    memcpy(x, m->b, (size_t)m->n * sizeof(double));
    mxp_precond(m, g, x, ws.work);
    const double eps = DBL_EPSILON / 2;
    for (;;) {
        res->resid = residual(m, g, x, r, &res->norm_r, &res->norm_x, ws.work);
        if (res->restarts == 0 && res->iterations == 0)
            res->first_resid = res->resid;
        res->converged = res->resid < o->threshold;
        if (res->converged || res->iterations >= o->max_iter || !isfinite(res->resid))
            break;
        double stop = 0.5 * o->threshold * eps * (m->norm_a * res->norm_x + m->norm_b) * m->n;
        int k = gmres_cycle(m, g, o->restart, o->max_iter - res->iterations, stop, r, x, &ws);
        res->iterations += k;
        res->restarts++;
        if (k == 0)
            break;
    }
    ws_free(&ws);
    free(r);
    return 0;
}
