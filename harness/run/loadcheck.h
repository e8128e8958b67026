/* Is this machine busy with something else? Checked before each local run (issue 14, part 3:
 * an orphan of an earlier run measured beside the next one and nothing noticed).
 *
 * One sample over a short window (default 200 ms): /proc/loadavg; the CPU busy share of
 * /proc/stat over the window; and every process's CPU time (utime+stime of /proc/<pid>/stat)
 * at both ends, split into "own" (the harness, the pids given, and the processes whose
 * EXA_RUN_TAG names the current run) and "foreign" (everything else). The foreign load is the
 * larger of the foreign processes' CPU and the busy CPU not explained by own processes (which
 * catches processes too short-lived to be seen twice). The verdict "foreign load" is given when
 * it exceeds threshold x cores.
 *
 * Where it goes: run.c run_sequential, just before proc_run of each local (mpirun) run: take a
 * sample excluding the run's own run id; store load_sample_json in the manifest's run entry as
 * "machine_load" (and pass it to the record through the environment if wanted); when
 * s.foreign_load, print s.verdict as a warning, and, with a suite/launcher option
 * ("on_foreign_load: wait|warn|fail"), wait and resample or mark the run. Not for Slurm runs
 * (the node is the scheduler's business). Also the check behind "refuse to start while a
 * previous run's processes live" when combined with proctrack_list. */
#ifndef EXA_HARNESS_LOADCHECK_H
#define EXA_HARNESS_LOADCHECK_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#define LOAD_DEFAULT_WINDOW_S 0.2
#define LOAD_DEFAULT_THRESHOLD 0.25   /* foreign load above a quarter of the cores */
#define LOAD_TOP 8

struct load_options {
    double window_s;            /* <= 0: LOAD_DEFAULT_WINDOW_S */
    double threshold;           /* fraction of the cores; <= 0: LOAD_DEFAULT_THRESHOLD */
    const char *own_run_id;     /* processes tagged with this run are own, not foreign (NULL: none) */
    const pid_t *own_pids;      /* further own processes (and the caller, always) */
    size_t n_own_pids;
};

struct load_top {
    pid_t pid;
    char comm[32];
    double cores;               /* CPU used over the window, in cores */
};

struct load_sample {
    double loadavg[3];          /* 1, 5, 15 minutes */
    int runnable;               /* /proc/loadavg: runnable scheduling entities now */
    int cores;                  /* online CPUs */
    double window_s;            /* the window actually measured */
    double busy_fraction;       /* /proc/stat: share of all CPU time not idle or iowait */
    double busy_cores;          /* busy_fraction x cores */
    double own_cores;           /* CPU of own processes (the caller, own pids, the run's tag) */
    double foreign_cores;       /* CPU of everything else (see above) */
    int foreign_running;        /* foreign processes in state R at the end of the window */
    int foreign_busy;           /* foreign processes using >= 5 % of a core */
    struct load_top top[LOAD_TOP]; /* the busiest foreign processes, busiest first */
    int ntop;
    double threshold;
    int foreign_load;           /* the verdict: foreign_cores > threshold x cores */
    char verdict[320];          /* one line: "foreign load: 1.0 of 2 cores busy (pid 123 'yes' 0.98) ..." or "quiet: ..." */
};

/* Takes one sample (sleeps for the window). Returns 0, or -1 when /proc can not be read. */
int load_sample_take(struct load_sample *s, const struct load_options *o);

/* The sample as a JSON object for the manifest or a record:
 * {"loadavg":[..], "runnable":N, "cores":N, "window_s":x, "busy_cores":x, "own_cores":x,
 *  "foreign_cores":x, "foreign_running":N, "top":[{"pid":..,"comm":..,"cores":..}],
 *  "threshold":x, "foreign_load":bool, "verdict":"..."} */
json_t *load_sample_json(const struct load_sample *s);

#endif
