/* Attempt tokens, the benchmark's side: is the attempt this process belongs to still live? */
#include "exa_attempt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads the state of the attempt file open as fd (path for messages, and to check it is still
 * the file at that path). 1 live, 0 not. */
static int state_of(int fd, const char *path, char *why, size_t len)
{
    struct stat a, b;
    if (fstat(fd, &a) != 0 || stat(path, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
        snprintf(why, len, "the attempt file %s was removed: the harness gave this attempt up", path);
        return 0;
    }
    char buf[512];
    ssize_t n;
    do
        n = pread(fd, buf, sizeof buf - 1, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        snprintf(why, len, "can not read the attempt file %s: %s", path, strerror(errno));
        return 0;
    }
    buf[n] = 0;
    if (!strncmp(buf, "live\n", 5) || !strcmp(buf, "live"))
        return 1;
    buf[strcspn(buf, "\n")] = 0;
    if (!*buf)
        snprintf(why, len, "the attempt file %s is empty: the harness is ending this attempt", path);
    else
        snprintf(why, len, "the harness marked this attempt %.200s (%s)", buf, path);
    return 0;
}

static int open_attempt(const char **path, char *why, size_t len)
{
    *path = getenv(EXA_ATTEMPT_ENV);
    if (!*path || !**path)
        return -2;
    int fd = open(*path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        snprintf(why, len, "the attempt file %s %s: the harness gave this attempt up", *path,
                 errno == ENOENT ? "is gone" : strerror(errno));
    return fd;
}

int exa_attempt_still_live(char *why, size_t len)
{
    const char *path;
    if (len)
        why[0] = 0;
    int fd = open_attempt(&path, why, len);
    if (fd == -2)
        return 1;
    if (fd < 0)
        return 0;
    int live = state_of(fd, path, why, len);
    close(fd);
    return live;
}

int exa_attempt_commit_begin(int *lock_fd, char *why, size_t len)
{
    const char *path;
    *lock_fd = -1;
    if (len)
        why[0] = 0;
    int fd = open_attempt(&path, why, len);
    if (fd == -2)
        return 1;
    if (fd < 0)
        return 0;
    while (flock(fd, LOCK_SH) != 0) {
        if (errno != EINTR) {
            snprintf(why, len, "can not lock the attempt file %s: %s", path, strerror(errno));
            close(fd);
            return 0;
        }
    }
    if (!state_of(fd, path, why, len)) {
        close(fd);
        return 0;
    }
    *lock_fd = fd;
    return 1;
}

void exa_attempt_commit_end(int lock_fd)
{
    if (lock_fd >= 0)
        close(lock_fd);  /* releases the lock */
}
