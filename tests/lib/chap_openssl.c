/* Test-side CHAP hashes from OpenSSL's libcrypto (see chap_openssl.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include "chap_openssl.h"

static void evp(const EVP_MD *md, const void *parts[], const size_t lens[],
		unsigned n, uint8_t *out)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned i, len;

	assert_non_null(c);
	assert_int_equal(EVP_DigestInit_ex(c, md, NULL), 1);
	for (i = 0; i < n; i++)
		assert_int_equal(EVP_DigestUpdate(c, parts[i], lens[i]), 1);
	assert_int_equal(EVP_DigestFinal_ex(c, out, &len), 1);
	EVP_MD_CTX_free(c);
}

void chap_openssl_md5(const void *p[], const size_t l[], unsigned n, uint8_t *o)
{
	evp(EVP_md5(), p, l, n, o);
}

void chap_openssl_sha1(const void *p[], const size_t l[], unsigned n, uint8_t *o)
{
	evp(EVP_sha1(), p, l, n, o);
}

void chap_openssl_sha256(const void *p[], const size_t l[], unsigned n,
		uint8_t *o)
{
	evp(EVP_sha256(), p, l, n, o);
}

void chap_openssl_sha3_256(const void *p[], const size_t l[], unsigned n,
		uint8_t *o)
{
	evp(EVP_sha3_256(), p, l, n, o);
}
