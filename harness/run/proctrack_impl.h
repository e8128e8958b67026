/* Helpers shared by proctrack.c and proctrack_proc.c (not an interface: see proctrack.h). */
#ifndef EXA_HARNESS_PROCTRACK_IMPL_H
#define EXA_HARNESS_PROCTRACK_IMPL_H

#include <stddef.h>
#include <sys/types.h>

/* State and parent of pid from /proc/<pid>/stat (state may be NULL). 0, or -1 when gone. */
int pt_proc_stat(pid_t pid, char *state, pid_t *ppid);
int pt_in_list(pid_t p, const pid_t *v, size_t n);
/* Live: exists and is not a zombie. */
int pt_alive(pid_t pid);
/* The environment of pid (malloc'ed, entries NUL-separated, *len bytes), or NULL. */
char *pt_read_environ(pid_t pid, size_t *len_out);

#endif
