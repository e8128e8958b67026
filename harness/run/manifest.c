/* The manifest of a run folder, written atomically. */
#include "manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exa_record.h"

void manifest_run_id(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char host[256] = "host";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = 0;
    char *dot = strchr(host, '.');
    if (dot)
        *dot = 0;
    for (char *p = host; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", *p))
            *p = '_';
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(buf, len, "%s-%s", stamp, host);
}

static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

int manifest_make_dir(const char *parent, char *run_id, size_t idlen, char *dir, size_t dirlen)
{
    if (mkdir_p(parent) != 0)
        return -1;
    char base[200];
    manifest_run_id(base, sizeof base);
    for (int k = 1; k < 1000; k++) {
        if (k == 1)
            snprintf(run_id, idlen, "%s", base);
        else
            snprintf(run_id, idlen, "%s-%d", base, k);
        snprintf(dir, dirlen, "%s/%s", parent, run_id);
        if (mkdir(dir, 0755) == 0) {
            char sub[PATH_MAX];
            snprintf(sub, sizeof sub, "%s/records", dir);
            if (mkdir(sub, 0755) != 0)
                return -1;
            snprintf(sub, sizeof sub, "%s/logs", dir);
            if (mkdir(sub, 0755) != 0)
                return -1;
            manifest_link_latest(parent, run_id);   /* a convenience: failure is not an error */
            return 0;
        }
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

int manifest_link_latest(const char *parent, const char *run_id)
{
    char tmp[PATH_MAX], link[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/.latest.tmp.%ld", parent, (long)getpid());
    snprintf(link, sizeof link, "%s/latest", parent);
    unlink(tmp);
    if (symlink(run_id, tmp) != 0)
        return -1;
    if (rename(tmp, link) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static void fsync_dir_of(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(buf, sizeof buf, ".");
    int fd = open(buf, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int write_file_atomic(const char *path, const char *text)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            errno = e;
            return -1;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    fsync_dir_of(path);
    return 0;
}

int manifest_write(json_t *manifest, const char *dir)
{
    char now[32];
    exa_utc_now(now, sizeof now);
    json_object_set_new(manifest, "updated", json_string(now));
    char *text = json_dumps(manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text) {
        fprintf(stderr, "exabench: error: can not serialise the manifest\n");
        return -1;
    }
    size_t len = strlen(text);
    char *with_nl = malloc(len + 2);
    memcpy(with_nl, text, len);
    with_nl[len] = '\n';
    with_nl[len + 1] = 0;
    free(text);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    int rc = write_file_atomic(path, with_nl);
    if (rc != 0)
        fprintf(stderr, "exabench: error: can not write %s: %s\n", path, strerror(errno));
    free(with_nl);
    return rc;
}

json_t *manifest_load(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t je;
    json_t *m = json_load_file(path, JSON_DECODE_ANY, &je);
    if (!m) {
        if (je.line > 0)
            fprintf(stderr, "%s:%d:%d: error: %s\n", path, je.line, je.column, je.text);
        else
            fprintf(stderr, "%s: error: %s\n", path, je.text);
        return NULL;
    }
    const char *schema = json_string_value(json_object_get(m, "schema"));
    json_t *runs = json_object_get(m, "runs");
    if (!json_is_object(m) || !schema || strcmp(schema, MANIFEST_SCHEMA) != 0 ||
        json_integer_value(json_object_get(m, "schema_version")) != MANIFEST_SCHEMA_VERSION ||
        !json_is_array(runs)) {
        fprintf(stderr, "%s: error: not an exabench manifest (schema %s version %d expected)\n", path,
                MANIFEST_SCHEMA, MANIFEST_SCHEMA_VERSION);
        json_decref(m);
        return NULL;
    }
    size_t i;
    json_t *r;
    json_array_foreach(runs, i, r) {
        if (!json_is_object(r) || !json_is_array(json_object_get(r, "command")) ||
            !json_is_string(json_object_get(r, "status")) || !json_is_string(json_object_get(r, "id"))) {
            fprintf(stderr, "%s: error: run %zu is malformed (id, status and command are required)\n",
                    path, i + 1);
            json_decref(m);
            return NULL;
        }
    }
    return m;
}
