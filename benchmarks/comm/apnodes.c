/* The node-level reduction of the all-pairs matrices (apnodes.h): class medians in bounded memory,
 * node-pair medians, per-node summaries, the worst slow pairs, and the heat map's node groups.
 * Everything is O(P^2) time over the matrices rank 0 already holds, with O(P) extra memory
 * beyond the N x N node matrices. */
#include "apnodes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBINS 4096
#define SELECT_CAP ((size_t)1 << 20)

/* The k-th smallest of n floats (no NaN), reordering v so that v[0..k) are not above it: a
 * quickselect, O(n) on average; sorting every node's 200,000 figures made the reduction of 4,000
 * ranks take 30 s. */
static float select_f(float *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        /* median of three as the pivot, moved to hi */
        if (v[mid] < v[lo]) { float t = v[mid]; v[mid] = v[lo]; v[lo] = t; }
        if (v[hi] < v[lo]) { float t = v[hi]; v[hi] = v[lo]; v[lo] = t; }
        if (v[mid] < v[hi]) { float t = v[mid]; v[mid] = v[hi]; v[hi] = t; }
        float pivot = v[hi];
        size_t i = lo;
        for (size_t j = lo; j < hi; j++)
            if (v[j] < pivot) {
                float t = v[i]; v[i] = v[j]; v[j] = t;
                i++;
            }
        float t = v[i]; v[i] = v[hi]; v[hi] = t;
        /* equal values: step over the run of the pivot's equals so that ties do not go quadratic */
        size_t e = i;
        for (size_t j = i + 1; j <= hi; j++)
            if (v[j] == pivot) {
                t = v[++e]; v[e] = v[j]; v[j] = t;
            }
        if (k < i)
            hi = i - 1;
        else if (k > e)
            lo = e + 1;
        else
            return pivot;
    }
    return v[k];
}

/* Median of n floats (no NaN; reordered); NaN when n == 0. */
static float median_f(float *v, size_t n)
{
    if (n == 0)
        return NAN;
    float hi = select_f(v, n, n / 2);
    if (n % 2)
        return hi;
    float lo = v[0]; /* the largest of v[0 .. n/2), all not above hi */
    for (size_t i = 1; i < n / 2; i++)
        lo = v[i] > lo ? v[i] : lo;
    return 0.5f * (lo + hi);
}

/* The k-th smallest (0-based) of the kept values in [lo, hi], of which there are `in`. */
static double select_kth(size_t n, float (*get)(const void *, size_t), const void *ctx, size_t cap, size_t k,
                         double lo, double hi, size_t in)
{
    size_t *hist = malloc(NBINS * sizeof *hist);
    float *bmin = malloc(NBINS * sizeof *bmin), *bmax = malloc(NBINS * sizeof *bmax), *buf = NULL;
    double r = NAN;
    if (!hist || !bmin || !bmax)
        goto out;
    for (;;) {
        if (in <= cap || lo == hi) {
            if (lo == hi) {
                r = lo;
                break;
            }
            if (!(buf = malloc((in ? in : 1) * sizeof *buf)))
                break;
            size_t m = 0;
            for (size_t i = 0; i < n && m < in; i++) {
                float v = get(ctx, i);
                if (v >= lo && v <= hi)
                    buf[m++] = v;
            }
            r = k < m ? select_f(buf, m, k) : NAN;
            break;
        }
        /* narrow [lo, hi] to the bin holding the k-th value: bins are monotone in v, so a bin's
         * values are exactly those in [its min, its max] */
        memset(hist, 0, NBINS * sizeof *hist);
        for (size_t b = 0; b < NBINS; b++)
            bmin[b] = INFINITY, bmax[b] = -INFINITY;
        double w = (hi - lo) / NBINS;
        for (size_t i = 0; i < n; i++) {
            float v = get(ctx, i);
            if (!(v >= lo && v <= hi))
                continue;
            size_t b = (size_t)((v - lo) / w);
            b = b >= NBINS ? NBINS - 1 : b;
            hist[b]++;
            bmin[b] = v < bmin[b] ? v : bmin[b];
            bmax[b] = v > bmax[b] ? v : bmax[b];
        }
        size_t b = 0;
        while (b < NBINS - 1 && k >= hist[b])
            k -= hist[b++];
        lo = bmin[b];
        hi = bmax[b];
        in = hist[b];
    }
out:
    free(hist);
    free(bmin);
    free(bmax);
    free(buf);
    return r;
}

double ap_select_median(size_t n, float (*get)(const void *ctx, size_t i), const void *ctx, size_t cap)
{
    size_t count = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        float v = get(ctx, i);
        if (isnan(v))
            continue;
        count++;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if (count == 0)
        return 0;
    cap = cap < 16 ? 16 : cap;
    double a = select_kth(n, get, ctx, cap, (count - 1) / 2, lo, hi, count);
    if (count % 2)
        return a;
    return 0.5 * (a + select_kth(n, get, ctx, cap, count / 2, lo, hi, count));
}

/* A pair of one class and figure, as the selection sees the matrix. */
struct class_view {
    const struct ap_input *in;
    int fig, cls;
};

static float class_get(const void *ctx, size_t i)
{
    const struct class_view *v = ctx;
    size_t P = (size_t)v->in->nranks, a = i / P, b = i % P;
    if (a == b || (v->fig == AP_LAT && a > b))
        return NAN;
    int c = v->in->rank_node[a] == v->in->rank_node[b] ? COMM_INTRA : COMM_INTER;
    return c == v->cls ? v->in->m[v->fig][i] : NAN;
}

static int cmp_slow(const void *a, const void *b)
{
    const struct comm_slow_pair *x = a, *y = b;
    if (x->excess != y->excess)
        return x->excess < y->excess ? 1 : -1;
    return x->a != y->a ? x->a - y->a : x->b - y->b;
}

/* The slow pairs of one figure: counted per node and in total, the worst `keep` listed. */
static struct comm_slow_pair *find_slow(const struct ap_input *in, int fig, size_t keep, struct ap_nodes *o,
                                        size_t *listed)
{
    size_t P = (size_t)in->nranks, cap = keep * 4 > 4096 ? keep * 4 : 4096, n = 0;
    struct comm_slow_pair *s = malloc(cap * sizeof *s);
    if (!s)
        return NULL;
    for (size_t a = 0; a < P; a++)
        for (size_t b = fig == AP_LAT ? a + 1 : 0; b < P; b++) {
            int na = in->rank_node[a], nb = in->rank_node[b], c = na == nb ? COMM_INTRA : COMM_INTER;
            double v = in->m[fig][a * P + b], med = o->median[fig][c], e;
            if (a == b || isnan(v) || med <= 0)
                continue;
            e = fig == AP_BW ? (med - v) / med : (v - med) / med;
            if (!(e > in->threshold))
                continue;
            o->total_slow[fig]++;
            o->node[na].slow[fig]++;
            if (nb != na)
                o->node[nb].slow[fig]++;
            if (n == cap) { /* keep only the worst so far: the final list is the same */
                qsort(s, n, sizeof *s, cmp_slow);
                n = keep;
            }
            s[n++] = (struct comm_slow_pair){(int)a, (int)b, c, v, med, e};
        }
    qsort(s, n, sizeof *s, cmp_slow);
    *listed = n < keep ? n : keep;
    return s;
}

/* Node pair medians and the per-node intra and inter medians of one figure. */
static int node_figures(const struct ap_input *in, int fig, const int *off, const int *list, struct ap_nodes *o)
{
    size_t P = (size_t)in->nranks, N = (size_t)in->nnodes, maxr = 0;
    for (size_t n = 0; n < N; n++)
        maxr = (size_t)(off[n + 1] - off[n]) > maxr ? (size_t)(off[n + 1] - off[n]) : maxr;
    float *buf = malloc((2 * maxr * P + 1) * sizeof *buf);
    if (!buf)
        return -1;
    const float *m = in->m[fig];
    for (size_t A = 0; A < N; A++) {
        for (size_t B = fig == AP_LAT ? A : 0; B < N; B++) {
            size_t k = 0;
            for (int x = off[A]; x < off[A + 1]; x++)
                for (int y = off[B]; y < off[B + 1]; y++)
                    if (list[x] != list[y] && !isnan(m[(size_t)list[x] * P + (size_t)list[y]]))
                        buf[k++] = m[(size_t)list[x] * P + (size_t)list[y]];
            float med = median_f(buf, k);
            o->pair[fig][A * N + B] = med;
            if (fig == AP_LAT)
                o->pair[fig][B * N + A] = med;
        }
        o->node[A].intra[fig] = o->pair[fig][A * N + A];
        size_t k = 0;
        for (int x = off[A]; x < off[A + 1]; x++)
            for (size_t j = 0; j < P; j++) {
                size_t i = (size_t)list[x];
                if ((size_t)in->rank_node[j] == A)
                    continue;
                if (!isnan(m[i * P + j]))
                    buf[k++] = m[i * P + j];
                if (!isnan(m[j * P + i]))
                    buf[k++] = m[j * P + i];
            }
        o->node[A].inter[fig] = median_f(buf, k);
    }
    free(buf);
    return 0;
}

int ap_reduce(const struct ap_input *in, size_t keep, struct ap_nodes *o)
{
    int P = in->nranks, N = in->nnodes, rc = -1;
    memset(o, 0, sizeof *o);
    o->N = N;
    int *off = calloc((size_t)N + 1, sizeof *off), *list = malloc(((size_t)P + 1) * sizeof *list);
    o->node = calloc((size_t)N + 1, sizeof *o->node);
    for (int f = 0; f < 2; f++)
        o->pair[f] = malloc(((size_t)N * (size_t)N + 1) * sizeof *o->pair[f]);
    if (!off || !list || !o->node || !o->pair[0] || !o->pair[1])
        goto out;
    for (int r = 0; r < P; r++) {
        if (in->rank_node[r] < 0 || in->rank_node[r] >= N)
            goto out;
        off[in->rank_node[r] + 1]++;
    }
    for (int n = 0; n < N; n++) {
        off[n + 1] += off[n];
        o->node[n].nranks = off[n + 1] - off[n];
        o->node[n].first_rank = -1;
    }
    int *fill = calloc((size_t)N + 1, sizeof *fill);
    if (!fill)
        goto out;
    for (int r = 0; r < P; r++) {
        int n = in->rank_node[r];
        list[off[n] + fill[n]++] = r;
        if (o->node[n].first_rank < 0)
            o->node[n].first_rank = r;
    }
    free(fill);
    for (int f = 0; f < 2; f++) {
        for (int c = 0; c < 2; c++) {
            struct class_view v = {in, f, c};
            o->median[f][c] = ap_select_median((size_t)P * (size_t)P, class_get, &v, SELECT_CAP);
        }
        if (node_figures(in, f, off, list, o))
            goto out;
    }
    struct comm_slow_pair *lat = find_slow(in, AP_LAT, keep, o, &o->nslow[AP_LAT]);
    struct comm_slow_pair *bw = find_slow(in, AP_BW, keep, o, &o->nslow[AP_BW]);
    o->slow = malloc((o->nslow[0] + o->nslow[1] + 1) * sizeof *o->slow);
    if (lat && bw && o->slow) {
        memcpy(o->slow, lat, o->nslow[0] * sizeof *o->slow);
        memcpy(o->slow + o->nslow[0], bw, o->nslow[1] * sizeof *o->slow);
        rc = 0;
    }
    free(lat);
    free(bw);
out:
    free(off);
    free(list);
    if (rc)
        ap_nodes_free(o);
    return rc;
}

void ap_nodes_free(struct ap_nodes *a)
{
    free(a->node);
    free(a->pair[0]);
    free(a->pair[1]);
    free(a->slow);
    memset(a, 0, sizeof *a);
}

int ap_group(const struct ap_nodes *a, double threshold, struct ap_groups *out)
{
    size_t N = (size_t)a->N, g = N < AP_MAX_GROUPS ? N : AP_MAX_GROUPS, per = (N + g - 1) / (g ? g : 1);
    memset(out, 0, sizeof *out);
    out->g = (int)g;
    float *buf = malloc((per + 1) * (per + 1) * sizeof *buf);
    int rc = buf ? 0 : -1;
    for (int f = 0; f < 2 && !rc; f++) {
        out->cell[f] = malloc((g * g + 1) * sizeof(float));
        out->worst[f] = malloc((g * g + 1) * sizeof(float));
        out->slow[f] = calloc(g * g + 1, 1);
        if (!out->cell[f] || !out->worst[f] || !out->slow[f]) {
            rc = -1;
            break;
        }
        double med = a->median[f][COMM_INTER];
        for (size_t r = 0; r < g; r++)
            for (size_t c = 0; c < g; c++) {
                size_t k = 0;
                /* group r holds the nodes n with n * g / N == r: [ceil(r N / g), ceil((r+1) N / g)) */
                for (size_t A = (r * N + g - 1) / g; A < ((r + 1) * N + g - 1) / g; A++)
                    for (size_t B = (c * N + g - 1) / g; B < ((c + 1) * N + g - 1) / g; B++)
                        if (A != B && !isnan(a->pair[f][A * N + B]))
                            buf[k++] = a->pair[f][A * N + B];
                float w = NAN;
                for (size_t i = 0; i < k; i++)
                    if (isnan(w) || (f == AP_LAT ? buf[i] > w : buf[i] < w))
                        w = buf[i];
                out->cell[f][r * g + c] = median_f(buf, k);
                out->worst[f][r * g + c] = w;
                out->slow[f][r * g + c] = med > 0 && !isnan(w) &&
                                          (f == AP_LAT ? (w - med) / med : (med - w) / med) > threshold;
            }
    }
    free(buf);
    if (rc)
        ap_groups_free(out);
    return rc;
}

void ap_groups_free(struct ap_groups *g)
{
    for (int f = 0; f < 2; f++) {
        free(g->cell[f]);
        free(g->worst[f]);
        free(g->slow[f]);
    }
    memset(g, 0, sizeof *g);
}

int ap_node_reasons(const struct ap_nodes *a, int n, double threshold, char *buf, size_t len)
{
    static const char *fname[2] = {"latency", "bandwidth"}, *unit[2] = {"us", "GB/s"}, *cname[2] = {"intra", "inter"};
    int count = 0;
    size_t used = 0;
    if (len)
        buf[0] = 0;
    for (int f = 0; f < 2; f++)
        for (int c = 0; c < 2; c++) {
            double v = c == COMM_INTRA ? a->node[n].intra[f] : a->node[n].inter[f], med = a->median[f][c];
            if (isnan(v) || med <= 0)
                continue;
            double e = f == AP_BW ? (med - v) / med : (v - med) / med;
            if (!(e > threshold))
                continue;
            count++;
            int w = snprintf(buf + used, used < len ? len - used : 0, "%s%s-node %s %.4g %s is %.0f%% %s the median %.4g %s",
                             used ? "\n" : "", cname[c], fname[f], v, unit[f], 100 * e, f == AP_BW ? "below" : "above",
                             med, unit[f]);
            used += w > 0 ? (size_t)w : 0;
            used = used < len ? used : len;
        }
    return count;
}
