/* One iSCSI login conversation (RFC 7143 sections 6 and 12): which Login
 * Request comes next, given the target's last Login Response.  Security
 * stage with AuthMethod, CHAP one-way and mutual (chap.h), operational
 * stage (login_pdu.h's negotiation), text a target continues (C bit),
 * and the status a login ended with.  Pure: PDUs in and out as bytes, no
 * I/O; the caller sends and receives (through the kernel's iSCSI
 * transport in the applet, from recorded responses in the unit tests).
 * No output or error line ever holds a secret or a CHAP response. */
#ifndef ISCSI_INIT_LOGIN_H
#define ISCSI_INIT_LOGIN_H 1

#include "login_pdu.h"
#include "chap.h"

enum {
	LOGIN_PDUS_MAX = 16,		/* Login Requests in one login, at most */
	LOGIN_MUTUAL_RND = 17,		/* random bytes: CHAP_I and a 16-byte CHAP_C */
};

/* Where a conversation is: the request sent last asked for ... */
enum { LOGIN_SEC_START, LOGIN_SEC_CHAP_A, LOGIN_SEC_CHAP_R, LOGIN_SEC_DONE,
	LOGIN_OPER, LOGIN_FULL };

struct login_conv {
	/* ---- set by the caller before login_conv_start() ---- */
	const char *initiator, *target;	/* iSCSI names (RFC 3720 3.2.6) */
	const char *user, *secret;	/* one-way CHAP, or NULL/"": none */
	const char *user_in, *secret_in;	/* mutual: the target's name and secret */
	const struct chap_hash *hashes;	/* CHAP_A to offer, in order */
	unsigned nhashes;
	uint8_t rnd[LOGIN_MUTUAL_RND];	/* fresh random bytes (mutual CHAP) */
	uint8_t isid[6];
	uint16_t tsih;			/* 0: a new session (or reinstatement) */
	uint32_t cmdsn, expstatsn;	/* host order */
	struct login_params ours;	/* operational keys to offer */

	/* ---- results, valid once login_conv_next() returned 0 ---- */
	struct login_nego nego;		/* .result: what was negotiated */
	int32_t tpgt;			/* TargetPortalGroupTag, -1: not sent */
	uint16_t tsih_new;		/* the session's TSIH from the target */
	uint32_t statsn;		/* the last response's StatSN */
	int status;			/* LOGIN_STATUS_* when it ended */
	const char *auth;		/* "CHAP (MD5)", "CHAP (SHA-256), mutual", "None" */
	char redirect[ISCSI_VALUE_MAX + 1];	/* TargetAddress (redirects) */

	/* ---- the conversation's own ---- */
	char *err;			/* the caller's, for this call */
	size_t errlen;
	uint8_t *pdu;			/* the next request goes here */
	size_t size;
	unsigned step;			/* LOGIN_SEC_* / LOGIN_OPER / LOGIN_FULL */
	unsigned csg;			/* the stage of the request sent last */
	unsigned pdus;			/* requests sent */
	const struct chap_hash *hash;	/* the CHAP_A the target chose */
	uint8_t mid;			/* our CHAP_I (mutual) */
	char auth_buf[32];
	size_t textlen;			/* text joined over C bits */
	char text[ISCSI_TEXT_MAX];
	char mchal[2 + 2 * (LOGIN_MUTUAL_RND - 1) + 1];	/* our CHAP_C, hex */
};

/* The first Login Request into pdu (size bytes, at least
 * ISCSI_LOGIN_PDU_MAX): InitiatorName, SessionType=Normal, TargetName
 * and AuthMethod (CHAP,None with credentials, else None, which also
 * asks to go on to the operational stage).  Returns the PDU's length in
 * bytes, or 0 when a name does not fit (err set). */
size_t login_conv_start(struct login_conv *c, uint8_t *pdu, size_t size,
		char *err, size_t errlen);

/* Take the target's Login Response (rsp, len bytes: one whole PDU) and
 * write the next Login Request into pdu.  Returns:
 *   > 0  the next request's length in bytes;
 *   0    the login is complete: full feature phase (c->nego.result,
 *        c->tpgt, c->tsih_new, c->statsn set, c->status LOGIN_STATUS_OK);
 *   -1   it ended, err set to one line, and c->status says how:
 *        LOGIN_STATUS_REDIRECT (c->redirect holds the TargetAddress),
 *        _RETRY (the target is not ready, a busy or transient error),
 *        _FINAL (authentication, authorization, a protocol error: the
 *        target's response broke RFC 7143, or CHAP failed on our side,
 *        e.g. the target does not know the mutual secret).
 * Checks: the opcode, status, version, ISID, stage transitions (a
 * target may not skip the security stage when we asked for CHAP, nor
 * go back, nor leave the security stage before CHAP), AuthMethod one of
 * those offered, CHAP_A one offered, mutual CHAP required when
 * configured (user_in and secret_in), at most LOGIN_PDUS_MAX requests,
 * each fitting into size bytes. */
long login_conv_next(struct login_conv *c, const uint8_t *rsp, size_t len,
		uint8_t *pdu, size_t size, char *err, size_t errlen);

/* A TargetAddress value (RFC 7143 section 13.8): "domainname[:port]
 * [,portal-group-tag]", an IPv6 address in brackets, into host (size
 * bytes, brackets dropped) and port (3260 when none is given).  Returns
 * 0, or -1 when malformed: empty host, no closing bracket, a port that is
 * not a number from 1 to 65535, text after the port but ",TAG", or a
 * host longer than size - 1. */
int login_target_address(const char *v, char *host, size_t size,
		unsigned *port);

#endif
