/* Unit tests of CHAP for iSCSI login (applet/chap.c): the algorithm the
 * target picks, CHAP_I and CHAP_C in hex and base64, responses against
 * RFC 1994 MD5 known answers and against SHA-1, SHA-256 and SHA3-256
 * computed here with OpenSSL's libcrypto, mutual CHAP, and error lines
 * that never hold a secret. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include "../../applet/chap.h"
#include "../lib/chap_openssl.h"

static char err[256];

static const struct chap_hash all[] = {
	{ "MD5", CHAP_MD5, 16, chap_openssl_md5 },
	{ "SHA-1", CHAP_SHA1, 20, chap_openssl_sha1 },
	{ "SHA-256", CHAP_SHA256, 32, chap_openssl_sha256 },
	{ "SHA3-256", CHAP_SHA3_256, 32, chap_openssl_sha3_256 },
};

/* ---- CHAP_A ---- */

static void offer_lists_algorithms_in_our_order(void **state)
{
	const struct chap_hash order[] = { all[2], all[0] };
	char out[16];

	(void)state;
	assert_int_equal(chap_a_offer(all, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "5");
	assert_int_equal(chap_a_offer(order, 2, out, sizeof(out)), 0);
	assert_string_equal(out, "7,5");
	assert_int_equal(chap_a_offer(all, 4, out, sizeof(out)), 0);
	assert_string_equal(out, "5,6,7,8");
	assert_int_equal(chap_a_offer(all, 4, out, 7), -1);
	assert_int_equal(chap_a_offer(all, 0, out, sizeof(out)), -1);
}

static void target_choice_must_be_one_we_offered(void **state)
{
	const struct chap_hash *h;

	(void)state;
	h = chap_a_select("7", 1, all, 4, err, sizeof(err));
	assert_non_null(h);
	assert_string_equal(h->name, "SHA-256");
	h = chap_a_select("9,8", 3, all, 4, err, sizeof(err));	/* a list */
	assert_non_null(h);
	assert_int_equal(h->alg, CHAP_SHA3_256);
	assert_null(chap_a_select("7", 1, all, 1, err, sizeof(err)));
	assert_string_equal(err, "target's CHAP_A=7: none of ours (5)");
	assert_null(chap_a_select("Reject", 6, all, 2, err, sizeof(err)));
	assert_string_equal(err, "target's CHAP_A=Reject: none of ours (5,6)");
	assert_null(chap_a_select("", 0, all, 1, err, sizeof(err)));
	assert_string_equal(err, "target's CHAP_A=: none of ours (5)");
	assert_null(chap_a_select("05x", 3, all, 1, err, sizeof(err)));
}

/* ---- CHAP_I, CHAP_C ---- */

static void chap_i_is_a_number_up_to_255(void **state)
{
	uint8_t id = 0;

	(void)state;
	assert_int_equal(chap_parse_id("0", 1, &id), 0);
	assert_int_equal(id, 0);
	assert_int_equal(chap_parse_id("255", 3, &id), 0);
	assert_int_equal(id, 255);
	assert_int_equal(chap_parse_id("0x3a", 4, &id), 0);
	assert_int_equal(id, 0x3a);
	assert_int_equal(chap_parse_id("256", 3, &id), -1);
	assert_int_equal(chap_parse_id("", 0, &id), -1);
	assert_int_equal(chap_parse_id("-1", 2, &id), -1);
	assert_int_equal(chap_parse_id("1 ", 2, &id), -1);
	assert_int_equal(chap_parse_id("0x", 2, &id), -1);
	/* '@' and '`' are no hex digits (they once read as 9) */
	assert_int_equal(chap_parse_id("0x@", 3, &id), -1);
	assert_int_equal(chap_parse_id("0x1`", 4, &id), -1);
}

struct dec {
	const char *in;
	long n;			/* bytes, or -1 */
	const char *hex;	/* what they are */
};

static void binary_values_decode_from_hex_and_base64(void **state)
{
	static const struct dec c[] = {
		{ "0x0123456789abcdef", 8, "0123456789abcdef" },
		{ "0X0123456789ABCDEF", 8, "0123456789abcdef" },
		{ "0xabc", 2, "0abc" },		/* odd: the first digit alone */
		{ "0x1", 1, "01" },
		{ "0x", -1, "" },
		{ "0xg0", -1, "" },
		{ "0x12 ", -1, "" },
		{ "0b", -1, "" },
		{ "0bAAEC", 3, "000102" },
		{ "0BAAECAw==", 4, "00010203" },
		{ "0bAAECAwQ=", 5, "0001020304" },
		{ "0b/+8=", 2, "ffef" },
		{ "0bAAECAwQ", -1, "" },	/* no padding */
		{ "0bAAE=AwQ=", -1, "" },	/* padding inside */
		{ "0bAAECAx==", -1, "" },	/* bits left over */
		{ "0bAAECAwR=", -1, "" },	/* bits left over */
		{ "0b====", -1, "" },
		{ "0bA===", -1, "" },
		{ "0bAA-C", -1, "" },		/* base64url is not base64 */
		{ "0c00", -1, "" },
		{ "1x00", -1, "" },
		{ "", -1, "" },
	};
	uint8_t out[16];
	char hex[40];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		long n = chap_decode(c[i].in, strlen(c[i].in), out, sizeof(out));

		if (n >= 0)
			assert_int_equal(chap_encode_hex(out, n, hex, sizeof(hex)), 0);
		if (n != c[i].n || (n >= 0 && strcmp(hex + 2, c[i].hex) != 0))
			fail_msg("'%s': %ld '%s', want %ld '%s'", c[i].in, n,
				n >= 0 ? hex + 2 : "", c[i].n, c[i].hex);
	}
}

static void binary_values_longer_than_the_buffer_are_refused(void **state)
{
	uint8_t out[4];

	(void)state;
	assert_int_equal(chap_decode("0x01020304", 10, out, 4), 4);
	assert_int_equal(chap_decode("0x0102030405", 12, out, 4), -1);
	assert_int_equal(chap_decode("0x102030405", 11, out, 4), -1);
	assert_int_equal(chap_decode("0bAAECAw==", 10, out, 4), 4);
	assert_int_equal(chap_decode("0bAAECAwQ=", 10, out, 4), -1);
	assert_int_equal(chap_decode("0bAAECAwQF", 10, out, 4), -1);
}

static void hex_encoding_checks_its_room(void **state)
{
	static const uint8_t b[2] = { 0x0f, 0xa0 };
	char out[7];

	(void)state;
	assert_int_equal(chap_encode_hex(b, 2, out, 7), 0);
	assert_string_equal(out, "0x0fa0");
	assert_int_equal(chap_encode_hex(b, 2, out, 6), -1);
	assert_int_equal(chap_encode_hex(b, 0, out, 3), 0);
	assert_string_equal(out, "0x");
}

/* ---- responses ---- */

/* MD5(id || secret || challenge), RFC 1994 section 4.1; the expected
 * digests were computed with coreutils md5sum, e.g.
 * printf '\001secret\001\043\105\147\211\253\315\357' | md5sum */
static void md5_response_matches_known_answers(void **state)
{
	static const struct {
		uint8_t id;
		const char *secret, *challenge, *want;
	} c[] = {
		{ 1, "secret", "0x0123456789abcdef", "0x1541dc88f46c12336d84ffdaf8cc7dbe" },
		{ 0x3a, "Password1234", "0xd0c1b2a3948576675849303a2b1c0d0e",
			"0xece24eb80f7f9bc664369c4f4a2a6a5b" },
		{ 255, "", "0bAAAAAAAAAAAAAAAAAAAAAA==", "0x08824795ab7a1e2af23cbac932dc36e5" },
	};
	uint8_t chal[CHAP_CHALLENGE_MAX], r[CHAP_DIGEST_MAX];
	char hex[CHAP_HEX_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		long n = chap_decode(c[i].challenge, strlen(c[i].challenge), chal,
			sizeof(chal));

		assert_true(n > 0);
		chap_response(&all[0], c[i].id, c[i].secret, strlen(c[i].secret),
			chal, n, r);
		assert_int_equal(chap_encode_hex(r, 16, hex, sizeof(hex)), 0);
		assert_string_equal(hex, c[i].want);
	}
}

/* The same for each algorithm, against libcrypto's one-shot EVP_Digest
 * over the concatenated bytes. */
static void every_algorithm_hashes_id_secret_challenge(void **state)
{
	static const uint8_t chal[] = { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03,
		0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d };
	static const char secret[] = "a 12+ byte secret";
	const EVP_MD *mds[] = { EVP_md5(), EVP_sha1(), EVP_sha256(), EVP_sha3_256() };
	uint8_t cat[sizeof(secret) + sizeof(chal)], want[64], got[CHAP_DIGEST_MAX];
	unsigned i, wlen;

	(void)state;
	cat[0] = 0x81;	/* id, then secret without its NUL, then challenge */
	memcpy(cat + 1, secret, sizeof(secret) - 1);
	memcpy(cat + sizeof(secret), chal, sizeof(chal));
	for (i = 0; i < 4; i++) {
		assert_int_equal(EVP_Digest(cat, sizeof(cat), want, &wlen, mds[i],
			NULL), 1);
		assert_int_equal(wlen, all[i].len);
		chap_response(&all[i], 0x81, secret, sizeof(secret) - 1, chal,
			sizeof(chal), got);
		assert_memory_equal(got, want, wlen);
	}
}

static void mutual_chap_checks_the_target_response(void **state)
{
	static const uint8_t rnd[17] = { 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
		11, 12, 13, 14, 15, 16 };
	static const char secret[] = "target-secret-xyz";
	uint8_t id, chal[CHAP_CHALLENGE_MAX], r[CHAP_DIGEST_MAX];
	char c_hex[CHAP_HEX_MAX], r_hex[CHAP_HEX_MAX];
	long n;
	unsigned i;

	(void)state;
	assert_int_equal(chap_make_challenge(rnd, sizeof(rnd), NULL, 0, &id,
		c_hex, sizeof(c_hex)), 0);
	assert_int_equal(id, 0x42);
	assert_string_equal(c_hex, "0x0102030405060708090a0b0c0d0e0f10");
	n = chap_decode(c_hex, strlen(c_hex), chal, sizeof(chal));
	assert_int_equal(n, 16);
	for (i = 0; i < 4; i++) {
		/* the target answers as it should */
		chap_response(&all[i], id, secret, strlen(secret), chal, n, r);
		assert_int_equal(chap_encode_hex(r, all[i].len, r_hex, sizeof(r_hex)), 0);
		assert_int_equal(chap_verify(&all[i], id, secret, strlen(secret),
			chal, n, r_hex, strlen(r_hex), err, sizeof(err)), 0);
		/* one bit off anywhere */
		r_hex[2 + 2 * i + 1] ^= 1;
		assert_int_equal(chap_verify(&all[i], id, secret, strlen(secret),
			chal, n, r_hex, strlen(r_hex), err, sizeof(err)), -1);
		assert_string_equal(err, "target's CHAP_R does not match: it does not know the mutual CHAP secret");
		assert_null(strstr(err, secret));
	}
	/* a response of the wrong length, or not a binary value */
	assert_int_equal(chap_verify(&all[2], id, secret, strlen(secret), chal,
		n, "0x00112233445566778899aabbccddeeff", 34, err, sizeof(err)), -1);
	assert_string_equal(err, "target's CHAP_R is not SHA-256's 32 bytes in hex (0x) or base64 (0b)");
	assert_int_equal(chap_verify(&all[0], id, secret, strlen(secret), chal,
		n, secret, strlen(secret), err, sizeof(err)), -1);
	assert_string_equal(err, "target's CHAP_R is not MD5's 16 bytes in hex (0x) or base64 (0b)");
	/* base64 answers are taken too */
	chap_response(&all[0], id, secret, strlen(secret), chal, n, r);
	{
		char b64[40];
		unsigned char enc[40];
		int k = EVP_EncodeBlock(enc, r, 16);

		snprintf(b64, sizeof(b64), "0b%.*s", k, enc);
		assert_int_equal(chap_verify(&all[0], id, secret, strlen(secret),
			chal, n, b64, strlen(b64), err, sizeof(err)), 0);
	}
}

static void our_challenge_is_never_the_targets(void **state)
{
	static const uint8_t rnd[5] = { 7, 0xaa, 0xbb, 0xcc, 0xdd };
	static const uint8_t same[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
	static const uint8_t other[4] = { 0xaa, 0xbb, 0xcc, 0xde };
	static uint8_t big[CHAP_CHALLENGE_MAX + 2];
	static char out[CHAP_HEX_MAX + 2];
	uint8_t id;

	(void)state;
	assert_int_equal(chap_make_challenge(rnd, 5, same, 4, &id, out, sizeof(out)), -1);
	assert_int_equal(chap_make_challenge(rnd, 5, other, 4, &id, out, sizeof(out)), 0);
	assert_string_equal(out, "0xaabbccdd");
	assert_int_equal(chap_make_challenge(rnd, 1, NULL, 0, &id, out, sizeof(out)), -1);
	assert_int_equal(chap_make_challenge(rnd, 5, NULL, 0, &id, out, 10), -1);
	assert_int_equal(chap_make_challenge(big, CHAP_CHALLENGE_MAX + 1, NULL,
		0, &id, out, sizeof(out)), 0);
	assert_int_equal(chap_make_challenge(big, CHAP_CHALLENGE_MAX + 2, NULL,
		0, &id, out, sizeof(out)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offer_lists_algorithms_in_our_order),
		cmocka_unit_test(target_choice_must_be_one_we_offered),
		cmocka_unit_test(chap_i_is_a_number_up_to_255),
		cmocka_unit_test(binary_values_decode_from_hex_and_base64),
		cmocka_unit_test(binary_values_longer_than_the_buffer_are_refused),
		cmocka_unit_test(hex_encoding_checks_its_room),
		cmocka_unit_test(md5_response_matches_known_answers),
		cmocka_unit_test(every_algorithm_hashes_id_secret_challenge),
		cmocka_unit_test(mutual_chap_checks_the_target_response),
		cmocka_unit_test(our_challenge_is_never_the_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
