/* iSCSI login PDUs, text keys and operational key negotiation (RFC 7143
 * sections 6, 11.12, 11.13 and 13).  Pure: see login_pdu.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "login_pdu.h"

int login_vfail(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (errlen)
		vsnprintf(err, errlen, fmt, ap);
	return -1;
}

int login_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	login_vfail(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *text_plain(char *out, size_t outsize, const char *s, size_t n)
{
	size_t i, m = n;

	if (m > 64)
		m = 64;
	if (m > outsize - 1)
		m = outsize - 1;

	for (i = 0; i < m; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[m] = '\0';
	return out;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static int stage_ok(unsigned s)
{
	return s == ISCSI_STAGE_SECURITY || s == ISCSI_STAGE_OPERATIONAL
		|| s == ISCSI_STAGE_FULL_FEATURE;
}

size_t login_req_build(uint8_t *out, size_t outsize,
		const struct login_req *r, const char *data, size_t datalen)
{
	size_t total = ISCSI_BHS_LEN + pad4(datalen);

	if (datalen > ISCSI_TEXT_MAX || total > outsize
	 || (r->transit && r->cont) || !stage_ok(r->csg) || !stage_ok(r->nsg))
		return 0;
	memset(out, 0, total);
	out[0] = ISCSI_OP_IMMEDIATE | ISCSI_OP_LOGIN_REQ;
	out[1] = (r->transit ? ISCSI_LOGIN_TRANSIT : 0)
		| (r->cont ? ISCSI_LOGIN_CONTINUE : 0)
		| r->csg << 2 | (r->transit ? r->nsg : 0);
	out[2] = ISCSI_VERSION;		/* Version-max */
	out[3] = ISCSI_VERSION;		/* Version-min */
	out[4] = 0;			/* TotalAHSLength */
	out[5] = datalen >> 16;
	out[6] = datalen >> 8;
	out[7] = datalen;
	memcpy(out + 8, r->isid, 6);
	put16(out + 14, r->tsih);
	put32(out + 16, r->itt);
	put16(out + 20, r->cid);
	put32(out + 24, r->cmdsn);
	put32(out + 28, r->expstatsn);
	if (datalen)
		memcpy(out + ISCSI_BHS_LEN, data, datalen);
	return total;
}

long login_rsp_parse(const uint8_t *buf, size_t len, struct login_rsp *r,
		size_t *need, char *err, size_t errlen)
{
	size_t ahs, dsl, total;

	*need = ISCSI_BHS_LEN;
	if (len < ISCSI_BHS_LEN)
		return 0;
	if ((buf[0] & 0x3f) != ISCSI_OP_LOGIN_RSP)
		return login_fail(err, errlen, "login response: opcode 0x%02x",
			buf[0] & 0x3f);
	ahs = (size_t)buf[4] * 4;
	dsl = (size_t)buf[5] << 16 | (size_t)buf[6] << 8 | buf[7];
	if (dsl > ISCSI_TEXT_MAX)
		return login_fail(err, errlen, "login response: DataSegmentLength"
			" %zu", dsl);
	total = ISCSI_BHS_LEN + ahs + pad4(dsl);
	*need = total;
	if (len < total)
		return 0;
	memset(r, 0, sizeof(*r));
	r->transit = !!(buf[1] & ISCSI_LOGIN_TRANSIT);
	r->cont = !!(buf[1] & ISCSI_LOGIN_CONTINUE);
	r->csg = buf[1] >> 2 & 3;
	r->nsg = buf[1] & 3;
	if ((r->transit && r->cont) || !stage_ok(r->csg)
	 || (r->transit && !stage_ok(r->nsg)))
		return login_fail(err, errlen, "login response: flags 0x%02x (T, C,"
			" CSG, NSG)", buf[1]);
	r->version_max = buf[2];
	r->version_active = buf[3];
	memcpy(r->isid, buf + 8, 6);
	r->tsih = get16(buf + 14);
	r->itt = get32(buf + 16);
	r->statsn = get32(buf + 24);
	r->expcmdsn = get32(buf + 28);
	r->maxcmdsn = get32(buf + 32);
	r->status_class = buf[36];
	r->status_detail = buf[37];
	r->data = (const char *)buf + ISCSI_BHS_LEN + ahs;
	r->datalen = dsl;
	return (long)total;
}

/* ---- text keys ---- */

static int key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		|| (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+'
		|| c == '@' || c == '_';
}

int text_add(char *buf, size_t size, size_t *len, const char *key,
		const char *value)
{
	size_t k = strlen(key), v = strlen(value), i;

	if (k == 0 || k > ISCSI_KEY_MAX)
		return -1;
	for (i = 0; i < k; i++)
		if (!key_char(key[i]))
			return -1;
	if (*len > size || size - *len < k + 1 + v + 1)
		return -1;
	memcpy(buf + *len, key, k);
	buf[*len + k] = '=';
	memcpy(buf + *len + k + 1, value, v + 1);
	*len += k + 1 + v + 1;
	return 0;
}

static int key_is(const struct text_kv *kv, const char *key)
{
	return kv->keylen == strlen(key) && memcmp(kv->key, key, kv->keylen) == 0;
}

int text_next(const char *data, size_t len, size_t *pos, struct text_kv *kv,
		char *err, size_t errlen)
{
	size_t p = *pos, end, eq;
	char k[ISCSI_KEY_MAX + 2];

	while (p < len && data[p] == '\0')
		p++;
	if (p >= len) {
		*pos = p;
		return 0;
	}
	for (end = p; end < len && data[end] != '\0'; end++)
		;
	for (eq = p; eq < end && data[eq] != '='; eq++)
		;
	/* a NUL at its end, '=', a key of 1 to 63 bytes */
	if (end == len || eq == end || eq == p || eq - p > ISCSI_KEY_MAX)
		return login_fail(err, errlen, "login text: bad key=value at byte %zu", p);
	kv->key = data + p;
	kv->keylen = eq - p;
	kv->value = data + eq + 1;
	kv->valuelen = end - eq - 1;
	if (kv->valuelen > ISCSI_VALUE_MAX && !key_is(kv, "CHAP_C")
	 && !key_is(kv, "CHAP_R"))
		return login_fail(err, errlen, "login text: %s value of %zu bytes",
			text_plain(k, sizeof(k), kv->key, kv->keylen), kv->valuelen);
	*pos = end + 1;
	return 1;
}

const char *text_find(const char *data, size_t len, const char *key,
		size_t *valuelen)
{
	struct text_kv kv;
	size_t pos = 0;

	while (text_next(data, len, &pos, &kv, NULL, 0) == 1)
		if (key_is(&kv, key)) {
			*valuelen = kv.valuelen;
			return kv.value;
		}
	return NULL;
}

/* ---- operational keys ---- */

enum { K_LIST, K_DECLARE, K_MIN, K_MAX, K_OR, K_AND };

struct key {
	const char *name;
	unsigned kind;
	unsigned off;			/* of the uint32_t in login_params */
	uint32_t lo, hi;		/* numbers: the range allowed */
};

#define F(field) offsetof(struct login_params, field)
static const struct key keys[] = {
	{ "HeaderDigest", K_LIST, F(header_digest), 0, 0 },
	{ "DataDigest", K_LIST, F(data_digest), 0, 0 },
	{ "MaxRecvDataSegmentLength", K_DECLARE, F(max_recv_dsl), 512, 16777215 },
	{ "MaxBurstLength", K_MIN, F(max_burst), 512, 16777215 },
	{ "FirstBurstLength", K_MIN, F(first_burst), 512, 16777215 },
	{ "InitialR2T", K_OR, F(initial_r2t), 0, 1 },
	{ "ImmediateData", K_AND, F(immediate_data), 0, 1 },
	{ "MaxConnections", K_MIN, F(max_connections), 1, 65535 },
	{ "DataPDUInOrder", K_OR, F(data_pdu_in_order), 0, 1 },
	{ "DataSequenceInOrder", K_OR, F(data_seq_in_order), 0, 1 },
	{ "DefaultTime2Wait", K_MAX, F(default_time2wait), 0, 3600 },
	{ "DefaultTime2Retain", K_MIN, F(default_time2retain), 0, 3600 },
	{ "MaxOutstandingR2T", K_MIN, F(max_outstanding_r2t), 1, 65535 },
	{ "ErrorRecoveryLevel", K_MIN, F(error_recovery_level), 0, 2 },
};
#undef F
enum { NKEYS = sizeof(keys) / sizeof(keys[0]) };

static uint32_t *field(struct login_params *p, const struct key *k)
{
	return (uint32_t *)((char *)p + k->off);
}

void login_params_default(struct login_params *p)
{
	memset(p, 0, sizeof(*p));
	p->header_digest = LOGIN_DIGEST_NONE;
	p->data_digest = LOGIN_DIGEST_NONE;
	p->max_recv_dsl = 8192;
	p->max_xmit_dsl = 8192;
	p->max_burst = 262144;
	p->first_burst = 65536;
	p->initial_r2t = 1;
	p->immediate_data = 1;
	p->data_pdu_in_order = 1;
	p->data_seq_in_order = 1;
	p->max_connections = 1;
	p->default_time2wait = 2;
	p->default_time2retain = 20;
	p->max_outstanding_r2t = 1;
	p->error_recovery_level = 0;
	p->tpgt = -1;
}

void login_nego_init(struct login_nego *n, const struct login_params *ours)
{
	memset(n, 0, sizeof(*n));
	n->ours = *ours;
	login_params_default(&n->result);
	n->result.max_recv_dsl = ours->max_recv_dsl;
}

static const char *digest_offer(uint32_t d)
{
	return d == LOGIN_DIGEST_CRC32C_ONLY ? "CRC32C"
		: d == LOGIN_DIGEST_CRC32C ? "CRC32C,None" : "None";
}

/* Key k's value x as we write it, into num (16 bytes) or a literal. */
static const char *value_text(const struct key *k, uint32_t x, char *num)
{
	if (k->kind == K_LIST)
		return digest_offer(x);
	if (k->kind >= K_OR)
		return x ? "Yes" : "No";
	sprintf(num, "%u", (unsigned)x);
	return num;
}

int login_nego_offer(struct login_nego *n, char *buf, size_t size, size_t *len)
{
	size_t start = *len;
	unsigned i;
	char num[16];

	for (i = 0; i < NKEYS; i++) {
		if (text_add(buf, size, len, keys[i].name,
				value_text(&keys[i], *field(&n->ours, &keys[i]), num))) {
			*len = start;
			return -1;
		}
		if (keys[i].kind != K_DECLARE)
			n->offered |= 1u << i;
	}
	return 0;
}

static int value_is(const struct text_kv *kv, const char *s)
{
	return kv->valuelen == strlen(s) && memcmp(kv->value, s, kv->valuelen) == 0;
}

/* Reject, NotUnderstood or Irrelevant: no value */
static int no_value(const struct text_kv *kv)
{
	return value_is(kv, "Reject") || value_is(kv, "NotUnderstood")
		|| value_is(kv, "Irrelevant");
}

int text_number(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned base = 10;

	if (n > 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		base = 16;
		i = 2;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		unsigned d = s[i] - '0';

		if (d > 9 && base == 16)
			d = ((s[i] | 0x20) - 'a' + 10) & 0xff;
		if (d >= base)
			return -1;
		v = v * base + d;
		if (v > 0xffffffffu)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* kv's value as key k takes it (digests: LOGIN_DIGEST_*) into *v:
 * NULL, or why it is not one. */
static const char *parse_value(const struct key *k, const struct text_kv *kv,
		uint32_t *v)
{
	if (k->kind == K_LIST) {
		*v = value_is(kv, "CRC32C");	/* LOGIN_DIGEST_CRC32C */
		return *v || value_is(kv, "None") ? NULL : "not None or CRC32C";
	}
	if (k->kind >= K_OR) {
		*v = value_is(kv, "Yes");
		return *v || value_is(kv, "No") ? NULL : "not Yes or No";
	}
	if (text_number(kv->value, kv->valuelen, v) != 0)
		return "not a number";
	return *v < k->lo || *v > k->hi ? "out of range" : NULL;
}

/* Does our offer ours of a digest key take digest d? */
static int digest_ok(uint32_t ours, uint32_t d)
{
	return d == LOGIN_DIGEST_CRC32C ? ours != LOGIN_DIGEST_NONE
		: ours != LOGIN_DIGEST_CRC32C_ONLY;
}

/* The target answers our offer of key k with kv: NULL, or why not. */
static const char *take_answer(struct login_nego *n, const struct key *k,
		const struct text_kv *kv)
{
	uint32_t ours = *field(&n->ours, k), v;
	uint32_t *res = field(&n->result, k);
	const char *why;

	if (no_value(kv))	/* the default stays: it must do for us */
		return k->kind == K_LIST && !digest_ok(ours, *res)
			? "ours is required" : NULL;
	why = parse_value(k, kv, &v);
	if (!why && (k->kind == K_LIST ? !digest_ok(ours, v)
	          : k->kind == K_MIN ? v > ours
	          : k->kind == K_MAX ? v < ours
	          : k->kind == K_OR ? ours && !v
	          : !ours && v))
		why = "not what was offered";
	if (!why)
		*res = v;
	return why;
}

/* The target offers key k with kv: settle it and append our answer
 * (reply, size bytes, *replylen used).  NULL, or why not. */
static const char *take_offer(struct login_nego *n, const struct key *k,
		const struct text_kv *kv, char *reply, size_t size,
		size_t *replylen)
{
	uint32_t ours = *field(&n->ours, k), v;
	char num[16];
	const char *why;

	if (k->kind == K_LIST) {
		/* a list: the first of the target's values we take */
		size_t i = 0, j;

		for (;;) {
			struct text_kv one = *kv;

			for (j = i; j < kv->valuelen && kv->value[j] != ','; j++)
				;
			one.value = kv->value + i;
			one.valuelen = j - i;
			if (!parse_value(k, &one, &v) && digest_ok(ours, v))
				break;
			if (j >= kv->valuelen)
				return "none of these taken";
			i = j + 1;
		}
	} else {
		why = parse_value(k, kv, &v);
		if (why)
			return why;
		switch (k->kind) {
		case K_MIN: v = v < ours ? v : ours; break;
		case K_MAX: v = v > ours ? v : ours; break;
		case K_OR: v = v || ours; break;
		case K_AND: v = v && ours; break;
		}
	}
	if (text_add(reply, size, replylen, k->name, k->kind == K_LIST
			? (v ? "CRC32C" : "None") : value_text(k, v, num)))
		return "no room for our answer";
	*field(&n->result, k) = v;
	return NULL;
}

int login_nego_response(struct login_nego *n, const char *data, size_t len,
		char *reply, size_t size, size_t *replylen,
		char *err, size_t errlen)
{
	struct text_kv kv;
	size_t pos = 0;
	int rc;
	char val[65], num[16];

	while ((rc = text_next(data, len, &pos, &kv, err, errlen)) == 1) {
		const struct key *k = keys;
		const char *why = NULL;
		uint32_t v, bit;

		while (k < keys + NKEYS && !key_is(&kv, k->name))
			k++;
		bit = 1u << (k - keys);
		if (k < keys + NKEYS && k->kind == K_DECLARE) {
			why = parse_value(k, &kv, &v);
			n->result.max_xmit_dsl = v;
		} else if (k < keys + NKEYS) {
			if (n->answered & bit)
				why = "sent twice";
			else if (n->offered & bit)
				why = take_answer(n, k, &kv);
			else if (!no_value(&kv))	/* else an answer to nothing asked */
				why = take_offer(n, k, &kv, reply, size, replylen);
			n->answered |= bit;
		} else if (key_is(&kv, "TargetPortalGroupTag")) {
			if (text_number(kv.value, kv.valuelen, &v) != 0 || v > 65535)
				why = "not a number from 0 to 65535";
			n->result.tpgt = (int32_t)v;
		} else if (key_is(&kv, "TargetAddress")) {
			memcpy(n->redirect, kv.value, kv.valuelen);
			n->redirect[kv.valuelen] = '\0';
		} else if (!key_is(&kv, "TargetAlias") && !no_value(&kv)) {
			/* a key we do not know: NotUnderstood */
			text_plain(val, sizeof(val), kv.key, kv.keylen);
			if (strlen(val) != kv.keylen
			 || text_add(reply, size, replylen, val, "NotUnderstood") != 0)
				return login_fail(err, errlen, "target's key %s: "
					"cannot answer it", val);
		}
		if (why)
			return login_fail(err, errlen, "target's %.*s=%s: %s%s%s",
				(int)kv.keylen, kv.key,
				text_plain(val, sizeof(val), kv.value, kv.valuelen), why,
				k < keys + NKEYS ? ", ours " : "",
				k < keys + NKEYS ? value_text(k, *field(&n->ours, k), num)
				: "");
	}
	return rc;
}

int login_nego_finish(struct login_nego *n, char *err, size_t errlen)
{
	unsigned i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].kind == K_LIST && !(n->answered & 1u << i)
		 && !digest_ok(*field(&n->ours, &keys[i]), LOGIN_DIGEST_NONE))
			return login_fail(err, errlen, "target did not answer %s, ours %s",
				keys[i].name, digest_offer(*field(&n->ours, &keys[i])));
	if (n->result.first_burst > n->result.max_burst)
		n->result.first_burst = n->result.max_burst;
	return 0;
}

/* ---- status ---- */

int login_status(unsigned cls, unsigned detail, char *msg, size_t msglen)
{
	static const char *const initiator[] = {
		"initiator error", "authentication failed",
		"authorization failed (forbidden)", "target not found",
		"target removed", "unsupported version", "too many connections",
		"missing parameter", "cannot include in session",
		"session type not supported", "session does not exist",
		"invalid request during login",
	};
	static const char *const target[] = {
		"target error", "service unavailable", "out of resources",
	};
	const char *what;
	int rc;

	switch (cls) {
	case 0:
		what = "success";
		rc = LOGIN_STATUS_OK;
		break;
	case 1:
		what = detail == 1 ? "target moved temporarily"
			: detail == 2 ? "target moved permanently" : "target moved";
		rc = LOGIN_STATUS_REDIRECT;
		break;
	case 2:
		what = detail < sizeof(initiator) / sizeof(initiator[0])
			? initiator[detail] : initiator[0];
		rc = detail == 3 || detail == 6 ? LOGIN_STATUS_RETRY
			: LOGIN_STATUS_FINAL;
		break;
	case 3:
		what = detail < sizeof(target) / sizeof(target[0])
			? target[detail] : target[0];
		rc = LOGIN_STATUS_RETRY;
		break;
	default:
		what = "unknown status class";
		rc = LOGIN_STATUS_FINAL;
	}
	if (msglen)
		snprintf(msg, msglen, "%s (status 0x%02x%02x)", what, cls & 0xff,
			detail & 0xff);
	return rc;
}
