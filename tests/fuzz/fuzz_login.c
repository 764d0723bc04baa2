/* libFuzzer target for what an iSCSI target controls at login: any bytes
 * go through login_rsp_parse() as a Login Response, its text through
 * text_next(), login_nego_response() and login_status(), and the same
 * bytes as text directly, as CHAP_A, CHAP_I and a CHAP_C / CHAP_R binary
 * value.  The invariants: nothing is read outside the input (ASan), a
 * parsed PDU lies within it, error lines are one printable line, the
 * negotiated values stay within RFC 7143's ranges and our offer, and our
 * reply is well-formed text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../applet/login_pdu.h"
#include "../../applet/chap.h"

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
	return 0;
}
