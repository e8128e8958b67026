/* The importer registry: reading a file, hashing it, choosing the importer, refusing the unknown. */
#include "import.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct importer import_hpcc, import_hpl, import_hpcg, import_osu, import_imb, import_stream,
    import_babelstream, import_nccl;

/* hpcc first: its file also holds HPL and STREAM sections, which the others would claim. */
const struct importer *const import_registry[] = {&import_hpcc,   &import_hpl,         &import_hpcg,
                                                  &import_osu,    &import_imb,         &import_stream,
                                                  &import_babelstream, &import_nccl, NULL};

#define IMPORT_MAX_BYTES (64u << 20)

const struct importer *import_find(const char *name)
{
    for (int i = 0; import_registry[i]; i++)
        if (!strcmp(import_registry[i]->name, name))
            return import_registry[i];
    return NULL;
}

const struct importer *import_recognise(const char *text, size_t len, int *confidence)
{
    const struct importer *best = NULL;
    int score = 0;
    for (int i = 0; import_registry[i]; i++) {
        int c = import_registry[i]->recognise(text, len);
        if (c > score) {
            score = c;
            best = import_registry[i];
        }
    }
    if (confidence)
        *confidence = score;
    return best;
}

static int sha256_hex(const char *bytes, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(bytes, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return -1;
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return 0;
}

int import_input_from_memory(const char *path, const char *bytes, size_t len, struct import_input *in,
                             char err[IMPORT_ERR_LEN])
{
    memset(in, 0, sizeof *in);
    if (len > IMPORT_MAX_BYTES) {
        snprintf(err, IMPORT_ERR_LEN, "%s: %zu bytes is more than the %u an output file may have", path, len,
                 IMPORT_MAX_BYTES);
        return -1;
    }
    if (memchr(bytes, '\0', len)) {
        for (size_t i = 0, line = 1; i < len; i++) { /* name the line, not the byte */
            if (bytes[i] == '\0') {
                snprintf(err, IMPORT_ERR_LEN, "%s:%zu: a NUL byte: expected a tool's text output, not binary data",
                         path, line);
                break;
            }
            line += bytes[i] == '\n';
        }
        return -1;
    }
    char *copy = malloc(len + 1);
    char *p = strdup(path);
    if (!copy || !p) {
        free(copy);
        free(p);
        snprintf(err, IMPORT_ERR_LEN, "%s: out of memory", path);
        return -1;
    }
    memcpy(copy, bytes, len);
    copy[len] = '\0';
    if (sha256_hex(copy, len, in->sha256) != 0) {
        free(copy);
        free(p);
        snprintf(err, IMPORT_ERR_LEN, "%s: SHA-256 failed (libcrypto)", path);
        return -1;
    }
    in->text = copy;
    in->len = len;
    in->path = p;
    return 0;
}

int import_read_file(const char *path, struct import_input *in, char err[IMPORT_ERR_LEN])
{
    memset(in, 0, sizeof *in);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, IMPORT_ERR_LEN, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int rc = -1;
    while (buf) {
        if (len == cap) {
            if (cap > IMPORT_MAX_BYTES) {
                snprintf(err, IMPORT_ERR_LEN, "%s: more than %u bytes: not a tool's output file", path,
                         IMPORT_MAX_BYTES);
                goto out;
            }
            char *b = realloc(buf, cap * 2);
            if (!b)
                break;
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                snprintf(err, IMPORT_ERR_LEN, "%s: read error: %s", path, strerror(errno));
                goto out;
            }
            rc = import_input_from_memory(path, buf, len, in, err);
            goto out;
        }
    }
    snprintf(err, IMPORT_ERR_LEN, "%s: out of memory", path);
out:
    free(buf);
    fclose(f);
    return rc;
}

void import_input_free(struct import_input *in)
{
    free((char *)in->text);
    free((char *)in->path);
    memset(in, 0, sizeof *in);
}

json_t *import_file(const char *path, const char *format, const struct importer **used, char err[IMPORT_ERR_LEN])
{
    struct import_input in;
    if (import_read_file(path, &in, err) != 0)
        return NULL;
    const struct importer *imp = NULL;
    if (format) {
        imp = import_find(format);
        if (!imp) {
            size_t k = (size_t)snprintf(err, IMPORT_ERR_LEN, "unknown import format '%s' (known:", format);
            for (int i = 0; import_registry[i] && k < IMPORT_ERR_LEN; i++)
                k += (size_t)snprintf(err + k, IMPORT_ERR_LEN - k, " %s", import_registry[i]->name);
            if (k < IMPORT_ERR_LEN)
                snprintf(err + k, IMPORT_ERR_LEN - k, ")");
            import_input_free(&in);
            return NULL;
        }
    } else {
        imp = import_recognise(in.text, in.len, NULL);
        if (!imp) {
            size_t k = (size_t)snprintf(err, IMPORT_ERR_LEN, "%s: not a recognised output; expected one of:", path);
            for (int i = 0; import_registry[i] && k < IMPORT_ERR_LEN; i++)
                k += (size_t)snprintf(err + k, IMPORT_ERR_LEN - k, "%s %s", i ? ";" : "",
                                      import_registry[i]->expects);
            import_input_free(&in);
            return NULL;
        }
    }
    json_t *out = json_array();
    if (imp->parse(&in, out, err) != 0) {
        json_decref(out);
        out = NULL;
    } else if (json_array_size(out) == 0) {
        snprintf(err, IMPORT_ERR_LEN, "%s: no results found: expected %s", path, imp->expects);
        json_decref(out);
        out = NULL;
    }
    if (used)
        *used = imp;
    import_input_free(&in);
    return out;
}
