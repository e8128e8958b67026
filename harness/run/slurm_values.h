/* Values that reach a Slurm batch script: checked against what Slurm accepts, and quoted for the
 * two places they land (issue 14, part 2).
 *
 * A batch script has two parsers: sbatch reads the leading "#SBATCH" lines itself (one option per
 * line; words split at blanks; '...' and "..." group; a backslash escapes the next character, also
 * inside quotes; an unquoted '#' starts a comment), and bash runs the rest. A newline in a value
 * ends the #SBATCH line and makes the rest of the value the next line, a command. So every value
 * is first validated (control characters are always refused: neither parser can carry them), then
 * written with slurm_sbatch_word (#SBATCH lines) or slurm_shell_word (the script's body).
 *
 * Standalone: libc only. Errors name the field and the value, control characters escaped:
 *   launcher.partition: "gpu\nrm -rf ~" contains a control character (\n)
 *
 * Where they go: slurm_check_launcher (or the single-field checks) where the suite's launcher
 * section is loaded (suite.c) and again when a manifest is resumed (the batch executor reads
 * partition/account/qos/time_limit from the manifest, which is input too); slurm_sbatch_line for
 * every "#SBATCH --opt=value" line batch_script writes (job name, nodes, output, time, partition,
 * account, qos, reservation, exclude); slurm_shell_word for every word of the script body
 * (including the run id printed by the "=== exabench:" line, today unquoted), and
 * slurm_check_env_name for every name of an `export NAME=...` line. */
#ifndef EXA_HARNESS_SLURM_VALUES_H
#define EXA_HARNESS_SLURM_VALUES_H

#include <stddef.h>

/* Longest partition/account/qos/reservation name accepted. */
#define SLURM_NAME_MAX 64
/* Longest job name accepted (Slurm keeps up to 1024 characters, shorter is kinder to squeue). */
#define SLURM_JOB_NAME_MAX 200
/* Largest node count accepted. */
#define SLURM_NODES_MAX 1000000L

/* A partition, account, qos or reservation name: 1..SLURM_NAME_MAX characters of
 * [A-Za-z0-9_.-] (plus '+' for qos), not starting with '-'. field names it in the error
 * ("launcher.partition"). Returns 0 or -1 with the reason in err. */
int slurm_check_name(const char *field, const char *value, char *err, size_t errlen);
/* A list of names as --partition accepts ("a,b"): each element checked as slurm_check_name. */
int slurm_check_name_list(const char *field, const char *value, char *err, size_t errlen);

/* A time limit in one of Slurm's formats: "MM", "MM:SS", "HH:MM:SS", "D-HH", "D-HH:MM",
 * "D-HH:MM:SS", or "UNLIMITED"/"INFINITE" (any case). Fields are decimal digits; minutes and
 * seconds of the H:M:S forms below 60, hours of the D- forms below 24. On success *minutes gets
 * the limit in whole minutes rounded up (-1 for unlimited) when minutes is not NULL. */
int slurm_check_time(const char *field, const char *value, long *minutes, char *err, size_t errlen);

/* A node count: "N" or "MIN-MAX", decimal, 1..SLURM_NODES_MAX, MIN <= MAX. */
int slurm_check_nodes(const char *field, const char *value, char *err, size_t errlen);

/* A job name: 1..SLURM_JOB_NAME_MAX printable ASCII characters without quotes, backslash, '#',
 * '$', '`' or blanks (so it is one word for both parsers even unquoted). */
int slurm_check_job_name(const char *field, const char *value, char *err, size_t errlen);

/* A host list as --exclude/--nodelist accept: host names and bracket ranges
 * ("n[001-004,7],gpu-1"): [A-Za-z0-9._,[\]-] only, brackets balanced. */
int slurm_check_hostlist(const char *field, const char *value, char *err, size_t errlen);

/* A path for an #SBATCH line (--output, --error, --chdir): no control characters, at most
 * PATH_MAX long. Spaces and quotes are fine: slurm_sbatch_word quotes them. */
int slurm_check_path(const char *field, const char *value, char *err, size_t errlen);

/* An environment variable name as `export NAME=...` in the script body needs it:
 * [A-Za-z_][A-Za-z0-9_]*, at most 255 characters (the names of the suite's env: keys). */
int slurm_check_env_name(const char *field, const char *name, char *err, size_t errlen);

/* The value as one POSIX shell word: 'single-quoted', each ' written as '\''. The empty string
 * becomes ''. Returns the length needed (excluding the NUL), as snprintf does; out is always
 * NUL-terminated when outlen > 0 and never overflowed. Refuses nothing: validate first. */
size_t slurm_shell_word(char *out, size_t outlen, const char *value);

/* The value as one word of an #SBATCH line: "double-quoted" with '\' and '"' escaped by a
 * backslash (sbatch's own rule). pattern_literal: also double every '%' so that a path is not read
 * as a filename pattern (%j, %N...), unless the value holds a backslash (Slurm then expands no
 * pattern in it). Returns -1 (out set to "") when value holds a control
 * character (a line can not carry it), else the length needed as slurm_shell_word. */
long slurm_sbatch_word(char *out, size_t outlen, const char *value, int pattern_literal);

/* A whole line "#SBATCH --OPT=WORD\n" (WORD from slurm_sbatch_word). opt must be [a-z-]+. Returns
 * the length needed, or -1 with the reason in err when opt or value can not be written. */
long slurm_sbatch_line(char *out, size_t outlen, const char *opt, const char *value, int pattern_literal,
                       char *err, size_t errlen);

/* The values of a suite's launcher section, as batch_script uses them (NULL: not set). */
struct slurm_launcher_values {
    const char *partition, *account, *qos, *reservation, *time_limit, *job_name;
    const char *output;     /* the --output path */
    const char *exclude;    /* joined host list */
};
/* Checks every set field; the first error wins. field names are "launcher.partition" etc. */
int slurm_check_launcher(const struct slurm_launcher_values *v, char *err, size_t errlen);

/* sbatch's own splitting of the text after "#SBATCH" into words (quotes, backslashes, '#'
 * comments), for the tests and for checking a written script: calls fn(word) per word. Returns
 * the number of words. Exposed so that a test can prove a quoted value comes back unchanged. */
int slurm_sbatch_split(const char *line, void (*fn)(void *ctx, const char *word), void *ctx);

#endif
