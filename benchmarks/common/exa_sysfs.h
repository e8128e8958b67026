/* Reading small facts from /proc and /sys: each helper returns NULL or 0 when the item can not be
 * read, so that callers record it as absent instead of guessing. */
#ifndef EXA_SYSFS_H
#define EXA_SYSFS_H

#include <stddef.h>

/* First line of a file, trailing white space removed; NULL when unreadable or empty. Caller frees. */
char *exa_read_line(const char *path);

/* Value of "key : value" in a /proc/cpuinfo-style file (first match); NULL when absent. Caller frees. */
char *exa_read_keyed(const char *path, const char *key);

/* Integer from the first line of a file; returns 0 and sets *out, or -1. */
int exa_read_long(const char *path, long *out);

#endif
