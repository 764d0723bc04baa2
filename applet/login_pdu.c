/* iSCSI login PDUs, text keys and operational key negotiation (RFC 7143
 * sections 6, 11.12, 11.13 and 13).  Pure: see login_pdu.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "login_pdu.h"

int login_vfail(char *err, size_t errlen, const char *fmt, va_list ap)
{
	/* the words LF_RSP ... stand for */
	static const char prefix[] = "\0login response: \0login request: \0"
		"target's \0mutual CHAP: \0target refused the login: ";
	unsigned p = (unsigned char)*fmt;
	size_t n;

	if (p > 5)
		p = 0;
	if (errlen) {
		n = snprintf(err, errlen, "%s", text_nth(prefix, p));
		if (n < errlen)
			vsnprintf(err + n, errlen - n, fmt + !!p, ap);
	}
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
		return login_fail(err, errlen, LF_RSP "opcode 0x%02x",
			buf[0] & 0x3f);
	ahs = (size_t)buf[4] * 4;
	dsl = (size_t)buf[5] << 16 | (size_t)buf[6] << 8 | buf[7];
	if (dsl > ISCSI_TEXT_MAX)
		return login_fail(err, errlen, LF_RSP "DataSegmentLength"
			" %zu", dsl);
	total = ISCSI_BHS_LEN + ahs + pad4(dsl);
	*need = total;
	if (len < total)
		return 0;
	r->transit = !!(buf[1] & ISCSI_LOGIN_TRANSIT);
	r->cont = !!(buf[1] & ISCSI_LOGIN_CONTINUE);
	r->csg = buf[1] >> 2 & 3;
	r->nsg = buf[1] & 3;
	/* stage 2 is reserved */
	if ((r->transit && (r->cont || r->nsg == 2)) || r->csg == 2)
		return login_fail(err, errlen, LF_RSP "flags 0x%02x (T, C,"
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

int text_add(char *buf, size_t size, size_t *len, const char *key,
		const char *value)
{
	size_t k = strlen(key), v = strlen(value) + 1, i;

	for (i = 0; i < k; i++) {
		unsigned char c = key[i];

		/* A-Z a-z 0-9 . - + @ _ */
		if ((unsigned)((c | 0x20) - 'a') > 25 && (unsigned)(c - '0') > 9
		 && !strchr(".-+@_", c))
			return -1;
	}
	if (k == 0 || k > ISCSI_KEY_MAX || *len > size
	 || size - *len < k + 1 + v)
		return -1;
	buf += *len;
	memcpy(buf, key, k);
	buf[k] = '=';
	memcpy(buf + k + 1, value, v);
	*len += k + 1 + v;
	return 0;
}

int text_is(const char *v, size_t len, const char *s)
{
	return v && len == strlen(s) && memcmp(v, s, len) == 0;
}

int text_pick(const char *v, size_t len, const char *list)
{
	int i;

	for (i = 0; *list; i++, list += strlen(list) + 1)
		if (text_is(v, len, list))
			return i;
	return -1;
}

const char *text_nth(const char *list, unsigned i)
{
	while (i--)
		list += strlen(list) + 1;
	return list;
}

static int key_is(const struct text_kv *kv, const char *key)
{
	return text_is(kv->key, kv->keylen, key);
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

/* The keys we negotiate, in the order of struct login_params' fields
 * (key i is field i) and of our offer; then the keys we only take. */
static const char key_names[] =
	"HeaderDigest\0DataDigest\0MaxRecvDataSegmentLength\0MaxBurstLength\0"
	"FirstBurstLength\0InitialR2T\0ImmediateData\0MaxConnections\0"
	"DataPDUInOrder\0DataSequenceInOrder\0DefaultTime2Wait\0"
	"DefaultTime2Retain\0MaxOutstandingR2T\0ErrorRecoveryLevel\0"
	"TargetPortalGroupTag\0TargetAddress\0TargetAlias\0";
enum { NKEYS = 14, K_TPGT = NKEYS, K_ADDRESS, K_ALIAS };
struct BUG_login_params_order {
	char tpgt[offsetof(struct login_params, tpgt) == K_TPGT * 4 ? 1 : -1];
	char erl[offsetof(struct login_params, error_recovery_level) == 13 * 4
		? 1 : -1];
};

/* How a key is settled (RFC 7143 section 6.2): a list (the digests), a
 * declaration, the lower or higher number, a boolean OR or AND */
enum { K_LIST, K_DECLARE, K_MIN, K_MAX, K_OR, K_AND };
/* a number's range: ranges[] */
enum { R_LEN = 1 << 3, R_CONN = 2 << 3, R_TIME = 3 << 3, R_ERL = 4 << 3,
	R_TAG = 5 << 3 };
static const uint32_t ranges[][2] = {
	{ 0, 0 }, { 512, 16777215 }, { 1, 65535 }, { 0, 3600 }, { 0, 2 },
	{ 0, 65535 },
};
/* key i's kind | its range */
static const uint8_t key_kind[] = {
	K_LIST, K_LIST, K_DECLARE | R_LEN, K_MIN | R_LEN, K_MIN | R_LEN,
	K_OR, K_AND, K_MIN | R_CONN, K_OR, K_OR, K_MAX | R_TIME,
	K_MIN | R_TIME, K_MIN | R_CONN, K_MIN | R_ERL, K_DECLARE | R_TAG,
};

void login_params_default(struct login_params *p)
{
	static const struct login_params rfc = {
		.header_digest = LOGIN_DIGEST_NONE,
		.data_digest = LOGIN_DIGEST_NONE,
		.max_recv_dsl = 8192, .max_xmit_dsl = 8192,
		.max_burst = 262144, .first_burst = 65536,
		.initial_r2t = 1, .immediate_data = 1,
		.data_pdu_in_order = 1, .data_seq_in_order = 1,
		.max_connections = 1,
		.default_time2wait = 2, .default_time2retain = 20,
		.max_outstanding_r2t = 1, .error_recovery_level = 0,
		.tpgt = -1,
	};

	*p = rfc;
}

void login_nego_init(struct login_nego *n, const struct login_params *ours)
{
	memset(n, 0, sizeof(*n));
	n->ours = *ours;
	login_params_default(&n->result);
	n->result.max_recv_dsl = ours->max_recv_dsl;
}

/* Values as we write them: a digest offer (LOGIN_DIGEST_*), No, Yes */
static const char words[] = "None\0CRC32C,None\0CRC32C\0No\0Yes";

/* Key i's value x as we write it, into num (16 bytes) or a literal. */
static const char *value_text(unsigned i, uint32_t x, char *num)
{
	unsigned kind = key_kind[i] & 7;

	if (kind == K_LIST)
		return text_nth(words, x <= LOGIN_DIGEST_CRC32C_ONLY ? x : 0);
	if (kind >= K_OR)
		return text_nth(words, 3 + !!x);
	sprintf(num, "%u", (unsigned)x);
	return num;
}

int login_nego_offer(struct login_nego *n, char *buf, size_t size, size_t *len)
{
	const char *name = key_names;
	size_t start = *len;
	unsigned i;
	char num[16];

	for (i = 0; i < NKEYS; i++, name += strlen(name) + 1)
		if (text_add(buf, size, len, name,
				value_text(i, ((uint32_t *)&n->ours)[i], num))) {
			*len = start;
			return -1;
		}
	/* all but the declaration MaxRecvDataSegmentLength */
	n->offered = ((1u << NKEYS) - 1) & ~(1u << 2);
	return 0;
}

int text_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
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
		unsigned d = text_hex_digit(s[i]);

		if (d >= base)
			return -1;
		v = v * base + d;
		if (v > 0xffffffffu)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* len bytes of s as key i takes them (digests: LOGIN_DIGEST_*) into *v:
 * NULL, or why it is not one. */
static const char *parse_value(unsigned i, const char *s, size_t len,
		uint32_t *v)
{
	unsigned kind = key_kind[i] & 7;
	const uint32_t *r = ranges[key_kind[i] >> 3];
	int w;

	if (kind == K_LIST || kind >= K_OR) {
		w = text_pick(s, len, kind == K_LIST ? "None\0CRC32C\0" : "No\0Yes\0");
		*v = w;
		return w >= 0 ? NULL : kind == K_LIST ? "not None or CRC32C"
			: "not Yes or No";
	}
	if (text_number(s, len, v) != 0)
		return "not a number";
	return *v < r[0] || *v > r[1] ? "out of range" : NULL;
}

/* What we settle key i at when the target says v and we ours: for a
 * digest, v if we take it (else not v). */
static uint32_t settle(unsigned kind, uint32_t v, uint32_t ours)
{
	switch (kind) {
	case K_MIN: return v < ours ? v : ours;
	case K_MAX: return v > ours ? v : ours;
	case K_OR: return v || ours;
	case K_AND: return v && ours;
	}
	/* CRC32C unless we offered None only; None unless CRC32C only */
	return v ^ (v == LOGIN_DIGEST_CRC32C ? ours == LOGIN_DIGEST_NONE
		: ours == LOGIN_DIGEST_CRC32C_ONLY);
}

int login_nego_pair(struct login_nego *n, const struct text_kv *kv,
		char *reply, size_t size, size_t *replylen,
		char *err, size_t errlen)
{
	int i = text_pick(kv->key, kv->keylen, key_names);
	int none = text_pick(kv->value, kv->valuelen,
		"Reject\0NotUnderstood\0Irrelevant\0") >= 0;
	const char *why = NULL, *s, *e, *comma;
	unsigned kind, bit;
	uint32_t v, ours, *res;
	char val[65], num[16];

	if (i == K_ADDRESS) {
		memcpy(n->redirect, kv->value, kv->valuelen);
		n->redirect[kv->valuelen] = '\0';
		return 0;
	}
	if (i < 0 && !none) {
		/* a key we do not know: NotUnderstood */
		text_plain(val, sizeof(val), kv->key, kv->keylen);
		if (strlen(val) != kv->keylen
		 || text_add(reply, size, replylen, val, "NotUnderstood") != 0)
			return login_fail(err, errlen, LF_TGT "key %s: "
				"cannot answer it", val);
	}
	if (i < 0 || i == K_ALIAS)
		return 0;
	kind = key_kind[i] & 7;
	bit = 1u << i;
	ours = i < NKEYS ? ((uint32_t *)&n->ours)[i] : 0;
	res = (uint32_t *)&n->result + i;
	if (kind == K_DECLARE) {
		why = parse_value(i, kv->value, kv->valuelen, &v);
		if (!why)
			*(i == K_TPGT ? res : &n->result.max_xmit_dsl) = v;
	} else if (n->answered & bit) {
		why = "sent twice";
	} else if (n->offered & bit) {
		/* an answer to our offer: the default stays for no value */
		if (none)
			v = *res;
		else
			why = parse_value(i, kv->value, kv->valuelen, &v);
		if (!why && (!none || kind == K_LIST) && settle(kind, v, ours) != v)
			why = none ? "ours is required" : "not what was offered";
		if (!why)
			*res = v;
	} else if (!none) {
		/* the target's offer: for a list, the first value we take */
		for (s = kv->value, e = s + kv->valuelen;; s = comma + 1) {
			comma = kind == K_LIST ? memchr(s, ',', e - s) : NULL;
			if (!comma)
				comma = e;
			why = parse_value(i, s, comma - s, &v);
			if (kind != K_LIST)
				break;
			if (!why && settle(kind, v, ours) == v)
				break;
			why = "none of these taken";
			if (comma == e)
				break;
		}
		if (!why) {
			v = settle(kind, v, ours);
			if (text_add(reply, size, replylen, text_nth(key_names, i),
					value_text(i, kind == K_LIST ? 2 * v : v, num)))
				why = "no room for our answer";
			else
				*res = v;
		}
	}
	if (kind != K_DECLARE)
		n->answered |= bit;
	if (why)
		return login_fail(err, errlen, LF_TGT "%.*s=%s: %s%s%s",
			(int)kv->keylen, kv->key,
			text_plain(val, sizeof(val), kv->value, kv->valuelen), why,
			i < NKEYS ? ", ours " : "",
			i < NKEYS ? value_text(i, ours, num) : "");
	return 0;
}

int login_nego_response(struct login_nego *n, const char *data, size_t len,
		char *reply, size_t size, size_t *replylen,
		char *err, size_t errlen)
{
	struct text_kv kv;
	size_t pos = 0;
	int rc;

	while ((rc = text_next(data, len, &pos, &kv, err, errlen)) == 1)
		if (login_nego_pair(n, &kv, reply, size, replylen, err, errlen))
			return -1;
	return rc;
}

int login_nego_finish(struct login_nego *n, char *err, size_t errlen)
{
	unsigned i;

	/* a digest nobody answered is None: not for CRC32C only */
	for (i = 0; i < 2; i++)
		if (!(n->answered & 1u << i)
		 && ((uint32_t *)&n->ours)[i] == LOGIN_DIGEST_CRC32C_ONLY)
			return login_fail(err, errlen, "target did not answer %s,"
				" ours CRC32C", text_nth(key_names, i));
	if (n->result.first_burst > n->result.max_burst)
		n->result.first_burst = n->result.max_burst;
	return 0;
}

/* ---- status ---- */

int login_status(unsigned cls, unsigned detail, char *msg, size_t msglen)
{
	/* by class: 0, 1 (detail 0-2), 2 (0-11), 3 (0-2), any other */
	static const char what[] =
		"success\0"
		"target moved\0target moved temporarily\0target moved permanently\0"
		"initiator error\0authentication failed\0"
		"authorization failed (forbidden)\0target not found\0"
		"target removed\0unsupported version\0too many connections\0"
		"missing parameter\0cannot include in session\0"
		"session type not supported\0session does not exist\0"
		"invalid request during login\0"
		"target error\0service unavailable\0out of resources\0"
		"unknown status class";
	static const uint8_t first[] = { 0, 1, 4, 16, 19, 20 };
	static const uint8_t rc[] = { LOGIN_STATUS_OK, LOGIN_STATUS_REDIRECT,
		LOGIN_STATUS_FINAL, LOGIN_STATUS_RETRY, LOGIN_STATUS_FINAL };
	unsigned c = cls < 4 ? cls : 4;

	if (msglen)
		snprintf(msg, msglen, "%s (status 0x%02x%02x)", text_nth(what,
			first[c] + (detail < (unsigned)(first[c + 1] - first[c])
			? detail : 0)),
			cls & 0xff, detail & 0xff);
	/* "not found" (a target still being set up), "too many connections" */
	return c == 2 && (detail == 3 || detail == 6) ? LOGIN_STATUS_RETRY
		: rc[c];
}
