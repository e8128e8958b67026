/* Tracking the processes of a run, the /proc side that needs no cgroup or marker matching: the
 * subreaper, reaping orphans, and describing a process for messages. See proctrack.h. */
#include "proctrack.h"
#include "proctrack_impl.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

const char *proctrack_describe(pid_t pid, char *buf, size_t len)
{
    char path[64], comm[64] = "?";
    snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, comm, sizeof comm - 1);
        close(fd);
        comm[n > 0 ? n : 0] = 0;
        comm[strcspn(comm, "\n")] = 0;
        for (char *c = comm; *c; c++)
            if ((unsigned char)*c < 32 || (unsigned char)*c >= 127)
                *c = '?';
    }
    char tag[PROCTRACK_TAG_MAX] = "";
    size_t elen = 0;
    char *env = pt_read_environ(pid, &elen);
    if (env) {
        static const char key[] = PROCTRACK_ENV "=";
        for (size_t i = 0; i < elen; i += strlen(env + i) + 1)
            if (!strncmp(env + i, key, sizeof key - 1)) {
                snprintf(tag, sizeof tag, "%s", env + i + sizeof key - 1);
                break;
            }
        free(env);
    }
    for (char *c = tag; *c; c++)
        if ((unsigned char)*c < 32 || (unsigned char)*c >= 127)
            *c = '?';
    snprintf(buf, len, "pid %ld %s%s%s%s", (long)pid, comm, *tag ? " (run " : "", tag, *tag ? ")" : "");
    return buf;
}

/* ---- the subreaper and reaping ---------------------------------------------------------------- */

int proctrack_harness_init(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -1;
}

int proctrack_reap(const pid_t *keep, size_t nkeep)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    pid_t self = getpid();
    int reaped = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 1)
            continue;
        char st;
        pid_t pp;
        if (pt_proc_stat((pid_t)pid, &st, &pp) != 0 || pp != self || st != 'Z' || pt_in_list((pid_t)pid, keep, nkeep))
            continue;
        int status;
        if (waitpid((pid_t)pid, &status, WNOHANG) == (pid_t)pid)
            reaped++;
    }
    closedir(d);
    return reaped;
}
