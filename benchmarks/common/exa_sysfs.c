/* Small readers for /proc and /sys facts used by provenance and peak detection. */
#include "exa_sysfs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

char *exa_read_line(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char buf[4096];
    char *line = fgets(buf, sizeof buf, f);
    fclose(f);
    if (!line)
        return NULL;
    char *t = trim(line);
    return *t ? strdup(t) : NULL;
}

char *exa_read_keyed(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *line = NULL, *found = NULL;
    size_t cap = 0, klen = strlen(key);
    while (!found && getline(&line, &cap, f) > 0) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        if (strncmp(trim(line), key, klen + 1) == 0) {
            char *v = trim(colon + 1);
            found = strdup(v);
        }
    }
    free(line);
    fclose(f);
    return found;
}

int exa_read_long(const char *path, long *out)
{
    char *s = exa_read_line(path);
    if (!s)
        return -1;
    char *end;
    long v = strtol(s, &end, 10);
    int ok = end != s;
    free(s);
    if (!ok)
        return -1;
    *out = v;
    return 0;
}
