/* exabench: the harness command. Dispatches to one subcommand per file; see docs/ARCHITECTURE.md. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"plan", cmd_plan, "expand a suite file into the list of runs, with their command lines"},
    {"run", cmd_run, "run a suite (locally with mpirun or through Slurm) into results/<run-id>/"},
    {"screen", cmd_screen, "run single-node benchmarks on every node and flag the slow ones"},
    {"sysinfo", cmd_sysinfo, "print this machine's provenance record (--json, --counters)"},
    {"report", cmd_report, "render a run as HTML, Markdown, CSV and gnuplot plots"},
    {"compare", cmd_compare, "compare two runs statistically; exit 1 on a regression"},
    {"accept", cmd_accept, "check a run against an acceptance spec; exit 1 on a failed criterion"},
    {"submit", cmd_submit, "write a sealed TOP500-style submission from a run"},
    {"rank", cmd_rank, "rank submissions (Rmax, STREAM Triad, latency, bandwidth)"},
    {"keygen", cmd_keygen, "write an Ed25519 key pair for signing submissions (submit --key)"},
    {"ingest", cmd_ingest, "add a run to the history database"},
    {"history", cmd_history, "show a metric's trend over time, provenance changes marked"},
    {"import", cmd_import, "import other tools' output (HPL.out, HPCG, OSU, STREAM...) as records of a run"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "Usage: exabench COMMAND [OPTIONS] [ARGS]\n\n"
                 "The exabench harness: runs the benchmarks at scale and turns their records into\n"
                 "reports and decisions. 'exabench COMMAND --help' describes each command.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nOptions:\n  -h, --help     this text\n  -V, --version  version and git commit\n");
}

int main(int argc, char **argv)
{
    exa_cli_init("exabench");
    if (argc < 2) {
        usage(stderr);
        return EXA_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXA_EXIT_OK;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        exa_print_version();
        return EXA_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    exa_usage_error("unknown command '%s'", argv[1]);
}
