/* Test-side CHAP hashes from OpenSSL's libcrypto: digest callbacks for
 * struct chap_hash (applet/chap.h) over parts[]/lens[], so unit tests
 * drive chap.c and login.c with hashes libbb did not compute.  They fail
 * the running cmocka test when libcrypto does; link with -lcrypto. */
#ifndef ISCSI_INIT_CHAP_OPENSSL_H
#define ISCSI_INIT_CHAP_OPENSSL_H 1

#include <stddef.h>
#include <stdint.h>
#include "../../applet/chap.h"

/* out = H(parts[0] || ... || parts[n-1]), struct chap_hash's digest() */
void chap_openssl_md5(const void *parts[], const size_t lens[], unsigned n,
		uint8_t *out);
void chap_openssl_sha1(const void *parts[], const size_t lens[], unsigned n,
		uint8_t *out);
void chap_openssl_sha256(const void *parts[], const size_t lens[], unsigned n,
		uint8_t *out);
void chap_openssl_sha3_256(const void *parts[], const size_t lens[],
		unsigned n, uint8_t *out);

#endif
