/* Unit tests of benchmarks/common/exa_counters.c built with PAPI: name matching and suggestions,
 * list parsing, energy event selection, real counting of perf_event software events, and the
 * report's aggregation, derived figures and energy arithmetic on synthetic gathered data.
 * The source is included so that its static helpers can be tested directly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "counters_sources.h"
#include "exa_mpi.h"

/* PAPI and libpfm keep their tables until exit: not leaks of ours (ASan builds). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libpapi\nleak:libpfm\n"; }

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(edit_distance("kitten", "sitting"), 3);
    assert_int_equal(edit_distance("papi_tot_cyc", "PAPI_TOT_CYC"), 0);
    assert_int_equal(edit_distance("", "abc"), 3);
    assert_int_equal(edit_distance("abc", ""), 3);
    assert_int_equal(name_distance("TASK-CLOK", "perf::TASK-CLOCK"), 1);
    /* a typed pmu prefix is compared in full */
    assert_int_equal(name_distance("perf::TASK-CLOK", "perf::TASK-CLOCK"), 1);
}

static void test_closest_names(void **state)
{
    (void)state;
    char *cand[] = {"PAPI_TOT_INS", "perf::TASK-CLOCK", "PAPI_TOT_CYC", "PAPI_L1_DCM", "PAPI_TOT_CYC"};
    char buf[128];
    closest_names("PAPI_TOT_CYCLES", cand, 5, 2, buf, sizeof buf);
    assert_string_equal(buf, "PAPI_TOT_CYC, PAPI_TOT_INS");
    closest_names("task-clock", cand, 5, 1, buf, sizeof buf);
    assert_string_equal(buf, "perf::TASK-CLOCK");
    /* repeats are listed once */
    closest_names("PAPI_TOT_CYC", cand, 5, 3, buf, sizeof buf);
    assert_string_equal(buf, "PAPI_TOT_CYC, PAPI_TOT_INS, PAPI_L1_DCM");
    /* a short buffer holds whole names only */
    char small[16];
    closest_names("PAPI_TOT_CYCLES", cand, 5, 3, small, sizeof small);
    assert_string_equal(small, "PAPI_TOT_CYC");
}

static void test_split_list(void **state)
{
    (void)state;
    static char names[4][NAME_LEN];
    assert_int_equal(split_list(" perf::TASK-CLOCK ,PAPI_TOT_CYC", names, 4), 2);
    assert_string_equal(names[0], "perf::TASK-CLOCK");
    assert_string_equal(names[1], "PAPI_TOT_CYC");
    assert_int_equal(split_list("energy", names, 4), 1);
    assert_string_equal(names[0], "energy");
}

static void test_energy_scale(void **state)
{
    (void)state;
    assert_true(energy_scale("powercap", "powercap:::ENERGY_UJ:ZONE0", "") == 1e-6);
    assert_true(energy_scale("powercap", "powercap:::ENERGY_UJ:ZONE0_SUBZONE0", "uJ") == 0);
    assert_true(energy_scale("powercap", "powercap:::MAX_ENERGY_RANGE_UJ:ZONE0", "uJ") == 0);
    assert_true(energy_scale("rapl", "rapl:::PACKAGE_ENERGY:PACKAGE0", "nJ") == 1e-9);
    assert_true(energy_scale("rapl", "rapl:::DRAM_ENERGY:PACKAGE1", "nJ") == 1e-9);
    assert_true(energy_scale("rapl", "rapl:::PACKAGE_ENERGY_CNT:PACKAGE0", "") == 0);
    assert_true(energy_scale("rapl", "rapl:::PP0_ENERGY:PACKAGE0", "nJ") == 0);
    assert_true(energy_scale("nvml", "nvml:::NVIDIA_H100:device_0:total_energy_consumption", "mJ") ==
                1e-3);
    assert_true(energy_scale("nvml", "nvml:::NVIDIA_H100:device_0:power", "mW") == 0);
}

/* Skips (saying why) where PAPI's perf_event component is disabled (libpfm4 knows no PMU of this
 * CPU, or no perf_event_open): its native names are then unknown to PAPI. */
static void require_perf_event(const char *event, int *code)
{
    assert_int_equal(papi_ready(), 0);
    if (PAPI_event_name_to_code(event, code) == PAPI_OK)
        return;
    const PAPI_component_info_t *owner = disabled_owner(event);
    assert_non_null(owner);    /* known on every machine where perf_event is active */
    print_message("# %s unknown here: component %s is disabled: %s\n", event, owner->name,
                  owner->disabled_reason);
    skip();
}

/* Skips (saying why) where perf_event can not count at all, e.g. a container without it. */
static void require_task_clock(void)
{
    char why[REASON_LEN];
    int code;
    require_perf_event("perf::TASK-CLOCK", &code);
    if (try_events(&code, 1, why, sizeof why) != 0) {
        print_message("# perf::TASK-CLOCK can not be counted here: %s\n", why);
        skip();
    }
}

static void test_suggest(void **state)
{
    (void)state;
    char buf[512];
    exa_counters_suggest("PAPI_TOT_CYCLES", 3, buf, sizeof buf);
    assert_true(strncmp(buf, "PAPI_TOT_CYC,", 13) == 0);
    int code;
    require_perf_event("perf::PAGE-FAULTS", &code);
    exa_counters_suggest("perf::PAGE-FAULT", 1, buf, sizeof buf);
    assert_string_equal(buf, "perf::PAGE-FAULTS");
}

static double busy(long iters)
{
    volatile double x = 1;
    for (long i = 0; i < iters; i++)
        x = x * 1.0000001 + 1e-9;
    return x;
}

static long long counted(const char *list, long iters, int pairs, int e)
{
    struct exa_counters *set = exa_counters_open(list);
    assert_non_null(set);
    for (int k = 0; k < pairs; k++) {
        exa_counters_start(set);
        busy(iters / pairs);
        exa_counters_stop(set);
    }
    assert_int_equal(set->pairs, pairs);
    assert_true(set->seconds > 0);
    assert_true(event_available(&set->ev[e]));
    long long v = event_total(set, e);
    exa_counters_close(set);
    return v;
}

static void test_task_clock_grows(void **state)
{
    (void)state;
    require_task_clock();
    long long small = counted("perf::TASK-CLOCK", 1000000, 1, 0);
    long long large = counted("perf::TASK-CLOCK", 30000000, 3, 0);
    print_message("# TASK-CLOCK: %lld ns for 1e6 iterations, %lld ns for 3e7\n", small, large);
    assert_true(small > 0);
    assert_true(large > 3 * small);
}

static void test_reset(void **state)
{
    (void)state;
    require_task_clock();
    struct exa_counters *set = exa_counters_open("perf::TASK-CLOCK");
    exa_counters_start(set);
    busy(20000000);
    exa_counters_stop(set);
    long long first = event_total(set, 0);
    exa_counters_reset(set);
    assert_int_equal(event_total(set, 0), 0);
    assert_int_equal(set->pairs, 0);
    assert_true(set->seconds == 0);
    exa_counters_start(set);
    busy(200000);
    exa_counters_stop(set);
    long long second = event_total(set, 0);
    assert_int_equal(set->pairs, 1);
    assert_true(second > 0);
    assert_true(second < first);    /* 100x less work, counted from zero */
    exa_counters_reset(NULL);
    exa_counters_close(set);
}

static void test_unavailable_is_kept(void **state)
{
    (void)state;
    require_task_clock();
    struct exa_counters *set = exa_counters_open("PAPI_DP_OPS,perf::TASK-CLOCK");
    assert_non_null(set);
    assert_int_equal(set->nevents, 2);
    assert_string_equal(set->ev[0].name, "PAPI_DP_OPS");
    int code;
    assert_int_equal(PAPI_event_name_to_code("PAPI_DP_OPS", &code), PAPI_OK);
    if (PAPI_query_event(code) != PAPI_OK) {
        assert_int_equal(set->ev[0].group, -1);
        assert_true(strstr(set->ev[0].reason, PAPI_strerror(PAPI_ENOEVNT)) != NULL);
    }
    assert_true(set->ev[1].group >= 0);
    exa_counters_start(set);
    busy(100000);
    exa_counters_stop(set);
    assert_true(event_total(set, 1) > 0);
    exa_counters_close(set);
}

/* A set of listed events with synthetic gathered values, for the report's arithmetic. */
static struct exa_counters *fake_set(const char *const *names, int n)
{
    struct exa_counters *set = new_set();
    set->nevents = n;
    for (int e = 0; e < n; e++) {
        snprintf(set->ev[e].name, NAME_LEN, "%s", names[e]);
        snprintf(set->ev[e].component, COMPONENT_LEN, "perf_event");
        set->ev[e].listed = 1;
    }
    return set;
}

static void test_event_aggregation(void **state)
{
    (void)state;
    const char *names[] = {"perf::TASK-CLOCK"};
    struct exa_counters *set = fake_set(names, 1);
    long long values[] = {5, 2, 9};
    int avail[] = {1, 1, 1};
    char reasons[3][REASON_LEN] = {"", "", ""};
    struct gathered g = {.size = 3, .nevents = 1, .values = values, .avail = avail,
                         .reasons = &reasons[0][0]};
    json_t *obj = event_json(set, &g, 0);
    assert_true(json_is_true(json_object_get(obj, "available")));
    assert_int_equal(json_integer_value(json_object_get(obj, "sum")), 16);
    assert_int_equal(json_integer_value(json_object_get(obj, "min")), 2);
    assert_int_equal(json_integer_value(json_object_get(obj, "max")), 9);
    assert_int_equal(json_array_size(json_object_get(obj, "per_rank")), 3);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(obj, "per_rank"), 2)), 9);
    json_decref(obj);

    /* unavailable on one rank: unavailable, naming the rank and its reason */
    avail[1] = 0;
    snprintf(reasons[1], REASON_LEN, "PAPI_start: Permission level does not permit operation");
    obj = event_json(set, &g, 0);
    assert_true(json_is_false(json_object_get(obj, "available")));
    assert_string_equal(json_string_value(json_object_get(obj, "reason")),
                        "rank 1: PAPI_start: Permission level does not permit operation");
    assert_null(json_object_get(obj, "sum"));
    json_decref(obj);
    free(set);
}

static void test_derived(void **state)
{
    (void)state;
    const char *names[] = {"PAPI_TOT_INS", "PAPI_TOT_CYC", "PAPI_DP_OPS", "perf::LLC-LOAD-MISSES"};
    struct exa_counters *set = fake_set(names, 4);
    /* rank 0 then rank 1, four events each */
    long long values[] = {300, 100, 1000, 10, 100, 100, 1000, 30};
    int avail[] = {1, 1, 1, 1, 1, 1, 1, 1};
    char reasons[8][REASON_LEN] = {""};
    struct gathered g = {.size = 2, .nevents = 4, .values = values, .avail = avail,
                         .reasons = &reasons[0][0]};
    exa_counters_set_model(set, "flops", 4000);
    exa_counters_set_model(set, "bytes", 1280);
    json_t *d = derived_json(set, &g);
    json_t *ipc = json_object_get(d, "ipc");
    assert_non_null(ipc);
    assert_float_equal(json_real_value(json_object_get(ipc, "value")), 2.0, 1e-12);
    assert_float_equal(json_real_value(json_array_get(json_object_get(ipc, "per_rank"), 0)), 3.0, 1e-12);
    assert_float_equal(json_real_value(json_array_get(json_object_get(ipc, "per_rank"), 1)), 1.0, 1e-12);
    json_t *flops = json_object_get(d, "flops");
    assert_float_equal(json_real_value(json_object_get(flops, "measured")), 2000, 1e-9);
    assert_float_equal(json_real_value(json_object_get(flops, "measured_over_modelled")), 0.5, 1e-12);
    json_t *bytes = json_object_get(d, "bytes");
    long line = sysconf(_SC_LEVEL3_CACHE_LINESIZE);
    if (line <= 0)
        line = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
    if (line <= 0)
        line = 64;
    assert_float_equal(json_real_value(json_object_get(bytes, "measured")), 40.0 * line, 1e-9);
    json_decref(d);

    /* cycles unavailable on a rank: no IPC; flops without a flop event: measured null + reason */
    avail[5] = 0;
    avail[2] = 0;
    d = derived_json(set, &g);
    assert_null(json_object_get(d, "ipc"));
    flops = json_object_get(d, "flops");
    assert_true(json_is_null(json_object_get(flops, "measured")));
    assert_non_null(json_object_get(flops, "reason"));
    assert_float_equal(json_real_value(json_object_get(flops, "modelled")), 4000, 1e-9);
    json_decref(d);

    /* no model, no IPC pair: nothing derived */
    set->model_flops = set->model_bytes = NAN;
    d = derived_json(set, &g);
    assert_int_equal(json_object_size(d), 0);
    json_decref(d);
    free(set);
}

static void test_energy_per_node(void **state)
{
    (void)state;
    const char *names[] = {"powercap:::ENERGY_UJ:ZONE0"};
    struct exa_counters *set = fake_set(names, 1);
    set->ev[0].listed = 0;
    set->ev[0].energy = 1;
    set->ev[0].joules_per_unit = 1e-6;
    snprintf(set->ev[0].component, COMPONENT_LEN, "powercap");
    /* ranks 0 and 1 share node a (the package is counted once), rank 2 is on node b */
    long long values[] = {50000000, 50000000, 30000000};
    int avail[] = {1, 1, 1};
    char reasons[3][REASON_LEN] = {""};
    double seconds[] = {1.5, 2.0, 1.0};
    char hosts[3][CTR_HOST_LEN] = {"a", "a", "b"};
    struct gathered g = {.size = 3, .nevents = 1, .values = values, .avail = avail,
                         .reasons = &reasons[0][0], .seconds = seconds, .hosts = &hosts[0][0]};
    exa_counters_energy_efficiency(set, 400);
    json_t *en = energy_json(set, &g);
    assert_true(json_is_true(json_object_get(en, "available")));
    assert_float_equal(json_real_value(json_object_get(en, "joules")), 80.0, 1e-9);
    assert_float_equal(json_real_value(json_object_get(en, "seconds")), 2.0, 1e-12);
    assert_float_equal(json_real_value(json_object_get(en, "average_watts")), 40.0, 1e-9);
    assert_float_equal(json_real_value(json_object_get(en, "gflops_per_watt")), 10.0, 1e-9);
    assert_int_equal(json_array_size(json_object_get(en, "sources")), 2);
    json_decref(en);

    /* no source: absent, with the reason */
    set->ev[0].energy = 0;
    snprintf(set->energy_reason, sizeof set->energy_reason, "rapl: disabled: no permission");
    en = energy_json(set, &g);
    assert_true(json_is_false(json_object_get(en, "available")));
    assert_string_equal(json_string_value(json_object_get(en, "reason")), "rapl: disabled: no permission");
    json_decref(en);
    free(set);
}

static void test_print(void **state)
{
    (void)state;
    json_t *report = json_pack(
        "{s:s, s:i, s:{s:[f,f]}, s:{s:{s:b, s:[i,i], s:i, s:i, s:i}, s:{s:b, s:s}},"
        " s:{s:{s:f}, s:{s:f, s:f, s:s}, s:{s:f, s:n, s:s}},"
        " s:{s:b, s:f, s:f, s:f, s:f}}",
        "papi_version", "7.0.0.0", "threads_per_rank", 2, "region", "seconds_per_rank", 1.0, 1.0,
        "events", "perf::TASK-CLOCK", "available", 1, "per_rank", 3, 4, "sum", 7, "min", 3, "max", 4,
        "PAPI_TOT_CYC", "available", 0, "reason", "PAPI_add_event: Event does not exist",
        "derived", "ipc", "value", 1.5, "flops", "modelled", 10.0, "measured_over_modelled", 0.5,
        "method", "PAPI_DP_OPS", "bytes", "modelled", 8.0, "measured", "reason", "no LLC event",
        "energy", "available", 1, "joules", 100.0, "seconds", 2.0, "average_watts", 50.0,
        "gflops_per_watt", 0.25);
    assert_non_null(report);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    exa_counters_print(f, report);
    exa_counters_print(f, NULL);    /* nothing */
    fclose(f);
    assert_non_null(strstr(text, "Counters (PAPI 7.0.0.0, timed region only, 2 rank(s) x 2 thread(s) summed)"));
    assert_non_null(strstr(text, "perf::TASK-CLOCK"));
    assert_non_null(strstr(text, "                 7                  3                  4\n"));
    assert_non_null(strstr(text, "PAPI_TOT_CYC                     unavailable: PAPI_add_event: Event does not exist"));
    assert_non_null(strstr(text, "1.500"));
    assert_non_null(strstr(text, "0.5000 (PAPI_DP_OPS)"));
    assert_non_null(strstr(text, "not measured: no LLC event"));
    assert_non_null(strstr(text, "100.000 J over 2.000 s, 50.000 W average, 0.2500 Gflop/s per W"));
    free(text);
    json_decref(report);

    /* nothing could count (threads_per_rank 0): no "x 0 thread(s)" */
    report = json_pack("{s:s, s:i, s:{s:[f]}, s:{s:{s:b, s:s}}}", "papi_version", "7.0.0.0",
                       "threads_per_rank", 0, "region", "seconds_per_rank", 1.0, "events",
                       "perf::TASK-CLOCK", "available", 0, "reason", "component perf_event is disabled");
    f = open_memstream(&text, &len);
    exa_counters_print(f, report);
    fclose(f);
    assert_non_null(strstr(text, "Counters (PAPI 7.0.0.0, timed region only, 1 rank(s), no event counted)"));
    free(text);
    json_decref(report);
}

/* Where perf_event is disabled, native names (typed right or not: they can not be told apart) are
 * kept unavailable with the component's reason, while presets stay resolvable. */
static void test_disabled_perf_event(void **state)
{
    (void)state;
    int code;
    assert_int_equal(papi_ready(), 0);
    if (PAPI_event_name_to_code("perf::TASK-CLOCK", &code) == PAPI_OK) {
        print_message("# perf_event is active here: nothing to check\n");
        skip();
    }
    struct exa_counters *set = exa_counters_open("perf::TASK-CLOCK,TASK-CLOK,PAPI_TOT_CYC");
    assert_non_null(set);
    assert_int_equal(set->nevents, 3);
    for (int e = 0; e < 2; e++) {
        assert_int_equal(set->ev[e].group, -1);
        assert_non_null(strstr(set->ev[e].reason, "component perf_event is disabled: "));
    }
    assert_null(disabled_owner("PAPI_TOT_CYCLES"));
    assert_null(disabled_owner("papi_tot_cycles"));
    exa_counters_start(set);
    busy(1000);
    exa_counters_stop(set);
    assert_false(event_available(&set->ev[0]));
    exa_counters_close(set);
}

/* A fake /sys/class/powercap tree for the sysfs energy fallback. */
static void zone_file(const char *root, const char *zone, const char *file, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, zone);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s", root, zone, file);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%s\n", text);
    fclose(f);
}

static void fake_zone(const char *root, const char *zone, const char *name, const char *energy,
                      const char *range)
{
    zone_file(root, zone, "name", name);
    zone_file(root, zone, "energy_uj", energy);
    zone_file(root, zone, "max_energy_range_uj", range);
}

static void test_sysfs_energy(void **state)
{
    (void)state;
    char root[] = "/tmp/exa-powercap.XXXXXX";
    assert_non_null(mkdtemp(root));
    fake_zone(root, "intel-rapl:0", "package-0", "1000000", "262143328850");
    fake_zone(root, "intel-rapl:0:0", "core", "700000", "262143328850");       /* in the package */
    fake_zone(root, "intel-rapl:0:1", "dram", "5000", "65712999613");           /* not in it */
    fake_zone(root, "intel-rapl:1", "package-1", "262143000000", "262143328850"); /* will wrap */
    fake_zone(root, "intel-rapl:2", "psys", "9000000", "262143328850");         /* everything */
    fake_zone(root, "intel-rapl-mmio:0", "package-0", "1", "262143328850");     /* same package */
    powercap_root = root;
    struct exa_counters *set = new_set();
    add_sysfs_zones(set);
    assert_int_equal(set->nzones, 3);
    assert_int_equal(set->nevents, 3);
    assert_non_null(strstr(set->ev[0].name, "intel-rapl:0 (package-0)"));
    assert_non_null(strstr(set->ev[1].name, "intel-rapl:0:1 (dram)"));
    assert_non_null(strstr(set->ev[2].name, "intel-rapl:1 (package-1)"));
    for (int e = 0; e < 3; e++) {
        assert_true(set->ev[e].energy);
        assert_false(set->ev[e].listed);
        assert_true(set->ev[e].joules_per_unit == 1e-6);
    }
    exa_counters_start(set);
    fake_zone(root, "intel-rapl:0", "package-0", "6000000", "262143328850");       /* +5 J */
    fake_zone(root, "intel-rapl:0:1", "dram", "1005000", "65712999613");           /* +1 J */
    fake_zone(root, "intel-rapl:1", "package-1", "671150", "262143328850");        /* +1 J, wrapped */
    exa_counters_stop(set);
    assert_true(event_available(&set->ev[0]));
    assert_int_equal(event_total(set, 0), 5000000);
    assert_int_equal(event_total(set, 1), 1000000);
    assert_int_equal(event_total(set, 2), 1000000);
    exa_counters_reset(set);
    assert_int_equal(event_total(set, 0), 0);

    /* the inventory lists the zones a set would read, where PAPI has no CPU energy component */
    json_t *inv = exa_counters_inventory();
    json_t *srcs = json_object_get(inv, "energy_sources");
    size_t k;
    json_t *src;
    int zones = 0;
    json_array_foreach(srcs, k, src)
        if (strcmp(json_string_value(json_object_get(src, "component")), "powercap-sysfs") == 0)
            zones++;
    int papi_cpu = json_array_size(srcs) > (size_t)zones;
    if (!papi_cpu)
        assert_int_equal(zones, 3);
    json_decref(inv);

    /* a zone that can no longer be read turns unavailable with the reason */
    char gone[600];
    snprintf(gone, sizeof gone, "%s/intel-rapl:0/energy_uj", root);
    assert_int_equal(unlink(gone), 0);
    exa_counters_start(set);
    exa_counters_stop(set);
    assert_false(event_available(&set->ev[0]));
    assert_non_null(strstr(set->ev[0].reason, "energy_uj: No such file or directory"));
    assert_true(event_available(&set->ev[1]));
    free(set);

    /* an unreadable zone at open, and a tree without RAPL zones: absent, saying why */
    set = new_set();
    snprintf(gone, sizeof gone, "%s/intel-rapl:1/max_energy_range_uj", root);
    assert_int_equal(unlink(gone), 0);
    add_sysfs_zones(set);
    assert_int_equal(set->nzones, 1);    /* only the dram zone is left whole */
    assert_non_null(strstr(set->energy_reason, "intel-rapl:0/energy_uj: No such file or directory"));
    assert_non_null(strstr(set->energy_reason, "intel-rapl:1/max_energy_range_uj: No such file"));
    free(set);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(mkdir(root, 0755), 0);
    set = new_set();
    add_sysfs_zones(set);
    assert_int_equal(set->nzones, 0);
    assert_non_null(strstr(set->energy_reason, "no RAPL zone in"));
    free(set);
    rmdir(root);
    set = new_set();
    add_sysfs_zones(set);
    assert_non_null(strstr(set->energy_reason, "No such file or directory"));
    free(set);
    powercap_root = "/sys/class/powercap";
}

static void test_inventory(void **state)
{
    (void)state;
    json_t *inv = exa_counters_inventory();
    json_t *papi = json_object_get(inv, "papi");
    assert_true(json_is_true(json_object_get(papi, "available")));
    assert_non_null(json_object_get(papi, "version"));
    json_t *comps = json_object_get(inv, "components");
    size_t i;
    json_t *c;
    int seen = 0;
    json_array_foreach(comps, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "name")), "perf_event") != 0)
            continue;
        seen = 1;
        assert_true(json_array_size(json_object_get(c, "events")) >=
                    json_array_size(json_object_get(c, "countable")));
    }
    assert_true(seen);
    assert_true(json_is_array(json_object_get(inv, "energy_sources")));
    json_decref(inv);
}

static void test_null_set(void **state)
{
    (void)state;
    assert_null(exa_counters_open(NULL));
    assert_null(exa_counters_open(""));
    assert_null(exa_counters_open("  "));
    exa_counters_start(NULL);
    exa_counters_stop(NULL);
    exa_counters_set_model(NULL, "flops", 1);
    exa_counters_energy_efficiency(NULL, 1);
    assert_null(exa_counters_report(NULL, MPI_COMM_WORLD));
    exa_counters_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_closest_names),
        cmocka_unit_test(test_split_list),
        cmocka_unit_test(test_energy_scale),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_task_clock_grows),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_unavailable_is_kept),
        cmocka_unit_test(test_disabled_perf_event),
        cmocka_unit_test(test_event_aggregation),
        cmocka_unit_test(test_derived),
        cmocka_unit_test(test_energy_per_node),
        cmocka_unit_test(test_sysfs_energy),
        cmocka_unit_test(test_print),
        cmocka_unit_test(test_inventory),
        cmocka_unit_test(test_null_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
