/* What one certificate decode and one signature check cost in the libcrypto it is built
 * against (bench/RESULTS.md section 16): d2i_X509 and X509_verify of one DER certificate,
 * timed over N rounds. Built and run by bench/d2i_cost.sh. */
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    const int rounds = atoi(argv[2]);
    FILE* f = fopen(argv[1], "rb");
    static unsigned char der[65536];
    const long n = f ? (long)fread(der, 1, sizeof der, f) : 0;
    if (f) fclose(f);
    if (n <= 0 || rounds <= 0) return 2;

    double start = now_us();
    for (int i = 0; i < rounds; i++) {
        const unsigned char* p = der;
        X509* x = d2i_X509(NULL, &p, n);
        if (x == NULL) return 1;
        X509_free(x);
    }
    printf("%s: d2i_X509 %.1f us", OpenSSL_version(OPENSSL_VERSION), (now_us() - start) / rounds);

    const unsigned char* p = der;
    X509* x = d2i_X509(NULL, &p, n);
    EVP_PKEY* key = x ? X509_get0_pubkey(x) : NULL;
    if (key == NULL) return 1;
    start = now_us();
    for (int i = 0; i < rounds; i++)
        if (X509_verify(x, key) != 1) return 1;
    printf(", X509_verify %.1f us\n", (now_us() - start) / rounds);
    X509_free(x);
    return 0;
}
