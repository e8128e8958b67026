/* Safe file access for run folders and reports: run ids, confined manifest paths, capped reads of
 * regular files, atomic writes that never follow a planted symlink. See safe_io.h. */
#include "safe_io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

char *safe_escape(const char *s, size_t max, char *out, size_t outlen)
{
    size_t o = 0, i;
    if (!outlen)
        return out;
    if (!s)
        s = "(null)";
    for (i = 0; s[i] && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[8];
        if (c == '\n')
            snprintf(tmp, sizeof tmp, "\\n");
        else if (c == '\t')
            snprintf(tmp, sizeof tmp, "\\t");
        else if (c == '\r')
            snprintf(tmp, sizeof tmp, "\\r");
        else if (c == '\\')
            snprintf(tmp, sizeof tmp, "\\\\");
        else if (c < 32 || c >= 127)
            snprintf(tmp, sizeof tmp, "\\x%02x", c);
        else {
            tmp[0] = (char)c;
            tmp[1] = 0;
        }
        size_t n = strlen(tmp);
        if (o + n + 4 >= outlen)
            break;
        memcpy(out + o, tmp, n);
        o += n;
    }
    if (s[i] && o + 3 < outlen) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = 0;
    return out;
}

int safe_run_id_check(const char *run_id, char *err, size_t errlen)
{
    char shown[160];
    const char *why = NULL;
    if (!run_id || !*run_id)
        why = "is empty";
    else if (strlen(run_id) > SAFE_RUN_ID_MAX)
        why = "is too long (at most " "128" " characters)";
    else if (run_id[0] == '.')
        why = "starts with '.'";
    else if (run_id[0] == '-')
        why = "starts with '-'";
    else {
        for (const char *p = run_id; *p; p++) {
            char c = *p;
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-')) {
                why = c == '/' ? "contains '/'" : "contains a character outside [A-Za-z0-9._-]";
                break;
            }
        }
    }
    if (!why)
        return 0;
    snprintf(err, errlen, "run id \"%s\" %s", safe_escape(run_id ? run_id : "", 64, shown, sizeof shown), why);
    return -1;
}

int safe_rel_path_check(const char *rel, char *err, size_t errlen)
{
    char shown[160];
    const char *why = NULL;
    if (!rel || !*rel)
        why = "is empty";
    else if (strlen(rel) > SAFE_REL_PATH_MAX)
        why = "is too long";
    else if (rel[0] == '/')
        why = "is absolute (a path in a manifest must be relative to the run folder)";
    else {
        for (const char *p = rel; *p; p++)
            if ((unsigned char)*p < 32 || *p == 127) {
                why = "contains a control character";
                break;
            }
        if (!why) {
            const char *p = rel;
            while (*p) {
                size_t n = strcspn(p, "/");
                if (n == 2 && p[0] == '.' && p[1] == '.') {
                    why = "has a '..' component (a path in a manifest must stay in the run folder)";
                    break;
                }
                p += n;
                while (*p == '/')
                    p++;
            }
        }
    }
    if (!why)
        return 0;
    snprintf(err, errlen, "path \"%s\" %s", safe_escape(rel ? rel : "", 96, shown, sizeof shown), why);
    return -1;
}

int safe_confine_open(const char *dir, const char *rel, char *err, size_t errlen)
{
    char shown[160];
    if (safe_rel_path_check(rel, err, errlen) != 0) {
        errno = EINVAL;
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", dir, strerror(e));
        errno = e;
        return -1;
    }
    char comp[NAME_MAX + 1];
    const char *p = rel;
    for (;;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0)
            break;  /* "records/" ends here: dfd is the folder named */
        if (n > NAME_MAX) {
            close(dfd);
            snprintf(err, errlen, "%s/%s: a component is too long", dir, safe_escape(rel, 96, shown, sizeof shown));
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(comp, p, n);
        comp[n] = 0;
        p += n;
        while (*p == '/')
            p++;
        int last = *p == 0;
        if (!strcmp(comp, ".")) {
            if (last)
                break;
            continue;
        }
        struct stat st;
        if (fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            int e = errno;
            close(dfd);
            snprintf(err, errlen, "%s/%s: %s", dir, safe_escape(rel, 96, shown, sizeof shown), strerror(e));
            errno = e;
            return -1;
        }
        const char *bad = NULL;
        if (S_ISLNK(st.st_mode))
            bad = "is a symbolic link (refused: a path in a manifest must not leave the run folder)";
        else if (!last && !S_ISDIR(st.st_mode))
            bad = "is not a folder";
        if (bad) {
            close(dfd);
            snprintf(err, errlen, "%s/%s: '%s' %s", dir, safe_escape(rel, 96, shown, sizeof shown), comp, bad);
            errno = S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR;
            return -1;
        }
        int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | (last ? 0 : O_DIRECTORY);
        int fd = openat(dfd, comp, flags);
        int e = errno;
        close(dfd);
        if (fd < 0) {
            snprintf(err, errlen, "%s/%s: %s", dir, safe_escape(rel, 96, shown, sizeof shown),
                     e == ELOOP ? "a symbolic link on the way (refused)" : strerror(e));
            errno = e;
            return -1;
        }
        dfd = fd;
        if (last)
            break;
    }
    return dfd;
}

char *safe_read_fd(int fd, const char *name, size_t cap, size_t *len, char *err, size_t errlen)
{
    if (!cap)
        cap = SAFE_READ_DEFAULT_CAP;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", name, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        const char *kind = S_ISDIR(st.st_mode)    ? "a folder"
                           : S_ISCHR(st.st_mode)  ? "a character device"
                           : S_ISBLK(st.st_mode)  ? "a block device"
                           : S_ISFIFO(st.st_mode) ? "a fifo"
                           : S_ISSOCK(st.st_mode) ? "a socket"
                                                  : "not a regular file";
        snprintf(err, errlen, "%s: is %s, not a regular file (refused)", name, kind);
        errno = EINVAL;
        return NULL;
    }
    if ((uintmax_t)st.st_size > (uintmax_t)cap) {
        snprintf(err, errlen, "%s: %jd bytes, over the limit of %zu bytes (refused)", name, (intmax_t)st.st_size, cap);
        errno = EFBIG;
        return NULL;
    }
    /* The descriptor may be non-blocking (opened so); a regular file ignores that. */
    size_t want = (size_t)st.st_size + 1, n = 0;
    if (want < 4096)
        want = 4096;
    if (want > cap + 1)
        want = cap + 1;
    char *buf = malloc(want + 1);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", name);
        errno = ENOMEM;
        return NULL;
    }
    size_t bufcap = want;
    for (;;) {
        if (n == bufcap) {
            if (bufcap > cap) {
                free(buf);
                snprintf(err, errlen, "%s: grew past the limit of %zu bytes while being read (refused)", name, cap);
                errno = EFBIG;
                return NULL;
            }
            size_t nc = bufcap * 2 > cap + 1 ? cap + 1 : bufcap * 2;
            char *nb = realloc(buf, nc + 1);
            if (!nb) {
                free(buf);
                snprintf(err, errlen, "%s: out of memory", name);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            bufcap = nc;
        }
        ssize_t r = pread(fd, buf + n, bufcap - n, (off_t)n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            snprintf(err, errlen, "%s: %s", name, strerror(e));
            errno = e;
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > cap) {
            free(buf);
            snprintf(err, errlen, "%s: grew past the limit of %zu bytes while being read (refused)", name, cap);
            errno = EFBIG;
            return NULL;
        }
    }
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

char *safe_read_file(const char *path, size_t cap, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        errno = e;
        return NULL;
    }
    char *s = safe_read_fd(fd, path, cap, len, err, errlen);
    int e = errno;
    close(fd);
    errno = e;
    return s;
}

char *safe_read_in_dir(const char *dir, const char *rel, size_t cap, size_t *len, char *err, size_t errlen)
{
    int fd = safe_confine_open(dir, rel, err, errlen);
    if (fd < 0)
        return NULL;
    char name[PATH_MAX + SAFE_REL_PATH_MAX + 2];
    snprintf(name, sizeof name, "%s/%s", dir, rel);
    char *s = safe_read_fd(fd, name, cap, len, err, errlen);
    int e = errno;
    close(fd);
    errno = s ? 0 : e;
    return s;
}

/* Is real (a resolved path) equal to or under base (a resolved path)? */
static int path_under(const char *real, const char *base)
{
    size_t n = strlen(base);
    if (n == 1 && base[0] == '/')
        return 1;
    return !strncmp(real, base, n) && (real[n] == 0 || real[n] == '/');
}

int safe_write_file(const char *path, const void *data, size_t len, mode_t mode, const char *expect_parent,
                    char *err, size_t errlen)
{
    char dir[PATH_MAX], base[NAME_MAX + 1];
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t dn = (size_t)(slash - path);
        if (dn >= sizeof dir) {
            snprintf(err, errlen, "%s: path too long", path);
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(dir, path, dn);
        dir[dn] = 0;
        if (dn == 0)
            snprintf(dir, sizeof dir, "/");
    } else {
        snprintf(dir, sizeof dir, ".");
    }
    const char *b = slash ? slash + 1 : path;
    if (!*b || !strcmp(b, ".") || !strcmp(b, "..") || strlen(b) > NAME_MAX - 32) {
        snprintf(err, errlen, "%s: not a file name", path);
        errno = EINVAL;
        return -1;
    }
    snprintf(base, sizeof base, "%s", b);
    /* Without expect_parent, the folder must not be a symlink itself; with it, the folder's real
     * path decides (a link that stays under expect_parent is fine). */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (expect_parent ? 0 : O_NOFOLLOW));
    if (dfd < 0 && errno == ELOOP) {
        snprintf(err, errlen, "%s: the folder %s is a symbolic link (refused)", path, dir);
        errno = ELOOP;
        return -1;
    }
    if (dfd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", dir, strerror(e));
        errno = e;
        return -1;
    }
    if (expect_parent) {
        char want[PATH_MAX], real[PATH_MAX], link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dfd);
        ssize_t rn = readlink(link, real, sizeof real - 1);
        if (rn <= 0 && !realpath(dir, real)) {
            int e = errno;
            close(dfd);
            snprintf(err, errlen, "%s: can not resolve: %s", dir, strerror(e));
            errno = e;
            return -1;
        }
        if (rn > 0)
            real[rn] = 0;
        if (!realpath(expect_parent, want)) {
            int e = errno;
            close(dfd);
            snprintf(err, errlen, "%s: %s", expect_parent, strerror(e));
            errno = e;
            return -1;
        }
        if (!path_under(real, want)) {
            close(dfd);
            snprintf(err, errlen, "%s: the folder resolves to %s, outside %s (a symbolic link? refused)", path, real,
                     want);
            errno = EXDEV;
            return -1;
        }
    }
    char tmp[NAME_MAX + 1];
    int fd = -1;
    for (int tries = 0; tries < 16 && fd < 0; tries++) {
        uint64_t rnd = 0;
        if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
            rnd = ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&rnd ^ (uint64_t)tries;
        snprintf(tmp, sizeof tmp, ".%.*s.%016llx.tmp", NAME_MAX - 24, base, (unsigned long long)rnd);
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        close(dfd);
        snprintf(err, errlen, "%s: can not create a temporary file in %s: %s", path, dir, strerror(e));
        errno = e;
        return -1;
    }
    const char *p = data;
    size_t off = 0;
    int e = 0;
    while (off < len) {
        ssize_t w = write(fd, p + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            e = errno;
            break;
        }
        off += (size_t)w;
    }
    if (!e && fchmod(fd, mode) != 0)
        e = errno;
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && renameat(dfd, tmp, dfd, base) != 0)
        e = errno;
    if (e) {
        unlinkat(dfd, tmp, 0);
        close(dfd);
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    fsync(dfd);
    close(dfd);
    return 0;
}
