/* The checks a submission must pass before `exabench rank` ranks it (and before `submit` writes it):
 * structure, record digests and seal, signature against trusted keys, the residual and compliance
 * each HPL record claims, its Gflop/s recomputed from N and the time, its matrix against the memory
 * the submission declares, and the summary's Rmax against the records and against Rpeak. The seal
 * alone proves nothing against a forger (anyone can recompute a SHA-256); the signature and these
 * arithmetic checks are what a forger cannot get around without the key or a real run. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exa_hplmodel.h"
#include "exa_record.h"
#include "kind.h"
#include "signing.h"
#include "submit.h"

#define FAIL(...) return refuse(reason, len, __VA_ARGS__)

/* Writes the reason; returns -1. */
__attribute__((format(printf, 3, 4))) static int refuse(char *reason, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, len, fmt, ap);
    va_end(ap);
    return -1;
}

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int check_structure(const json_t *s, char *reason, size_t len)
{
    if (!json_is_object(s) || strcmp(rd_jstr(s, "schema", ""), RP_SUBMISSION_SCHEMA))
        FAIL("malformed: not an %s file", RP_SUBMISSION_SCHEMA);
    const json_t *ver = json_object_get(s, "schema_version");
    if (!json_is_integer(ver) || json_integer_value(ver) != 1)
        FAIL("malformed: schema_version is not 1");
    const json_t *system = json_object_get(s, "system"), *summary = json_object_get(s, "summary");
    if (!json_is_object(system) || !json_is_string(json_object_get(system, "name")) || !json_is_object(summary) ||
        !json_is_number(json_object_get(summary, "rmax_gflops")) || !json_is_array(json_object_get(s, "records")) ||
        json_array_size(json_object_get(s, "records")) == 0 ||
        !json_is_string(json_object_get(json_object_get(s, "seal"), "digest")))
        FAIL("malformed: system.name, summary.rmax_gflops, records or seal.digest missing");
    if (!(num(summary, "rpeak_gflops") > 0))
        FAIL("no theoretical Rpeak: summary.rpeak_gflops is missing (a measured dgemm rate is not an Rpeak)");
    if (!(num(summary, "memory_per_node_bytes") > 0))
        FAIL("no memory declared: summary.memory_per_node_bytes is missing, so N cannot be checked against it");
    return 0;
}

static int check_integrity(const json_t *s, char *reason, size_t len)
{
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(s, "records"), i, r) {
        const json_t *raw = json_object_get(r, "raw");
        char h[65];
        if (!json_is_string(raw))
            FAIL("malformed: records[%zu] has no raw text", i);
        rd_sha256_hex(json_string_value(raw), json_string_length(raw), h);
        if (strcmp(h, rd_jstr(r, "sha256", "")))
            FAIL("altered after sealing: record %s no longer matches its SHA-256", rd_jstr(r, "file", "?"));
    }
    char digest[65], err[512];
    if (rp_submission_seal(s, digest, err, sizeof err) != 0)
        FAIL("malformed: %s", err);
    if (strcmp(digest, rd_jstr(json_object_get(s, "seal"), "digest", "")))
        FAIL("altered after sealing: the seal does not match the records, run id, system and summary");
    return 0;
}

/* With trust: signed, and by a trusted key. Without: a signature present must still verify against
 * the public key the submission carries (it proves nothing about who signed, only integrity). */
static int check_signature(const json_t *s, const struct sig_trust *trust, const char **signer, char *reason,
                           size_t len)
{
    const json_t *seal = json_object_get(s, "seal");
    const char *sig = json_string_value(json_object_get(seal, "signature"));
    const char *claimed = rd_jstr(seal, "signer", "?");
    *signer = NULL;
    if (!sig) {
        if (trust)
            FAIL("not signed: --trust ranks only submissions signed with a trusted key (exabench submit --key)");
        return 0;
    }
    size_t n;
    char err[256];
    char *bytes = rp_submission_bytes(s, &n, err, sizeof err);
    if (!bytes)
        FAIL("malformed: %s", err);
    int rc = 0;
    if (trust) {
        const struct sig_trusted *k = sig_trust_verify(trust, bytes, n, sig);
        if (k)
            *signer = k->name;
        else if (sig_verify(rd_jstr(seal, "public_key", ""), bytes, n, sig) == 1)
            rc = refuse(reason, len, "signed by a key that is not trusted (signer '%s', public key %s)", claimed,
                          rd_jstr(seal, "public_key", "?"));
        else
            rc = refuse(reason, len, "bad signature: the signature does not verify with any trusted key "
                                       "(altered after signing, or signed by another key; signer '%s')", claimed);
    } else if (sig_verify(rd_jstr(seal, "public_key", ""), bytes, n, sig) != 1) {
        rc = refuse(reason, len, "bad signature: the signature does not verify with the submission's own public "
                                   "key (altered after signing)");
    }
    free(bytes);
    return rc;
}

/* An HPL record: the residual and compliance it claims, Gflop/s against N and time, N against the
 * declared memory of its nodes. */
static int check_hpl_record(const json_t *rec, const char *file, double mem_per_node, char *reason, size_t len)
{
    const json_t *vf = json_object_get(rec, "verification");
    double resid = num(vf, "value"), thr = num(vf, "threshold");
    if (!json_is_true(json_object_get(vf, "passed")) || json_is_false(json_object_get(rec, "valid")) ||
        !(resid >= 0 && resid < RK_RESIDUAL_MAX && resid < thr))
        FAIL("failed its residual check: record %s (%s %g, threshold %g; HPL requires < %g and PASSED)", file,
             rd_jstr(vf, "method", "residual"), resid, thr, RK_RESIDUAL_MAX);
    const json_t *rs = json_object_get(json_object_get(rec, "results"), "residual");
    if (rs && strcmp(rd_jstr(rs, "status", ""), "PASSED"))
        FAIL("failed its residual check: record %s says results.residual.status '%s', not PASSED", file,
             rd_jstr(rs, "status", "?"));
    if (!json_is_true(json_object_get(json_object_get(rec, "compliance"), "compliant")))
        FAIL("non-compliant: record %s does not claim compliance with the run rules", file);
    const json_t *m = json_object_get(rec, "metrics");
    double n = num(json_object_get(rec, "parameters"), "n");
    double t = num(json_object_get(m, "time"), "value"), g = num(json_object_get(m, "gflops"), "value");
    if (!(n > 0) || !(t > 0) || !(g > 0))
        FAIL("malformed: record %s lacks parameters.n, metrics.time or metrics.gflops", file);
    double want = exa_hpl_gflops(n, t);
    /* An imported HPL.out gives the time to 0.01 s (HPL's %.2f): allow for that rounding too. */
    double slack = !strcmp(rd_jstr(rec, "source", ""), "imported") ? 0.005 / t : 0;
    if (fabs(g - want) > (RK_GFLOPS_REL_TOL + slack) * want)
        FAIL("Gflop/s do not follow from N and time: record %s claims %.6g Gflop/s, but N=%.0f in %.6g s is "
             "(2/3 N^3 + 3/2 N^2)/t = %.6g Gflop/s (%+.3f%%, more than %.1f%% apart)",
             file, g, n, t, want, 100 * (g - want) / want, 100 * RK_GFLOPS_REL_TOL);
    double nodes = num(json_object_get(rec, "launch"), "nodes");
    if (!(nodes > 0))
        nodes = 1;
    double need = 8 * n * n;
    if (need > mem_per_node * nodes)
        FAIL("N does not fit the declared memory: record %s has N=%.0f, whose matrix needs 8 N^2 = %.4g bytes, "
             "but %g node(s) x %.4g bytes declared = %.4g bytes",
             file, n, need, nodes, mem_per_node, mem_per_node * nodes);
    return 0;
}

/* Every record checked; best[0] the best HPL Gflop/s, best[1] the best HPL-MxP one (exa-mxp records
 * are held to HPL's rules: the same residual criterion, rate formula and memory floor). */
static int check_records(const json_t *s, double best[2], char *reason, size_t len)
{
    double mem = num(json_object_get(s, "summary"), "memory_per_node_bytes");
    best[0] = best[1] = NAN;
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(s, "records"), i, r) {
        const char *file = rd_jstr(r, "file", "?");
        json_error_t je;
        json_t *rec = json_loads(rd_jstr(r, "raw", ""), 0, &je);
        char verr[EXA_ERR_LEN];
        int rc = 0, role = -1;
        if (!rec || exa_record_validate(rec, verr) != 0) {
            rc = refuse(reason, len, "malformed: record %s: %s", file, rec ? verr : je.text);
        } else {
            const char *bench = rd_jstr(rec, "benchmark", "");
            role = kind_has_role(bench, KIND_ROLE_RMAX) ? 0 : kind_has_role(bench, KIND_ROLE_MXP) ? 1 : -1;
            if (role >= 0)
                rc = check_hpl_record(rec, file, mem, reason, len);
            else if (json_is_false(json_object_get(json_object_get(rec, "compliance"), "compliant")))
                rc = refuse(reason, len, "non-compliant: record %s breaks the run rules", file);
        }
        if (rc == 0 && role >= 0) {
            double g = num(json_object_get(json_object_get(rec, "metrics"), "gflops"), "value");
            if (isnan(best[role]) || g > best[role])
                best[role] = g;
        }
        json_decref(rec);
        if (rc)
            return -1;
    }
    return 0;
}

int rk_check(const json_t *s, const struct sig_trust *trust, char *reason, size_t len, const char **signer)
{
    double best[2];
    *signer = NULL;
    if (check_structure(s, reason, len) || check_integrity(s, reason, len) ||
        check_signature(s, trust, signer, reason, len) || check_records(s, best, reason, len))
        return -1;
    const json_t *summary = json_object_get(s, "summary");
    double rmax = num(summary, "rmax_gflops"), rpeak = num(summary, "rpeak_gflops");
    double mxp = num(summary, "hpl_mxp_gflops");
    if (isnan(best[0]) || fabs(best[0] - rmax) > 1e-9 * fabs(rmax))
        FAIL("Rmax %g Gflop/s is not what its HPL records show (%g)", rmax, best[0]);
    if (!isnan(mxp) && (isnan(best[1]) || fabs(best[1] - mxp) > 1e-9 * fabs(mxp)))
        FAIL("HPL-MxP %g Gflop/s is not what its exa-mxp records show (%g)", mxp, best[1]);
    if (rmax > rpeak)
        FAIL("Rmax %g Gflop/s exceeds Rpeak %g Gflop/s (%s)", rmax, rpeak, rd_jstr(summary, "rpeak_basis", "?"));
    return 0;
}
