/* The all-pairs record's node-level fields and the float32 side file of the full matrix
 * (apnodes.h; the layout is documented in exabench-record(5)). */
#include "apnodes.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NODE_MATRIX_MAX 128   /* the N x N node matrix goes into the JSON up to this many nodes */

static const char *FIG_KEY[2] = {"latency_us", "bandwidth_GBps"};

static json_t *num(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *figures(float lat, float bw)
{
    return json_pack("{s:o, s:o}", FIG_KEY[0], num(lat), FIG_KEY[1], num(bw));
}

static json_t *square(const float *m, size_t n)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array();
        for (size_t j = 0; j < n; j++)
            json_array_append_new(row, num(m[i * n + j]));
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *nodes_json(const struct ap_nodes *a, const char *const *name, double thr, json_t *outliers)
{
    json_t *nodes = json_array();
    char why[1024];
    for (int n = 0; n < a->N; n++) {
        const struct ap_node *d = &a->node[n];
        json_t *reasons = json_array();
        if (ap_node_reasons(a, n, thr, why, sizeof why) > 0) {
            for (char *s = why, *e; s; s = e ? e + 1 : NULL) {
                e = strchr(s, '\n');
                json_array_append_new(reasons, e ? json_stringn(s, (size_t)(e - s)) : json_string(s));
            }
            json_array_append_new(outliers, json_pack("{s:s, s:O}", "host", name[n], "reasons", reasons));
        }
        json_array_append_new(nodes, json_pack("{s:s, s:i, s:i, s:o, s:o, s:{s:I, s:I}, s:o}", "host", name[n],
            "ranks", d->nranks, "first_rank", d->first_rank, "intra", figures(d->intra[0], d->intra[1]),
            "inter", figures(d->inter[0], d->inter[1]), "slow_pairs", "latency", (json_int_t)d->slow[0],
            "bandwidth", (json_int_t)d->slow[1], "outlier", reasons));
    }
    return nodes;
}

static json_t *groups_json(const struct ap_nodes *a, double thr)
{
    struct ap_groups g;
    if (ap_group(a, thr, &g))
        return json_null();
    size_t G = (size_t)g.g, N = (size_t)a->N;
    json_t *j = json_pack("{s:i, s:[]}", "count", g.g, "nodes");
    for (size_t r = 0; r < G; r++)
        json_array_append_new(json_object_get(j, "nodes"),
                              json_pack("[I, I]", (json_int_t)((r * N + G - 1) / G), (json_int_t)(((r + 1) * N + G - 1) / G - 1)));
    for (int f = 0; f < 2; f++) {
        json_t *cells = json_array();
        for (size_t k = 0; k < G * G; k++)
            if (g.slow[f][k])
                json_array_append_new(cells, json_pack("[I, I]", (json_int_t)(k / G), (json_int_t)(k % G)));
        json_object_set_new(j, FIG_KEY[f], json_pack("{s:o, s:o, s:o}", "median", square(g.cell[f], G), "worst",
                                                     square(g.worst[f], G), "slow_cells", cells));
    }
    ap_groups_free(&g);
    return j;
}

void ap_record(json_t *res, const struct ap_nodes *a, const char *const *name,
               const char *(*host)(const void *ctx, int rank), const void *ctx, double thr)
{
    json_t *outliers = json_array(), *slow = json_array(), *medians = json_object();
    json_object_set_new(res, "layout", json_string("nodes"));
    json_object_set_new(res, "nodes", nodes_json(a, name, thr, outliers));
    if (a->N <= NODE_MATRIX_MAX)
        json_object_set_new(res, "node_matrix", json_pack("{s:o, s:o}", FIG_KEY[0], square(a->pair[0], (size_t)a->N),
                                                          FIG_KEY[1], square(a->pair[1], (size_t)a->N)));
    json_object_set_new(res, "groups", groups_json(a, thr));
    for (int c = 0; c < 2; c++) /* a class with no pair (one node: no inter-node pair) is null */
        json_object_set_new(medians, c ? "inter" : "intra", a->median[0][c] > 0 || a->median[1][c] > 0
                            ? json_pack("{s:f, s:f}", FIG_KEY[0], a->median[0][c], FIG_KEY[1], a->median[1][c])
                            : json_null());
    json_object_set_new(res, "medians", medians);
    for (size_t k = 0; k < a->nslow[0] + a->nslow[1]; k++) {
        const struct comm_slow_pair *s = &a->slow[k];
        int lat = k < a->nslow[0];
        json_array_append_new(slow, json_pack("{s:s, s:i, s:s, s:i, s:s, s:s, s:f, s:f, s:f, s:s}",
            "figure", lat ? "latency" : "bandwidth", "a", s->a, "host_a", host(ctx, s->a), "b", s->b,
            "host_b", host(ctx, s->b), "class", s->cls ? "inter" : "intra", "value", s->value, "median", s->median,
            "excess_percent", 100 * s->excess, "unit", lat ? "us" : "GB/s"));
    }
    json_object_set_new(res, "slow_pairs", slow);
    json_object_set_new(res, "slow_pairs_total", json_pack("{s:I, s:I}", "latency", (json_int_t)a->total_slow[0],
                                                          "bandwidth", (json_int_t)a->total_slow[1]));
    json_object_set_new(res, "outlier_nodes", outliers);
}

/* ---- the side file ---- */

static int put(int fd, EVP_MD_CTX *md, const void *p, size_t n)
{
    EVP_DigestUpdate(md, p, n);
    for (const char *c = p; n > 0;) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A P x P float matrix little-endian, a row at a time (NaN stays NaN). */
static int put_matrix(int fd, EVP_MD_CTX *md, const float *m, size_t P, unsigned char *row)
{
    for (size_t i = 0; i < P; i++) {
        for (size_t j = 0; j < P; j++) {
            uint32_t u;
            memcpy(&u, &m[i * P + j], 4);
            for (int b = 0; b < 4; b++)
                row[4 * j + (size_t)b] = (unsigned char)(u >> (8 * b));
        }
        if (put(fd, md, row, 4 * P))
            return -1;
    }
    return 0;
}

json_t *ap_side_file(const char *path, int nranks, const float *lat, const float *bw, char *err, size_t errlen)
{
    size_t P = (size_t)nranks;
    char tmp[4200], hex[65];
    unsigned char hdr[64] = "EXAMTX01", dig[32], *row = malloc(4 * P + 1);
    uint32_t dims[3] = {2, (uint32_t)P, (uint32_t)P};
    for (int d = 0; d < 3; d++)
        for (int b = 0; b < 4; b++)
            hdr[8 + 4 * d + b] = (unsigned char)(dims[d] >> (8 * b));
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int fd = row && md ? open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644) : -1;
    int bad = fd < 0 || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) || put(fd, md, hdr, sizeof hdr) ||
              put_matrix(fd, md, lat, P, row) || put_matrix(fd, md, bw, P, row) || fsync(fd) != 0;
    if (fd >= 0 && close(fd) != 0)
        bad = 1;
    if (!bad && link(tmp, path) != 0) /* never over an existing file */
        bad = 1;
    int saved = errno;
    if (fd >= 0)
        unlink(tmp);
    unsigned int dl = 0;
    if (!bad)
        EVP_DigestFinal_ex(md, dig, &dl);
    EVP_MD_CTX_free(md);
    free(row);
    if (bad) {
        snprintf(err, errlen, "%s: can not write the matrix file: %s", path, strerror(saved ? saved : EIO));
        return NULL;
    }
    for (unsigned int i = 0; i < dl; i++)
        snprintf(hex + 2 * i, 3, "%02x", dig[i]);
    const char *base = strrchr(path, '/');
    return json_pack("{s:s, s:s, s:s, s:i, s:[i, i, i], s:[s, s], s:I, s:s}", "path", base ? base + 1 : path,
                     "format", "float32 little-endian, row-major (row = rank, column = peer; bandwidth: row sender)",
                     "magic", "EXAMTX01", "header_bytes", 64, "shape", 2, nranks, nranks, "layers", FIG_KEY[0],
                     FIG_KEY[1], "bytes", (json_int_t)(64 + 8 * P * P), "sha256", hex);
}
