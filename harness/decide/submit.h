/* Submissions beyond the summary: the canonical bytes the seal and the signature cover, the
 * theoretical Rpeak and the declared memory submit records (submit_facts.c), the signature, and the
 * checks `rank` applies (rank_checks.c), which submit also runs before writing a file. */
#ifndef EXA_HARNESS_SUBMIT_H
#define EXA_HARNESS_SUBMIT_H

#include <jansson.h>
#include <stddef.h>

#include "report.h"

struct sig_trust;

/* The bytes the seal digest covers (see rp_submission_seal), malloc'd, with their length; NULL and
 * the reason in err when the submission lacks what the seal covers. The signature covers them too. */
char *rp_submission_bytes(const json_t *sub, size_t *len, char *err, size_t errlen);

/* Adds to summary: rpeak_gflops (theoretical), rpeak_basis, rpeak_source, efficiency (Rmax/Rpeak),
 * dgemm_peak_gflops and efficiency_dgemm_peak (or null), memory_per_node_bytes and memory_basis.
 * The Rpeak comes from the system file (rpeak_gflops, rpeak_per_node_gflops x nodes), the run's
 * system, the Rmax record's rpeak_theoretical (exa-hpl computes it from the hardware it ran on), or
 * this machine's hardware when the Rmax run ran here; never from a measurement. Appends a refusal
 * ("  reason\n") to why when there is no theoretical Rpeak or no declared memory. */
void sub_peaks(json_t *summary, const json_t *system, const struct rd_set *set, const struct rp_summary *sum,
               struct sbuf *why);

/* Signs the sealed bytes of sub with the private key at key_path: seal.signature,
 * seal.public_key, seal.signer. Returns 0, or 2 with the reason in err (key refused or unreadable). */
int sub_sign(json_t *sub, const char *key_path, const char *signer, char *err, size_t errlen);

/* The default signer name: USER@HOST with characters outside [A-Za-z0-9._@+-] dropped. */
void sub_default_signer(char *out, size_t len);

/* The checks rank applies to a loaded submission: structure, record digests, seal, signature (with
 * trust: signed by a trusted key; without: a signature present must verify against its own key),
 * residual and compliance, Gflop/s against N and time, N against the declared memory, Rmax against
 * the records and against Rpeak. Returns 0 (rankable; *signer the trusted key's name or NULL), or
 * -1 with the reason in reason. */
int rk_check(const json_t *sub, const struct sig_trust *trust, char *reason, size_t len, const char **signer);

/* Tolerances of those checks. */
#define RK_GFLOPS_REL_TOL 1e-3   /* Gflop/s against (2/3 N^3 + 3/2 N^2) / time */
#define RK_RESIDUAL_MAX 16.0     /* HPL's scaled residual threshold */

#endif
