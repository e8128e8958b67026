/* What `exabench submit` records beside the measured summary: the theoretical Rpeak (never a
 * measured dgemm rate) and where it came from, the calibrated dgemm peak as a second figure, the
 * memory per node the submission declares (rank checks N against it), and the Ed25519 signature
 * over the sealed bytes. See submit.h. */
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exa_rpeak.h"
#include "signing.h"
#include "submit.h"

static double pos_num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) && json_number_value(v) > 0 ? json_number_value(v) : NAN;
}

/* 1 when every host of the run is this machine (so its hardware is the run's). */
static int ran_here(const struct rd_run *r)
{
    char me[256] = "";
    if (gethostname(me, sizeof me - 1) != 0 || !me[0])
        return 0;
    const json_t *hosts = json_object_get(json_object_get(r->rec, "launch"), "hosts");
    size_t i;
    const json_t *h;
    if (json_array_size(hosts) == 0)
        return 0;
    json_array_foreach(hosts, i, h)
        if (!json_is_string(h) || strcmp(json_string_value(h), me))
            return 0;
    return 1;
}

static json_t *rpeak_source_json(const struct exa_rpeak *rp, double cores, double gflops)
{
    return json_pack("{s:s, s:f, s:s, s:f, s:s, s:i, s:s, s:s, s:f}", "from", "this machine's hardware (exa_rpeak)",
                     "cores", cores, "cores_source", rp->cores_source, "ghz", rp->ghz, "clock_source", rp->clock_source,
                     "flops_per_cycle", rp->flops_per_cycle, "isa", rp->isa, "flops_per_cycle_basis", rp->fpc_basis,
                     "gflops", gflops);
}

/* The theoretical Rpeak of the Rmax run and its basis; NaN when there is none. */
static double theoretical_rpeak(const json_t *system, const struct rd_set *set, const struct rp_summary *sum,
                                char *basis, size_t blen, json_t **source)
{
    const struct rd_run *top = sum->rmax_run;
    double v;
    *source = NULL;
    if (!isnan(v = pos_num(system, "rpeak_gflops"))) {
        snprintf(basis, blen, "system file rpeak_gflops");
        return v;
    }
    if (!isnan(v = pos_num(system, "rpeak_per_node_gflops"))) {
        snprintf(basis, blen, "system file rpeak_per_node_gflops %g x %d nodes", v, sum->rmax_nodes);
        return v * sum->rmax_nodes;
    }
    if (set->rpeak_per_node > 0) {
        snprintf(basis, blen, "the run's system rpeak_per_node_gflops %g x %d nodes", set->rpeak_per_node, sum->rmax_nodes);
        return set->rpeak_per_node * sum->rmax_nodes;
    }
    json_t *rpk = rp_record_rpeak(set, top);
    const json_t *rt = json_object_get(rpk, "rpeak_theoretical");
    v = pos_num(rt, "gflops");
    if (!isnan(v)) {
        snprintf(basis, blen, "computed by exa-hpl from the hardware it ran on: %g cores x %g GHz (%s) x %g flops/cycle (%s)",
                 pos_num(rt, "cores"), pos_num(rt, "ghz"), rd_jstr(rt, "clock_source", "?"),
                 pos_num(rt, "flops_per_cycle"), rd_jstr(rt, "flops_per_cycle_basis", "?"));
        *source = json_deep_copy(rt);
    }
    json_decref(rpk);
    if (!isnan(v))
        return v;
    struct exa_rpeak rp;
    if (ran_here(top) && exa_rpeak_this_machine(&rp) == 0) {
        double cores = (double)sum->rmax_cores;
        if (rp.cores > 0 && cores > rp.cores)
            cores = rp.cores; /* oversubscribed ranks share the cores there are */
        double g = cores * rp.ghz * rp.flops_per_cycle;
        snprintf(basis, blen, "computed from this machine's hardware: %g cores x %g GHz (%s) x %d flops/cycle (%s)", cores,
                 rp.ghz, rp.clock_source, rp.flops_per_cycle, rp.fpc_basis);
        *source = rpeak_source_json(&rp, cores, g);
        return g;
    }
    return NAN;
}

/* The calibrated dgemm peak of the Rmax run's cores, or NaN. */
static double dgemm_peak(const struct rd_set *set, const struct rd_run *top)
{
    json_t *rp = rp_record_rpeak(set, top);
    double v = pos_num(rp, "dgemm_peak_gflops");
    if (isnan(v))
        v = pos_num(rp, "rpeak_calibrated_gflops");
    json_decref(rp);
    if (isnan(v)) {
        const json_t *m = json_object_get(json_object_get(top->rec, "metrics"), "gflops");
        if (strstr(rd_jstr(m, "expected_basis", ""), "dgemm"))
            v = pos_num(m, "expected");
    }
    return v;
}

/* The smallest memory of the record's nodes (provenance.nodes[].memory.total_bytes), or NaN. */
static double record_node_memory(const json_t *rec)
{
    const json_t *prov = json_object_get(rec, "provenance"), *nodes = json_object_get(prov, "nodes");
    double best = NAN;
    size_t i;
    const json_t *n;
    json_array_foreach(nodes, i, n) {
        double b = pos_num(json_object_get(n, "memory"), "total_bytes");
        if (!isnan(b) && (isnan(best) || b < best))
            best = b;
    }
    if (isnan(best))
        best = pos_num(json_object_get(json_object_get(prov, "node"), "memory"), "total_bytes");
    return best;
}

void sub_peaks(json_t *summary, const json_t *system, const struct rd_set *set, const struct rp_summary *sum,
               struct sbuf *why)
{
    const struct rd_run *top = sum->rmax_run;
    if (!top)
        return;
    char basis[768];
    json_t *source;
    double rpeak = theoretical_rpeak(system, set, sum, basis, sizeof basis, &source);
    if (isnan(rpeak))
        sb_add(why, "  no theoretical Rpeak: give rpeak_gflops or rpeak_per_node_gflops in the system file (the Rmax "
                    "record carries no rpeak_theoretical and did not run on this machine); a measured dgemm rate is "
                    "not an Rpeak\n");
    double dg = dgemm_peak(set, top);
    json_object_set_new(summary, "rpeak_gflops", isnan(rpeak) ? json_null() : json_real(rpeak));
    json_object_set_new(summary, "rpeak_basis", json_string(isnan(rpeak) ? "none" : basis));
    json_object_set_new(summary, "rpeak_source", source ? source : json_null());
    json_object_set_new(summary, "efficiency", isnan(rpeak) ? json_null() : json_real(sum->rmax / rpeak));
    json_object_set_new(summary, "dgemm_peak_gflops", isnan(dg) ? json_null() : json_real(dg));
    json_object_set_new(summary, "efficiency_dgemm_peak", isnan(dg) ? json_null() : json_real(sum->rmax / dg));

    double mem;
    const char *mbasis;
    const json_t *msys = json_object_get(set->manifest, "system");
    if (!isnan(mem = pos_num(system, "memory_per_node_gib")))
        mem *= 1073741824.0, mbasis = "system file memory_per_node_gib";
    else if (!isnan(mem = pos_num(msys, "memory_per_node_gib")))
        mem *= 1073741824.0, mbasis = "the run's system memory_per_node_gib";
    else if (!isnan(mem = record_node_memory(top->rec)))
        mbasis = "the Rmax record's provenance (smallest node's memory)";
    else
        mbasis = NULL;
    if (!mbasis)
        sb_add(why, "  no memory per node declared: give memory_per_node_gib in the system file\n");
    json_object_set_new(summary, "memory_per_node_bytes", mbasis ? json_real(mem) : json_null());
    json_object_set_new(summary, "memory_basis", json_string(mbasis ? mbasis : "none"));
}

int sub_sign(json_t *sub, const char *key_path, const char *signer, char *err, size_t errlen)
{
    err[0] = '\0';
    struct sig_key *k = sig_load_private(key_path, err, errlen);
    if (!k)
        return 2;
    char pub[SIG_PUB_B64_LEN], sig[SIG_B64_LEN];
    size_t len;
    char *bytes = rp_submission_bytes(sub, &len, err, errlen);
    int rc = 2;
    if (bytes && sig_public_b64(k, pub) == 0 && sig_sign(k, bytes, len, sig, err, errlen) == 0) {
        json_t *seal = json_object_get(sub, "seal");
        json_object_set_new(seal, "signature_algorithm", json_string("ed25519"));
        json_object_set_new(seal, "signature", json_string(sig));
        json_object_set_new(seal, "public_key", json_string(pub));
        json_object_set_new(seal, "signer", json_string(signer));
        rc = 0;
    } else if (bytes && !err[0]) {
        snprintf(err, errlen, "%s: cannot sign with this key", key_path);
    }
    free(bytes);
    sig_key_free(k);
    return rc;
}

void sub_default_signer(char *out, size_t len)
{
    char raw[320], host[256] = "";
    const struct passwd *pw = getpwuid(geteuid());
    gethostname(host, sizeof host - 1);
    snprintf(raw, sizeof raw, "%s@%s", pw && pw->pw_name ? pw->pw_name : "user", host[0] ? host : "host");
    size_t j = 0;
    for (const char *p = raw; *p && j + 1 < len && j < SIG_NAME_MAX; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._@+-", *p))
            out[j++] = *p;
    out[j] = '\0';
}
