/* `exabench sysinfo`: this machine's provenance record (what every result record carries), as
 * indented text or JSON; --counters adds what PAPI and the energy sources can count here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"
#include "exa_counters.h"
#include "exa_provenance.h"
#include "exa_rpeak.h"

static void sysinfo_usage(FILE *out)
{
    fprintf(out,
        "Usage: exabench sysinfo [--json] [--counters]\n\n"
        "Prints the provenance of this machine as the benchmarks record it: the node inventory\n"
        "(host, CPU model and flags, cores, sockets, NUMA, caches, memory, kernel, BIOS and board,\n"
        "NIC/HCA firmware, GPUs, inventory hash) and the software (MPI library and version, BLAS,\n"
        "compiler and flags, exabench version and git commit, environment variables that change\n"
        "results). Values that can not be read are left out, never guessed.\n\n"
        "It also prints this machine's theoretical Rpeak, as TOP500 defines it: physical cores x\n"
        "nominal clock x FP64 flops per cycle per core, naming where the clock came from (EXA_CPU_GHZ,\n"
        "cpufreq base_frequency, CPUID, the model name, cpuinfo_max_freq or cpuinfo's cpu MHz) and\n"
        "why that many flops per cycle (ISA and FMA units); \"rpeak\" in --json.\n\n"
        "Options:\n"
        "  --json        print {\"node\": ..., \"software\": ..., \"rpeak\": ...} as JSON (with\n"
        "                --counters, also \"counters\")\n"
        "  --counters    also list the hardware counters and energy sources this machine exposes\n"
        "                (PAPI components and their events)\n"
        "  -h, --help    this text\n\n"
        "Exit status: 0, or 2 on bad usage.\n");
}

static void print_value(const json_t *v, int depth, const char *key);

static void print_scalar(const json_t *v)
{
    if (json_is_string(v))
        printf("%s", json_string_value(v));
    else if (json_is_integer(v))
        printf("%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        printf("%g", json_real_value(v));
    else if (json_is_true(v))
        printf("yes");
    else if (json_is_false(v))
        printf("no");
    else
        printf("-");
}

static int all_scalars(const json_t *a)
{
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
        if (json_is_object(x) || json_is_array(x))
            return 0;
    return 1;
}

static void print_value(const json_t *v, int depth, const char *key)
{
    int ind = 2 * depth;
    if (json_is_object(v)) {
        if (key)
            printf("%*s%s:\n", ind, "", key);
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
            print_value(x, key ? depth + 1 : depth, k);
    } else if (json_is_array(v)) {
        if (all_scalars(v)) {
            printf("%*s%s: ", ind, "", key ? key : "");
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) {
                if (i)
                    printf(", ");
                print_scalar(x);
            }
            printf("\n");
        } else {
            printf("%*s%s:\n", ind, "", key ? key : "");
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) {
                char label[32];
                snprintf(label, sizeof label, "[%zu]", i);
                print_value(x, depth + 1, label);
            }
        }
    } else {
        printf("%*s%s: ", ind, "", key ? key : "");
        print_scalar(v);
        printf("\n");
    }
}

/* The theoretical Rpeak and how it was obtained (gflops null when a factor is unknown). */
static json_t *rpeak_json(const struct exa_rpeak *rp, int known)
{
    return json_pack("{s:o, s:i, s:s, s:f, s:s, s:i, s:s, s:s}", "gflops", known ? json_real(rp->gflops) : json_null(),
                     "cores", rp->cores, "cores_source", rp->cores_source, "ghz", rp->ghz, "clock_source",
                     rp->clock_source, "flops_per_cycle", rp->flops_per_cycle, "isa", rp->isa,
                     "flops_per_cycle_basis", rp->fpc_basis);
}

/* The rated FP64 peaks of this node's GPUs (node.gpus[].model, looked up in exa_rpeak's table),
 * added beside the CPU figure; unknown models are listed with a null peak, never guessed. */
static void add_gpu_rpeak(json_t *rp, const json_t *node, double cpu_gflops)
{
    json_t *list = json_array();
    double sum = 0;
    size_t i;
    const json_t *g;
    json_array_foreach(json_object_get(node, "gpus"), i, g) {
        const char *model = json_string_value(json_object_get(g, "model"));
        const struct exa_gpu_rpeak *e = model ? exa_rpeak_gpu_lookup(model) : NULL;
        double gf = exa_rpeak_gpu_gflops(e);
        sum += gf;
        json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:s}", "model", model ? model : "?", "rated_as",
                                              e ? json_string(e->name) : json_null(), "gflops",
                                              e ? json_real(gf) : json_null(), "basis",
                                              e ? e->basis : "not in exa_rpeak's GPU table"));
    }
    if (json_array_size(list) == 0) {
        json_decref(list);
        return;
    }
    json_object_set_new(rp, "gpus", list);
    json_object_set_new(rp, "gflops_with_gpus", json_real(cpu_gflops + sum));
}

int cmd_sysinfo(int argc, char **argv)
{
    int as_json = 0, counters = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            sysinfo_usage(stdout);
            return EXA_EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            as_json = 1;
        } else if (!strcmp(argv[i], "--counters")) {
            counters = 1;
        } else {
            exa_usage_error("sysinfo: unknown argument '%s'", argv[i]);
        }
    }
    json_t *all = json_object();
    json_object_set_new(all, "node", exa_provenance_node());
    json_object_set_new(all, "software", exa_provenance_software());
    if (counters)
        json_object_set_new(all, "counters", exa_counters_inventory());
    struct exa_rpeak rp;
    int have_rpeak = exa_rpeak_this_machine(&rp) == 0;
    json_object_set_new(all, "rpeak", rpeak_json(&rp, have_rpeak));
    add_gpu_rpeak(json_object_get(all, "rpeak"), json_object_get(all, "node"), have_rpeak ? rp.gflops : 0);
    if (as_json) {
        char *text = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", text);
        free(text);
    } else {
        print_value(json_object_get(all, "node"), 0, "node");
        print_value(json_object_get(all, "software"), 0, "software");
        if (have_rpeak)
            printf("theoretical Rpeak: %.1f Gflop/s = %d cores x %.3f GHz (%s) x %d FP64 flops/cycle (%s)\n",
                   rp.gflops, rp.cores, rp.ghz, rp.clock_source, rp.flops_per_cycle, rp.fpc_basis);
        else
            printf("theoretical Rpeak: unknown (cores %d, clock %.3f GHz from %s, %d flops/cycle): set EXA_CPU_GHZ or "
                   "EXA_FLOPS_PER_CYCLE\n", rp.cores, rp.ghz, rp.clock_source, rp.flops_per_cycle);
        print_value(json_object_get(all, "rpeak"), 0, "rpeak");
        if (counters)
            print_value(json_object_get(all, "counters"), 0, "counters");
    }
    json_decref(all);
    return EXA_EXIT_OK;
}
