/* Unit tests of one iSCSI login conversation (applet/login.c) against a
 * small target simulated here: every Login Request the conversation
 * writes is read back field by field (opcode, T/C bits, stages, ISID,
 * CmdSN, ExpStatSN, padding, text keys) and every Login Response is
 * built here field by field.  Logins without CHAP, with CHAP one-way and
 * mutual (MD5 and SHA-256, checked with OpenSSL's libcrypto), text a
 * target continues over responses, each status class, targets that break
 * RFC 7143, and secrets that never leave in a request or an error line. */
#define _GNU_SOURCE 1	/* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include "../../applet/login.h"
#include "../lib/chap_openssl.h"

/* ---- hashes (OpenSSL's, for the conversation and for checking it) ---- */

static const struct chap_hash hash_md5[] = {
	{ "MD5", CHAP_MD5, 16, chap_openssl_md5 },
};
static const struct chap_hash hash_sha256_md5[] = {
	{ "SHA-256", CHAP_SHA256, 32, chap_openssl_sha256 },
	{ "MD5", CHAP_MD5, 16, chap_openssl_md5 },
};

/* RFC 1994: H(id || secret || challenge), computed here, not by chap.c */
static void chap_ref(const EVP_MD *md, uint8_t id, const char *secret,
		const uint8_t *chal, size_t n, uint8_t *out)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned len;

	assert_non_null(c);
	assert_int_equal(EVP_DigestInit_ex(c, md, NULL), 1);
	assert_int_equal(EVP_DigestUpdate(c, &id, 1), 1);
	assert_int_equal(EVP_DigestUpdate(c, secret, strlen(secret)), 1);
	assert_int_equal(EVP_DigestUpdate(c, chal, n), 1);
	assert_int_equal(EVP_DigestFinal_ex(c, out, &len), 1);
	assert_int_equal(len, EVP_MD_size(md));
	EVP_MD_CTX_free(c);
}

static void to_hex(const uint8_t *in, size_t n, char *out)
{
	size_t i;

	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < n; i++)
		sprintf(out + 2 + 2 * i, "%02x", in[i]);
	out[2 + 2 * n] = '\0';
}

/* "0x" and an even count of hex digits; returns the bytes, -1 if not */
static long from_hex(const char *s, uint8_t *out, size_t size)
{
	size_t i, n;
	unsigned b;

	if (strncmp(s, "0x", 2) != 0)
		return -1;
	n = strlen(s + 2);
	if (n % 2 || n / 2 > size)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	return (long)(n / 2);
}

/* ---- the simulated target ---- */

#define INITIATOR "iqn.2026-11.org.example:client"
#define TARGET "iqn.2026-11.org.example:disk"
#define USER "alice"
#define SECRET "0ne-way-s3cret!"
#define USER_IN "iqn.2026-11.org.example:disk-target"
#define SECRET_IN "mutua1-s3cret?"
#define CMDSN 0x2a
#define FIRST_STATSN 0x1000u

enum {
	T_BIT = ISCSI_LOGIN_TRANSIT,
	C_BIT = ISCSI_LOGIN_CONTINUE,
	/* Login Response byte 1: T, C, CSG, NSG */
	SEC = ISCSI_STAGE_SECURITY << 2,
	SEC_T = T_BIT | ISCSI_STAGE_SECURITY << 2 | ISCSI_STAGE_OPERATIONAL,
	OPER = ISCSI_STAGE_OPERATIONAL << 2,
	OPER_T = T_BIT | ISCSI_STAGE_OPERATIONAL << 2 | ISCSI_STAGE_FULL_FEATURE,
	TSIH = 7,
};

static const uint8_t our_isid[6] = { 0x00, 0x02, 0x3d, 0x00, 0x00, 0x01 };

static struct {
	struct login_conv c;
	/* the request the conversation wrote last, read back */
	uint8_t req[ISCSI_LOGIN_PDU_MAX];
	long reqlen;
	unsigned t, csg, nsg;
	uint32_t itt;
	const char *text;
	size_t textlen;
	unsigned requests;		/* requests read back */
	/* the target's side */
	uint8_t rsp[ISCSI_LOGIN_PDU_MAX];
	uint32_t statsn;		/* the next response's StatSN */
	uint32_t expstatsn;		/* what the next request must carry */
	uint8_t isid[6];		/* put into responses */
	unsigned version;		/* Version-active of responses */
	char err[256];
	unsigned scans;			/* buffers searched for the secrets */
} S;

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Neither secret in len bytes of buf, nor (hex) CHAP response. */
static void no_secret_in(const void *buf, size_t len)
{
	if (memmem(buf, len, SECRET, strlen(SECRET))
	 || memmem(buf, len, SECRET_IN, strlen(SECRET_IN)))
		fail_msg("a CHAP secret in a request or an error line");
	S.scans++;
}

/* Read back the request the conversation wrote (n bytes) and check the
 * BHS as RFC 7143 11.12 says. */
static void read_request(long n)
{
	const uint8_t *p = S.req;
	size_t dsl, i;

	assert_true(n >= ISCSI_BHS_LEN && (size_t)n <= sizeof(S.req));
	assert_int_equal(n % 4, 0);
	assert_int_equal(p[0], 0x43);		/* immediate Login Request */
	S.t = !!(p[1] & T_BIT);
	S.csg = p[1] >> 2 & 3;
	S.nsg = p[1] & 3;
	assert_int_equal(p[1] & C_BIT, 0);	/* we never continue our text */
	assert_int_equal(p[1] & 0x30, 0);	/* reserved */
	if (!S.t)
		assert_int_equal(S.nsg, 0);
	assert_int_equal(p[2], 0);		/* Version-max */
	assert_int_equal(p[3], 0);		/* Version-min */
	assert_int_equal(p[4], 0);		/* no AHS */
	dsl = (size_t)p[5] << 16 | (size_t)p[6] << 8 | p[7];
	assert_int_equal(n, ISCSI_BHS_LEN + ((dsl + 3) & ~(size_t)3));
	assert_memory_equal(p + 8, our_isid, 6);
	assert_int_equal(p[14] << 8 | p[15], 0);	/* TSIH: a new session */
	S.itt = get32(p + 16);
	assert_int_equal(get32(p + 24), CMDSN);	/* immediate: CmdSN stays */
	assert_int_equal(get32(p + 28), S.expstatsn);
	for (i = 32; i < ISCSI_BHS_LEN; i++)
		assert_int_equal(p[i], 0);	/* reserved */
	for (i = ISCSI_BHS_LEN + dsl; i < (size_t)n; i++)
		assert_int_equal(p[i], 0);	/* padding */
	S.text = (const char *)p + ISCSI_BHS_LEN;
	S.textlen = dsl;
	if (dsl) {
		/* key=value pairs, each ended by a NUL */
		assert_int_equal(S.text[dsl - 1], '\0');
		for (i = 0; i < dsl; i += strlen(S.text + i) + 1) {
			const char *eq = strchr(S.text + i, '=');

			assert_non_null(eq);
			assert_true(eq > S.text + i);
		}
	}
	S.reqlen = n;
	S.requests++;
	no_secret_in(S.req, (size_t)n);
}

/* The value of key in the last request, or NULL. */
static const char *req_value(const char *key)
{
	size_t i, k = strlen(key);

	for (i = 0; i < S.textlen; i += strlen(S.text + i) + 1)
		if (strncmp(S.text + i, key, k) == 0 && S.text[i + k] == '=')
			return S.text + i + k + 1;
	return NULL;
}

static unsigned req_pairs(void)
{
	size_t i;
	unsigned n = 0;

	for (i = 0; i < S.textlen; i += strlen(S.text + i) + 1)
		n++;
	return n;
}

static void req_has(const char *key, const char *value)
{
	const char *v = req_value(key);

	if (!v)
		fail_msg("the request has no %s (want %s)", key, value);
	if (strcmp(v, value) != 0)
		fail_msg("the request has %s=%s, want %s", key, v, value);
}

/* Set up a conversation: names, our offer, no credentials. */
static void reset(void)
{
	struct login_params *o = &S.c.ours;
	unsigned i;

	memset(&S, 0, sizeof(S));
	S.c.initiator = INITIATOR;
	S.c.target = TARGET;
	S.c.hashes = hash_md5;
	S.c.nhashes = 1;
	S.c.rnd[0] = 0x3c;		/* our CHAP_I: 60 */
	for (i = 1; i < LOGIN_MUTUAL_RND; i++)
		S.c.rnd[i] = (uint8_t)(0xa0 + i);
	memcpy(S.c.isid, our_isid, 6);
	S.c.tsih = 0;
	S.c.cmdsn = CMDSN;
	S.c.expstatsn = 0;
	login_params_default(o);
	o->header_digest = LOGIN_DIGEST_CRC32C;
	o->max_recv_dsl = 262144;
	o->max_burst = 262144;
	o->first_burst = 65536;
	o->initial_r2t = 0;
	o->immediate_data = 1;
	memcpy(S.isid, our_isid, 6);
	S.statsn = FIRST_STATSN;
	S.expstatsn = 0;
}

static int setup(void **state)
{
	(void)state;
	reset();
	return 0;
}

static void one_way(void)
{
	S.c.user = USER;
	S.c.secret = SECRET;
}

static void mutual(void)
{
	one_way();
	S.c.user_in = USER_IN;
	S.c.secret_in = SECRET_IN;
}

/* The first request. */
static void begin(void)
{
	size_t n;

	memset(S.req, 0xa5, sizeof(S.req));
	n = login_conv_start(&S.c, S.req, sizeof(S.req), S.err, sizeof(S.err));
	assert_true(n > 0);
	read_request((long)n);
	assert_int_equal(S.csg, ISCSI_STAGE_SECURITY);
	req_has("InitiatorName", INITIATOR);
	req_has("SessionType", "Normal");
	req_has("TargetName", TARGET);
}

/* Hand the first len bytes of S.rsp to the conversation; read back the
 * request it writes, or check its error line. */
static long deliver(size_t len)
{
	long n;

	memset(S.req, 0xa5, sizeof(S.req));
	memset(S.err, 0, sizeof(S.err));
	S.reqlen = 0;
	n = login_conv_next(&S.c, S.rsp, len, S.req, sizeof(S.req), S.err,
		sizeof(S.err));
	S.expstatsn = get32(S.rsp + 24) + 1;
	if (n > 0) {
		read_request(n);
	} else if (n < 0) {
		size_t i, l = strnlen(S.err, sizeof(S.err));

		/* one printable line */
		assert_true(l > 0 && l < sizeof(S.err));
		for (i = 0; i < l; i++)
			assert_true(S.err[i] >= 0x20 && S.err[i] < 0x7f);
		assert_int_not_equal(S.c.status, LOGIN_STATUS_OK);
	} else {
		assert_int_equal(S.c.status, LOGIN_STATUS_OK);
	}
	no_secret_in(S.err, sizeof(S.err));
	return n;
}

/* Build a Login Response (RFC 7143 11.13) into S.rsp. */
static size_t build(unsigned flags, unsigned cls, unsigned detail,
		uint16_t tsih, const char *text, size_t len)
{
	uint8_t *p = S.rsp;
	size_t total = ISCSI_BHS_LEN + ((len + 3) & ~(size_t)3);

	assert_true(total <= sizeof(S.rsp));
	memset(p, 0, total);
	p[0] = ISCSI_OP_LOGIN_RSP;
	p[1] = flags;
	p[2] = 0;			/* Version-max */
	p[3] = S.version;		/* Version-active */
	p[5] = len >> 16;
	p[6] = len >> 8;
	p[7] = len;
	memcpy(p + 8, S.isid, 6);
	p[14] = tsih >> 8;
	p[15] = tsih;
	put32(p + 16, S.itt);
	put32(p + 24, S.statsn++);
	put32(p + 28, CMDSN);		/* ExpCmdSN: an immediate request */
	put32(p + 32, CMDSN + 1);	/* MaxCmdSN */
	p[36] = cls;
	p[37] = detail;
	if (len)
		memcpy(p + ISCSI_BHS_LEN, text, len);
	return total;
}

static long respond_full(unsigned flags, unsigned cls, unsigned detail,
		uint16_t tsih, const char *text, size_t len)
{
	return deliver(build(flags, cls, detail, tsih, text, len));
}

static long respond(unsigned flags, const char *text, size_t len)
{
	return respond_full(flags, 0, 0, 0, text, len);
}
#define RESPOND(flags, lit) respond(flags, lit, sizeof(lit))

static long status(unsigned cls, unsigned detail, const char *text, size_t len)
{
	return respond_full(0, cls, detail, 0, text, len);
}

/* Append key=value and its NUL to buf. */
static void add(char *buf, size_t size, size_t *len, const char *key,
		const char *value)
{
	int k = snprintf(buf + *len, size - *len, "%s=%s", key, value);

	assert_true(k > 0 && (size_t)k < size - *len);
	*len += (size_t)k + 1;
}

static void expect_failure(long n, int status_want, const char *part)
{
	assert_int_equal(n, -1);
	if (S.c.status != status_want)
		fail_msg("status %d, not %d: %s", S.c.status, status_want, S.err);
	if (!strstr(S.err, part))
		fail_msg("error line '%s' does not say '%s'", S.err, part);
}

/* ---- the operational stage every successful login ends with ---- */

static const char oper_answer[] =
	"HeaderDigest=None\0DataDigest=None\0"
	"MaxRecvDataSegmentLength=65536\0MaxBurstLength=131072\0"
	"FirstBurstLength=32768\0InitialR2T=Yes\0ImmediateData=No\0"
	"MaxConnections=1\0DataPDUInOrder=Yes\0DataSequenceInOrder=Yes\0"
	"DefaultTime2Wait=5\0DefaultTime2Retain=0\0MaxOutstandingR2T=1\0"
	"ErrorRecoveryLevel=0";

/* The request is our operational offer: T, on to full feature. */
static void check_offer(void)
{
	assert_int_equal(S.t, 1);
	assert_int_equal(S.csg, ISCSI_STAGE_OPERATIONAL);
	assert_int_equal(S.nsg, ISCSI_STAGE_FULL_FEATURE);
	req_has("HeaderDigest", "CRC32C,None");
	req_has("DataDigest", "None");
	req_has("MaxRecvDataSegmentLength", "262144");
	req_has("MaxBurstLength", "262144");
	req_has("FirstBurstLength", "65536");
	req_has("InitialR2T", "No");
	req_has("ImmediateData", "Yes");
	req_has("MaxConnections", "1");
	req_has("DataPDUInOrder", "Yes");
	req_has("DataSequenceInOrder", "Yes");
	req_has("DefaultTime2Wait", "2");
	req_has("DefaultTime2Retain", "20");
	req_has("MaxOutstandingR2T", "1");
	req_has("ErrorRecoveryLevel", "0");
	assert_int_equal(req_pairs(), 14);
	assert_null(req_value("AuthMethod"));
	assert_null(req_value("CHAP_R"));
}

/* The target answers the offer and lets us into full feature. */
static void finish_operational(void)
{
	const struct login_params *r = &S.c.nego.result;
	uint32_t last = S.statsn;

	check_offer();
	assert_int_equal(respond_full(OPER_T, 0, 0, TSIH, oper_answer,
		sizeof(oper_answer)), 0);
	assert_int_equal(S.c.status, LOGIN_STATUS_OK);
	assert_int_equal(S.c.tsih_new, TSIH);
	assert_int_equal(S.c.statsn, last);
	assert_int_equal(S.c.tpgt, 1);
	assert_int_equal(r->header_digest, LOGIN_DIGEST_NONE);
	assert_int_equal(r->data_digest, LOGIN_DIGEST_NONE);
	assert_int_equal(r->max_recv_dsl, 262144);	/* ours, declared */
	assert_int_equal(r->max_xmit_dsl, 65536);	/* the target's */
	assert_int_equal(r->max_burst, 131072);	/* min(262144, 131072) */
	assert_int_equal(r->first_burst, 32768);	/* min(65536, 32768) */
	assert_int_equal(r->initial_r2t, 1);		/* No or Yes: Yes */
	assert_int_equal(r->immediate_data, 0);	/* Yes and No: No */
	assert_int_equal(r->max_connections, 1);
	assert_int_equal(r->default_time2wait, 5);	/* max(2, 5) */
	assert_int_equal(r->default_time2retain, 0);	/* min(20, 0) */
	assert_int_equal(r->max_outstanding_r2t, 1);
	assert_int_equal(r->error_recovery_level, 0);
	assert_int_equal(r->data_pdu_in_order, 1);
	assert_int_equal(r->data_seq_in_order, 1);
}

/* ---- 1. no CHAP ---- */

static void login_without_chap_reaches_full_feature(void **state)
{
	(void)state;
	begin();
	req_has("AuthMethod", "None");
	assert_int_equal(req_pairs(), 4);
	assert_int_equal(S.t, 1);		/* ready for the next stage */
	assert_int_equal(S.nsg, ISCSI_STAGE_OPERATIONAL);
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	assert_int_equal(S.c.tpgt, 1);
	finish_operational();
	assert_string_equal(S.c.auth, "None");
	assert_int_equal(S.requests, 2);
}

static void target_that_stays_in_security_gets_an_empty_request(void **state)
{
	(void)state;
	begin();
	/* The target answers without T: we ask again to move on. */
	assert_true(RESPOND(SEC, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	assert_int_equal(S.t, 1);
	assert_int_equal(S.csg, ISCSI_STAGE_SECURITY);
	assert_int_equal(S.nsg, ISCSI_STAGE_OPERATIONAL);
	assert_int_equal(S.textlen, 0);
	assert_true(respond(SEC_T, NULL, 0) > 0);
	finish_operational();
	assert_int_equal(S.requests, 3);
}

static void keys_the_target_offers_are_answered_before_full_feature(void **state)
{
	static const char first[] =
		"HeaderDigest=None\0DataDigest=None\0MaxBurstLength=131072\0"
		"X-com.example.Foo=bar";
	static const char rest[] =
		"MaxRecvDataSegmentLength=65536\0FirstBurstLength=32768\0"
		"InitialR2T=Yes\0ImmediateData=No\0DefaultTime2Wait=5\0"
		"DefaultTime2Retain=0";

	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	check_offer();
	/* The target answers part of it without T, and offers a key of its
	 * own: we answer it, and ask for full feature again. */
	assert_true(RESPOND(OPER, first) > 0);
	assert_int_equal(S.t, 1);
	assert_int_equal(S.csg, ISCSI_STAGE_OPERATIONAL);
	assert_int_equal(S.nsg, ISCSI_STAGE_FULL_FEATURE);
	req_has("X-com.example.Foo", "NotUnderstood");
	assert_int_equal(req_pairs(), 1);
	assert_int_equal(respond_full(OPER_T, 0, 0, TSIH, rest, sizeof(rest)), 0);
	assert_int_equal(S.c.nego.result.max_burst, 131072);
	assert_int_equal(S.c.nego.result.first_burst, 32768);
	assert_int_equal(S.c.nego.result.max_xmit_dsl, 65536);
	assert_int_equal(S.c.nego.result.immediate_data, 0);
	assert_int_equal(S.c.tsih_new, TSIH);
	assert_int_equal(S.c.tpgt, 1);
}

/* ---- 2, 3. CHAP one-way ---- */

/* The target asks for CHAP, picks alg from our CHAP_A, and sends id and
 * challenge (chal_text, its CHAP_C value: chal in hex or base64); our
 * CHAP_R must be H(id || secret || chal). */
static void chap_exchange(const char *offer, const char *alg, uint8_t id,
		const char *chal_text, const uint8_t *chal, size_t chal_len,
		const EVP_MD *md)
{
	char text[1024], num[8], want[2 + 2 * CHAP_DIGEST_MAX + 1];
	uint8_t digest[CHAP_DIGEST_MAX];
	size_t tl = 0;

	req_has("AuthMethod", "CHAP,None");
	assert_int_equal(S.t, 0);		/* CHAP first */
	assert_true(RESPOND(SEC, "AuthMethod=CHAP") > 0);
	assert_int_equal(S.t, 0);
	assert_int_equal(S.csg, ISCSI_STAGE_SECURITY);
	req_has("CHAP_A", offer);
	assert_int_equal(req_pairs(), 1);

	add(text, sizeof(text), &tl, "CHAP_A", alg);
	snprintf(num, sizeof(num), "%u", id);
	add(text, sizeof(text), &tl, "CHAP_I", num);
	add(text, sizeof(text), &tl, "CHAP_C", chal_text);
	assert_true(respond(SEC, text, tl) > 0);
	assert_int_equal(S.t, 1);
	assert_int_equal(S.csg, ISCSI_STAGE_SECURITY);
	assert_int_equal(S.nsg, ISCSI_STAGE_OPERATIONAL);
	req_has("CHAP_N", USER);
	chap_ref(md, id, SECRET, chal, chal_len, digest);
	to_hex(digest, (size_t)EVP_MD_size(md), want);
	req_has("CHAP_R", want);
}

static const uint8_t chal16[16] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
};
#define CHAL16_HEX "0x0123456789abcdeffedcba9876543210"

static void chap_md5_one_way_with_a_hex_challenge(void **state)
{
	(void)state;
	one_way();
	begin();
	chap_exchange("5", "5", 58, CHAL16_HEX, chal16, 16, EVP_md5());
	assert_int_equal(req_pairs(), 2);	/* no CHAP_I, CHAP_C: one-way */
	assert_true(RESPOND(SEC_T, "TargetPortalGroupTag=1") > 0);
	finish_operational();
	assert_string_equal(S.c.auth, "CHAP (MD5)");
	assert_int_equal(S.requests, 4);
}

static void chap_md5_one_way_with_a_base64_challenge(void **state)
{
	uint8_t chal[20];
	char b64[2 + 4 * ((sizeof(chal) + 2) / 3) + 1];
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(chal); i++)
		chal[i] = (uint8_t)(0xf0 - 7 * i);
	b64[0] = '0';
	b64[1] = 'b';
	assert_int_equal(EVP_EncodeBlock((unsigned char *)b64 + 2, chal,
		sizeof(chal)), 28);		/* padded: ends with '=' */
	assert_int_equal(b64[29], '=');
	one_way();
	begin();
	chap_exchange("5", "5", 0, b64, chal, sizeof(chal), EVP_md5());
	assert_true(RESPOND(SEC_T, "TargetPortalGroupTag=1") > 0);
	finish_operational();
	assert_string_equal(S.c.auth, "CHAP (MD5)");
}

static void chap_sha256_offered_first_and_picked(void **state)
{
	(void)state;
	one_way();
	S.c.hashes = hash_sha256_md5;
	S.c.nhashes = 2;
	begin();
	chap_exchange("7,5", "7", 255, CHAL16_HEX, chal16, 16, EVP_sha256());
	assert_int_equal(strlen(req_value("CHAP_R")), 2 + 2 * 32);
	assert_true(RESPOND(SEC_T, "TargetPortalGroupTag=1") > 0);
	finish_operational();
	assert_string_equal(S.c.auth, "CHAP (SHA-256)");
}

static void chap_md5_picked_from_sha256_and_md5(void **state)
{
	(void)state;
	one_way();
	S.c.hashes = hash_sha256_md5;
	S.c.nhashes = 2;
	begin();
	chap_exchange("7,5", "5", 1, CHAL16_HEX, chal16, 16, EVP_md5());
	assert_int_equal(strlen(req_value("CHAP_R")), 2 + 2 * 16);
	assert_true(RESPOND(SEC_T, "TargetPortalGroupTag=1") > 0);
	finish_operational();
	assert_string_equal(S.c.auth, "CHAP (MD5)");
}

static void target_choosing_none_for_one_way_chap_is_taken(void **state)
{
	(void)state;
	one_way();
	begin();
	req_has("AuthMethod", "CHAP,None");
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	finish_operational();
	assert_string_equal(S.c.auth, "None");
}

/* ---- 4, 5. mutual CHAP ---- */

/* Up to our CHAP_R with our own CHAP_I and CHAP_C; returns our
 * challenge's id, the challenge in chal (16 bytes). */
static uint8_t mutual_exchange(uint8_t *chal)
{
	char want[2 + 2 * 16 + 1], num[8];

	mutual();
	begin();
	chap_exchange("5", "5", 58, CHAL16_HEX, chal16, 16, EVP_md5());
	assert_int_equal(req_pairs(), 4);
	/* our challenge: CHAP_I = rnd[0], CHAP_C = rnd[1..16] */
	snprintf(num, sizeof(num), "%u", S.c.rnd[0]);
	req_has("CHAP_I", num);
	to_hex(S.c.rnd + 1, 16, want);
	req_has("CHAP_C", want);
	assert_int_equal(from_hex(req_value("CHAP_C"), chal, 16), 16);
	return (uint8_t)S.c.rnd[0];
}

/* The target's CHAP_N and CHAP_R for our challenge, with this name and
 * secret. */
static long target_answers(const char *name, const char *secret, uint8_t id,
		const uint8_t *chal)
{
	uint8_t digest[16];
	char hex[2 + 2 * 16 + 1], text[256];
	size_t tl = 0;

	chap_ref(EVP_md5(), id, secret, chal, 16, digest);
	to_hex(digest, 16, hex);
	add(text, sizeof(text), &tl, "CHAP_N", name);
	add(text, sizeof(text), &tl, "CHAP_R", hex);
	add(text, sizeof(text), &tl, "TargetPortalGroupTag", "1");
	return respond(SEC_T, text, tl);
}

static void mutual_chap_checks_the_target_and_succeeds(void **state)
{
	uint8_t chal[16], id;

	(void)state;
	id = mutual_exchange(chal);
	assert_true(target_answers(USER_IN, SECRET_IN, id, chal) > 0);
	finish_operational();
	assert_string_equal(S.c.auth, "CHAP (MD5), mutual");
}

static void mutual_chap_with_a_wrong_target_response_fails(void **state)
{
	uint8_t chal[16], id;

	(void)state;
	id = mutual_exchange(chal);
	expect_failure(target_answers(USER_IN, "not-the-secret", id, chal),
		LOGIN_STATUS_FINAL, "mutual CHAP");
	assert_non_null(strstr(S.err, "target"));
	assert_null(strstr(S.err, "not-the-secret"));
}

static void mutual_chap_response_to_another_id_fails(void **state)
{
	uint8_t chal[16], id;

	(void)state;
	id = mutual_exchange(chal);
	expect_failure(target_answers(USER_IN, SECRET_IN, id + 1, chal),
		LOGIN_STATUS_FINAL, "mutual CHAP");
}

static void mutual_chap_with_a_wrong_target_name_fails(void **state)
{
	uint8_t chal[16], id;

	(void)state;
	id = mutual_exchange(chal);
	expect_failure(target_answers("iqn.2026-11.org.example:impostor",
		SECRET_IN, id, chal), LOGIN_STATUS_FINAL, "mutual CHAP");
	assert_non_null(strstr(S.err, "impostor"));
}

static void mutual_chap_without_the_target_answer_fails(void **state)
{
	uint8_t chal[16];

	(void)state;
	mutual_exchange(chal);
	expect_failure(RESPOND(SEC_T, "TargetPortalGroupTag=1"),
		LOGIN_STATUS_FINAL, "mutual CHAP");
}

static void mutual_chap_challenge_equal_to_the_targets_is_retried(void **state)
{
	char text[256], hex[2 + 2 * 16 + 1];
	size_t tl = 0;

	(void)state;
	mutual();
	begin();
	assert_true(RESPOND(SEC, "AuthMethod=CHAP") > 0);
	/* The target's challenge is the one we would send: RFC 7143 12.1.3
	 * forbids sending it back. */
	to_hex(S.c.rnd + 1, 16, hex);
	add(text, sizeof(text), &tl, "CHAP_A", "5");
	add(text, sizeof(text), &tl, "CHAP_I", "9");
	add(text, sizeof(text), &tl, "CHAP_C", hex);
	expect_failure(respond(SEC, text, tl), LOGIN_STATUS_RETRY, "challenge");
}

static void mutual_chap_configured_but_target_chooses_none_fails(void **state)
{
	(void)state;
	mutual();
	begin();
	req_has("AuthMethod", "CHAP,None");
	expect_failure(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1"),
		LOGIN_STATUS_FINAL, "mutual CHAP");
}

/* Trial 14: with mutual CHAP the first request offers AuthMethod=CHAP,None;
 * a target taking None is refused, but the line must not say None was
 * "not offered" (it was): it should say it is refused because mutual CHAP
 * is configured. */
static void mutual_chap_none_refusal_does_not_contradict_the_offer(void **state)
{
	int offered_none;

	(void)state;
	mutual();
	begin();
	offered_none = strstr(req_value("AuthMethod"), "None") != NULL;
	expect_failure(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1"),
		LOGIN_STATUS_FINAL, "mutual CHAP");
	if (offered_none && strstr(S.err, "not offered"))
		fail_msg("AuthMethod=None was offered, yet the line says '%s'", S.err);
}

/* ---- 6. status classes ---- */

struct status_case {
	unsigned cls, detail;
	const char *text;
	size_t len;
	int status;
	const char *says;
};

static void each_status_class_ends_the_login_as_it_says(void **state)
{
	static const char addr[] = "TargetAddress=10.0.0.9:3260,1";
	static const struct status_case c[] = {
		{ 2, 1, NULL, 0, LOGIN_STATUS_FINAL, "authentication failed" },
		{ 2, 2, NULL, 0, LOGIN_STATUS_FINAL, "authorization failed" },
		{ 2, 3, NULL, 0, LOGIN_STATUS_RETRY, "not found" },
		{ 2, 6, NULL, 0, LOGIN_STATUS_RETRY, "too many connections" },
		{ 3, 0, NULL, 0, LOGIN_STATUS_RETRY, "target error" },
		{ 3, 1, NULL, 0, LOGIN_STATUS_RETRY, "service unavailable" },
		{ 1, 1, addr, sizeof(addr), LOGIN_STATUS_REDIRECT, "moved temporarily" },
		{ 1, 2, addr, sizeof(addr), LOGIN_STATUS_REDIRECT, "moved permanently" },
		{ 1, 1, NULL, 0, LOGIN_STATUS_FINAL, "without a usable TargetAddress" },
		{ 1, 1, "TargetAlias=x", 14, LOGIN_STATUS_FINAL, "without a usable TargetAddress" },
		{ 9, 0, NULL, 0, LOGIN_STATUS_FINAL, "unknown status class" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		long n;

		reset();
		begin();
		n = status(c[i].cls, c[i].detail, c[i].text, c[i].len);
		if (n != -1 || S.c.status != c[i].status || !strstr(S.err, c[i].says))
			fail_msg("case %zu (0x%02x%02x): %ld, status %d, '%s'; want "
				"status %d, '%s'", i, c[i].cls, c[i].detail, n,
				S.c.status, S.err, c[i].status, c[i].says);
		if (c[i].status == LOGIN_STATUS_REDIRECT)
			assert_string_equal(S.c.redirect, "10.0.0.9:3260,1");
		else
			assert_string_equal(S.c.redirect, "");
	}
}

static void authentication_failure_after_chap_is_final(void **state)
{
	(void)state;
	one_way();
	begin();
	chap_exchange("5", "5", 58, CHAL16_HEX, chal16, 16, EVP_md5());
	expect_failure(status(2, 1, NULL, 0), LOGIN_STATUS_FINAL,
		"authentication failed (status 0x0201)");
}

static void redirect_in_the_operational_stage_names_the_address(void **state)
{
	static const char addr[] = "TargetAddress=[2001:db8::2]:3261,2";

	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	expect_failure(respond_full(OPER, 1, 2, 0, addr, sizeof(addr)),
		LOGIN_STATUS_REDIRECT, "moved permanently");
	assert_string_equal(S.c.redirect, "[2001:db8::2]:3261,2");
}

/* A TargetAddress longer than a value may be (RFC 7143: 255 bytes) is
 * none to follow; the line does not say there was none */
static void redirect_to_a_too_long_address_is_no_usable_one(void **state)
{
	char addr[14 + 300 + 1];

	(void)state;
	memcpy(addr, "TargetAddress=", 14);
	memset(addr + 14, 'a', 300);
	addr[14 + 300] = '\0';
	begin();
	expect_failure(respond_full(SEC, 1, 1, 0, addr, sizeof(addr)),
		LOGIN_STATUS_FINAL, "without a usable TargetAddress");
}

/* ---- 7. continued text ---- */

static void chap_challenge_continued_over_two_responses_is_joined(void **state)
{
	static const char part1[] = "CHAP_A=5\0CHAP_I=58\0CHAP_C=0x0123456789";
	static const char part2[] = "abcdeffedcba9876543210";	/* and its NUL */
	uint8_t digest[16];
	char want[2 + 2 * 16 + 1];

	(void)state;
	one_way();
	begin();
	assert_true(RESPOND(SEC, "AuthMethod=CHAP") > 0);
	/* C bit: the text goes on, and we send an empty request */
	assert_true(respond(SEC | C_BIT, part1, sizeof(part1) - 1) > 0);
	assert_int_equal(S.textlen, 0);
	assert_int_equal(S.t, 0);
	assert_int_equal(S.csg, ISCSI_STAGE_SECURITY);
	assert_true(RESPOND(SEC, part2) > 0);
	req_has("CHAP_N", USER);
	chap_ref(EVP_md5(), 58, SECRET, chal16, 16, digest);
	to_hex(digest, 16, want);
	req_has("CHAP_R", want);
	assert_true(RESPOND(SEC_T, "TargetPortalGroupTag=1") > 0);
	finish_operational();
	assert_int_equal(S.requests, 5);
}

static void operational_answer_continued_over_three_responses(void **state)
{
	size_t a = 100, b = 250;

	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	check_offer();
	/* The answer in three pieces, cut inside pairs; T only on the last. */
	assert_true(respond(OPER | C_BIT, oper_answer, a) > 0);
	assert_int_equal(S.textlen, 0);
	assert_int_equal(S.t, 0);
	assert_int_equal(S.csg, ISCSI_STAGE_OPERATIONAL);
	assert_true(respond(OPER | C_BIT, oper_answer + a, b - a) > 0);
	assert_int_equal(S.textlen, 0);
	assert_int_equal(respond_full(OPER_T, 0, 0, TSIH, oper_answer + b,
		sizeof(oper_answer) - b), 0);
	assert_int_equal(S.c.nego.result.max_burst, 131072);
	assert_int_equal(S.c.nego.result.first_burst, 32768);
	assert_int_equal(S.c.nego.result.default_time2wait, 5);
	assert_int_equal(S.c.nego.result.error_recovery_level, 0);
	assert_int_equal(S.c.tsih_new, TSIH);
}

static void continued_text_longer_than_a_login_pdu_fails(void **state)
{
	static char big[8000];

	(void)state;
	memset(big, 'A', sizeof(big));
	begin();
	assert_true(respond(SEC | C_BIT, big, sizeof(big)) > 0);
	expect_failure(respond(SEC, big, sizeof(big)), LOGIN_STATUS_FINAL,
		"text over 8192 bytes");
}

/* ---- 8. a target that never finishes ---- */

static void target_that_never_sets_t_is_given_up(void **state)
{
	long n;

	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	while ((n = respond(OPER, NULL, 0)) > 0) {
		assert_int_equal(S.t, 1);
		assert_int_equal(S.nsg, ISCSI_STAGE_FULL_FEATURE);
		assert_true(S.requests <= LOGIN_PDUS_MAX);
	}
	expect_failure(n, LOGIN_STATUS_FINAL, "still negotiating");
	assert_int_equal(S.requests, LOGIN_PDUS_MAX);
}

static void target_that_continues_forever_is_given_up(void **state)
{
	long n;

	(void)state;
	begin();
	while ((n = respond(SEC | C_BIT, "Auth", 4)) > 0)
		assert_true(S.requests <= LOGIN_PDUS_MAX);
	expect_failure(n, LOGIN_STATUS_FINAL, "still negotiating");
	assert_int_equal(S.requests, LOGIN_PDUS_MAX);
}

/* LOGIN_PDUS_MAX bounds the requests: a login whose last request is the
 * LOGIN_PDUS_MAX-th completes. */
static void login_of_exactly_the_most_requests_completes(void **state)
{
	long n;

	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	while (S.requests < LOGIN_PDUS_MAX)
		assert_true(respond(OPER, NULL, 0) > 0);
	n = respond_full(OPER_T, 0, 0, TSIH, oper_answer, sizeof(oper_answer));
	if (n != 0)
		fail_msg("the final response to request %u of %d: %ld, '%s'",
			S.requests, LOGIN_PDUS_MAX, n, S.err);
	assert_int_equal(S.c.tsih_new, TSIH);
}

/* ---- 9. responses that break RFC 7143 ---- */

static void response_with_another_isid_fails(void **state)
{
	(void)state;
	begin();
	S.isid[5] ^= 1;
	expect_failure(RESPOND(SEC_T, "AuthMethod=None"), LOGIN_STATUS_FINAL,
		"ISID");
}

static void response_with_another_isid_later_fails(void **state)
{
	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	S.isid[0] ^= 0x80;
	expect_failure(respond_full(OPER_T, 0, 0, TSIH, oper_answer,
		sizeof(oper_answer)), LOGIN_STATUS_FINAL, "ISID");
}

static void response_in_another_stage_fails(void **state)
{
	(void)state;
	/* answers the security request as if it were operational */
	begin();
	expect_failure(RESPOND(OPER, "AuthMethod=None\0TargetPortalGroupTag=1"),
		LOGIN_STATUS_FINAL, "stage 1, the request's 0");
	reset();
	begin();
	expect_failure(respond_full(OPER_T, 0, 0, TSIH, oper_answer,
		sizeof(oper_answer)), LOGIN_STATUS_FINAL, "stage");
	/* back to security */
	reset();
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	expect_failure(RESPOND(SEC_T, "AuthMethod=None"), LOGIN_STATUS_FINAL,
		"stage 0, the request's 1");
}

static void response_in_another_version_fails(void **state)
{
	(void)state;
	begin();
	S.version = 1;
	expect_failure(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1"),
		LOGIN_STATUS_FINAL, "Version-active");
}

static void truncated_response_fails(void **state)
{
	size_t len;

	(void)state;
	begin();
	len = build(SEC_T, 0, 0, 0, "AuthMethod=None", 16);
	expect_failure(deliver(len - 4), LOGIN_STATUS_FINAL, "the PDU says");
	reset();
	begin();
	expect_failure(deliver(20), LOGIN_STATUS_FINAL, "bytes");
}

static void response_that_is_no_login_response_fails(void **state)
{
	size_t len;

	(void)state;
	begin();
	len = build(SEC_T, 0, 0, 0, "AuthMethod=None", 16);
	S.rsp[0] = 0x21;		/* a Text Response */
	expect_failure(deliver(len), LOGIN_STATUS_FINAL, "opcode");
	reset();
	begin();
	expect_failure(RESPOND(SEC_T | C_BIT, "AuthMethod=None"),
		LOGIN_STATUS_FINAL, "flags 0xc1 (T, C");
}

struct bad_security {
	unsigned flags;
	const char *text;
	size_t len;
	const char *says;
};
#define BAD_SEC(f, lit, says) { f, lit, sizeof(lit), says }

static void security_answers_that_break_the_rules_fail(void **state)
{
	/* without credentials we offer None only */
	static const struct bad_security plain[] = {
		BAD_SEC(SEC_T, "AuthMethod=CHAP", "not offered"),
		BAD_SEC(SEC_T, "AuthMethod=Reject", "not offered"),
		BAD_SEC(SEC_T, "TargetPortalGroupTag=1", "AuthMethod"),
		BAD_SEC(T_BIT | SEC | ISCSI_STAGE_FULL_FEATURE, "AuthMethod=None",
			"stage 3"),
		BAD_SEC(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=65536",
			"TargetPortalGroupTag"),
		BAD_SEC(SEC_T, "AuthMethod", "login text"),
	};
	/* with CHAP */
	static const struct bad_security chap[] = {
		BAD_SEC(SEC_T, "AuthMethod=CHAP", "before CHAP"),
		BAD_SEC(SEC, "AuthMethod=KRB5", "not offered"),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		reset();
		begin();
		if (respond(plain[i].flags, plain[i].text, plain[i].len) != -1
		 || S.c.status != LOGIN_STATUS_FINAL || !strstr(S.err, plain[i].says))
			fail_msg("case %zu: status %d '%s', want '%s'", i,
				S.c.status, S.err, plain[i].says);
	}
	for (i = 0; i < sizeof(chap) / sizeof(chap[0]); i++) {
		reset();
		one_way();
		begin();
		if (respond(chap[i].flags, chap[i].text, chap[i].len) != -1
		 || S.c.status != LOGIN_STATUS_FINAL || !strstr(S.err, chap[i].says))
			fail_msg("chap case %zu: status %d '%s', want '%s'", i,
				S.c.status, S.err, chap[i].says);
	}
}

static void chap_values_that_break_the_rules_fail(void **state)
{
	static const struct bad_security c[] = {
		BAD_SEC(SEC, "CHAP_A=7\0CHAP_I=1\0CHAP_C=" CHAL16_HEX, "CHAP_A=7: none of ours"),
		BAD_SEC(SEC, "CHAP_A=Reject", "CHAP_A=Reject: none of ours"),
		BAD_SEC(SEC, "CHAP_I=1\0CHAP_C=" CHAL16_HEX, "CHAP_A"),
		BAD_SEC(SEC, "CHAP_A=5\0CHAP_C=" CHAL16_HEX, "CHAP_I"),
		BAD_SEC(SEC, "CHAP_A=5\0CHAP_I=256\0CHAP_C=" CHAL16_HEX, "CHAP_I"),
		BAD_SEC(SEC, "CHAP_A=5\0CHAP_I=1", "CHAP_C"),
		BAD_SEC(SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=0x", "CHAP_C"),
		BAD_SEC(SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=0xzz", "CHAP_C"),
		BAD_SEC(SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=0bA", "CHAP_C"),
		BAD_SEC(SEC_T | ISCSI_STAGE_FULL_FEATURE, "CHAP_A=5", "stage 3"),
		/* a target moving on before CHAP is done: no login without it */
		BAD_SEC(SEC_T | ISCSI_STAGE_OPERATIONAL,
			"CHAP_A=5\0CHAP_I=1\0CHAP_C=" CHAL16_HEX, "before CHAP"),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		reset();
		one_way();
		begin();
		assert_true(RESPOND(SEC, "AuthMethod=CHAP") > 0);
		if (respond(c[i].flags, c[i].text, c[i].len) != -1
		 || S.c.status != LOGIN_STATUS_FINAL || !strstr(S.err, c[i].says))
			fail_msg("case %zu: status %d '%s', want '%s'", i,
				S.c.status, S.err, c[i].says);
	}
}

static void final_response_without_tsih_fails(void **state)
{
	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	expect_failure(respond_full(OPER_T, 0, 0, 0, oper_answer,
		sizeof(oper_answer)), LOGIN_STATUS_FINAL, "TSIH");
}

static void operational_stage_moving_elsewhere_fails(void **state)
{
	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	expect_failure(respond_full(T_BIT | OPER | ISCSI_STAGE_OPERATIONAL, 0, 0,
		TSIH, oper_answer, sizeof(oper_answer)), LOGIN_STATUS_FINAL,
		"next stage 1, not 3");
}

static void response_after_full_feature_fails(void **state)
{
	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	finish_operational();
	expect_failure(respond_full(OPER_T, 0, 0, TSIH, oper_answer,
		sizeof(oper_answer)), LOGIN_STATUS_FINAL, "complete");
}

/* ---- 10. operational answers out of range ---- */

static void operational_answer_out_of_range_names_the_key(void **state)
{
	static const struct bad_security c[] = {
		BAD_SEC(OPER_T, "MaxBurstLength=524288", "MaxBurstLength=524288"),
		BAD_SEC(OPER_T, "FirstBurstLength=131072", "FirstBurstLength=131072"),
		BAD_SEC(OPER_T, "ErrorRecoveryLevel=1", "ErrorRecoveryLevel=1"),
		BAD_SEC(OPER_T, "HeaderDigest=MD5", "HeaderDigest=MD5"),
		BAD_SEC(OPER_T, "DataDigest=CRC32C", "DataDigest=CRC32C"),
		BAD_SEC(OPER_T, "DefaultTime2Wait=1", "DefaultTime2Wait=1"),
		BAD_SEC(OPER_T, "MaxRecvDataSegmentLength=100",
			"MaxRecvDataSegmentLength=100"),
		BAD_SEC(OPER, "MaxBurstLength=524288", "MaxBurstLength=524288"),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		reset();
		begin();
		assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
		if (respond_full(c[i].flags, 0, 0, TSIH, c[i].text, c[i].len) != -1
		 || S.c.status != LOGIN_STATUS_FINAL || !strstr(S.err, c[i].says))
			fail_msg("case %zu: status %d '%s', want '%s'", i,
				S.c.status, S.err, c[i].says);
	}
}

static void first_burst_is_cut_to_the_max_burst_the_target_allows(void **state)
{
	static const char answer[] = "MaxBurstLength=16384\0HeaderDigest=None";

	(void)state;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	assert_int_equal(respond_full(OPER_T, 0, 0, TSIH, answer,
		sizeof(answer)), 0);
	assert_int_equal(S.c.nego.result.max_burst, 16384);
	assert_int_equal(S.c.nego.result.first_burst, 16384);	/* not 65536 */
	assert_int_equal(S.c.nego.result.max_xmit_dsl, 8192);	/* the default */
}

static void required_digest_the_target_never_answers_fails(void **state)
{
	static const char answer[] = "DataDigest=None\0MaxBurstLength=16384";

	(void)state;
	S.c.ours.header_digest = LOGIN_DIGEST_CRC32C_ONLY;
	begin();
	assert_true(RESPOND(SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1") > 0);
	req_has("HeaderDigest", "CRC32C");
	expect_failure(respond_full(OPER_T, 0, 0, TSIH, answer, sizeof(answer)),
		LOGIN_STATUS_FINAL, "HeaderDigest");
}

static void names_that_do_not_fit_are_refused(void **state)
{
	static char name[ISCSI_TEXT_MAX];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	S.c.target = name;
	S.err[0] = '\0';
	assert_int_equal(login_conv_start(&S.c, S.req, sizeof(S.req), S.err,
		sizeof(S.err)), 0);
	assert_non_null(strstr(S.err, "does not fit"));
	assert_int_equal(S.c.status, LOGIN_STATUS_FINAL);
}

/* 0 means full feature: a request that does not fit the caller's buffer
 * must not read as success. */
static void request_too_big_for_the_buffer_is_no_success(void **state)
{
	size_t len;
	long n;

	(void)state;
	begin();
	len = build(SEC_T, 0, 0, 0, "AuthMethod=None", 16);
	/* the operational offer takes some 300 bytes */
	n = login_conv_next(&S.c, S.rsp, len, S.req, ISCSI_BHS_LEN + 64, S.err,
		sizeof(S.err));
	if (n == 0)
		fail_msg("login_conv_next() returned 0 (full feature) with status"
			" %d, step %u, no request written", S.c.status, S.c.step);
	assert_int_equal(n, -1);
	assert_int_not_equal(S.c.status, LOGIN_STATUS_OK);
}

/* ---- 11. secrets ---- */

/* Every request and every error line of the tests above went through
 * no_secret_in(); here the paths that handle secrets most, once more,
 * with a count that proves the search ran. */
static void no_request_or_error_line_carries_a_secret(void **state)
{
	uint8_t chal[16], id, digest[16];
	char ours[2 + 2 * 16 + 1], theirs[2 + 2 * 16 + 1];

	(void)state;
	/* a secret in a buffer is found */
	assert_non_null(memmem("x=" SECRET, sizeof("x=" SECRET), SECRET,
		strlen(SECRET)));

	id = mutual_exchange(chal);
	assert_true(S.scans >= 3);
	assert_non_null(req_value("CHAP_R"));
	assert_null(memmem(S.req, (size_t)S.reqlen, SECRET, strlen(SECRET)));
	snprintf(ours, sizeof(ours), "%s", req_value("CHAP_R"));
	/* the target's wrong response: neither CHAP_R in the error line */
	chap_ref(EVP_md5(), id, "wrong", chal, 16, digest);
	to_hex(digest, 16, theirs);
	assert_int_equal(target_answers(USER_IN, "wrong", id, chal), -1);
	assert_null(strstr(S.err, ours + 2));
	assert_null(strstr(S.err, theirs + 2));
	assert_null(strstr(S.err, SECRET_IN));
	assert_null(strstr(S.err, SECRET));

	/* authentication failed after our CHAP_R */
	reset();
	one_way();
	begin();
	chap_exchange("5", "5", 58, CHAL16_HEX, chal16, 16, EVP_md5());
	snprintf(ours, sizeof(ours), "%s", req_value("CHAP_R"));
	assert_int_equal(status(2, 1, NULL, 0), -1);
	assert_null(strstr(S.err, ours + 2));
	assert_null(strstr(S.err, SECRET));

	/* a CHAP_A we did not offer */
	reset();
	mutual();
	begin();
	assert_true(RESPOND(SEC, "AuthMethod=CHAP") > 0);
	assert_int_equal(RESPOND(SEC, "CHAP_A=6\0CHAP_I=1\0CHAP_C=0x01"), -1);
	assert_null(strstr(S.err, SECRET));
	assert_null(strstr(S.err, SECRET_IN));
	assert_true(S.scans >= 4);
}

/* A target refusing our CHAP_A list (tgtd knows MD5 only): the line
 * names the algorithms offered, and the -A option. */
static void refused_chap_a_names_the_algorithms(void **state)
{
	(void)state;
	reset();
	one_way();
	begin();
	assert_true(RESPOND(SEC, "AuthMethod=CHAP") > 0);
	expect_failure(status(2, 0, NULL, 0), LOGIN_STATUS_FINAL,
		"initiator error (status 0x0200), answering CHAP_A=5 (does it speak"
		" these CHAP algorithms? see -A)");
}

/* tgtd takes CHAP_A=7, then refuses the SHA-256 response it checks as
 * SHA-1 (status 0x0200): the line names the algorithm and -A. */
static void refused_sha256_response_names_the_algorithm(void **state)
{
	static const char chal[] = "CHAP_A=7\0CHAP_I=1\0CHAP_C=" CHAL16_HEX;

	(void)state;
	reset();
	one_way();
	S.c.hashes = hash_sha256_md5;	/* SHA-256 alone */
	S.c.nhashes = 1;
	begin();
	assert_true(RESPOND(SEC, "AuthMethod=CHAP") > 0);
	assert_true(respond(SEC, chal, sizeof(chal)) > 0);
	expect_failure(status(2, 0, NULL, 0), LOGIN_STATUS_FINAL,
		"initiator error (status 0x0200), after CHAP with SHA-256 (does it"
		" check SHA-256 responses? see -A)");
}

/* ---- TargetAddress (redirects) ---- */

static void target_address_forms(void **state)
{
	static const struct {
		const char *v, *host;
		unsigned port;
	} ok[] = {
		{ "10.0.0.9:3261,1", "10.0.0.9", 3261 },
		{ "10.0.0.9", "10.0.0.9", 3260 },
		{ "10.0.0.9,2", "10.0.0.9", 3260 },
		{ "[fd00::9]:860,1", "fd00::9", 860 },
		{ "[fd00::9]", "fd00::9", 3260 },
		{ "san.example:3262", "san.example", 3262 },
	};
	static const char *const bad[] = {
		"", ":3260", "[fd00::9", "[]:3260", "10.0.0.9:", "10.0.0.9:0",
		"10.0.0.9:65536", "10.0.0.9:32x", "10.0.0.9:-1", "[fd00::9]x",
		"10.0.0.9:3260x", "10.0.0.9:0x10", "10.0.0.9:18446744073709555876",
		"a-host-name-longer-than-the-buffer-the-caller-gave.example.org.x",
	};
	char host[64];
	unsigned port, i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		port = 0;
		if (login_target_address(ok[i].v, host, sizeof(host), &port) != 0
		 || strcmp(host, ok[i].host) != 0 || port != ok[i].port)
			fail_msg("'%s': got '%s' port %u", ok[i].v, host, port);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (login_target_address(bad[i], host, 48, &port) != -1)
			fail_msg("'%s' was taken: '%s' port %u", bad[i], host, port);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup(name, setup)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(target_address_forms),
		cmocka_unit_test(refused_chap_a_names_the_algorithms),
		cmocka_unit_test(refused_sha256_response_names_the_algorithm),
		T(login_without_chap_reaches_full_feature),
		T(target_that_stays_in_security_gets_an_empty_request),
		T(keys_the_target_offers_are_answered_before_full_feature),
		T(chap_md5_one_way_with_a_hex_challenge),
		T(chap_md5_one_way_with_a_base64_challenge),
		T(chap_sha256_offered_first_and_picked),
		T(chap_md5_picked_from_sha256_and_md5),
		T(target_choosing_none_for_one_way_chap_is_taken),
		T(mutual_chap_checks_the_target_and_succeeds),
		T(mutual_chap_with_a_wrong_target_response_fails),
		T(mutual_chap_response_to_another_id_fails),
		T(mutual_chap_with_a_wrong_target_name_fails),
		T(mutual_chap_without_the_target_answer_fails),
		T(mutual_chap_challenge_equal_to_the_targets_is_retried),
		T(mutual_chap_configured_but_target_chooses_none_fails),
		T(mutual_chap_none_refusal_does_not_contradict_the_offer),
		T(each_status_class_ends_the_login_as_it_says),
		T(authentication_failure_after_chap_is_final),
		T(redirect_in_the_operational_stage_names_the_address),
		T(redirect_to_a_too_long_address_is_no_usable_one),
		T(chap_challenge_continued_over_two_responses_is_joined),
		T(operational_answer_continued_over_three_responses),
		T(continued_text_longer_than_a_login_pdu_fails),
		T(target_that_never_sets_t_is_given_up),
		T(target_that_continues_forever_is_given_up),
		T(login_of_exactly_the_most_requests_completes),
		T(response_with_another_isid_fails),
		T(response_with_another_isid_later_fails),
		T(response_in_another_stage_fails),
		T(response_in_another_version_fails),
		T(truncated_response_fails),
		T(response_that_is_no_login_response_fails),
		T(security_answers_that_break_the_rules_fail),
		T(chap_values_that_break_the_rules_fail),
		T(final_response_without_tsih_fails),
		T(operational_stage_moving_elsewhere_fails),
		T(response_after_full_feature_fails),
		T(operational_answer_out_of_range_names_the_key),
		T(first_burst_is_cut_to_the_max_burst_the_target_allows),
		T(required_digest_the_target_never_answers_fails),
		T(names_that_do_not_fit_are_refused),
		T(request_too_big_for_the_buffer_is_no_success),
		T(no_request_or_error_line_carries_a_secret),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
