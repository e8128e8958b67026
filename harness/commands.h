/* The exabench subcommands. Each takes the arguments after its name (argv[0] is the subcommand)
 * and returns the process exit status: 0 success, 1 a failed run/criterion/regression, 2 bad input. */
#ifndef EXA_HARNESS_COMMANDS_H
#define EXA_HARNESS_COMMANDS_H

/* Running suites (harness/run/) */
int cmd_plan(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_sysinfo(int argc, char **argv);
int cmd_screen(int argc, char **argv);

/* Results into decisions (harness/decide/) */
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_accept(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_history(int argc, char **argv);

/* Other tools' output as records (harness/import/) */
int cmd_import(int argc, char **argv);

#endif
