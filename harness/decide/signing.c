/* Ed25519 keys, signatures and trust files through OpenSSL's EVP interface (one-shot
 * EVP_DigestSign / EVP_DigestVerify with no digest, as PureEdDSA requires). */
#include "signing.h"
#include "exa_parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

struct sig_key {
    EVP_PKEY *pkey;
};

static void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* The last OpenSSL error in words, and the queue emptied. */
static const char *ossl_reason(char *buf, size_t len)
{
    unsigned long e = ERR_get_error();
    if (!e)
        snprintf(buf, len, "unknown OpenSSL error");
    else
        ERR_error_string_n(e, buf, len);
    ERR_clear_error();
    return buf;
}

/* ---- base64 ---- */

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int sig_b64_decode_exact(const char *s, unsigned char *out, size_t want)
{
    size_t len = strlen(s), expect = (want + 2) / 3 * 4, pad = (3 - want % 3) % 3;
    if (len != expect)
        return -1;
    unsigned char tmp[3 * 64];
    if (want > sizeof tmp - 3)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++) {
            int c = (unsigned char)s[i + k];
            int last = i + 4 == len;
            if (c == '=' && last && k >= 4 - (int)pad)
                v[k] = 0;
            else if ((v[k] = b64_value(c)) < 0)
                return -1;
        }
        unsigned long w = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 | (unsigned long)v[2] << 6 | (unsigned long)v[3];
        tmp[o++] = (unsigned char)(w >> 16);
        tmp[o++] = (unsigned char)(w >> 8);
        tmp[o++] = (unsigned char)w;
    }
    /* Padding must be exactly where the length says, and the unused bits zero (canonical). */
    for (size_t k = 0; k < pad; k++)
        if (s[len - 1 - k] != '=' || tmp[want + k] != 0)
            return -1;
    if (pad < 2 && len >= 2 && s[len - 2] == '=')
        return -1;
    if (pad < 1 && s[len - 1] == '=')
        return -1;
    memcpy(out, tmp, want);
    return 0;
}

static void b64_encode(const unsigned char *in, size_t n, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

/* ---- keys ---- */

static int valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > SIG_NAME_MAX)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._@+-", *p)))
            return 0;
    return 1;
}

static int raw_public(EVP_PKEY *pkey, unsigned char raw[32])
{
    size_t len = 32;
    return EVP_PKEY_get_raw_public_key(pkey, raw, &len) == 1 && len == 32 ? 0 : -1;
}

/* Creates path exclusively, not following a link, and writes text; returns 0, or 2 when the
 * file exists (or is a link), -1 on other errors. */
static int write_new(const char *path, mode_t mode, const char *text, size_t len, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        int e = errno;
        seterr(err, errlen, "%s: %s%s", path, strerror(e), e == EEXIST ? " (refusing to overwrite a key file)" : "");
        return e == EEXIST || e == ELOOP ? 2 : -1;
    }
    int rc = 0;
    if (fchmod(fd, mode) != 0)
        rc = -1;
    for (size_t off = 0; rc == 0 && off < len;) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = -1;
        else
            off += (size_t)w;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = -1;
    if (close(fd) != 0)
        rc = -1;
    if (rc != 0) {
        seterr(err, errlen, "%s: %s", path, strerror(errno));
        unlink(path);
    }
    return rc;
}

int sig_keygen(const char *priv_path, const char *pub_path, const char *name, char *err, size_t errlen)
{
    char why[256];
    if (!name || !valid_name(name)) {
        seterr(err, errlen, "key name '%s': 1 to %d characters of A-Z a-z 0-9 . _ @ + -", name ? name : "",
               SIG_NAME_MAX);
        return 2;
    }
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    EVP_PKEY *pkey = NULL;
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pkey) != 1) {
        seterr(err, errlen, "Ed25519 key generation failed: %s", ossl_reason(why, sizeof why));
        EVP_PKEY_CTX_free(ctx);
        return -1;
    }
    EVP_PKEY_CTX_free(ctx);
    BIO *mem = BIO_new(BIO_s_mem());
    unsigned char raw[32];
    char *pem = NULL;
    long pem_len = 0;
    int rc = -1;
    if (!mem || PEM_write_bio_PrivateKey(mem, pkey, NULL, NULL, 0, NULL, NULL) != 1 || raw_public(pkey, raw) != 0) {
        seterr(err, errlen, "cannot encode the new key: %s", ossl_reason(why, sizeof why));
        goto out;
    }
    pem_len = BIO_get_mem_data(mem, &pem);
    char b64[SIG_PUB_B64_LEN], line[512];
    b64_encode(raw, 32, b64);
    int n = snprintf(line, sizeof line,
                     "# exabench Ed25519 public key; append this file to a trust file to trust its signatures\n"
                     "%s %s\n", name, b64);
    if ((rc = write_new(priv_path, 0600, pem, (size_t)pem_len, err, errlen)) != 0)
        goto out;
    if ((rc = write_new(pub_path, 0644, line, (size_t)n, err, errlen)) != 0)
        unlink(priv_path);
out:
    if (pem && pem_len > 0)
        OPENSSL_cleanse(pem, (size_t)pem_len);
    BIO_free(mem);
    EVP_PKEY_free(pkey);
    return rc;
}

struct sig_key *sig_load_private(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        seterr(err, errlen, "%s: %s%s", path, strerror(errno),
               errno == ELOOP ? " (a private key must not be a symbolic link)" : "");
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        seterr(err, errlen, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        seterr(err, errlen, "%s: mode %04o lets group or others read or write this private key; chmod 600 %s", path,
               (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return NULL;
    }
    if (st.st_uid != geteuid()) {
        seterr(err, errlen, "%s: owned by uid %u, not by this user (uid %u)", path, (unsigned)st.st_uid,
               (unsigned)geteuid());
        close(fd);
        return NULL;
    }
    if (st.st_size <= 0 || st.st_size > 65536) {
        seterr(err, errlen, "%s: %s", path, st.st_size <= 0 ? "empty" : "too large for a private key");
        close(fd);
        return NULL;
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *buf = malloc(size);
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    char why[256];
    BIO *mem = BIO_new_mem_buf(buf, (int)got);
    EVP_PKEY *pkey = mem ? PEM_read_bio_PrivateKey(mem, NULL, NULL, NULL) : NULL;
    BIO_free(mem);
    OPENSSL_cleanse(buf, size);
    free(buf);
    if (!pkey) {
        seterr(err, errlen, "%s: not a PEM private key: %s", path, ossl_reason(why, sizeof why));
        return NULL;
    }
    if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
        seterr(err, errlen, "%s: not an Ed25519 key", path);
        EVP_PKEY_free(pkey);
        return NULL;
    }
    struct sig_key *k = malloc(sizeof *k);
    k->pkey = pkey;
    return k;
}

void sig_key_free(struct sig_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k);
}

int sig_public_b64(const struct sig_key *k, char out[SIG_PUB_B64_LEN])
{
    unsigned char raw[32];
    if (!k || raw_public(k->pkey, raw) != 0)
        return -1;
    b64_encode(raw, 32, out);
    return 0;
}

int sig_sign(const struct sig_key *k, const void *data, size_t len, char out[SIG_B64_LEN], char *err, size_t errlen)
{
    char why[256];
    unsigned char sig[64];
    size_t siglen = sizeof sig;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
             EVP_DigestSign(ctx, sig, &siglen, data, len) == 1 && siglen == 64;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        seterr(err, errlen, "signing failed: %s", ossl_reason(why, sizeof why));
        return -1;
    }
    b64_encode(sig, 64, out);
    return 0;
}

static int verify_raw(const unsigned char raw[32], const void *data, size_t len, const unsigned char sig[64])
{
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, 32);
    if (!pkey) {
        ERR_clear_error();
        return -1;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = -1;
    if (ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1)
        rc = EVP_DigestVerify(ctx, sig, 64, data, len) == 1 ? 1 : 0;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return rc;
}

int sig_verify(const char *pub_b64, const void *data, size_t len, const char *sig_b64)
{
    unsigned char raw[32], sig[64];
    if (!pub_b64 || !sig_b64 || sig_b64_decode_exact(pub_b64, raw, 32) != 0 || sig_b64_decode_exact(sig_b64, sig, 64) != 0)
        return -1;
    return verify_raw(raw, data, len, sig);
}

/* ---- trust files ---- */

void sig_trust_init(struct sig_trust *t)
{
    memset(t, 0, sizeof *t);
}

void sig_trust_free(struct sig_trust *t)
{
    free(t->keys);
    memset(t, 0, sizeof *t);
}

int sig_trust_parse(struct sig_trust *t, const char *text, const char *name, char *err, size_t errlen)
{
    int line = 0, got;
    char buf[1024];
    for (const char *p = text; (got = exa_next_line(&p, buf, sizeof buf, &line)) != 0;) {
        if (got < 0) {
            seterr(err, errlen, "%s:%d: line longer than %zu characters", name, line, sizeof buf - 1);
            return 2;
        }
        char *f[3];
        int nf = 0;
        for (char *save = NULL, *tok = strtok_r(buf, " \t\r", &save); tok && nf < 3; tok = strtok_r(NULL, " \t\r", &save))
            f[nf++] = tok;
        if (nf == 0)
            continue;
        if (nf != 2) {
            seterr(err, errlen, "%s:%d: expected 'NAME BASE64-PUBLIC-KEY', got %d field%s", name, line, nf,
                   nf == 1 ? "" : "s or more");
            return 2;
        }
        if (!valid_name(f[0])) {
            seterr(err, errlen, "%s:%d: '%s': a name is 1 to %d characters of A-Z a-z 0-9 . _ @ + -", name, line, f[0],
                   SIG_NAME_MAX);
            return 2;
        }
        unsigned char raw[32];
        EVP_PKEY *check = NULL;
        if (sig_b64_decode_exact(f[1], raw, 32) != 0 ||
            !(check = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, 32))) {
            ERR_clear_error();
            seterr(err, errlen, "%s:%d: '%.60s': not a base64 Ed25519 public key (32 bytes, 44 characters)", name,
                   line, f[1]);
            return 2;
        }
        EVP_PKEY_free(check);
        for (size_t i = 0; i < t->n; i++)
            if (!strcmp(t->keys[i].name, f[0])) {
                seterr(err, errlen, "%s:%d: '%s' is already trusted (%s)", name, line, f[0], t->keys[i].origin);
                return 2;
            }
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 8;
            t->keys = realloc(t->keys, t->cap * sizeof *t->keys);
        }
        struct sig_trusted *k = &t->keys[t->n++];
        snprintf(k->name, sizeof k->name, "%s", f[0]);
        memcpy(k->raw, raw, 32);
        snprintf(k->origin, sizeof k->origin, "%s:%d", name, line);
    }
    return 0;
}

int sig_trust_load(struct sig_trust *t, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        seterr(err, errlen, "%s: %s", path, strerror(errno));
        return 2;
    }
    size_t cap = 4096, len = 0, got;
    char *text = malloc(cap);
    while ((got = fread(text + len, 1, cap - len - 1, f)) > 0)
        if ((len += got) == cap - 1)
            text = realloc(text, cap *= 2);
    int bad = ferror(f);
    fclose(f);
    text[len] = '\0';
    int rc;
    if (bad || strlen(text) != len) {
        seterr(err, errlen, "%s: %s", path, bad ? "read error" : "contains a NUL byte: not a trust file");
        rc = 2;
    } else {
        rc = sig_trust_parse(t, text, path, err, errlen);
    }
    free(text);
    return rc;
}

const struct sig_trusted *sig_trust_verify(const struct sig_trust *t, const void *data, size_t len,
                                           const char *sig_b64)
{
    unsigned char sig[64];
    if (!sig_b64 || sig_b64_decode_exact(sig_b64, sig, 64) != 0)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (verify_raw(t->keys[i].raw, data, len, sig) == 1)
            return &t->keys[i];
    return NULL;
}
