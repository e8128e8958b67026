/* The all-pairs record at scale (exa-comm allpairs): the P x P rank matrices reduced to what a
 * reader of 24,000 ranks can use. Intra-node pairs are summarised per node, inter-node pairs per
 * node pair (N x N medians), both binned into at most AP_MAX_GROUPS x AP_MAX_GROUPS node groups
 * for the heat map; the class medians, the worst slow pairs (with a total count) and the nodes that
 * stand out go into the JSON; the full rank matrix goes, only when asked, into a float32 side file
 * with its shape and SHA-256 in the record. See exabench-record(5), "allpairs at scale".
 *
 * apnodes.c: the reduction (pure, no MPI, no JSON). apnodes_json.c: the record fields and the side
 * file. The synthetic-record generator (tests/tools/gen_scale.c) feeds node-level figures straight
 * into ap_record, so that records of 6,000 nodes are made without a 24,000^2 matrix. */
#ifndef EXA_COMM_APNODES_H
#define EXA_COMM_APNODES_H

#include <jansson.h>
#include <stddef.h>

#include "slowpairs.h"

#define AP_MAX_GROUPS 64          /* heat-map cells per side: readable at 960 px */
#define AP_KEEP_SLOW 1000         /* slow pairs listed in the JSON (the worst); the rest counted */

enum { AP_LAT = 0, AP_BW = 1 };   /* the two figures: latency (us, lower better), bandwidth (GB/s) */

/* The rank-level input: P ranks on N nodes; m[AP_LAT] and m[AP_BW] are P x P row-major, NaN where
 * not measured (the diagonal). Latency is symmetric; bandwidth row = sender, column = receiver. */
struct ap_input {
    int nranks, nnodes;
    const int *rank_node;   /* P: the node index (0..N-1) of each rank */
    const float *m[2];
    double threshold;       /* a pair is slow when worse than its class median by more (fraction) */
};

/* One node's summary. Medians are NaN where the node has no such pair. */
struct ap_node {
    int nranks, first_rank;
    float intra[2];         /* median of its intra-node pairs, per figure */
    float inter[2];         /* median of its pairs with ranks of other nodes (both directions) */
    long slow[2];           /* slow pairs with a rank on this node, per figure */
};

/* The node-level result: what the record is written from. */
struct ap_nodes {
    int N;
    struct ap_node *node;              /* N */
    float *pair[2];                    /* N x N: median over the node pair's rank pairs; diagonal intra */
    double median[2][2];               /* [figure][COMM_INTRA/INTER] over rank pairs; 0 when empty */
    struct comm_slow_pair *slow;       /* the worst slow pairs, both figures, worst first per figure */
    size_t nslow[2];                   /* listed per figure (slow[0..nslow[0]) latency, then bandwidth) */
    long total_slow[2];                /* all slow pairs per figure */
};

/* The exact median of the values for which keep(ctx, i) is true among n (NaN skipped), in bounded
 * memory: histogram passes narrow the range until at most cap values are left to sort (cap >= 16).
 * Returns 0 when none. For the class medians of 288 million pairs without copying them. */
double ap_select_median(size_t n, float (*get)(const void *ctx, size_t i), const void *ctx, size_t cap);

/* Reduces the rank matrices. Returns 0, or -1 when out of memory or a rank's node is out of range.
 * keep: slow pairs listed per figure (AP_KEEP_SLOW in the record). */
int ap_reduce(const struct ap_input *in, size_t keep, struct ap_nodes *out);
void ap_nodes_free(struct ap_nodes *a);

/* The node groups of the heat map: g groups of contiguous nodes (g = min(N, AP_MAX_GROUPS)); node n
 * is in group n * g / N. cell[figure] g x g: median of the node-pair medians in the cell;
 * worst[figure] the worst of them; slow[figure] 1 where the worst is beyond the threshold. */
struct ap_groups {
    int g;
    float *cell[2], *worst[2];
    unsigned char *slow[2];
};
int ap_group(const struct ap_nodes *a, double threshold, struct ap_groups *out);
void ap_groups_free(struct ap_groups *g);

/* Nodes whose intra or inter median is worse than the class median by more than the threshold;
 * writes "intra-node latency 3.1 us is 55% above the median 2 us" style reasons into buf (one
 * line per reason, '\n' separated). Returns how many reasons. */
int ap_node_reasons(const struct ap_nodes *a, int n, double threshold, char *buf, size_t len);

/* The record's node-level fields into results (json object): layout, nodes, node_matrix (N <= 128),
 * groups, medians, slow_pairs (listed, with hosts), slow_pairs_total, outlier_nodes. host(ctx, r)
 * names rank r's host; node_name[n] each node. */
void ap_record(json_t *results, const struct ap_nodes *a, const char *const *node_name,
               const char *(*host)(const void *ctx, int rank), const void *ctx, double threshold);

/* The full rank matrices as a side file: a 64-byte header ("EXAMTX01", uint32 little-endian layers
 * 2, rows P, cols P, the rest zero) then latency and bandwidth as float32 little-endian, row-major.
 * Written beside, then linked into place: never over an existing file. Returns the record's
 * matrix_file object, or NULL with the reason in err. */
json_t *ap_side_file(const char *path, int P, const float *lat, const float *bw, char *err, size_t errlen);

#endif
