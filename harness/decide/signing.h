/* Ed25519 signatures for submissions (OpenSSL libcrypto, EVP_PKEY_ED25519).
 *
 * Today's seal is an unkeyed SHA-256: anyone who edits a submission can recompute it. A signature
 * can only be made with the submitter's private key and is checked against public keys the ranker
 * trusts. Intended wiring:
 *   exabench keygen --name NAME PRIV PUB   sig_keygen()
 *   exabench submit --sign-key PRIV        sig_load_private(), then sig_sign() over the exact bytes
 *                                          the seal digest covers (or over the digest's hex text),
 *                                          stored as seal.signature with seal.public_key
 *                                          (sig_public_b64) and seal.signer (the name)
 *   exabench rank --trust FILE             sig_trust_load(), then sig_trust_verify() over the same
 *                                          bytes: the name of the trusted key that signed, or NULL
 *                                          (refuse: "not signed by a trusted key")
 *
 * Formats:
 *   private key   PEM (PKCS#8 "BEGIN PRIVATE KEY"), created mode 0600 with O_EXCL|O_NOFOLLOW;
 *                 loading refuses a file readable or writable by group or others, a symbolic
 *                 link, or a file owned by another user.
 *   public key /  text, one key a line:    NAME  BASE64-RAW-PUBKEY     # comment
 *   trust file    NAME is 1-63 characters of [A-Za-z0-9._@+-]; the key is the 32-byte raw Ed25519
 *                 public key in standard base64 (44 characters). '#' starts a comment, blank lines
 *                 are ignored, a name may appear once. The public key file keygen writes is itself
 *                 a one-key trust file, so trusting a submitter is appending their file.
 *   signature     the 64-byte Ed25519 signature in standard base64 (88 characters).
 *
 * Functions returning int give 0 on success and 2 (exit-2 style: bad input) or -1 with a message
 * in err; err is always NUL-terminated. */
#ifndef EXA_SIGNING_H
#define EXA_SIGNING_H

#include <stddef.h>

#define SIG_PUB_B64_LEN 45  /* 44 base64 characters of a 32-byte public key, and the NUL */
#define SIG_B64_LEN 89      /* 88 base64 characters of a 64-byte signature, and the NUL */
#define SIG_NAME_MAX 63

struct sig_key;  /* an Ed25519 private key (opaque) */

/* Makes a new key pair: the private key to priv_path (PEM, mode 0600, which must not exist: O_EXCL,
 * and is not followed if a link) and the public key to pub_path as the trust line "NAME KEY" (mode
 * 0644, O_EXCL as well). On failure nothing is left behind. Returns 0, 2 (bad name, file exists)
 * or -1 (crypto or I/O failure). */
int sig_keygen(const char *priv_path, const char *pub_path, const char *name, char *err, size_t errlen);

/* Loads a private key. Refuses (NULL, reason in err) a path that is a symbolic link or not a
 * regular file, a file owned by another user, and one whose mode grants anything to group or
 * others: "KEY: mode 0644 lets group or others read or write this private key; chmod 600 KEY". */
struct sig_key *sig_load_private(const char *path, char *err, size_t errlen);
void sig_key_free(struct sig_key *k);

/* The key's public half as base64 of the 32 raw bytes. Returns 0 or -1. */
int sig_public_b64(const struct sig_key *k, char out[SIG_PUB_B64_LEN]);

/* Signs len bytes of data; out receives the base64 signature. Returns 0 or -1. */
int sig_sign(const struct sig_key *k, const void *data, size_t len, char out[SIG_B64_LEN], char *err, size_t errlen);

/* Checks a base64 signature of data against a base64 raw public key. Returns 1 valid, 0 not valid
 * (wrong key or altered data), -1 when the key or the signature is malformed. */
int sig_verify(const char *pub_b64, const void *data, size_t len, const char *sig_b64);

/* ---- trusted keys ---- */

struct sig_trusted {
    char name[SIG_NAME_MAX + 1];
    unsigned char raw[32];
    char origin[300];  /* "FILE:LINE" */
};

struct sig_trust {
    struct sig_trusted *keys;
    size_t n, cap;
};

void sig_trust_init(struct sig_trust *t);
void sig_trust_free(struct sig_trust *t);
/* Adds the keys of a trust file (may be called for several files; a name may appear once in all).
 * Returns 0, or 2 with "FILE:LINE: ..." naming the bad field in err. */
int sig_trust_load(struct sig_trust *t, const char *path, char *err, size_t errlen);
/* The same from a string; name stands for the file name in messages. */
int sig_trust_parse(struct sig_trust *t, const char *text, const char *name, char *err, size_t errlen);
/* The trusted key that verifies the signature: its entry, or NULL when none does (or the signature
 * is malformed). */
const struct sig_trusted *sig_trust_verify(const struct sig_trust *t, const void *data, size_t len,
                                           const char *sig_b64);

/* Strict standard base64 (with '=' padding, no white space) of exactly want bytes into out.
 * Returns 0, or -1 when s is not that. Exposed for tests. */
int sig_b64_decode_exact(const char *s, unsigned char *out, size_t want);

#endif
