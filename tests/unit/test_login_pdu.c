/* Unit tests of the iSCSI login PDUs and text keys (applet/login_pdu.c):
 * Login Requests and Responses byte for byte as RFC 7143 section 11.12
 * and 11.13 lay them out, lengths that lie, key=value text, the
 * negotiation of the operational keys with targets that answer out of
 * range, out of order, NotUnderstood or Reject, and what each login
 * status class means. */
#define _GNU_SOURCE 1	/* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../../applet/login_pdu.h"

static char err[256];

/* ---- Login Request ---- */

static const struct login_req req_op = {
	.transit = 1, .csg = ISCSI_STAGE_OPERATIONAL,
	.nsg = ISCSI_STAGE_FULL_FEATURE,
	.isid = { 0x00, 0x02, 0x3d, 0x00, 0x00, 0x01 },
	.tsih = 0, .itt = 0x12345678, .cid = 1, .cmdsn = 5,
	.expstatsn = 0x0a0b0c0d,
};

static void login_request_is_laid_out_as_rfc_7143_says(void **state)
{
	static const char data[] = "HeaderDigest=None";	/* 18 bytes with NUL */
	static const uint8_t want[48 + 20] = {
		0x43,			/* I bit, opcode 0x03 */
		0x87,			/* T, CSG 1 (bits 3-2), NSG 3 */
		0x00, 0x00,		/* Version-max, Version-min */
		0x00,			/* TotalAHSLength */
		0x00, 0x00, 0x12,	/* DataSegmentLength 18 */
		0x00, 0x02, 0x3d, 0x00, 0x00, 0x01,	/* ISID */
		0x00, 0x00,		/* TSIH */
		0x12, 0x34, 0x56, 0x78,	/* ITT */
		0x00, 0x01, 0x00, 0x00,	/* CID, reserved */
		0x00, 0x00, 0x00, 0x05,	/* CmdSN */
		0x0a, 0x0b, 0x0c, 0x0d,	/* ExpStatSN */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		'H', 'e', 'a', 'd', 'e', 'r', 'D', 'i', 'g', 'e', 's', 't',
		'=', 'N', 'o', 'n', 'e', 0, 0, 0,	/* NUL, 2 bytes pad */
	};
	uint8_t out[128];

	(void)state;
	memset(out, 0xee, sizeof(out));
	assert_int_equal(login_req_build(out, sizeof(out), &req_op, data,
		sizeof(data)), sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(out[sizeof(want)], 0xee);	/* nothing beyond */
}

static void login_request_without_transit_sends_no_next_stage(void **state)
{
	struct login_req r = req_op;
	uint8_t out[48];

	(void)state;
	r.transit = 0;
	r.cont = 1;
	r.csg = ISCSI_STAGE_SECURITY;
	assert_int_equal(login_req_build(out, sizeof(out), &r, NULL, 0), 48);
	assert_int_equal(out[1], 0x40);		/* C only, CSG 0, NSG 0 */
	assert_int_equal(out[5] | out[6] | out[7], 0);
}

static void login_request_that_cannot_be_built_is_refused(void **state)
{
	struct login_req r = req_op;
	static char big[ISCSI_TEXT_MAX + 1];
	static uint8_t out[ISCSI_LOGIN_PDU_MAX + 64];

	(void)state;
	assert_int_equal(login_req_build(out, 48 + 16, &req_op, "x=abcdefghijklmn", 17), 0);
	assert_int_equal(login_req_build(out, 47, &req_op, NULL, 0), 0);
	assert_int_equal(login_req_build(out, sizeof(out), &req_op, big, sizeof(big)), 0);
	assert_int_equal(login_req_build(out, sizeof(out), &req_op, big,
		ISCSI_TEXT_MAX), ISCSI_LOGIN_PDU_MAX);
	r.cont = 1;				/* T and C */
	assert_int_equal(login_req_build(out, sizeof(out), &r, NULL, 0), 0);
	r = req_op;
	r.nsg = 2;				/* reserved stage */
	assert_int_equal(login_req_build(out, sizeof(out), &r, NULL, 0), 0);
}

/* ---- Login Response ---- */

/* A response as tgtd sends it to a security-stage request: T, CSG 0,
 * NSG 1, TSIH 0x0101, StatSN 7, status 0/0, two keys. */
static uint8_t rsp[48 + 40];
static size_t rsp_len;

static void make_rsp(void)
{
	static const uint8_t bhs[48] = {
		0x23, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x27,
		0x00, 0x02, 0x3d, 0x00, 0x00, 0x01, 0x01, 0x01,
		0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0,
		0x00, 0x00, 0x00, 0x07,	/* StatSN */
		0x00, 0x00, 0x00, 0x05,	/* ExpCmdSN */
		0x00, 0x00, 0x00, 0x06,	/* MaxCmdSN */
		0x00, 0x00,		/* status class, detail */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const char text[] = "AuthMethod=None\0TargetPortalGroupTag=1";

	memcpy(rsp, bhs, 48);
	memset(rsp + 48, 0, 40);
	memcpy(rsp + 48, text, sizeof(text));	/* 39 bytes, pad to 40 */
	rsp_len = 48 + 40;
}

static void login_response_is_read_field_by_field(void **state)
{
	static const uint8_t isid[6] = { 0x00, 0x02, 0x3d, 0x00, 0x00, 0x01 };
	struct login_rsp r;
	size_t need, n;
	const char *v;

	(void)state;
	make_rsp();
	assert_int_equal(login_rsp_parse(rsp, rsp_len, &r, &need, err, sizeof(err)), 88);
	assert_int_equal(r.transit, 1);
	assert_int_equal(r.cont, 0);
	assert_int_equal(r.csg, 0);
	assert_int_equal(r.nsg, 1);
	assert_memory_equal(r.isid, isid, 6);
	assert_int_equal(r.tsih, 0x0101);
	assert_int_equal(r.itt, 0x12345678);
	assert_int_equal(r.statsn, 7);
	assert_int_equal(r.expcmdsn, 5);
	assert_int_equal(r.maxcmdsn, 6);
	assert_int_equal(r.status_class, 0);
	assert_int_equal(r.datalen, 39);
	assert_ptr_equal(r.data, (const char *)rsp + 48);
	v = text_find(r.data, r.datalen, "TargetPortalGroupTag", &n);
	assert_non_null(v);
	assert_int_equal(n, 1);
	assert_int_equal(v[0], '1');
}

static void login_response_status_and_ahs_are_read(void **state)
{
	struct login_rsp r;
	uint8_t b[48 + 8 + 4];
	size_t need;

	(void)state;
	memset(b, 0, sizeof(b));
	b[0] = 0x23;
	b[4] = 2;				/* 8 bytes of AHS */
	b[7] = 3;				/* data "a=\0", padded to 4 */
	b[36] = 2;
	b[37] = 1;
	memcpy(b + 56, "a=", 3);
	assert_int_equal(login_rsp_parse(b, sizeof(b), &r, &need, err, sizeof(err)), 60);
	assert_int_equal(r.status_class, 2);
	assert_int_equal(r.status_detail, 1);
	assert_ptr_equal(r.data, (const char *)b + 56);
	assert_int_equal(r.datalen, 3);
}

static void truncated_response_asks_for_more(void **state)
{
	struct login_rsp r;
	size_t need = 0;

	(void)state;
	make_rsp();
	assert_int_equal(login_rsp_parse(rsp, 47, &r, &need, err, sizeof(err)), 0);
	assert_int_equal(need, 48);
	assert_int_equal(login_rsp_parse(rsp, 48, &r, &need, err, sizeof(err)), 0);
	assert_int_equal(need, 88);
	/* the padding counts: 87 bytes hold the data but not its pad */
	assert_int_equal(login_rsp_parse(rsp, 87, &r, &need, err, sizeof(err)), 0);
	assert_int_equal(need, 88);
}

static void response_whose_length_lies_is_not_read_past_the_buffer(void **state)
{
	struct login_rsp r;
	size_t need;

	(void)state;
	make_rsp();
	rsp[7] = 0x80;				/* claims 0x27 -> 0x80 bytes */
	assert_int_equal(login_rsp_parse(rsp, rsp_len, &r, &need, err, sizeof(err)), 0);
	assert_int_equal(need, 48 + 128);
	rsp[5] = 0x01;				/* 65664 bytes: more than 8192 */
	assert_int_equal(login_rsp_parse(rsp, rsp_len, &r, &need, err, sizeof(err)), -1);
	assert_string_equal(err, "login response: DataSegmentLength 65664");
	make_rsp();
	rsp[4] = 0xff;				/* 1020 bytes of AHS */
	assert_int_equal(login_rsp_parse(rsp, rsp_len, &r, &need, err, sizeof(err)), 0);
	assert_int_equal(need, 48 + 1020 + 40);
}

static void response_that_is_no_login_response_is_refused(void **state)
{
	struct login_rsp r;
	size_t need;

	(void)state;
	make_rsp();
	rsp[0] = 0x21;
	assert_int_equal(login_rsp_parse(rsp, rsp_len, &r, &need, err, sizeof(err)), -1);
	assert_string_equal(err, "login response: opcode 0x21");
	make_rsp();
	rsp[1] = 0xc1;
	assert_int_equal(login_rsp_parse(rsp, rsp_len, &r, &need, err, sizeof(err)), -1);
	assert_string_equal(err, "login response: flags 0xc1 (T, C, CSG, NSG)");
	make_rsp();
	rsp[1] = 0x82;
	assert_int_equal(login_rsp_parse(rsp, rsp_len, &r, &need, err, sizeof(err)), -1);
	assert_string_equal(err, "login response: flags 0x82 (T, C, CSG, NSG)");
	make_rsp();
	rsp[1] = 0x08;
	assert_int_equal(login_rsp_parse(rsp, rsp_len, &r, &need, err, sizeof(err)), -1);
	assert_string_equal(err, "login response: flags 0x08 (T, C, CSG, NSG)");
}

/* ---- text keys ---- */

static void text_pairs_are_written_and_read_back(void **state)
{
	char buf[64];
	size_t len = 0, pos = 0, n;
	struct text_kv kv;

	(void)state;
	assert_int_equal(text_add(buf, sizeof(buf), &len, "InitiatorName",
		"iqn.2026-11.org.example:h"), 0);
	assert_int_equal(text_add(buf, sizeof(buf), &len, "X-com.example.k", ""), 0);
	assert_int_equal(len, 40 + 17);
	assert_memory_equal(buf, "InitiatorName=iqn.2026-11.org.example:h\0"
		"X-com.example.k=\0", len);
	assert_int_equal(text_next(buf, len, &pos, &kv, err, sizeof(err)), 1);
	assert_int_equal(kv.keylen, 13);
	assert_int_equal(kv.valuelen, 25);
	assert_int_equal(text_next(buf, len, &pos, &kv, err, sizeof(err)), 1);
	assert_int_equal(kv.valuelen, 0);
	assert_int_equal(text_next(buf, len, &pos, &kv, err, sizeof(err)), 0);
	assert_null(text_find(buf, len, "initiatorname", &n));	/* case counts */
	assert_non_null(text_find(buf, len, "X-com.example.k", &n));
	assert_int_equal(n, 0);
}

static void text_that_does_not_fit_leaves_the_buffer_as_it_was(void **state)
{
	char buf[16];
	size_t len = 0;

	(void)state;
	assert_int_equal(text_add(buf, sizeof(buf), &len, "Key", "value12"), 0);
	assert_int_equal(len, 12);
	assert_int_equal(text_add(buf, sizeof(buf), &len, "K", "ab"), -1);
	assert_int_equal(len, 12);
	assert_int_equal(text_add(buf, sizeof(buf), &len, "K", "a"), 0);
	assert_int_equal(len, 16);
	len = 0;
	assert_int_equal(text_add(buf, sizeof(buf), &len, "", "a"), -1);
	assert_int_equal(text_add(buf, sizeof(buf), &len, "a=b", "a"), -1);
	assert_int_equal(text_add(buf, sizeof(buf), &len, "a b", "a"), -1);
	assert_int_equal(len, 0);
}

struct bad_text {
	const char *data;
	size_t len;
	const char *err;
};

static void malformed_text_is_refused_saying_where(void **state)
{
	static char longkey[80], longval[300];
	struct bad_text c[] = {
		{ "a=b", 3, "login text: bad key=value at byte 0" },
		{ "a=b\0c=d", 7, "login text: bad key=value at byte 4" },
		{ "ab\0", 3, "login text: bad key=value at byte 0" },
		{ "\0\0=b\0", 5, "login text: bad key=value at byte 2" },
		{ longkey, 66, "login text: bad key=value at byte 0" },
		{ longval, 261, "login text: TargetAlias value of 256 bytes" },
	};
	struct text_kv kv;
	size_t i, pos;

	(void)state;
	memset(longkey, 'k', 64);
	memcpy(longkey + 64, "=", 2);
	memcpy(longval, "TargetAlias=", 12);
	memset(longval + 12, 'v', 256);
	longval[268] = '\0';
	c[5].len = 269;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int rc;

		pos = 0;
		while ((rc = text_next(c[i].data, c[i].len, &pos, &kv, err,
				sizeof(err))) == 1)
			;
		if (rc != -1 || strcmp(err, c[i].err) != 0)
			fail_msg("case %zu: %d '%s', want '%s'", i, rc, err, c[i].err);
	}
	/* CHAP_C and CHAP_R may be longer */
	memcpy(longval, "CHAP_C=0x", 9);
	memset(longval + 9, 'a', 280);
	longval[289] = '\0';
	pos = 0;
	assert_int_equal(text_next(longval, 290, &pos, &kv, err, sizeof(err)), 1);
	assert_int_equal(kv.valuelen, 282);
}

/* ---- negotiation ---- */

static struct login_nego nego;
static char reply[1024];
static size_t replylen;

static void start(void)
{
	struct login_params ours;
	char buf[1024];
	size_t len = 0;

	login_params_default(&ours);
	ours.header_digest = LOGIN_DIGEST_CRC32C;
	ours.max_recv_dsl = 262144;
	ours.max_burst = 262144;
	ours.first_burst = 65536;
	ours.initial_r2t = 0;
	ours.immediate_data = 1;
	login_nego_init(&nego, &ours);
	assert_int_equal(login_nego_offer(&nego, buf, sizeof(buf), &len), 0);
	replylen = 0;
	err[0] = '\0';
}

static int answer(const char *text, size_t len)
{
	return login_nego_response(&nego, text, len, reply, sizeof(reply),
		&replylen, err, sizeof(err));
}
#define ANSWER(lit) answer(lit, sizeof(lit))

static void offer_names_every_key_the_kernel_needs(void **state)
{
	static const char want[] =
		"HeaderDigest=CRC32C,None\0DataDigest=None\0"
		"MaxRecvDataSegmentLength=262144\0MaxBurstLength=262144\0"
		"FirstBurstLength=65536\0InitialR2T=No\0ImmediateData=Yes\0"
		"MaxConnections=1\0DataPDUInOrder=Yes\0DataSequenceInOrder=Yes\0"
		"DefaultTime2Wait=2\0DefaultTime2Retain=20\0MaxOutstandingR2T=1\0"
		"ErrorRecoveryLevel=0";
	struct login_params ours;
	char buf[1024], small[100];
	size_t len = 0;

	(void)state;
	login_params_default(&ours);
	ours.header_digest = LOGIN_DIGEST_CRC32C;
	ours.max_recv_dsl = 262144;
	ours.initial_r2t = 0;
	login_nego_init(&nego, &ours);
	assert_int_equal(login_nego_offer(&nego, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, len);
	len = 3;
	assert_int_equal(login_nego_offer(&nego, small, sizeof(small), &len), -1);
	assert_int_equal(len, 3);
}

static void a_larger_first_burst_than_offered_is_refused(void **state)
{
	static const char tgtd[] =
		"ErrorRecoveryLevel=0\0DataDigest=None\0MaxBurstLength=131072\0"
		"TargetPortalGroupTag=1\0HeaderDigest=CRC32C\0"
		"MaxRecvDataSegmentLength=8192\0FirstBurstLength=262144\0"
		"InitialR2T=Yes\0ImmediateData=No\0MaxConnections=1\0"
		"DataPDUInOrder=Yes\0DataSequenceInOrder=Yes\0"
		"DefaultTime2Wait=0x5\0DefaultTime2Retain=0\0MaxOutstandingR2T=1\0"
		"TargetAlias=disk";

	(void)state;
	start();
	/* FirstBurstLength 262144 > 65536 offered: out of range */
	assert_int_equal(ANSWER(tgtd), -1);
	assert_string_equal(err, "target's FirstBurstLength=262144: not what was offered, ours 65536");
}

static void answers_within_the_offer_give_the_result(void **state)
{
	static const char a1[] =
		"ErrorRecoveryLevel=0\0DataDigest=None\0MaxBurstLength=131072\0"
		"TargetPortalGroupTag=1\0HeaderDigest=CRC32C\0"
		"MaxRecvDataSegmentLength=65536";
	static const char a2[] =
		"FirstBurstLength=32768\0InitialR2T=Yes\0ImmediateData=No\0"
		"DataPDUInOrder=Yes\0DataSequenceInOrder=Yes\0"
		"DefaultTime2Wait=0x5\0DefaultTime2Retain=0\0TargetAlias=disk";
	const struct login_params *p = &nego.result;

	(void)state;
	start();
	assert_int_equal(ANSWER(a1), 0);
	assert_int_equal(ANSWER(a2), 0);	/* the rest in a second PDU */
	assert_int_equal(login_nego_finish(&nego, err, sizeof(err)), 0);
	assert_int_equal(replylen, 0);		/* nothing to answer */
	assert_int_equal(p->header_digest, LOGIN_DIGEST_CRC32C);
	assert_int_equal(p->data_digest, LOGIN_DIGEST_NONE);
	assert_int_equal(p->max_recv_dsl, 262144);
	assert_int_equal(p->max_xmit_dsl, 65536);
	assert_int_equal(p->max_burst, 131072);
	assert_int_equal(p->first_burst, 32768);
	assert_int_equal(p->initial_r2t, 1);
	assert_int_equal(p->immediate_data, 0);
	assert_int_equal(p->default_time2wait, 5);
	assert_int_equal(p->default_time2retain, 0);
	assert_int_equal(p->max_connections, 1);	/* never answered */
	assert_int_equal(p->max_outstanding_r2t, 1);
	assert_int_equal(p->tpgt, 1);
}

struct bad_answer {
	const char *text;
	size_t len;
	const char *err;
};
#define BAD(lit, e) { lit, sizeof(lit), e }

static void answers_outside_the_offer_name_key_and_value(void **state)
{
	static const struct bad_answer c[] = {
		BAD("MaxBurstLength=1048576", "target's MaxBurstLength=1048576: not what was offered, ours 262144"),
		BAD("ErrorRecoveryLevel=7", "target's ErrorRecoveryLevel=7: out of range, ours 0"),
		BAD("MaxBurstLength=511", "target's MaxBurstLength=511: out of range, ours 262144"),
		BAD("MaxRecvDataSegmentLength=16777216", "target's MaxRecvDataSegmentLength=16777216: out of range, ours 262144"),
		BAD("MaxConnections=0", "target's MaxConnections=0: out of range, ours 1"),
		BAD("MaxBurstLength=-1", "target's MaxBurstLength=-1: not a number, ours 262144"),
		BAD("MaxBurstLength=99999999999", "target's MaxBurstLength=99999999999: not a number, ours 262144"),
		BAD("MaxBurstLength=0x", "target's MaxBurstLength=0x: not a number, ours 262144"),
		BAD("MaxBurstLength=", "target's MaxBurstLength=: not a number, ours 262144"),
		BAD("DefaultTime2Wait=1", "target's DefaultTime2Wait=1: not what was offered, ours 2"),
		BAD("DataPDUInOrder=No", "target's DataPDUInOrder=No: not what was offered, ours Yes"),
		BAD("ImmediateData=yes", "target's ImmediateData=yes: not Yes or No, ours Yes"),
		BAD("DataDigest=CRC32C", "target's DataDigest=CRC32C: not what was offered, ours None"),
		BAD("HeaderDigest=MD5", "target's HeaderDigest=MD5: not None or CRC32C, ours CRC32C,None"),
		BAD("HeaderDigest=CRC32C,None", "target's HeaderDigest=CRC32C,None: not None or CRC32C, ours CRC32C,None"),
		BAD("MaxBurstLength=65536\0MaxBurstLength=65536", "target's MaxBurstLength=65536: sent twice, ours 262144"),
		BAD("TargetPortalGroupTag=65536", "target's TargetPortalGroupTag=65536: out of range"),
		BAD("MaxBurstLength=\x01\x7f", "target's MaxBurstLength=??: not a number, ours 262144"),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int rc;

		start();
		rc = answer(c[i].text, c[i].len);
		if (rc != -1 || strcmp(err, c[i].err) != 0)
			fail_msg("case %zu: %d '%s', want '%s'", i, rc, err, c[i].err);
	}
}

static void immediate_data_refused_when_offered_no(void **state)
{
	struct login_params ours;
	char buf[1024];
	size_t len = 0;

	(void)state;
	login_params_default(&ours);
	ours.immediate_data = 0;
	login_nego_init(&nego, &ours);
	assert_int_equal(login_nego_offer(&nego, buf, sizeof(buf), &len), 0);
	assert_int_equal(ANSWER("ImmediateData=Yes"), -1);
	assert_string_equal(err, "target's ImmediateData=Yes: not what was offered, ours No");
}

static void not_understood_reject_and_irrelevant_keep_the_default(void **state)
{
	static const char a[] =
		"HeaderDigest=Reject\0FirstBurstLength=Irrelevant\0"
		"MaxBurstLength=NotUnderstood\0X-vendor.key=NotUnderstood";

	(void)state;
	start();
	assert_int_equal(ANSWER(a), 0);
	assert_int_equal(login_nego_finish(&nego, err, sizeof(err)), 0);
	assert_int_equal(nego.result.header_digest, LOGIN_DIGEST_NONE);
	assert_int_equal(nego.result.max_burst, 262144);
	assert_int_equal(nego.result.first_burst, 65536);
	assert_int_equal(replylen, 0);
}

static void a_required_digest_the_target_refuses_fails(void **state)
{
	struct login_params ours;
	char buf[1024];
	size_t len = 0;

	(void)state;
	login_params_default(&ours);
	ours.data_digest = LOGIN_DIGEST_CRC32C_ONLY;
	login_nego_init(&nego, &ours);
	assert_int_equal(login_nego_offer(&nego, buf, sizeof(buf), &len), 0);
	assert_non_null(memmem(buf, len, "DataDigest=CRC32C\0", 18));
	assert_int_equal(ANSWER("DataDigest=Reject"), -1);
	assert_string_equal(err, "target's DataDigest=Reject: ours is required, ours CRC32C");
	login_nego_init(&nego, &ours);
	len = 0;
	assert_int_equal(login_nego_offer(&nego, buf, sizeof(buf), &len), 0);
	assert_int_equal(ANSWER("HeaderDigest=None"), 0);
	assert_int_equal(login_nego_finish(&nego, err, sizeof(err)), -1);
	assert_string_equal(err, "target did not answer DataDigest, ours CRC32C");
}

static void keys_the_target_offers_get_our_answer(void **state)
{
	static const char a[] =
		"MaxBurstLength=1048576\0DefaultTime2Wait=1\0InitialR2T=No\0"
		"ImmediateData=Yes\0HeaderDigest=MD5,CRC32C,None\0"
		"OFMarker=No\0TargetAddress=10.0.0.2:3260,1";
	static const char want[] =
		"MaxBurstLength=262144\0DefaultTime2Wait=2\0InitialR2T=Yes\0"
		"ImmediateData=No\0HeaderDigest=CRC32C\0OFMarker=NotUnderstood";
	struct login_params ours;

	(void)state;
	login_params_default(&ours);	/* nothing offered yet */
	ours.header_digest = LOGIN_DIGEST_CRC32C;
	ours.immediate_data = 0;
	login_nego_init(&nego, &ours);
	replylen = 0;
	assert_int_equal(ANSWER(a), 0);
	assert_int_equal(replylen, sizeof(want));
	assert_memory_equal(reply, want, replylen);
	assert_int_equal(nego.result.max_burst, 262144);
	assert_int_equal(nego.result.header_digest, LOGIN_DIGEST_CRC32C);
	assert_string_equal(nego.redirect, "10.0.0.2:3260,1");
	start();
	nego.offered = 0;
	assert_int_equal(ANSWER("DataDigest=CRC32C"), -1);
	assert_string_equal(err, "target's DataDigest=CRC32C: none of these taken, ours None");
}

static void first_burst_is_cut_to_max_burst(void **state)
{
	(void)state;
	start();
	assert_int_equal(ANSWER("MaxBurstLength=4096"), 0);
	assert_int_equal(login_nego_finish(&nego, err, sizeof(err)), 0);
	assert_int_equal(nego.result.first_burst, 4096);
}

static void malformed_response_text_fails_negotiation(void **state)
{
	(void)state;
	start();
	assert_int_equal(answer("MaxBurstLength=4096", 19), -1);
	assert_string_equal(err, "login text: bad key=value at byte 0");
}

/* ---- status ---- */

static void each_status_class_says_what_to_do(void **state)
{
	static const struct {
		unsigned cls, detail;
		int rc;
		const char *msg;
	} c[] = {
		{ 0, 0, LOGIN_STATUS_OK, "success (status 0x0000)" },
		{ 1, 1, LOGIN_STATUS_REDIRECT, "target moved temporarily (status 0x0101)" },
		{ 1, 2, LOGIN_STATUS_REDIRECT, "target moved permanently (status 0x0102)" },
		{ 1, 9, LOGIN_STATUS_REDIRECT, "target moved (status 0x0109)" },
		{ 2, 0, LOGIN_STATUS_FINAL, "initiator error (status 0x0200)" },
		{ 2, 1, LOGIN_STATUS_FINAL, "authentication failed (status 0x0201)" },
		{ 2, 2, LOGIN_STATUS_FINAL, "authorization failed (forbidden) (status 0x0202)" },
		{ 2, 3, LOGIN_STATUS_RETRY, "target not found (status 0x0203)" },
		{ 2, 4, LOGIN_STATUS_FINAL, "target removed (status 0x0204)" },
		{ 2, 5, LOGIN_STATUS_FINAL, "unsupported version (status 0x0205)" },
		{ 2, 6, LOGIN_STATUS_RETRY, "too many connections (status 0x0206)" },
		{ 2, 7, LOGIN_STATUS_FINAL, "missing parameter (status 0x0207)" },
		{ 2, 0x0b, LOGIN_STATUS_FINAL, "invalid request during login (status 0x020b)" },
		{ 2, 0x42, LOGIN_STATUS_FINAL, "initiator error (status 0x0242)" },
		{ 3, 0, LOGIN_STATUS_RETRY, "target error (status 0x0300)" },
		{ 3, 1, LOGIN_STATUS_RETRY, "service unavailable (status 0x0301)" },
		{ 3, 2, LOGIN_STATUS_RETRY, "out of resources (status 0x0302)" },
		{ 3, 7, LOGIN_STATUS_RETRY, "target error (status 0x0307)" },
		{ 4, 0, LOGIN_STATUS_FINAL, "unknown status class (status 0x0400)" },
	};
	char msg[80];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int rc = login_status(c[i].cls, c[i].detail, msg, sizeof(msg));

		if (rc != c[i].rc || strcmp(msg, c[i].msg) != 0)
			fail_msg("%u/%u: %d '%s', want %d '%s'", c[i].cls, c[i].detail,
				rc, msg, c[i].rc, c[i].msg);
	}
}

/* A recorded class 1 answer: status 0x0101 and where to go instead. */
static void redirect_response_names_the_new_address(void **state)
{
	static const char text[] = "TargetAddress=[2001:db8::2]:3261,2";
	struct login_rsp r;
	char msg[80];
	size_t need, n;
	const char *v;

	(void)state;
	make_rsp();
	rsp[1] = 0x00;				/* no T: the login ends here */
	rsp[7] = sizeof(text);			/* 35 bytes, pad to 36 */
	rsp[36] = 1;
	rsp[37] = 1;
	memset(rsp + 48, 0, 40);
	memcpy(rsp + 48, text, sizeof(text));
	assert_int_equal(login_rsp_parse(rsp, 84, &r, &need, err, sizeof(err)), 84);
	assert_int_equal(login_status(r.status_class, r.status_detail, msg,
		sizeof(msg)), LOGIN_STATUS_REDIRECT);
	assert_string_equal(msg, "target moved temporarily (status 0x0101)");
	v = text_find(r.data, r.datalen, "TargetAddress", &n);
	assert_non_null(v);
	assert_int_equal(n, 20);
	assert_memory_equal(v, "[2001:db8::2]:3261,2", 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_request_is_laid_out_as_rfc_7143_says),
		cmocka_unit_test(login_request_without_transit_sends_no_next_stage),
		cmocka_unit_test(login_request_that_cannot_be_built_is_refused),
		cmocka_unit_test(login_response_is_read_field_by_field),
		cmocka_unit_test(login_response_status_and_ahs_are_read),
		cmocka_unit_test(truncated_response_asks_for_more),
		cmocka_unit_test(response_whose_length_lies_is_not_read_past_the_buffer),
		cmocka_unit_test(response_that_is_no_login_response_is_refused),
		cmocka_unit_test(text_pairs_are_written_and_read_back),
		cmocka_unit_test(text_that_does_not_fit_leaves_the_buffer_as_it_was),
		cmocka_unit_test(malformed_text_is_refused_saying_where),
		cmocka_unit_test(offer_names_every_key_the_kernel_needs),
		cmocka_unit_test(a_larger_first_burst_than_offered_is_refused),
		cmocka_unit_test(answers_within_the_offer_give_the_result),
		cmocka_unit_test(answers_outside_the_offer_name_key_and_value),
		cmocka_unit_test(immediate_data_refused_when_offered_no),
		cmocka_unit_test(not_understood_reject_and_irrelevant_keep_the_default),
		cmocka_unit_test(a_required_digest_the_target_refuses_fails),
		cmocka_unit_test(keys_the_target_offers_get_our_answer),
		cmocka_unit_test(first_burst_is_cut_to_max_burst),
		cmocka_unit_test(malformed_response_text_fails_negotiation),
		cmocka_unit_test(each_status_class_says_what_to_do),
		cmocka_unit_test(redirect_response_names_the_new_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
