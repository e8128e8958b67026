/* Safe file access for the commands that read run folders and write reports (issue 14, part 3).
 *
 * A run folder and its manifest are input like any other: a manifest may name a run id of
 * "../../x", a record path of "/dev/zero" or "../../etc/passwd", and a reports folder may hold a
 * planted symlink. These functions make every such case an error with a clear message instead of
 * a write outside the intended folder, a read outside the run folder or an unbounded read.
 *
 * Standalone: needs only libc. Errors go to err (always NUL-terminated) and name the path or value.
 *
 * Where they go (see the report of the hardening work for the exact call sites):
 *   safe_run_id_check      every run id read from a manifest or given on the command line
 *                          (report, compare, accept, submit, run --resume) before it is joined
 *                          into a path; manifest_make_dir's generated ids pass it by construction.
 *   safe_confine_path      every path read from a manifest (runs[].record, runs[].log,
 *                          previous_records[], launcher.jobs[].script) before it is opened.
 *   safe_read_file         instead of open/read-to-EOF for records and manifests (rundir.c
 *                          parse_file, report_util.c rp_read_file, run.c record_check).
 *   safe_write_file        instead of fopen("w")/write-in-place for report outputs
 *                          (report_util.c rp_write_file) and any file written under a folder the
 *                          user named (--output). */
#ifndef EXA_HARNESS_SAFE_IO_H
#define EXA_HARNESS_SAFE_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Longest run id accepted (the generated ones are ~30 characters). */
#define SAFE_RUN_ID_MAX 128
/* Largest file safe_read_file reads when its cap argument is 0. Records are a few hundred KiB;
 * manifests of very large sweeps a few MiB. */
#define SAFE_READ_DEFAULT_CAP ((size_t)64 << 20)
/* Longest path read from a manifest that safe_confine_path accepts. */
#define SAFE_REL_PATH_MAX 1024

/* A run id: 1..SAFE_RUN_ID_MAX characters of [A-Za-z0-9._-], not starting with '.' (so neither
 * ".", ".." nor a hidden name) and not starting with '-' (never mistaken for an option).
 * Returns 0, or -1 with "run id \"...\": reason" in err (control characters escaped). */
int safe_run_id_check(const char *run_id, char *err, size_t errlen);

/* Confines rel, a path read from a manifest, to the run folder dir. rel must be relative, not
 * empty, without a ".." component, without control characters, at most SAFE_REL_PATH_MAX long.
 * Then each component is opened from dir with O_NOFOLLOW (a symlink anywhere under dir is refused,
 * whether or not it leaves the folder). On success returns an open descriptor of the final file
 * (O_RDONLY|O_CLOEXEC|O_NOFOLLOW; may be a directory or anything else: see safe_read_fd), and
 * -1 otherwise: errno ENOENT when a component does not exist (the caller may treat it as "no
 * record"), else EINVAL/ELOOP/... with the reason in err. */
int safe_confine_open(const char *dir, const char *rel, char *err, size_t errlen);
/* The lexical check alone (no file system access): 0 or -1 with the reason. */
int safe_rel_path_check(const char *rel, char *err, size_t errlen);

/* Reads the whole of fd (a regular file only: a device, fifo, socket or directory is refused)
 * into a malloc'ed, NUL-terminated buffer; *len gets its length (the NUL excluded). At most cap
 * bytes (0: SAFE_READ_DEFAULT_CAP): a larger file is refused, judged from fstat and again while
 * reading (a file that grows is cut off and refused). name is used in messages. fd is not closed.
 * Returns NULL with "NAME: reason" in err. */
char *safe_read_fd(int fd, const char *name, size_t cap, size_t *len, char *err, size_t errlen);
/* safe_read_fd of a path (opened O_NONBLOCK so that a fifo can not block the open). */
char *safe_read_file(const char *path, size_t cap, size_t *len, char *err, size_t errlen);
/* safe_confine_open + safe_read_fd: a file named by a manifest, read within the run folder.
 * errno is ENOENT after a NULL return when the file (or a folder on its way) does not exist. */
char *safe_read_in_dir(const char *dir, const char *rel, size_t cap, size_t *len, char *err, size_t errlen);

/* Writes data to path atomically: a new temporary file in the same folder (O_CREAT|O_EXCL|
 * O_NOFOLLOW, a random name), written, fsync'ed, fchmod to mode (0644 for reports) whatever the
 * umask, then renamed over path and the folder fsync'ed. A symlink planted at path is replaced
 * (rename replaces the link itself; its target is untouched). When expect_parent is NULL the
 * folder is opened with O_NOFOLLOW|O_DIRECTORY: a folder whose last component is a symlink is
 * refused; otherwise the folder's real path must equal or lie under realpath(expect_parent) (so
 * reports/<run-id>/ can not be redirected elsewhere through a symlinked component). Returns 0, or -1 with "PATH: reason" in err and nothing left behind. */
int safe_write_file(const char *path, const void *data, size_t len, mode_t mode, const char *expect_parent,
                    char *err, size_t errlen);

/* Escapes control characters and non-ASCII bytes (\n, \t, \xNN) of s into out for messages;
 * at most max input bytes are shown, then "...". Returns out. */
char *safe_escape(const char *s, size_t max, char *out, size_t outlen);

#endif
