/* libFuzzer target for what an iSCSI target controls at login: any bytes
 * go through login_rsp_parse() as a Login Response, its text through
 * text_next(), login_nego_response() and login_status(), and the same
 * bytes as text directly, as CHAP_A, CHAP_I and a CHAP_C / CHAP_R binary
 * value.  The same bytes, cut into PDUs as their headers say, are the
 * target's responses in one login conversation (login_conv_next()):
 * without CHAP, with one-way or with mutual CHAP as the first response's
 * ITT picks, taking over from the start, the CHAP exchange or the
 * operational stage as the first response's text and stage say.  The
 * invariants: nothing is read outside the input (ASan), a parsed PDU
 * lies within it, error lines are one printable line, the negotiated
 * values stay within RFC 7143's ranges and our offer, our reply is
 * well-formed text, every request is a well-formed immediate Login
 * Request holding no secret the input did not hold, at most
 * LOGIN_PDUS_MAX of them, and a login with mutual CHAP configured
 * succeeds only when the target proved the mutual secret. */
#define _GNU_SOURCE 1	/* memmem */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../applet/login_pdu.h"
#include "../../applet/chap.h"
#include "../../applet/login.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_line(const char *s, size_t size)
{
	size_t i, n = strnlen(s, size);

	check(n > 0 && n < size);
	for (i = 0; i < n; i++)
		check((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f);
}

static void check_text(const char *data, size_t len)
{
	struct text_kv kv;
	size_t pos = 0;
	char err[160];
	int rc;

	while ((rc = text_next(data, len, &pos, &kv, err, sizeof(err))) == 1) {
		check(kv.key >= data && kv.value + kv.valuelen < data + len);
		check(kv.keylen > 0 && kv.keylen <= ISCSI_KEY_MAX);
		check(memchr(kv.key, '=', kv.keylen) == NULL);
		check(kv.value[kv.valuelen] == '\0');
	}
	if (rc < 0)
		check_line(err, sizeof(err));
	else
		check(pos == len);
}

static void fuzz_nego(const char *data, size_t len)
{
	static char reply[ISCSI_TEXT_MAX];
	struct login_params ours;
	struct login_nego n;
	size_t replylen = 0;
	char err[160], buf[1024];
	size_t blen = 0;
	const struct login_params *r = &n.result;

	login_params_default(&ours);
	ours.header_digest = LOGIN_DIGEST_CRC32C;
	ours.max_recv_dsl = 262144;
	ours.initial_r2t = 0;
	login_nego_init(&n, &ours);
	if (len & 1)			/* half the time the target offers first */
		check(login_nego_offer(&n, buf, sizeof(buf), &blen) == 0);
	memset(err, 0, sizeof(err));
	if (login_nego_response(&n, data, len, reply, sizeof(reply), &replylen,
			err, sizeof(err)) != 0) {
		check_line(err, sizeof(err));
		return;
	}
	check_text(reply, replylen);
	if (login_nego_finish(&n, err, sizeof(err)) != 0) {
		check_line(err, sizeof(err));
		return;
	}
	check(r->header_digest <= LOGIN_DIGEST_CRC32C);
	check(r->data_digest == LOGIN_DIGEST_NONE);	/* only None offered */
	check(r->max_xmit_dsl >= 512 && r->max_xmit_dsl <= 16777215);
	check(r->max_burst >= 512 && r->max_burst <= 262144);
	check(r->first_burst >= 512 && r->first_burst <= r->max_burst);
	check(r->max_connections == 1);
	check(r->default_time2wait >= 2 && r->default_time2wait <= 3600);
	check(r->default_time2retain <= 20);
	check(r->max_outstanding_r2t == 1);
	check(r->error_recovery_level == 0);
	check(r->initial_r2t <= 1 && r->immediate_data <= 1);
	check(r->data_pdu_in_order == 1 && r->data_seq_in_order == 1);
	check(r->tpgt >= -1 && r->tpgt <= 65535);
	check(strlen(n.redirect) <= ISCSI_VALUE_MAX);
}

static void md5ish(const void *parts[], const size_t lens[], unsigned n,
		uint8_t *out)
{
	unsigned i;
	size_t j;

	memset(out, 0, 16);
	for (i = 0; i < n; i++)
		for (j = 0; j < lens[i]; j++)
			out[j % 16] ^= ((const uint8_t *)parts[i])[j];
}

static void fuzz_chap(const char *data, size_t len)
{
	static const struct chap_hash h[] = {
		{ "MD5", CHAP_MD5, 16, md5ish },
		{ "SHA-256", CHAP_SHA256, 32, md5ish },	/* only its number counts */
	};
	static uint8_t out[CHAP_CHALLENGE_MAX];
	char err[160];
	uint8_t id;
	long n;
	const struct chap_hash *sel;

	memset(err, 0, sizeof(err));
	sel = chap_a_select(data, len, h, 2, err, sizeof(err));
	if (sel)
		check(sel == &h[0] || sel == &h[1]);
	else
		check_line(err, sizeof(err));
	chap_parse_id(data, len, &id);
	n = chap_decode(data, len, out, sizeof(out));
	check(n >= -1 && n <= (long)sizeof(out));
	check(n != 0);
	memset(err, 0, sizeof(err));
	if (chap_verify(&h[0], 1, "s", 1, (const uint8_t *)"c", 1, data, len,
			err, sizeof(err)) != 0)
		check_line(err, sizeof(err));
}

/* ---- one whole login conversation ---- */

#define SECRET "fuzz-0ne-way-s3cret"
#define SECRET_IN "fuzz-mutua1-s3cret"

/* Stand-ins for the hashes: deterministic, every output byte written. */
static void fake(const void *parts[], const size_t lens[], unsigned n,
		uint8_t *out, unsigned len)
{
	unsigned i;
	size_t j, k = 0;

	memset(out, 0x5a, len);
	for (i = 0; i < n; i++)
		for (j = 0; j < lens[i]; j++, k++)
			out[k % len] = (uint8_t)(out[k % len] * 31
				+ ((const uint8_t *)parts[i])[j]);
}

static void fake16(const void *parts[], const size_t lens[], unsigned n,
		uint8_t *out)
{
	fake(parts, lens, n, out, 16);
}

static void fake32(const void *parts[], const size_t lens[], unsigned n,
		uint8_t *out)
{
	fake(parts, lens, n, out, 32);
}

static const struct chap_hash conv_hashes[] = {
	{ "SHA-256", CHAP_SHA256, 32, fake32 },
	{ "MD5", CHAP_MD5, 16, fake16 },
};

/* the ISID of the seeds in mk/tests.mk */
static const uint8_t conv_isid[6] = { 0x00, 0x02, 0x3d, 0x00, 0x00, 0x01 };

static int has_secret(const void *buf, size_t len)
{
	return memmem(buf, len, SECRET, sizeof(SECRET) - 1)
		|| memmem(buf, len, SECRET_IN, sizeof(SECRET_IN) - 1);
}

/* Set when the input holds a secret itself: a key name or a value the
 * target sent may come back in a request or an error line. */
static int echo;

static void check_no_secret(const void *buf, size_t len)
{
	check(echo || !has_secret(buf, len));
}

/* A request the conversation wrote: an immediate Login Request, its
 * length as its header says, its text well-formed, no secret. */
static void check_request(const struct login_conv *c, const uint8_t *pdu,
		long n)
{
	size_t dsl;

	check(n >= ISCSI_BHS_LEN && n <= ISCSI_LOGIN_PDU_MAX && n % 4 == 0);
	check(pdu[0] == (ISCSI_OP_IMMEDIATE | ISCSI_OP_LOGIN_REQ));
	check(!(pdu[1] & ISCSI_LOGIN_CONTINUE));
	check(memcmp(pdu + 8, conv_isid, 6) == 0);
	dsl = (size_t)pdu[5] << 16 | (size_t)pdu[6] << 8 | pdu[7];
	check(ISCSI_BHS_LEN + ((dsl + 3) & ~(size_t)3) == (size_t)n);
	check_text((const char *)pdu + ISCSI_BHS_LEN, dsl);
	check_no_secret(pdu, (size_t)n);
	check(c->pdus <= LOGIN_PDUS_MAX);
}

/* What the initiator is configured with: the first response's ITT
 * (login.c leaves the ITT to its caller), modulo 3, picks it; the
 * seeds' ITT gives one-way CHAP. */
enum { M_ONE_WAY, M_NONE, M_MUTUAL, NMODES };

/* Where the fuzzed responses take over: a fresh conversation; one whose
 * target chose CHAP (the first response's text starts with a CHAP_ key);
 * or one in the operational stage (the first response's CSG is 1). */
enum { AT_START, AT_CHAP, AT_OPERATIONAL, NSTAGES };

/* A Login Response from the built-in target: T, C, CSG, NSG in flags. */
static size_t make_rsp(uint8_t *out, unsigned flags, const char *text,
		size_t len)
{
	size_t total = ISCSI_BHS_LEN + ((len + 3) & ~(size_t)3);

	memset(out, 0, total);
	out[0] = ISCSI_OP_LOGIN_RSP;
	out[1] = (uint8_t)flags;
	out[5] = (uint8_t)(len >> 16);
	out[6] = (uint8_t)(len >> 8);
	out[7] = (uint8_t)len;
	memcpy(out + 8, conv_isid, 6);
	out[27] = 1;			/* StatSN */
	memcpy(out + ISCSI_BHS_LEN, text, len);
	return total;
}

/* One built-in response, which the conversation must answer. */
static void feed(struct login_conv *c, unsigned flags, const char *text,
		size_t len)
{
	static uint8_t rsp[1024], pdu[ISCSI_LOGIN_PDU_MAX];
	char err[160];
	size_t n = make_rsp(rsp, flags, text, len);

	check_request(c, pdu, login_conv_next(c, rsp, n, pdu, sizeof(pdu),
		err, sizeof(err)));
}
#define FEED(c, flags, lit) feed(c, flags, lit, sizeof(lit))

enum {
	SEC = ISCSI_STAGE_SECURITY << 2,
	SEC_T = ISCSI_LOGIN_TRANSIT | SEC | ISCSI_STAGE_OPERATIONAL,
};

/* The conversation for a mode and a stage: made (through the built-in
 * target's responses) and checked once, copied for each input. */
static const struct login_conv *conv_at(unsigned mode, unsigned stage)
{
	static struct login_conv t[NMODES][NSTAGES];
	static int made[NMODES][NSTAGES];
	static uint8_t pdu[ISCSI_LOGIN_PDU_MAX];
	struct login_conv *c = &t[mode][stage];
	char err[160], text[256];
	uint8_t resp[CHAP_DIGEST_MAX];
	unsigned i;
	size_t tl = 0;

	if (made[mode][stage])
		return c;
	made[mode][stage] = 1;
	c->initiator = "iqn.2026-11.org.example:client";
	c->target = "iqn.2026-11.org.example:disk";
	if (mode != M_NONE) {
		c->user = "alice";
		c->secret = SECRET;
	}
	if (mode == M_MUTUAL) {
		c->user_in = "tgt";
		c->secret_in = SECRET_IN;
	}
	c->hashes = mode == M_MUTUAL ? conv_hashes : conv_hashes + 1;
	c->nhashes = mode == M_MUTUAL ? 2 : 1;
	for (i = 0; i < sizeof(c->rnd); i++)
		c->rnd[i] = (uint8_t)(0x11 * i + 3);
	memcpy(c->isid, conv_isid, 6);
	c->cmdsn = 1;
	login_params_default(&c->ours);
	c->ours.header_digest = LOGIN_DIGEST_CRC32C;
	c->ours.max_recv_dsl = 262144;
	c->ours.initial_r2t = 0;
	echo = 0;
	check_request(c, pdu, (long)login_conv_start(c, pdu, sizeof(pdu), err,
		sizeof(err)));
	if (stage == AT_START)
		return c;
	if (mode == M_NONE) {
		if (stage == AT_OPERATIONAL)
			FEED(c, SEC_T, "AuthMethod=None\0TargetPortalGroupTag=1");
		return c;
	}
	FEED(c, SEC, "AuthMethod=CHAP");
	if (stage == AT_CHAP)
		return c;
	FEED(c, SEC, "CHAP_A=7,5\0CHAP_I=1\0"
		"CHAP_C=0x0f1e2d3c4b5a69788796a5b4c3d2e1f0");
	if (mode == M_MUTUAL) {	/* the built-in target knows the secret */
		chap_response(c->hash, c->mid, SECRET_IN, sizeof(SECRET_IN) - 1,
			c->rnd + 1, sizeof(c->rnd) - 1, resp);
		check(text_add(text, sizeof(text), &tl, "CHAP_N", "tgt") == 0);
		memcpy(text + tl, "CHAP_R=", 7);
		check(chap_encode_hex(resp, c->hash->len, text + tl + 7,
			sizeof(text) - tl - 7) == 0);
		tl += strlen(text + tl) + 1;
	}
	check(text_add(text, sizeof(text), &tl, "TargetPortalGroupTag", "1") == 0);
	feed(c, SEC_T, text, tl);
	return c;
}

/* The next PDU's length as its header says, or the rest of the input. */
static size_t pdu_len(const uint8_t *p, size_t left)
{
	size_t dsl, total;

	if (left < ISCSI_BHS_LEN)
		return left;
	dsl = (size_t)p[5] << 16 | (size_t)p[6] << 8 | p[7];
	total = ISCSI_BHS_LEN + (size_t)p[4] * 4 + ((dsl + 3) & ~(size_t)3);
	return total < left ? total : left;
}

/* Does the input (its PDUs' data segments joined) hold a CHAP_R that
 * answers our mutual challenge with the mutual secret? */
static int target_proved(const struct login_conv *c, const uint8_t *data,
		size_t size)
{
	static char text[ISCSI_TEXT_MAX * 2 + 1];
	size_t pos = 0, tl = 0, len, dsl;
	const char *r = text, *end;

	if (!c->hash)
		return 0;
	while (pos < size) {
		const uint8_t *h = data + pos;
		size_t start = len = pdu_len(h, size - pos);

		if (len >= ISCSI_BHS_LEN)
			start = ISCSI_BHS_LEN + (size_t)h[4] * 4;
		if (len > start) {	/* its data segment, as much as is there */
			dsl = (size_t)h[5] << 16 | (size_t)h[6] << 8 | h[7];
			if (dsl > len - start)
				dsl = len - start;
			if (dsl > sizeof(text) - 1 - tl)
				dsl = sizeof(text) - 1 - tl;
			memcpy(text + tl, h + start, dsl);
			tl += dsl;
		}
		pos += len;
	}
	text[tl] = '\0';
	while ((r = memmem(r, (size_t)(text + tl - r), "CHAP_R=", 7)) != NULL) {
		r += 7;
		end = memchr(r, '\0', (size_t)(text + tl - r) + 1);
		if (chap_verify(c->hash, c->rnd[0], SECRET_IN,
				sizeof(SECRET_IN) - 1, c->rnd + 1, sizeof(c->rnd) - 1,
				r, (size_t)(end - r), NULL, 0) == 0)
			return 1;
	}
	return 0;
}

/* The input, cut into PDUs as their headers say (the first one whole),
 * as the target's responses. */
static void fuzz_conv(const uint8_t *data, size_t size)
{
	static struct login_conv c;
	static uint8_t pdu[ISCSI_LOGIN_PDU_MAX];
	const struct login_params *r = &c.nego.result;
	unsigned mode = data[19] % NMODES, stage = AT_START;
	size_t pos = 0, off = ISCSI_BHS_LEN + (size_t)data[4] * 4;
	char err[160];
	long n;

	if ((data[1] >> 2 & 3) == ISCSI_STAGE_OPERATIONAL)
		stage = AT_OPERATIONAL;
	else if (mode != M_NONE && size >= off + 5
	      && memcmp(data + off, "CHAP_", 5) == 0)
		stage = AT_CHAP;
	c = *conv_at(mode, stage);
	echo = has_secret(data, size);
	while (pos < size) {
		size_t len = pdu_len(data + pos, size - pos);

		memset(err, 0, sizeof(err));
		n = login_conv_next(&c, data + pos, len, pdu, sizeof(pdu), err,
			sizeof(err));
		pos += len;
		if (n < 0) {
			check_line(err, sizeof(err));
			check_no_secret(err, sizeof(err));
			check(c.status == LOGIN_STATUS_REDIRECT
			   || c.status == LOGIN_STATUS_RETRY
			   || c.status == LOGIN_STATUS_FINAL);
			if (c.status == LOGIN_STATUS_REDIRECT)
				check(c.redirect[0] != '\0');
			return;
		}
		if (n > 0) {
			check_request(&c, pdu, n);
			continue;
		}
		/* full feature */
		check(c.status == LOGIN_STATUS_OK && c.tsih_new != 0);
		check(c.tpgt >= -1 && c.tpgt <= 65535);
		check(r->max_burst >= 512 && r->max_burst <= 262144);
		check(r->first_burst >= 512 && r->first_burst <= r->max_burst);
		check(r->max_xmit_dsl >= 512 && r->max_xmit_dsl <= 16777215);
		check(r->max_recv_dsl == 262144);
		check(r->error_recovery_level == 0 && r->max_connections == 1);
		check(r->data_digest == LOGIN_DIGEST_NONE);
		check(strcmp(c.auth, "None") == 0 || (mode != M_NONE
			&& strncmp(c.auth, "CHAP (", 6) == 0));
		if (mode == M_MUTUAL) {	/* the target proved the mutual secret */
			check(strstr(c.auth, ", mutual") != NULL);
			check(stage == AT_OPERATIONAL || target_proved(&c, data, size));
		}
		if (pos < size) {	/* nothing more after full feature */
			n = login_conv_next(&c, data + pos, size - pos, pdu,
				sizeof(pdu), err, sizeof(err));
			check(n == -1);
		}
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct login_rsp r;
	size_t need = 0;
	char err[160], msg[80];
	long n;

	memset(err, 0, sizeof(err));
	n = login_rsp_parse(data, size, &r, &need, err, sizeof(err));
	if (n < 0) {
		check_line(err, sizeof(err));
	} else if (n == 0) {
		check(need > size || size < ISCSI_BHS_LEN);
		check(need >= ISCSI_BHS_LEN && need <= ISCSI_BHS_LEN + 1020 + ISCSI_TEXT_MAX);
	} else {
		check((size_t)n <= size && (size_t)n == need && n % 4 == 0);
		check((const uint8_t *)r.data >= data + ISCSI_BHS_LEN);
		check((const uint8_t *)r.data + r.datalen <= data + n);
		check(r.datalen <= ISCSI_TEXT_MAX);
		check(!(r.transit && r.cont));
		check_text(r.data, r.datalen);
		fuzz_nego(r.data, r.datalen);
		login_status(r.status_class, r.status_detail, msg, sizeof(msg));
		check_line(msg, sizeof(msg));
	}
	/* the same bytes as text and CHAP values */
	if (size <= ISCSI_TEXT_MAX) {
		check_text((const char *)data, size);
		fuzz_nego((const char *)data, size);
		fuzz_chap((const char *)data, size);
	}
	/* the same bytes as the target's responses in a login, when they
	 * start with a whole one */
	if (n > 0)
		fuzz_conv(data, size);
	return 0;
}
