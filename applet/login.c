/* One iSCSI login conversation (RFC 7143 sections 6 and 12).  Pure: see
 * login.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "login.h"

static long fail(struct login_conv *c, int status, char *err, size_t errlen,
		const char *fmt, ...)
{
	va_list ap;

	c->status = status;
	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int has(const char *s)
{
	return s && s[0];
}

/* mutual CHAP: we authenticate the target too */
static int mutual(const struct login_conv *c)
{
	return has(c->user_in) && has(c->secret_in);
}

static int is(const char *v, size_t len, const char *s)
{
	return v && len == strlen(s) && memcmp(v, s, len) == 0;
}

/* The next request in the current stage (c->csg) with text (tlen bytes);
 * transit: T bit with next stage nsg.  Its length, or -1 with err set
 * (too many requests, or it does not fit into size bytes). */
static long request(struct login_conv *c, unsigned transit, unsigned nsg,
		const char *text, size_t tlen, uint8_t *pdu, size_t size,
		char *err, size_t errlen)
{
	struct login_req r;
	size_t len;

	if (c->pdus >= LOGIN_PDUS_MAX)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "target still "
			"negotiating after %u login requests", c->pdus);
	memset(&r, 0, sizeof(r));
	r.transit = transit;
	r.csg = c->csg;
	r.nsg = transit ? nsg : 0;
	memcpy(r.isid, c->isid, sizeof(r.isid));
	r.tsih = c->tsih;
	r.cmdsn = c->cmdsn;
	r.expstatsn = c->expstatsn;
	len = login_req_build(pdu, size, &r, text, tlen);
	if (!len)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "login request: "
			"%zu bytes of text do not fit into %zu", tlen, size);
	c->pdus++;
	return (long)len;
}

size_t login_conv_start(struct login_conv *c, uint8_t *pdu, size_t size,
		char *err, size_t errlen)
{
	int chap = has(c->user) && has(c->secret);
	size_t tl = 0;
	long n;

	login_nego_init(&c->nego, &c->ours);
	c->tpgt = -1;
	c->status = LOGIN_STATUS_FINAL;
	c->auth = "None";
	c->step = LOGIN_SEC_START;
	c->csg = ISCSI_STAGE_SECURITY;
	c->pdus = 0;
	c->textlen = 0;
	c->redirect[0] = '\0';
	if (text_add(c->text, sizeof(c->text), &tl, "InitiatorName", c->initiator)
	 || text_add(c->text, sizeof(c->text), &tl, "SessionType", "Normal")
	 || text_add(c->text, sizeof(c->text), &tl, "TargetName", c->target)
	 || text_add(c->text, sizeof(c->text), &tl, "AuthMethod",
			chap ? "CHAP,None" : "None")) {
		fail(c, LOGIN_STATUS_FINAL, err, errlen,
			"login request: the initiator or target name does not fit");
		return 0;
	}
	/* Without credentials we are ready to leave the security stage. */
	n = request(c, !chap, ISCSI_STAGE_OPERATIONAL, c->text, tl, pdu, size,
		err, errlen);
	return n > 0 ? (size_t)n : 0;
}

/* On to the operational stage: offer every key, ask for full feature. */
static long operational_start(struct login_conv *c, uint8_t *pdu, size_t size,
		char *err, size_t errlen)
{
	size_t tl = 0;

	c->csg = ISCSI_STAGE_OPERATIONAL;
	c->step = LOGIN_OPER;
	if (login_nego_offer(&c->nego, c->text, sizeof(c->text), &tl) != 0)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen,
			"login request: the operational keys do not fit");
	return request(c, 1, ISCSI_STAGE_FULL_FEATURE, c->text, tl, pdu, size, err, errlen);
}

/* The target's CHAP_A, CHAP_I and CHAP_C: our CHAP_N and CHAP_R (and,
 * for mutual CHAP, our own CHAP_I and CHAP_C), asking to move on. */
static long chap_answer(struct login_conv *c, const char *text, size_t tl,
		uint8_t *pdu, size_t size, char *err, size_t errlen)
{
	uint8_t chal[CHAP_CHALLENGE_MAX], resp[CHAP_DIGEST_MAX], id;
	char hex[2 + 2 * CHAP_DIGEST_MAX + 1], num[8];
	const char *a, *i, *ch;
	size_t al, il, cl, out = 0;
	long n;

	a = text_find(text, tl, "CHAP_A", &al);
	i = text_find(text, tl, "CHAP_I", &il);
	ch = text_find(text, tl, "CHAP_C", &cl);
	if (!a)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen,
			"target chose CHAP but sent no CHAP_A");
	c->hash = chap_a_select(a, al, c->hashes, c->nhashes, err, errlen);
	if (!c->hash)
		return fail(c, LOGIN_STATUS_FINAL, NULL, 0, NULL);
	if (!i || chap_parse_id(i, il, &id) != 0)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen,
			"target sent no valid CHAP_I (a number from 0 to 255)");
	n = ch ? chap_decode(ch, cl, chal, sizeof(chal)) : -1;
	if (n <= 0)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen,
			"target sent no valid CHAP_C (hex or base64, 1 to %d bytes)",
			CHAP_CHALLENGE_MAX);
	chap_response(c->hash, id, c->secret, strlen(c->secret), chal, n, resp);
	chap_encode_hex(resp, c->hash->len, hex, sizeof(hex));
	memset(resp, 0, sizeof(resp));
	c->textlen = 0;
	if (text_add(c->text, sizeof(c->text), &out, "CHAP_N", c->user) != 0)
		goto big;
	if (text_add(c->text, sizeof(c->text), &out, "CHAP_R", hex) != 0)
		goto big;
	memset(hex, 0, sizeof(hex));
	if (mutual(c)) {
		if (chap_make_challenge(c->rnd, sizeof(c->rnd), chal, n, &c->mid,
				c->mchal, sizeof(c->mchal)) != 0)
			return fail(c, LOGIN_STATUS_RETRY, err, errlen,
				"mutual CHAP: our challenge is the target's; try again");
		snprintf(num, sizeof(num), "%u", c->mid);
		if (text_add(c->text, sizeof(c->text), &out, "CHAP_I", num) != 0
		 || text_add(c->text, sizeof(c->text), &out, "CHAP_C", c->mchal) != 0)
			goto big;
	}
	snprintf(c->auth_buf, sizeof(c->auth_buf), "CHAP (%s)%s", c->hash->name,
		mutual(c) ? ", mutual" : "");
	c->auth = c->auth_buf;
	c->step = LOGIN_SEC_CHAP_R;
	n = request(c, 1, ISCSI_STAGE_OPERATIONAL, c->text, out, pdu, size, err, errlen);
	memset(c->text, 0, out);
	return n;
 big:
	memset(hex, 0, sizeof(hex));
	memset(c->text, 0, sizeof(c->text));
	return fail(c, LOGIN_STATUS_FINAL, err, errlen,
		"login request: CHAP_N does not fit");
}

/* The target's CHAP_N and CHAP_R for our challenge (mutual CHAP). */
static int chap_check(struct login_conv *c, const char *text, size_t tl,
		char *err, size_t errlen)
{
	const char *nm, *r;
	size_t nl, rl;
	char shown[64];

	if (!mutual(c))
		return 0;
	nm = text_find(text, tl, "CHAP_N", &nl);
	r = text_find(text, tl, "CHAP_R", &rl);
	if (!nm || !r)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "mutual CHAP: the "
			"target sent no CHAP_N and CHAP_R for our challenge");
	if (!is(nm, nl, c->user_in))
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "mutual CHAP: the "
			"target answered as CHAP_N=%s, not %s",
			text_plain(shown, sizeof(shown), nm, nl), c->user_in);
	if (chap_verify(c->hash, c->mid, c->secret_in, strlen(c->secret_in),
			c->rnd + 1, sizeof(c->rnd) - 1, r, rl, err, errlen) != 0) {
		c->status = LOGIN_STATUS_FINAL;
		return -1;
	}
	return 0;
}

/* A response in the security stage (its text joined). */
static long security(struct login_conv *c, const struct login_rsp *r,
		const char *text, size_t tl, uint8_t *pdu, size_t size,
		char *err, size_t errlen)
{
	int chap = has(c->user) && has(c->secret);
	const char *am;
	size_t aml, out = 0;
	char shown[32];

	if (r->transit && r->nsg != ISCSI_STAGE_OPERATIONAL)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "login response: "
			"target moves to stage %u, not to the operational stage", r->nsg);
	switch (c->step) {
	case LOGIN_SEC_START:
		am = text_find(text, tl, "AuthMethod", &aml);
		if (is(am, aml, "None")) {
			if (mutual(c))
				return fail(c, LOGIN_STATUS_FINAL, err, errlen,
					"target chose AuthMethod=None, but mutual CHAP is "
					"configured: the target would not be authenticated");
			c->step = LOGIN_SEC_DONE;
			break;
		}
		if (chap && is(am, aml, "CHAP")) {
			char offer[32];

			if (r->transit)
				return fail(c, LOGIN_STATUS_FINAL, err, errlen, "login "
					"response: target leaves the security stage before CHAP");
			if (chap_a_offer(c->hashes, c->nhashes, offer, sizeof(offer)) != 0
			 || text_add(c->text, sizeof(c->text), &out, "CHAP_A", offer) != 0)
				return fail(c, LOGIN_STATUS_FINAL, err, errlen,
					"no CHAP algorithm to offer");
			c->step = LOGIN_SEC_CHAP_A;
			return request(c, 0, 0, c->text, out, pdu, size, err, errlen);
		}
		if (!am)
			return fail(c, LOGIN_STATUS_FINAL, err, errlen,
				"target did not answer AuthMethod");
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "target chose "
			"AuthMethod=%s, which was not offered (%s)",
			text_plain(shown, sizeof(shown), am, aml),
			chap ? "CHAP,None" : "None");
	case LOGIN_SEC_CHAP_A:
		/* RFC 7143 11.13.1 forbids T here (our request had none): a
		 * target leaving before CHAP is done is not taken up on it.  A
		 * T after AuthMethod=None is taken, as open-iscsi takes it. */
		if (r->transit)
			return fail(c, LOGIN_STATUS_FINAL, err, errlen, "login "
				"response: target leaves the security stage before CHAP");
		return chap_answer(c, text, tl, pdu, size, err, errlen);
	case LOGIN_SEC_CHAP_R:
		if (chap_check(c, text, tl, err, errlen) != 0)
			return -1;
		c->step = LOGIN_SEC_DONE;
		break;
	}
	/* Authenticated (or none needed): on once the target agrees. */
	if (r->transit)
		return operational_start(c, pdu, size, err, errlen);
	return request(c, 1, ISCSI_STAGE_OPERATIONAL, NULL, 0, pdu, size, err, errlen);
}

/* A response in the operational stage (its text joined). */
static long operational(struct login_conv *c, const struct login_rsp *r,
		const char *text, size_t tl, uint8_t *pdu, size_t size,
		char *err, size_t errlen)
{
	char reply[1024];
	size_t rl = 0;

	if (login_nego_response(&c->nego, text, tl, reply, sizeof(reply), &rl,
			err, errlen) != 0)
		return fail(c, LOGIN_STATUS_FINAL, NULL, 0, NULL);
	if (c->nego.result.tpgt >= 0)
		c->tpgt = c->nego.result.tpgt;
	if (!r->transit)
		return request(c, 1, ISCSI_STAGE_FULL_FEATURE, reply, rl, pdu, size, err, errlen);
	if (r->nsg != ISCSI_STAGE_FULL_FEATURE)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "login response: "
			"target moves to stage %u, not to full feature", r->nsg);
	if (login_nego_finish(&c->nego, err, errlen) != 0)
		return fail(c, LOGIN_STATUS_FINAL, NULL, 0, NULL);
	if (r->tsih == 0)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen,
			"login response: the final response has TSIH 0");
	c->tsih_new = r->tsih;
	c->step = LOGIN_FULL;
	c->status = LOGIN_STATUS_OK;
	return 0;
}

long login_conv_next(struct login_conv *c, const uint8_t *rsp, size_t len,
		uint8_t *pdu, size_t size, char *err, size_t errlen)
{
	struct login_rsp r;
	struct text_kv kv;
	size_t need, pos = 0, tl;
	const char *v;
	size_t vl;
	char msg[80];
	long n;
	int rc;

	if (c->step == LOGIN_FULL)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen,
			"login response after the login was complete");
	n = login_rsp_parse(rsp, len, &r, &need, err, errlen);
	if (n == 0)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "login response: "
			"%zu bytes, the PDU says %zu", len, need);
	if (n < 0)
		return fail(c, LOGIN_STATUS_FINAL, NULL, 0, NULL);
	if (r.status_class != 0) {
		c->status = login_status(r.status_class, r.status_detail, msg,
			sizeof(msg));
		if (c->status == LOGIN_STATUS_REDIRECT) {
			v = text_find(r.data, r.datalen, "TargetAddress", &vl);
			if (!v || !vl || vl > ISCSI_VALUE_MAX)
				return fail(c, LOGIN_STATUS_FINAL, err, errlen, "target "
					"redirects (%s) without a TargetAddress", msg);
			memcpy(c->redirect, v, vl);
			c->redirect[vl] = '\0';
		}
		if (c->step == LOGIN_SEC_CHAP_A) {
			/* tgtd, e.g., refuses a CHAP_A list with nothing it knows */
			char offer[32];

			if (chap_a_offer(c->hashes, c->nhashes, offer, sizeof(offer)))
				offer[0] = '\0';
			return fail(c, c->status, err, errlen, "target refused the login:"
				" %s, answering CHAP_A=%s (does it speak these CHAP"
				" algorithms? see -A)", msg, offer);
		}
		if (c->step == LOGIN_SEC_CHAP_R && c->hash && c->hash->alg != CHAP_MD5
		 && r.status_class == 2 && r.status_detail == 0)
			/* tgtd takes CHAP_A=7 and then checks a SHA-1 response */
			return fail(c, c->status, err, errlen, "target refused the login:"
				" %s, after CHAP with %s (does it check %s responses? see"
				" -A)", msg, c->hash->name, c->hash->name);
		return fail(c, c->status, err, errlen, "target refused the login: %s",
			msg);
	}
	if (r.version_active != ISCSI_VERSION)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "login response: "
			"iSCSI version %u, only %u is known", r.version_active,
			ISCSI_VERSION);
	if (memcmp(r.isid, c->isid, sizeof(c->isid)) != 0)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen,
			"login response: the ISID is not ours");
	if (r.csg != c->csg)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "login response: "
			"stage %u, the request was in stage %u", r.csg, c->csg);
	c->statsn = r.statsn;
	c->expstatsn = r.statsn + 1;
	/* Text the target continues (C bit): joined, asked for the rest with
	 * an empty request. */
	if (r.datalen > sizeof(c->text) - c->textlen)
		return fail(c, LOGIN_STATUS_FINAL, err, errlen, "login response: "
			"text longer than %d bytes", ISCSI_TEXT_MAX);
	memcpy(c->text + c->textlen, r.data, r.datalen);
	c->textlen += r.datalen;
	if (r.cont)
		return request(c, 0, 0, NULL, 0, pdu, size, err, errlen);
	tl = c->textlen;
	c->textlen = 0;
	while ((rc = text_next(c->text, tl, &pos, &kv, err, errlen)) == 1)
		;
	if (rc < 0)
		return fail(c, LOGIN_STATUS_FINAL, NULL, 0, NULL);
	if (c->csg == ISCSI_STAGE_SECURITY) {
		/* The target's TargetPortalGroupTag comes in its first response;
		 * the operational keys' parser checks it. */
		v = text_find(c->text, tl, "TargetPortalGroupTag", &vl);
		if (v) {
			char one[ISCSI_VALUE_MAX + 32];
			size_t ol = 0, none = 0;

			text_add(one, sizeof(one), &ol, "TargetPortalGroupTag", "");
			memcpy(one + ol - 1, v, vl);
			one[ol - 1 + vl] = '\0';
			if (login_nego_response(&c->nego, one, ol + vl, NULL, 0, &none,
					err, errlen) != 0)
				return fail(c, LOGIN_STATUS_FINAL, NULL, 0, NULL);
			c->tpgt = c->nego.result.tpgt;
		}
		/* Keep our text buffer for the next request: copy the joined
		 * text aside only as long as needed. */
		{
			char text[ISCSI_TEXT_MAX];

			memcpy(text, c->text, tl);
			n = security(c, &r, text, tl, pdu, size, err, errlen);
			memset(text, 0, tl);
			return n;
		}
	}
	return operational(c, &r, c->text, tl, pdu, size, err, errlen);
}

int login_target_address(const char *v, char *host, size_t size,
		unsigned *port)
{
	const char *end, *p;
	unsigned long n;
	size_t len;

	if (*v == '[') {
		end = strchr(++v, ']');
		if (!end)
			return -1;
		p = end + 1;
	} else {
		end = v + strcspn(v, ":,");
		p = end;
	}
	len = end - v;
	if (!len || len >= size)
		return -1;
	memcpy(host, v, len);
	host[len] = '\0';
	*port = 3260;
	if (*p == ':') {
		char *e;

		if (p[1] < '0' || p[1] > '9')
			return -1;
		n = strtoul(p + 1, &e, 10);
		if (n < 1 || n > 65535)
			return -1;
		*port = n;
		p = e;
	}
	return *p && *p != ',' ? -1 : 0;
}
