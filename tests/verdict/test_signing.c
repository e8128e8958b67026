/* Tests of Ed25519 signing: key files and their modes, sign and verify, trust files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signing.h"

struct dir {
    char path[64], priv[128], pub[128];
};

static int setup(void **state)
{
    struct dir *d = calloc(1, sizeof *d);
    snprintf(d->path, sizeof d->path, "/tmp/exa-sigXXXXXX");
    if (!mkdtemp(d->path))
        return -1;
    snprintf(d->priv, sizeof d->priv, "%s/key.pem", d->path);
    snprintf(d->pub, sizeof d->pub, "%s/key.pub", d->path);
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    struct dir *d = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
    int rc = system(cmd);
    free(d);
    return rc;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static const char msg[] = "exabench.submission/1\nhpl/1.json 0123abcd\nrun-1\n{\"name\":\"x\"}\n{\"rmax\":1}\n";

static void test_round_trip(void **state)
{
    struct dir *d = *state;
    char err[512];
    assert_int_equal(sig_keygen(d->priv, d->pub, "site-a", err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(d->priv, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(d->pub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    char *pem = slurp(d->priv);
    assert_non_null(strstr(pem, "-----BEGIN PRIVATE KEY-----"));
    free(pem);

    struct sig_key *k = sig_load_private(d->priv, err, sizeof err);
    assert_non_null(k);
    char pub[SIG_PUB_B64_LEN], sig[SIG_B64_LEN];
    assert_int_equal(sig_public_b64(k, pub), 0);
    assert_int_equal(strlen(pub), 44);
    assert_int_equal(sig_sign(k, msg, strlen(msg), sig, err, sizeof err), 0);
    assert_int_equal(strlen(sig), 88);
    assert_int_equal(sig_verify(pub, msg, strlen(msg), sig), 1);

    /* The public file is a trust file naming the key. */
    char *text = slurp(d->pub);
    char line[128];
    snprintf(line, sizeof line, "site-a %s\n", pub);
    assert_non_null(strstr(text, line));
    free(text);
    struct sig_trust t;
    sig_trust_init(&t);
    assert_int_equal(sig_trust_load(&t, d->pub, err, sizeof err), 0);
    assert_int_equal(t.n, 1);
    const struct sig_trusted *who = sig_trust_verify(&t, msg, strlen(msg), sig);
    assert_non_null(who);
    assert_string_equal(who->name, "site-a");

    /* Tampered data: one byte changed, one byte more, one less. */
    char bad[sizeof msg];
    memcpy(bad, msg, sizeof msg);
    bad[30] ^= 1;
    assert_int_equal(sig_verify(pub, bad, strlen(bad), sig), 0);
    assert_null(sig_trust_verify(&t, bad, strlen(bad), sig));
    assert_int_equal(sig_verify(pub, msg, strlen(msg) - 1, sig), 0);
    /* A tampered signature. */
    char sig2[SIG_B64_LEN];
    memcpy(sig2, sig, sizeof sig2);
    sig2[10] = sig2[10] == 'A' ? 'B' : 'A';
    assert_int_equal(sig_verify(pub, msg, strlen(msg), sig2), 0);
    /* Malformed base64. */
    assert_int_equal(sig_verify(pub, msg, strlen(msg), "not base64"), -1);
    assert_int_equal(sig_verify("AAAA", msg, strlen(msg), sig), -1);
    assert_null(sig_trust_verify(&t, msg, strlen(msg), "short"));

    /* keygen does not overwrite, and leaves nothing behind when the public file is in the way. */
    assert_int_equal(sig_keygen(d->priv, d->pub, "site-a", err, sizeof err), 2);
    assert_non_null(strstr(err, "refusing to overwrite"));
    char p2[160];
    snprintf(p2, sizeof p2, "%s/other.pem", d->path);
    assert_int_equal(sig_keygen(p2, d->pub, "site-b", err, sizeof err), 2);
    assert_int_equal(access(p2, F_OK), -1);
    assert_int_equal(sig_keygen(p2, d->pub, "bad name", err, sizeof err), 2);
    assert_non_null(strstr(err, "key name 'bad name'"));
    sig_trust_free(&t);
    sig_key_free(k);
}

static void test_wrong_key(void **state)
{
    struct dir *d = *state;
    char err[512], p1[160], q1[160], p2[160], q2[160];
    snprintf(p1, sizeof p1, "%s/a.pem", d->path);
    snprintf(q1, sizeof q1, "%s/a.pub", d->path);
    snprintf(p2, sizeof p2, "%s/b.pem", d->path);
    snprintf(q2, sizeof q2, "%s/b.pub", d->path);
    assert_int_equal(sig_keygen(p1, q1, "alice", err, sizeof err), 0);
    assert_int_equal(sig_keygen(p2, q2, "bob", err, sizeof err), 0);
    struct sig_key *a = sig_load_private(p1, err, sizeof err), *b = sig_load_private(p2, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    char pa[SIG_PUB_B64_LEN], pb[SIG_PUB_B64_LEN], sig[SIG_B64_LEN];
    sig_public_b64(a, pa);
    sig_public_b64(b, pb);
    assert_int_equal(sig_sign(b, msg, strlen(msg), sig, err, sizeof err), 0);
    assert_int_equal(sig_verify(pa, msg, strlen(msg), sig), 0);
    assert_int_equal(sig_verify(pb, msg, strlen(msg), sig), 1);
    /* Only alice trusted: bob's signature names nobody; both trusted: bob. */
    struct sig_trust t;
    sig_trust_init(&t);
    assert_int_equal(sig_trust_load(&t, q1, err, sizeof err), 0);
    assert_null(sig_trust_verify(&t, msg, strlen(msg), sig));
    assert_int_equal(sig_trust_load(&t, q2, err, sizeof err), 0);
    const struct sig_trusted *who = sig_trust_verify(&t, msg, strlen(msg), sig);
    assert_non_null(who);
    assert_string_equal(who->name, "bob");
    /* The same name twice. */
    assert_int_equal(sig_trust_load(&t, q2, err, sizeof err), 2);
    char want[512];
    snprintf(want, sizeof want, "%s:2: 'bob' is already trusted (%s:2)", q2, q2);
    assert_string_equal(err, want);
    sig_trust_free(&t);
    sig_key_free(a);
    sig_key_free(b);
}

static void test_private_key_modes(void **state)
{
    struct dir *d = *state;
    char err[512], p[160], q[160];
    snprintf(p, sizeof p, "%s/m.pem", d->path);
    snprintf(q, sizeof q, "%s/m.pub", d->path);
    assert_int_equal(sig_keygen(p, q, "m", err, sizeof err), 0);
    assert_int_equal(chmod(p, 0644), 0);
    assert_null(sig_load_private(p, err, sizeof err));
    char want[512];
    snprintf(want, sizeof want, "%s: mode 0644 lets group or others read or write this private key; chmod 600 %s", p, p);
    assert_string_equal(err, want);
    assert_int_equal(chmod(p, 0640), 0);
    assert_null(sig_load_private(p, err, sizeof err));
    assert_non_null(strstr(err, "mode 0640"));
    assert_int_equal(chmod(p, 0400), 0);
    struct sig_key *k = sig_load_private(p, err, sizeof err);
    assert_non_null(k);
    sig_key_free(k);
    /* A symbolic link to the key is refused. */
    char l[160];
    snprintf(l, sizeof l, "%s/link.pem", d->path);
    assert_int_equal(symlink(p, l), 0);
    assert_null(sig_load_private(l, err, sizeof err));
    assert_non_null(strstr(err, "symbolic link"));
    /* keygen does not write through a link either. */
    char l2[160], target[160];
    snprintf(l2, sizeof l2, "%s/dangling.pem", d->path);
    snprintf(target, sizeof target, "%s/target", d->path);
    assert_int_equal(symlink(target, l2), 0);
    assert_int_equal(sig_keygen(l2, q, "m2", err, sizeof err), 2);
    assert_int_equal(access(target, F_OK), -1);
    /* Not a key. */
    assert_null(sig_load_private(q, err, sizeof err));  /* 0644 first */
    chmod(q, 0600);
    assert_null(sig_load_private(q, err, sizeof err));
    assert_non_null(strstr(err, "not a PEM private key"));
    assert_null(sig_load_private("/nonexistent/key.pem", err, sizeof err));
}

static void test_trust_file_errors(void **state)
{
    (void)state;
    struct sig_trust t;
    char err[512];
    const char *good = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  /* bytes 0..31 */
    unsigned char raw[32];
    assert_int_equal(sig_b64_decode_exact(good, raw, 32), 0);
    assert_int_equal(raw[31], 31);
    sig_trust_init(&t);
    char text[512];
    snprintf(text, sizeof text, "# trusted submitters\n\nsite-a %s  # the lab\n", good);
    assert_int_equal(sig_trust_parse(&t, text, "trust.txt", err, sizeof err), 0);
    assert_int_equal(t.n, 1);
    assert_string_equal(t.keys[0].name, "site-a");
    assert_string_equal(t.keys[0].origin, "trust.txt:3");
    sig_trust_free(&t);

    sig_trust_init(&t);
    assert_int_equal(sig_trust_parse(&t, "# x\nsite-a\n", "trust.txt", err, sizeof err), 2);
    assert_string_equal(err, "trust.txt:2: expected 'NAME BASE64-PUBLIC-KEY', got 1 field");
    assert_int_equal(sig_trust_parse(&t, "a b c\n", "trust.txt", err, sizeof err), 2);
    assert_string_equal(err, "trust.txt:1: expected 'NAME BASE64-PUBLIC-KEY', got 3 fields or more");
    assert_int_equal(sig_trust_parse(&t, "\n\n\nsite-a AAAA\n", "trust.txt", err, sizeof err), 2);
    assert_string_equal(err, "trust.txt:4: 'AAAA': not a base64 Ed25519 public key (32 bytes, 44 characters)");
    snprintf(text, sizeof text, "bad/name %s\n", good);
    assert_int_equal(sig_trust_parse(&t, text, "trust.txt", err, sizeof err), 2);
    assert_string_equal(err, "trust.txt:1: 'bad/name': a name is 1 to 63 characters of A-Z a-z 0-9 . _ @ + -");
    /* Non-canonical base64: wrong padding, non-zero spare bits, stray characters. */
    assert_int_equal(sig_b64_decode_exact("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=", raw, 32), -1);
    assert_int_equal(sig_b64_decode_exact("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", raw, 32), -1);
    assert_int_equal(sig_b64_decode_exact("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh==", raw, 32), -1);
    assert_int_equal(sig_b64_decode_exact("AAECAwQFBgcICQoLDA0ODxAREhMUFRYX GBkaGxwdHh8=", raw, 32), -1);
    assert_int_equal(sig_trust_load(&t, "/nonexistent/trust", err, sizeof err), 2);
    assert_string_equal(err, "/nonexistent/trust: No such file or directory");
    sig_trust_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_private_key_modes, setup, teardown),
        cmocka_unit_test(test_trust_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
