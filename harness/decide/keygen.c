/* exabench keygen [--name NAME] PRIV PUB: a new Ed25519 key pair for signing submissions
 * (signing.c does the work): the private key for `submit --key`, the public key as a one-line trust
 * file for `rank --trust`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "exa_cli.h"
#include "signing.h"
#include "submit.h"

static void usage(void)
{
    printf("Usage: exabench keygen [--name NAME] PRIV PUB\n\n"
           "Writes a new Ed25519 key pair (OpenSSL libcrypto): the private key to PRIV (PEM, PKCS#8,\n"
           "mode 0600) and the public key to PUB as one trust line 'NAME BASE64-KEY'. Neither file may\n"
           "exist already (keys are never overwritten) and neither is followed if it is a symbolic link.\n\n"
           "Sign a submission with 'exabench submit --key PRIV'; whoever ranks adds PUB's line to the\n"
           "file they pass to 'exabench rank --trust'. submit refuses a private key that group or others\n"
           "can read or write, or that another user owns.\n\n"
           "Options:\n"
           "      --name NAME  the name the public key is trusted under (1-63 characters of\n"
           "                   A-Z a-z 0-9 . _ @ + -; default USER@HOST)\n"
           "  -h, --help       this text\n\n"
           "Exit status: 0 written, 2 bad usage, a bad name or an existing file, 1 a crypto or I/O\n"
           "failure.\n");
}

int cmd_keygen(int argc, char **argv)
{
    static const struct option opts[] = {{"name", required_argument, 0, 'n'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    char name[SIG_NAME_MAX + 1] = "";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (strlen(optarg) > SIG_NAME_MAX)
                exa_usage_error("keygen --name '%s': longer than %d characters", optarg, SIG_NAME_MAX);
            snprintf(name, sizeof name, "%s", optarg);
            break;
        case 'h': usage(); return EXA_EXIT_OK;
        default: exa_usage_error("keygen: unknown option (see 'exabench keygen --help')");
        }
    }
    if (argc - optind != 2)
        exa_usage_error("keygen: expected PRIV and PUB file names, got %d arguments", argc - optind);
    if (!name[0])
        sub_default_signer(name, sizeof name);
    char err[1024];
    int rc = sig_keygen(argv[optind], argv[optind + 1], name, err, sizeof err);
    if (rc == 2)
        exa_input_error("keygen: %s", err);
    if (rc != 0) {
        fprintf(stderr, "exabench: keygen: %s\n", err);
        return EXA_EXIT_FAILED;
    }
    printf("keygen: private key %s (mode 0600), public key %s (trusted as '%s')\n", argv[optind], argv[optind + 1], name);
    return EXA_EXIT_OK;
}
