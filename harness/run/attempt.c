/* Attempt files, the harness's side. See attempt.h. */
#include "attempt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int label_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 100 || s[0] == '.' || s[0] == '-')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

int attempt_create(const char *run_dir, const char *label, struct attempt *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    if (!label || !label_ok(label)) {
        snprintf(err, errlen, "attempt label \"%.60s\" is not a safe file name", label ? label : "");
        return -1;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", run_dir, ATTEMPT_DIR);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    struct stat st;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a folder (a symbolic link?)", dir);
        return -1;
    }
    for (int tries = 0; tries < 8; tries++) {
        uint64_t r = 0;
        if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
            r = ((uint64_t)getpid() << 40) ^ (uint64_t)time(NULL) ^ ((uint64_t)tries << 20) ^ (uint64_t)clock();
        snprintf(a->token, sizeof a->token, "%s.%016llx", label, (unsigned long long)r);
        snprintf(a->path, sizeof a->path, "%s/%s", dir, a->token);
        char tmp[PATH_MAX + 16];
        snprintf(tmp, sizeof tmp, "%s/.%s.new", dir, a->token);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) {
            if (errno == EEXIST)
                continue;
            snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
            return -1;
        }
        char body[128];
        int n = snprintf(body, sizeof body, "live\nharness %ld\n", (long)getpid());
        int bad = write(fd, body, (size_t)n) != n || fchmod(fd, 0644) != 0 || fsync(fd) != 0;
        bad |= close(fd) != 0;
        /* link, not rename: never replaces an existing attempt file */
        if (bad || link(tmp, a->path) != 0) {
            int e = errno;
            unlink(tmp);
            if (!bad && e == EEXIST)
                continue;
            snprintf(err, errlen, "%s: %s", a->path, strerror(e));
            return -1;
        }
        unlink(tmp);
        return 0;
    }
    snprintf(err, errlen, "%s: can not find a new attempt token", dir);
    return -1;
}

const char *attempt_state_name(enum attempt_state st)
{
    switch (st) {
    case ATTEMPT_LIVE: return "live";
    case ATTEMPT_ABANDONED: return "abandoned";
    case ATTEMPT_FINISHED: return "finished";
    case ATTEMPT_MISSING: return "missing";
    default: return "unknown";
    }
}

int attempt_mark(const char *path, enum attempt_state st, const char *why, double lock_wait_s, char *err,
                 size_t errlen)
{
    if (st != ATTEMPT_ABANDONED && st != ATTEMPT_FINISHED) {
        snprintf(err, errlen, "attempt_mark: only abandoned or finished can be set");
        return -1;
    }
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        snprintf(err, errlen, "%s: not a regular file", path);
        return -1;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            snprintf(err, errlen, "%s: lock: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) * 1e-9 >= lock_wait_s) {
            close(fd);
            return 1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    char body[512];
    int n = snprintf(body, sizeof body, "%s%s%.400s\n", attempt_state_name(st), why && *why ? ": " : "",
                     why ? why : "");
    for (char *p = body; p < body + n - 1; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    /* In place, under the lock: a benchmark holding the shared lock reads whole states only. */
    int bad = ftruncate(fd, 0) != 0 || pwrite(fd, body, (size_t)n, 0) != n || fsync(fd) != 0;
    int e = errno;
    close(fd);
    if (bad) {
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -1;
    }
    return 0;
}

enum attempt_state attempt_state(const char *path, char *detail, size_t len)
{
    if (len)
        detail[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return errno == ENOENT ? ATTEMPT_MISSING : ATTEMPT_UNKNOWN;
    char buf[512];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    if (n < 0)
        return ATTEMPT_UNKNOWN;
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    static const struct { const char *word; enum attempt_state st; } words[] = {
        {"live", ATTEMPT_LIVE}, {"abandoned", ATTEMPT_ABANDONED}, {"finished", ATTEMPT_FINISHED}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t w = strlen(words[i].word);
        if (!strncmp(buf, words[i].word, w) && (buf[w] == 0 || buf[w] == ':')) {
            const char *d = buf[w] == ':' ? buf + w + 1 : "";
            while (*d == ' ')
                d++;
            if (len)
                snprintf(detail, len, "%s", d);
            return words[i].st;
        }
    }
    return ATTEMPT_UNKNOWN;
}
