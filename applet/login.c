/* One iSCSI login conversation (RFC 7143 sections 6 and 12).  Pure: see
 * login.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "login.h"

/* The login ends: err gets the line.  Returns -1.  (c->status is
 * LOGIN_STATUS_FINAL until the login ends another way.) */
static long fail(struct login_conv *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	login_vfail(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int has(const char *s)
{
	return s && s[0];
}

/* one-way CHAP: we have credentials */
static int chap(const struct login_conv *c)
{
	return has(c->user) && has(c->secret);
}

/* mutual CHAP: we authenticate the target too */
static int mutual(const struct login_conv *c)
{
	return has(c->user_in) && has(c->secret_in);
}

/* The next request in the current stage (c->csg) with text (tlen bytes)
 * into c->pdu; transit: T bit with next stage nsg.  Its length, or -1
 * (too many requests, or it does not fit). */
static long request(struct login_conv *c, unsigned transit, unsigned nsg,
		const char *text, size_t tlen)
{
	struct login_req r;
	size_t len;

	if (c->pdus >= LOGIN_PDUS_MAX)
		return fail(c, "target still negotiating after %u login requests",
			c->pdus);
	memset(&r, 0, sizeof(r));
	r.transit = transit;
	r.csg = c->csg;
	r.nsg = nsg;
	memcpy(r.isid, c->isid, sizeof(r.isid));
	r.tsih = c->tsih;
	r.cmdsn = c->cmdsn;
	r.expstatsn = c->expstatsn;
	len = login_req_build(c->pdu, c->size, &r, text, tlen);
	if (!len)
		return fail(c, LF_REQ "%zu bytes of text do not fit", tlen);
	c->pdus++;
	return (long)len;
}

/* Append key=value to c->text (*tl bytes used).  0, or -1 after a line. */
static int add(struct login_conv *c, size_t *tl, const char *key,
		const char *value)
{
	if (text_add(c->text, sizeof(c->text), tl, key, value) == 0)
		return 0;
	return fail(c, LF_REQ "%s does not fit", key);
}

static void begin(struct login_conv *c, uint8_t *pdu, size_t size,
		char *err, size_t errlen)
{
	c->pdu = pdu;
	c->size = size;
	c->err = err;
	c->errlen = errlen;
}

size_t login_conv_start(struct login_conv *c, uint8_t *pdu, size_t size,
		char *err, size_t errlen)
{
	size_t tl = 0;
	long n = -1;

	begin(c, pdu, size, err, errlen);
	login_nego_init(&c->nego, &c->ours);
	c->tpgt = -1;
	c->status = LOGIN_STATUS_FINAL;
	c->auth = "None";
	c->step = LOGIN_SEC_START;
	c->csg = ISCSI_STAGE_SECURITY;
	c->pdus = 0;
	c->textlen = 0;
	c->redirect[0] = '\0';
	/* Without credentials we are ready to leave the security stage. */
	if (!add(c, &tl, "InitiatorName", c->initiator)
	 && !add(c, &tl, "SessionType", "Normal")
	 && !add(c, &tl, "TargetName", c->target)
	 && !add(c, &tl, "AuthMethod", chap(c) ? "CHAP,None" : "None"))
		n = request(c, !chap(c), ISCSI_STAGE_OPERATIONAL, c->text, tl);
	return n > 0 ? (size_t)n : 0;
}

/* The target's CHAP_A, CHAP_I and CHAP_C: our CHAP_N and CHAP_R (and,
 * for mutual CHAP, our own CHAP_I and CHAP_C), asking to move on. */
static long chap_answer(struct login_conv *c, const char *text, size_t tl)
{
	uint8_t chal[CHAP_CHALLENGE_MAX], resp[CHAP_DIGEST_MAX], id;
	char hex[2 + 2 * CHAP_DIGEST_MAX + 1], num[8];
	const char *a, *i, *ch;
	size_t al, il, cl, out = 0;
	long n;
	int bad;

	a = text_find(text, tl, "CHAP_A", &al);
	i = text_find(text, tl, "CHAP_I", &il);
	ch = text_find(text, tl, "CHAP_C", &cl);
	if (!a)
		return fail(c, LF_TGT "CHAP_A: missing");
	c->hash = chap_a_select(a, al, c->hashes, c->nhashes, c->err, c->errlen);
	if (!c->hash)
		return -1;
	if (!i || chap_parse_id(i, il, &id) != 0)
		return fail(c, LF_TGT "CHAP_I: missing or not 0 to 255");
	n = ch ? chap_decode(ch, cl, chal, sizeof(chal)) : -1;
	if (n <= 0)
		return fail(c, LF_TGT "CHAP_C: missing or not hex or base64");
	/* mutual: our challenge, which may not be the target's */
	if (mutual(c) && chap_make_challenge(c->rnd, sizeof(c->rnd), chal, n,
			&c->mid, c->mchal, sizeof(c->mchal)) != 0) {
		c->status = LOGIN_STATUS_RETRY;
		return fail(c, LF_MUTUAL "our challenge is the target's; try again");
	}
	chap_response(c->hash, id, c->secret, strlen(c->secret), chal, n, resp);
	chap_encode_hex(resp, c->hash->len, hex, sizeof(hex));
	memset(resp, 0, sizeof(resp));
	sprintf(num, "%u", c->mid);
	bad = add(c, &out, "CHAP_N", c->user) || add(c, &out, "CHAP_R", hex)
		|| (mutual(c) && (add(c, &out, "CHAP_I", num)
			|| add(c, &out, "CHAP_C", c->mchal)));
	memset(hex, 0, sizeof(hex));
	n = -1;
	if (!bad) {
		snprintf(c->auth_buf, sizeof(c->auth_buf), "CHAP (%s)%s",
			c->hash->name, mutual(c) ? ", mutual" : "");
		c->auth = c->auth_buf;
		c->step = LOGIN_SEC_CHAP_R;
		n = request(c, 1, ISCSI_STAGE_OPERATIONAL, c->text, out);
	}
	memset(c->text, 0, sizeof(c->text));	/* CHAP_R */
	return n;
}

/* The target's CHAP_N and CHAP_R for our challenge (mutual CHAP).  0, or
 * -1 after a line. */
static int chap_check(struct login_conv *c, const char *text, size_t tl)
{
	const char *nm, *r;
	size_t nl, rl;
	char shown[64];

	if (!mutual(c))
		return 0;
	nm = text_find(text, tl, "CHAP_N", &nl);
	r = text_find(text, tl, "CHAP_R", &rl);
	if (!nm || !r)
		return fail(c, LF_MUTUAL "no CHAP_N and CHAP_R from the target");
	if (!text_is(nm, nl, c->user_in))
		return fail(c, LF_MUTUAL "target's CHAP_N=%s, not %s",
			text_plain(shown, sizeof(shown), nm, nl), c->user_in);
	if (chap_verify(c->hash, c->mid, c->secret_in, strlen(c->secret_in),
			c->rnd + 1, sizeof(c->rnd) - 1, r, rl, c->err, c->errlen) != 0)
		return -1;
	return 0;
}

/* A response in the security stage (its text joined). */
static long security(struct login_conv *c, const struct login_rsp *r,
		const char *text, size_t tl)
{
	const char *am;
	size_t aml, out = 0;
	char shown[32];

	am = text_find(text, tl, "AuthMethod", &aml);
	switch (c->step) {
	case LOGIN_SEC_START:
		if (text_is(am, aml, "None") && !mutual(c)) {
			c->step = LOGIN_SEC_DONE;
			break;
		}
		if (!chap(c) || !text_is(am, aml, "CHAP"))
			return fail(c, LF_TGT "AuthMethod=%s: %s",
				am ? text_plain(shown, sizeof(shown), am, aml) : "",
				text_is(am, aml, "None")	/* mutual CHAP */
				? "no CHAP, but mutual CHAP is configured"
				: chap(c) ? "not offered (CHAP,None)" : "not offered (None)");
		if (!r->transit) {
			char offer[32];

			if (chap_a_offer(c->hashes, c->nhashes, offer, sizeof(offer))
			 || add(c, &out, "CHAP_A", offer))
				return fail(c, "no CHAP algorithm to offer");
			c->step = LOGIN_SEC_CHAP_A;
			return request(c, 0, 0, c->text, out);
		}
		/* CHAP with T: */
		/* fall through */
	case LOGIN_SEC_CHAP_A:
		/* RFC 7143 11.13.1 forbids T before CHAP is done (our request
		 * had none): a target leaving then is not taken up on it.  A T
		 * after AuthMethod=None is taken, as open-iscsi takes it. */
		if (r->transit)
			return fail(c, LF_RSP "leaves the security stage before CHAP");
		return chap_answer(c, text, tl);
	case LOGIN_SEC_CHAP_R:
		if (chap_check(c, text, tl) != 0)
			return -1;
		c->step = LOGIN_SEC_DONE;
		break;
	}
	/* Authenticated (or none needed): on once the target agrees. */
	if (!r->transit)
		return request(c, 1, ISCSI_STAGE_OPERATIONAL, NULL, 0);
	/* the operational stage: offer every key, ask for full feature */
	c->csg = ISCSI_STAGE_OPERATIONAL;
	c->step = LOGIN_OPER;
	if (login_nego_offer(&c->nego, c->text, sizeof(c->text), &out) != 0)
		return fail(c, LF_REQ "the operational keys do not fit");
	return request(c, 1, ISCSI_STAGE_FULL_FEATURE, c->text, out);
}

/* A response in the operational stage (its text joined). */
static long operational(struct login_conv *c, const struct login_rsp *r,
		const char *text, size_t tl)
{
	char reply[1024];
	size_t rl = 0;

	if (login_nego_response(&c->nego, text, tl, reply, sizeof(reply), &rl,
			c->err, c->errlen) != 0)
		return -1;
	c->tpgt = c->nego.result.tpgt;
	if (!r->transit)
		return request(c, 1, ISCSI_STAGE_FULL_FEATURE, reply, rl);
	if (login_nego_finish(&c->nego, c->err, c->errlen) != 0)
		return -1;
	if (r->tsih == 0)
		return fail(c, LF_RSP "the final response has TSIH 0");
	c->tsih_new = r->tsih;
	c->step = LOGIN_FULL;
	c->status = LOGIN_STATUS_OK;
	return 0;
}

/* A response with a Status-Class other than 0: why, into err.  -1. */
static long refused(struct login_conv *c, const struct login_rsp *r)
{
	const char *v;
	size_t vl;
	char msg[80], offer[32];
	int st = login_status(r->status_class, r->status_detail, msg, sizeof(msg));

	if (st == LOGIN_STATUS_REDIRECT) {
		v = text_find(r->data, r->datalen, "TargetAddress", &vl);
		if (!v || !vl || vl > ISCSI_VALUE_MAX)
			return fail(c, "target redirects (%s) without a usable TargetAddress",
				msg);
		memcpy(c->redirect, v, vl);
		c->redirect[vl] = '\0';
	}
	if (c->step == LOGIN_SEC_CHAP_A) {
		/* tgtd, e.g., refuses a CHAP_A list with nothing it knows */
		chap_a_offer(c->hashes, c->nhashes, offer, sizeof(offer));
		fail(c, LF_REFUSED "%s, answering CHAP_A=%s (does it"
			" speak these CHAP algorithms? see -A)",
			msg, offer);
	} else if (c->step == LOGIN_SEC_CHAP_R && c->hash->alg != CHAP_MD5
	 && r->status_class == 2 && r->status_detail == 0) {
		/* tgtd takes CHAP_A=7 and then checks a SHA-1 response */
		fail(c, LF_REFUSED "%s, after CHAP with %s (does it"
			" check %s responses? see -A)", msg, c->hash->name, c->hash->name);
	} else {
		fail(c, LF_REFUSED "%s", msg);
	}
	c->status = st;
	return -1;
}

long login_conv_next(struct login_conv *c, const uint8_t *rsp, size_t len,
		uint8_t *pdu, size_t size, char *err, size_t errlen)
{
	struct login_rsp r;
	struct text_kv kv;
	size_t need, pos = 0, tl;
	long n;
	int rc;

	begin(c, pdu, size, err, errlen);
	c->status = LOGIN_STATUS_FINAL;
	if (c->step == LOGIN_FULL)
		return fail(c, LF_RSP "after the login was complete");
	n = login_rsp_parse(rsp, len, &r, &need, err, errlen);
	if (n == 0)
		return fail(c, LF_RSP "%zu bytes, the PDU says %zu", len, need);
	if (n < 0)
		return -1;
	if (r.status_class != 0)
		return refused(c, &r);
	if (r.version_active != ISCSI_VERSION)
		return fail(c, LF_RSP "Version-active %u", r.version_active);
	if (memcmp(r.isid, c->isid, sizeof(c->isid)) != 0)
		return fail(c, LF_RSP "the ISID is not ours");
	if (r.csg != c->csg)
		return fail(c, LF_RSP "stage %u, the request's %u", r.csg,
			c->csg);
	/* the next stage: operational after security, then full feature */
	if (r.transit && r.nsg != c->csg * 2 + 1)
		return fail(c, LF_RSP "next stage %u, not %u", r.nsg,
			c->csg * 2 + 1);
	c->statsn = r.statsn;
	c->expstatsn = r.statsn + 1;
	/* Text the target continues (C bit): joined, asked for the rest with
	 * an empty request. */
	if (r.datalen > sizeof(c->text) - c->textlen)
		return fail(c, LF_RSP "text over %d bytes", ISCSI_TEXT_MAX);
	memcpy(c->text + c->textlen, r.data, r.datalen);
	c->textlen += r.datalen;
	if (r.cont)
		return request(c, 0, 0, NULL, 0);
	tl = c->textlen;
	c->textlen = 0;
	/* the target's TargetPortalGroupTag comes in the security stage */
	while ((rc = text_next(c->text, tl, &pos, &kv, err, errlen)) == 1)
		if (c->csg == ISCSI_STAGE_SECURITY
		 && text_is(kv.key, kv.keylen, "TargetPortalGroupTag")
		 && login_nego_pair(&c->nego, &kv, NULL, 0, NULL, err, errlen))
			return -1;
	if (rc < 0)
		return -1;
	c->tpgt = c->nego.result.tpgt;
	/* The text stays in c->text while the next request's is written
	 * there: each stage reads what it needs first. */
	if (c->csg == ISCSI_STAGE_SECURITY)
		return security(c, &r, c->text, tl);
	return operational(c, &r, c->text, tl);
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
		for (n = 0; *++p >= '0' && *p <= '9';)
			if ((n = n * 10 + *p - '0') > 65535)
				return -1;
		if (!n)
			return -1;
		*port = n;
	}
	return *p && *p != ',' ? -1 : 0;
}
