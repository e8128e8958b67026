/* Hardware and software counters through PAPI around a benchmark's timed region (--papi EVENTS),
 * aggregated across ranks into the record. Built without PAPI (PAPI=0), opening a set says so.
 * A NULL set is valid everywhere and does nothing, so benchmarks call these unconditionally.
 * Full description (what is counted, record fields, energy): docs/counters.md.
 *
 * What is counted: per-thread CPU events (component perf_event) are counted on every thread of
 * the OpenMP team that exa_counters_start/stop run (call them from serial code: they open a
 * parallel region of the default team size, or of exa_counters_set_threads's, which must be the
 * team the benchmark's own parallel regions use)
 * and summed per rank. Threads that are not OpenMP threads (OpenBLAS's pthreads, MPI progress
 * threads) are not counted. Node- or device-wide events (uncore, rapl, powercap, nvml) are read
 * by the calling thread only. */
#ifndef EXA_COUNTERS_H
#define EXA_COUNTERS_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

struct exa_counters;

/* Parses a comma-separated list of PAPI preset or native names. An unknown name is a usage error
 * (exit 2, with the closest known names); an event this machine can not count is kept and later
 * reported as unavailable with PAPI's reason. Returns NULL for a NULL or empty list.
 * The pseudo-event "energy" opens a set that measures only the energy sources (which every set
 * measures anyway). Not collective, but every rank must open the same list. Open every set
 * before starting any: opening tries each event on this thread. */
struct exa_counters *exa_counters_open(const char *event_list);

/* The size of the OpenMP team the benchmark's timed region uses, when it is not the default
 * (omp_get_max_threads(), i.e. OMP_NUM_THREADS), e.g. a --threads option applied with
 * num_threads(N): start/stop then count on a team of that size, the same pool threads. */
void exa_counters_set_threads(struct exa_counters *set, int threads);

/* Start/stop around the timed region; counts accumulate over several start/stop pairs.
 * Call from serial code (not inside a parallel region). */
void exa_counters_start(struct exa_counters *set);
void exa_counters_stop(struct exa_counters *set);

/* Zeroes the counts, the region time and the start/stop pairs (not while counting), for a set
 * reused over several runs, e.g. exa-hpl's HPL.dat cross product: open once after parsing, then
 * reset, start/stop and report per run. Models and rates stay until set again. */
void exa_counters_reset(struct exa_counters *set);

/* The benchmark's model of the counted work, for the derived figures: quantity "flops" (compared
 * with PAPI_DP_OPS, else PAPI_FP_OPS) or "bytes" (memory traffic, compared with last-level cache
 * misses x line size). value is the total over all ranks and all start/stop pairs; rank 0's
 * value is used. Other quantities are ignored with a warning. */
void exa_counters_set_model(struct exa_counters *set, const char *quantity, double value);

/* The run's flop rate in Gflop/s, so that the energy report adds gflops_per_watt. */
void exa_counters_energy_efficiency(struct exa_counters *set, double gflops_per_s);

/* The report, exa_counters_report(set, comm), is collective: it is declared in mpi/exa_mpi.h. */

void exa_counters_close(struct exa_counters *set);

/* The report as a few human-readable lines for the benchmark's text output (rank 0; a NULL
 * report prints nothing): each event's sum, min and max or why it is unavailable, the derived
 * figures and the energy. */
void exa_counters_print(FILE *out, const json_t *report);

/* What this machine exposes, for `exabench sysinfo --counters`: {"papi": {available, version or
 * reason}, "components": [{name, description, active, reason, events: [...]}],
 * "presets": [available preset names], "energy_sources": [...]}. */
json_t *exa_counters_inventory(void);

/* Up to max known event names closest to name (edit distance over preset and native names),
 * comma-separated into buf; "" when PAPI is absent. Used by the unknown-event message. */
void exa_counters_suggest(const char *name, int max, char *buf, size_t len);

#endif
