/* vi: set sw=4 ts=4: */
/*
 * iscsi-init: the built-in login (FEATURE_ISCSI_INIT_LOGIN).  Logs a
 * session in through the kernel's iSCSI transport (scsi_transport_iscsi,
 * NETLINK_ISCSI, with iscsi_tcp) the way open-iscsi does: create the
 * session and its connection, connect a TCP socket bound to the plan's
 * NIC and address, bind it to the connection, set the parameters, run
 * the login conversation (login.c) through the kernel (Login PDUs go
 * out as ISCSI_UEVENT_SEND_PDU and come back as ISCSI_KEVENT_RECV_PDU),
 * set what was negotiated, start the connection and scan the host.
 * With -k, a resident child logs a session's connection in again when
 * the kernel reports it failed.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
#include "libbb.h"
#include <linux/netlink.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/un.h>
#include "iscsi_init.h"
#include "login.h"

/* From the kernel's include/scsi/iscsi_if.h (not in its UAPI): the
 * parts of struct iscsi_uevent a boot needs, with its size (56 bytes). */
struct iscsi_uevent {
	uint32_t type;
	uint32_t iferror;		/* a negative errno */
	uint64_t transport_handle;
	union {
		struct { uint32_t initial_cmdsn; uint16_t cmds_max, queue_depth; } c_session;
		struct { uint32_t sid, cid; } conn;	/* create, destroy, start */
		struct { uint32_t sid, cid; uint64_t transport_eph; uint32_t is_leading; } b_conn;
		struct { uint32_t sid, cid, hdr_size, data_size; } send_pdu;
		struct { uint32_t sid, cid, param, len; } set_param;
		struct { uint32_t sid, cid; uint64_t conn_handle; uint32_t flag; } stop_conn;
		struct { uint32_t sid; } d_session;
		struct { uint32_t host_no, param, len; } set_host_param;
		uint32_t w[6];		/* as kcall() fills it */
	} u;
	union {
		int32_t retcode;
		struct { uint32_t sid, host_no; } c_session_ret;
		struct { uint32_t sid, cid; } c_conn_ret;
		struct { uint32_t sid, cid; uint64_t recv_handle; } recv_req;
		struct { uint32_t sid, cid, error; } connerror;
		uint64_t size[2];
	} r;
};
struct BUG_iscsi_uevent_is_56_bytes {
	char BUG[sizeof(struct iscsi_uevent) == 56 ? 1 : -1];
};

enum {
	NETLINK_ISCSI_PROTO = 8,	/* NETLINK_ISCSI */
	NL_GRP_ISCSID = 1,
	UEV_CREATE_SESSION = 11, UEV_DESTROY_SESSION, UEV_CREATE_CONN,
	UEV_DESTROY_CONN, UEV_BIND_CONN, UEV_SET_PARAM, UEV_START_CONN,
	UEV_STOP_CONN, UEV_SEND_PDU,
	UEV_SET_HOST_PARAM = 26,
	HOST_PARAM_NETDEV_NAME = 2,	/* enum iscsi_host_param */
	KEV_RECV_PDU = 101, KEV_CONN_ERROR, KEV_IF_ERROR,
	STOP_CONN_TERM = 1, STOP_CONN_RECOVER = 3,
	/* enum iscsi_param */
	P_MAX_RECV_DLENGTH = 0, P_MAX_XMIT_DLENGTH, P_HDRDGST_EN, P_DATADGST_EN,
	P_INITIAL_R2T_EN, P_MAX_R2T, P_IMM_DATA_EN, P_FIRST_BURST, P_MAX_BURST,
	P_PDU_INORDER_EN, P_DATASEQ_INORDER_EN, P_ERL, P_IFMARKER_EN,
	P_OFMARKER_EN, P_EXP_STATSN, P_TARGET_NAME, P_TPGT,
	P_PERSISTENT_ADDRESS, P_PERSISTENT_PORT, P_SESS_RECOVERY_TMO,
	P_CONN_PORT, P_CONN_ADDRESS, P_USERNAME, P_USERNAME_IN, P_PASSWORD,
	P_PASSWORD_IN, P_FAST_ABORT, P_ABORT_TMO, P_LU_RESET_TMO,
	P_HOST_RESET_TMO, P_PING_TMO, P_RECV_TMO, P_IFACE_NAME, P_ISID,
	P_INITIATOR_NAME, P_TGT_RESET_TMO,

	NL_BUF = 16384,
	REPLY_MS = 10000,	/* the kernel answers a request within */
	RESPONSE_MS = 15000,	/* a Login Response comes within */
	CONNECT_MS = 10000,
	REDIRECTS_MAX = 4,
	CHECK_MS = 5000,	/* -k: how often sysfs and iscsid are looked at */
	STABLE_MS = 10000,	/* -k: a connection lost sooner flapped */
	NO_SID = 0xffffffff,
	/* exit statuses, as iscsistart's (plan_login_outcome) */
	EXIT_RETRY = 8,		/* ISCSI_ERR_TRANS_TIMEOUT: try again */
	EXIT_NO_TRANSPORT = 12,	/* ISCSI_ERR_TRANS_NOT_FOUND */
	EXIT_LOGIN_FINAL = 24,	/* ISCSI_ERR_LOGIN_AUTH_FAILED */
	ISCSI_ERR_TCP_CONN_CLOSE = 1020,	/* the kernel's enum iscsi_err */
};

/* Session defaults as open-iscsi's iscsid.conf has them. */
enum {
	CMDS_MAX = 128, QUEUE_DEPTH = 32, RECOVERY_TMO = 120, ABORT_TMO = 15,
	RESET_TMO = 30, NOOP_INTERVAL = 5, NOOP_TIMEOUT = 5,
};

struct kconn {
	int nl;				/* NETLINK_ISCSI socket */
	int sock;			/* the TCP connection, or -1 */
	uint64_t handle;		/* iscsi_tcp's transport handle */
	uint32_t sid, cid, host_no;
	uint32_t conn_error;		/* a KEV_CONN_ERROR for us (its error) */
	unsigned early_len;		/* a Login Response that came early */
	uint8_t early[ISCSI_LOGIN_PDU_MAX + 4];
	uint8_t buf[NL_BUF];
};

/* ---- CHAP hashes from libbb ---- */

static void dig(const void *parts[], const size_t lens[], unsigned n,
		uint8_t *out, unsigned which)
{
	struct {
		union {
			md5_ctx_t md;		/* also sha1_ctx_t, sha256_ctx_t */
			sha3_ctx_t sha3;
		} ctx;
		uint8_t res[64];
	} t;
	/* md5_hash() hashes for SHA-1 and SHA-256 too; sha3_hash() is of
	 * the same shape */
	void FAST_FUNC (*hash)(void *, const void *, size_t) = (void *)md5_hash;
	unsigned i, len = 32;

	if (which == CHAP_SHA3_256) {
		sha3_begin(&t.ctx.sha3);
		t.ctx.sha3.input_block_bytes = (1600 - 256 * 2) / 8;	/* SHA3-256 */
		hash = (void *)sha3_hash;
	} else {
		(which == CHAP_MD5 ? md5_begin : which == CHAP_SHA1 ? sha1_begin
			: sha256_begin)(&t.ctx.md);
	}
	for (i = 0; i < n; i++)
		hash(&t.ctx, parts[i], lens[i]);
	if (which == CHAP_SHA3_256)
		sha3_end(&t.ctx.sha3, t.res);
	else	/* sha256_end() is sha1_end() */
		len = (which == CHAP_MD5 ? md5_end : sha1_end)(&t.ctx.md, t.res);
	memcpy(out, t.res, len);
	/* the state has hashed the secret: wipe it, and keep the compiler
	 * from dropping the dead store */
	memset(&t, 0, sizeof(t));
	__asm__ __volatile__("" : : "r"(&t) : "memory");
}

static void h_md5(const void *p[], const size_t l[], unsigned n, uint8_t *o)
{
	dig(p, l, n, o, CHAP_MD5);
}
static void h_sha1(const void *p[], const size_t l[], unsigned n, uint8_t *o)
{
	dig(p, l, n, o, CHAP_SHA1);
}
static void h_sha256(const void *p[], const size_t l[], unsigned n, uint8_t *o)
{
	dig(p, l, n, o, CHAP_SHA256);
}
static void h_sha3(const void *p[], const size_t l[], unsigned n, uint8_t *o)
{
	dig(p, l, n, o, CHAP_SHA3_256);
}

static const struct chap_hash hashes[] = {
	{ "MD5", CHAP_MD5, 16, h_md5 },
	{ "SHA-1", CHAP_SHA1, 20, h_sha1 },
	{ "SHA-256", CHAP_SHA256, 32, h_sha256 },
	{ "SHA3-256", CHAP_SHA3_256, 32, h_sha3 },
};

int login_chap_list(const char *list)
{
	/* "SHA-256", "sha256", "sha3-256", "SHA3_256" ...: case, '-' and '_'
	 * do not count */
	static const char names[] ALIGN1 = "md5\0sha1\0sha256\0sha3256\0";
	char *copy = str_tolower(xstrdup(list)), *p = copy, *w;
	unsigned n = 0, seen = 0;	/* bit k: hashes[k] named */
	int k = 0;

	BUILD_BUG_ON(ARRAY_SIZE(G.chap) < ARRAY_SIZE(hashes));
	while (k >= 0 && (w = strsep(&p, ",")) != NULL) {
		char *q, *o;
		unsigned num = bb_strtou(w, NULL, 10) - CHAP_MD5;

		k = !errno && num < ARRAY_SIZE(hashes) ? (int)num : -1;
		for (q = o = w; *q; q++)
			if (*q != '-' && *q != '_')
				*o++ = *q;
		*o = '\0';
		if (k < 0)
			k = index_in_strings(names, w);
		if (k >= 0 && !(seen & 1 << k)) {	/* not named twice */
			seen |= 1 << k;
			G.chap[n++] = hashes[k];	/* G.chap holds all four */
		} else {
			k = -1;
		}
	}
	free(copy);
	if (k < 0)
		return -1;
	G.nr_chap = n;
	return 0;
}

void login_chap_shown(char *out, size_t size)
{
	strcpy(out, "CHAP_A=");
	chap_a_offer(G.nr_chap ? G.chap : hashes, G.nr_chap ? G.nr_chap : 1,
		out + 7, size - 7);
}

/* ---- NETLINK_ISCSI ---- */

/* Wait up to ms for the kernel's messages, into k->buf: returns their
 * length, 0 when none came, -1 on error, or -2 when sock (>= 0: the TCP
 * connection) was closed by its peer first. */
static int nl_read(struct kconn *k, long long ms, int sock)
{
	struct pollfd pfd[2];
	int n;

	pfd[0].fd = k->nl;
	pfd[0].events = POLLIN;
	pfd[1].fd = sock;		/* -1: poll() skips it */
	pfd[1].events = POLLRDHUP;
	if (ms < 0 || safe_poll(pfd, 2, ms) <= 0)
		return 0;
	if (!pfd[0].revents)
		return -2;
	n = recv(k->nl, k->buf, sizeof(k->buf), 0);
	return n < 0 ? -1 : n;
}

/* Keep an event for our connection that came while we waited for
 * something else: a Login Response, or a connection error. */
static void nl_event(struct kconn *k, const struct iscsi_uevent *ev,
		size_t len)
{
	if (ev->r.connerror.sid != k->sid || ev->r.connerror.cid != k->cid)
		return;		/* sid and cid: the same place in both */
	if (ev->type == KEV_CONN_ERROR)
		k->conn_error = ev->r.connerror.error ? ev->r.connerror.error : 1;
	if (ev->type == KEV_RECV_PDU) {
		len -= sizeof(*ev);
		if (len > sizeof(k->early) - 4)
			len = sizeof(k->early) - 4;
		memcpy(k->early, ev + 1, len);
		memset(k->early + len, 0, 4);
		k->early_len = (len + 3) & ~3u;	/* the data segment's padding */
	}
}

/* Ask the kernel for type on k's session and connection: the request's
 * words after sid and cid (after none for creating a session and for a
 * host's parameter) are a, b, c; then data: a Login PDU (b: its data
 * segment's bytes), or a parameter's value (a string, its length put
 * into the word after the parameter's number).
 * Waits for the answer (k's new sid, host_no or cid for a create), and
 * for sending a Login Request also for its response (into k->early) or
 * a failed connection (k->conn_error).  Returns 0, 1 when nothing came
 * in time, or a negative errno (the kernel's iferror, or the
 * transport's retcode, which creating a session or connection does not
 * have). */
static int kcall(struct kconn *k, unsigned type, uint32_t a, uint32_t b,
		uint32_t c, const void *data)
{
	/* the request is made in k->buf, which the answer overwrites */
	struct nlmsghdr *nh = (struct nlmsghdr *)k->buf;
	struct iscsi_uevent *ev = NLMSG_DATA(nh);
	uint32_t *w = ev->u.w;
	int pdu = type == UEV_SEND_PDU, rc, hup = 0;
	size_t len = 0;
	unsigned long long until = monotonic_ms() + (pdu ? RESPONSE_MS : REPLY_MS);

	BUILD_BUG_ON(NLMSG_LENGTH(sizeof(*ev)) + ISCSI_LOGIN_PDU_MAX > NL_BUF);
	memset(nh, 0, NLMSG_LENGTH(sizeof(*ev)));
	nh->nlmsg_type = ev->type = type;
	nh->nlmsg_pid = getpid();
	ev->transport_handle = k->handle;
	if (type != UEV_CREATE_SESSION && type != UEV_SET_HOST_PARAM) {
		*w++ = k->sid;
		*w++ = k->cid;
	}
	w[0] = a;
	w[1] = b;
	w[2] = c;
	if (pdu) {
		len = ISCSI_BHS_LEN + b;
	} else if (data) {	/* a parameter's value: its length follows it */
		len = strlen(data) + 1;
		w[type == UEV_SET_PARAM ? 1 : 2] = len;
	}
	if (len)
		memcpy(ev + 1, data, len);
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ev)) + len;
	/* unconnected, a netlink socket sends to the kernel */
	rc = send(k->nl, nh, nh->nlmsg_len, 0) < 0 ? -errno : 0;
	while (rc == 0 && !(pdu && (k->early_len || k->conn_error))) {
		/* The kernel reports a connection the target closed only once
		 * it reads or writes there: one closed before the bind (a
		 * target refusing everyone, e.g. tgtd with no target) shows
		 * on the socket itself. */
		int n = nl_read(k, until - monotonic_ms(), pdu && !hup ? k->sock : -1);

		nh = (struct nlmsghdr *)k->buf;

		if (n == -2) {
			/* closed: what it sent before comes within a moment */
			hup = 1;
			until = monotonic_ms() + 300;
			continue;
		}
		if (n <= 0) {
			if (hup)
				k->conn_error = 1;
			else
				rc = 1;
			break;
		}
		for (; NLMSG_OK(nh, (unsigned)n); nh = NLMSG_NEXT(nh, n)) {
			struct iscsi_uevent *got = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*got)))
				continue;
			if (nh->nlmsg_type != type) {
				nl_event(k, got, nh->nlmsg_len - NLMSG_LENGTH(0));
				continue;
			}
			rc = (int32_t)got->iferror;
			if (rc) {
			} else if (type == UEV_CREATE_SESSION) {
				k->sid = got->r.c_session_ret.sid;
				k->host_no = got->r.c_session_ret.host_no;
			} else if (type == UEV_CREATE_CONN) {
				k->cid = got->r.c_conn_ret.cid;
			} else {
				rc = got->r.retcode > 0 ? -got->r.retcode : got->r.retcode;
			}
			if (!pdu)
				return rc;
		}
	}
	return rc;
}

static int set_param(struct kconn *k, unsigned param, const char *value)
{
	int rc;

	if (!value[0])
		return 0;
	rc = kcall(k, UEV_SET_PARAM, param, 0, 0, value);
	return rc == -ENOSYS ? 0 : rc;	/* a parameter this kernel lacks */
}

static int set_num(struct kconn *k, unsigned param, unsigned value)
{
	char num[sizeof(int) * 3 + 1];

	sprintf(num, "%u", value);
	return set_param(k, param, num);
}

/* What the kernel's enum iscsi_err (include/scsi/iscsi_if.h) says of a
 * failed connection, for the errors a lost target gives. */
static const char *conn_error_str(uint32_t err)
{
	static const char str[] ALIGN1 = "error\0protocol error\0"
		"connection failed\0digest error\0send failed\0"
		"TCP connection closed\0SCSI error handling reset the session\0"
		"NOP-Out timed out\0";
	/* 1001-1007 (ISCSI_ERR_DATASN .. ISCSI_ERR_AHSLEN) are protocol
	 * errors, too.  4 bits an error from 1008 (ISCSI_ERR_PROTO) to 1022
	 * (ISCSI_ERR_NOP_TIMEDOUT): which of str; 1009 LUN, 1010 bad ITT and
	 * 1012 R2TSN are protocol errors, 1011 ISCSI_ERR_CONN_FAILED,
	 * 1014/1015 the digest errors, 1019 ISCSI_ERR_XMIT_FAILED, 1020
	 * ISCSI_ERR_TCP_CONN_CLOSE, 1021 ISCSI_ERR_SCSI_EH_SESSION_RST */
	if (err - 1001 < 7)	/* DataSN, offsets, CmdSN, opcode, lengths */
		err = 1008;
	err -= 1008;
	return nth_string(str, err < 15 ? (int)(0x765400033012111ULL >> 4 * err & 15) : 0);
}

/* Send one Login Request and wait for its response (in k->early, its
 * length returned; 0 with why set when none came). */
static unsigned login_exchange(struct kconn *k, const uint8_t *req,
		size_t len, const char **why)
{
	int rc;

	k->early_len = 0;
	rc = kcall(k, UEV_SEND_PDU, ISCSI_BHS_LEN, len - ISCSI_BHS_LEN, 0, req);

	if (rc == 1) {
		*why = "no login response in time";
		return 0;
	}
	if (rc != 0) {
		*why = "the kernel refused the Login Request";
		return 0;
	}
	if (!k->early_len) {
		/* closed by the target, or dropped by the kernel, for a PDU
		 * it refused (a data length too long ...) */
		static char dropped[96];

		*why = "the target closed the connection";
		if (k->conn_error && k->conn_error != ISCSI_ERR_TCP_CONN_CLOSE) {
			snprintf(dropped, sizeof(dropped), "the kernel dropped the "
				"connection: %s (%u)", conn_error_str(k->conn_error), k->conn_error);
			*why = dropped;
		}
		return 0;
	}
	return k->early_len;
}

/* ---- the TCP connection ---- */

union sa {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/* a as a socket address with port; its length */
static socklen_t to_sa(union sa *u, const struct ibft_addr *a, unsigned port,
		const char *dev)
{
	memset(u, 0, sizeof(*u));
	if (a->family == IBFT_AF_INET6) {
		u->sin6.sin6_family = AF_INET6;
		memcpy(&u->sin6.sin6_addr, a->a, 16);
		u->sin6.sin6_port = htons(port);
		if (a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80 && dev)
			u->sin6.sin6_scope_id = if_nametoindex(dev);
		return sizeof(u->sin6);
	}
	u->sin.sin_family = AF_INET;
	memcpy(&u->sin.sin_addr, a->a, 4);
	u->sin.sin_port = htons(port);
	return sizeof(u->sin);
}

/* A TCP connection to ip:port leaving through dev from src (either may
 * be NULL).  Returns the socket, or -1 with why set. */
static int tcp_connect(const struct ibft_addr *ip, unsigned port,
		const char *dev, const struct ibft_addr *src, const char **why)
{
	union sa to, from;
	socklen_t len = to_sa(&to, ip, port, dev);
	/* connect() waits for as long (the kernel sets its own send timeout
	 * when the connection is bound to it) */
	struct timeval tv = { CONNECT_MS / 1000, 0 };
	int fd, one = 1;

	fd = socket(to.sa.sa_family, SOCK_STREAM, 0);
	if (fd >= 0) {
		if (dev && dev[0])
			setsockopt_bindtodevice(fd, dev);
		if (!src || bind(fd, &from.sa, to_sa(&from, src, 0, dev)) == 0) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
			if (connect(fd, &to.sa, len) == 0)
				return fd;
			if (errno == EINPROGRESS)	/* the time ran out */
				errno = ETIMEDOUT;
		}
	}
	*why = strerror(errno);
	close(fd);	/* -1: nothing */
	return -1;
}

/* ---- one login ---- */

/* The SCSI host's network device, as iscsistart sets it: the real root's
 * iscsid binds its own connections for the session to it. */
static int set_host_netdev(struct kconn *k, const char *dev)
{
	int rc = kcall(k, UEV_SET_HOST_PARAM, k->host_no, HOST_PARAM_NETDEV_NAME,
		0, dev);

	return rc == -ENOSYS || rc == -EINVAL ? 0 : rc;
}

/* The iface name a session of ours has (session_params()) into buf */
static void iface_name(char *buf, const struct plan_session *s)
{
	sprintf(buf, "iscsi-init.%s", G.plan.nic[s->nic].label);
}

/* The session's identity as open-iscsi keeps it, so that the real root's
 * iscsid finds it in sysfs and takes it over. */
static int session_params(struct kconn *k, const struct plan_session *s,
		const struct login_conv *c)
{
	/* numbers: open-iscsi's defaults (recovery, abort, LU and target
	 * reset timeouts; NOP-Out timeout and interval), in seconds */
	static const uint8_t num[][2] = {
		{ P_SESS_RECOVERY_TMO, RECOVERY_TMO }, { P_ABORT_TMO, ABORT_TMO },
		{ P_LU_RESET_TMO, RESET_TMO }, { P_TGT_RESET_TMO, RESET_TMO },
		{ P_PING_TMO, NOOP_TIMEOUT }, { P_RECV_TMO, NOOP_INTERVAL },
	};
	/* names and CHAP credentials: as login_conv_setup() put them into
	 * c, from c->initiator to c->secret_in */
	static const uint8_t str_id[] = {
		P_INITIATOR_NAME, P_TARGET_NAME, P_USERNAME, P_PASSWORD,
		P_USERNAME_IN, P_PASSWORD_IN,
	};
	const struct plan_nic *n = &G.plan.nic[s->nic];
	const char *const *str = &c->initiator;
	char iface[PLAN_IFNAMSIZ + 16], ip[PLAN_ADDRSTRLEN];
	unsigned i;
	int rc = (n->dev[0] ? set_host_netdev(k, n->dev) : 0)
		| set_num(k, P_PERSISTENT_PORT, s->port)
		| set_param(k, P_PERSISTENT_ADDRESS, ibft_addr_str(&s->ip, ip));

	BUILD_BUG_ON(offsetof(struct login_conv, secret_in)
		!= offsetof(struct login_conv, initiator) + 5 * sizeof(char *));
	iface_name(iface, s);
	rc |= set_param(k, P_IFACE_NAME, iface);
	for (i = 0; i < ARRAY_SIZE(str_id); i++)
		rc |= set_param(k, str_id[i], str[i]);
	for (i = 0; i < ARRAY_SIZE(num); i++)
		rc |= set_num(k, num[i][0], num[i][1]);
	return rc;
}

/* What was negotiated (RFC 7143 section 13), then ExpStatSN and the
 * target's TPGT; the connection starts. */
static int full_feature(struct kconn *k, const struct login_conv *c)
{
#define F(f) offsetof(struct login_params, f) / 4
	static const uint8_t neg[][2] = {
		{ P_MAX_RECV_DLENGTH, F(max_recv_dsl) },
		{ P_MAX_XMIT_DLENGTH, F(max_xmit_dsl) },
		{ P_HDRDGST_EN, F(header_digest) },	/* LOGIN_DIGEST_CRC32C: 1 */
		{ P_DATADGST_EN, F(data_digest) },
		{ P_INITIAL_R2T_EN, F(initial_r2t) },
		{ P_MAX_R2T, F(max_outstanding_r2t) },
		{ P_IMM_DATA_EN, F(immediate_data) },
		{ P_FIRST_BURST, F(first_burst) },
		{ P_MAX_BURST, F(max_burst) },
		{ P_PDU_INORDER_EN, F(data_pdu_in_order) },
		{ P_DATASEQ_INORDER_EN, F(data_seq_in_order) },
		{ P_ERL, F(error_recovery_level) },
	};
#undef F
	const uint32_t *p = (const uint32_t *)&c->nego.result;
	unsigned i;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(neg); i++)
		rc |= set_num(k, neg[i][0], p[neg[i][1]]);
	return rc | set_num(k, P_EXP_STATSN, c->statsn + 1)
		| set_num(k, P_TPGT, c->tpgt >= 0 ? (unsigned)c->tpgt : G.plan.tpgt)
		| kcall(k, UEV_START_CONN, 0, 0, 0, NULL);
}

/* -k's children after a failed try that was not the 1st, 2nd, 4th, 8th
 * ...: a long outage does not fill the console */
static smallint quiet;
/* -k: where a login child of the resident child tells which kernel
 * session it brought up, one a session (shared memory: sysfs may not
 * tell, its attributes come a moment later); NULL elsewhere */
static uint32_t *found_sid;
/* the portal a redirect led to ("": none), for error lines */
static char moved[PLAN_PORTALSTRLEN + 20];	/* " (redirected to IP:PORT)" */

/* "iscsi-init: target0: iqn... at 10.0.2.100:3260 via eth0: login: WHY" */
static void login_error(const struct plan_session *s, const char *what,
		const char *why)
{
	const struct plan_nic *n = &G.plan.nic[s->nic];
	char at[PLAN_PORTALSTRLEN];

	if (quiet)
		return;
	bb_error_msg("%s: %s at %s%s via %s: %s: %s", s->label, s->name,
		portal_str(&s->ip, s->port, at), moved,
		n->dev[0] ? n->dev : n->label, what, why);
}

/* A redirect's TargetAddress into ip and port (login_target_address()).
 * 0, or -1 (a host name, or malformed). */
static int parse_target_address(const char *v, struct ibft_addr *ip,
		unsigned *port)
{
	char host[64];

	if (login_target_address(v, host, sizeof(host), port) != 0)
		return -1;
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, host, ip->a) == 1)
		ip->family = IBFT_AF_INET;
	else if (inet_pton(AF_INET6, host, ip->a) == 1)
		ip->family = IBFT_AF_INET6;
	else
		return -1;
	return 0;
}

/* Run the login conversation on k's bound connection, then go full
 * feature.  Returns 0, an exit status (EXIT_*) after one line, or -1
 * when redirected (the redirects-th time) to redirect:*rport, which the
 * caller is to follow; after REDIRECTS_MAX, a redirect is a failure. */
static int converse(struct kconn *k, const struct plan_session *s,
		struct login_conv *c, struct ibft_addr *redirect, unsigned *rport,
		unsigned redirects)
{
	uint8_t *req = xmalloc(ISCSI_LOGIN_PDU_MAX);
	const char *why = NULL;
	char err[160];
	long len;
	int rc = 0;

	len = login_conv_start(c, req, ISCSI_LOGIN_PDU_MAX, err, sizeof(err));
	if (len <= 0)
		why = err;
	while (len > 0) {
		unsigned got = login_exchange(k, req, len, &why);

		memset(req, 0, len);	/* a CHAP_R */
		if (!got) {
			rc = EXIT_RETRY;
			break;
		}
		len = login_conv_next(c, k->early, got, req, ISCSI_LOGIN_PDU_MAX, err,
			sizeof(err));
		if (len < 0)
			why = err;
	}
	free(req);
	if (why) {
		if (!rc)
			rc = c->status == LOGIN_STATUS_FINAL ? EXIT_LOGIN_FINAL : EXIT_RETRY;
		if (c->status == LOGIN_STATUS_REDIRECT) {
			char shown[48], *e = err + strlen(err);
			size_t room = sizeof(err) - strlen(err);

			if (redirects >= REDIRECTS_MAX)
				snprintf(e, room, ", after %u redirects", redirects);
			else if (parse_target_address(c->redirect, redirect, rport) == 0)
				return -1;	/* follow it */
			else	/* a host name (RFC 7143 allows it), or garbage */
				snprintf(e, room, ", to '%s%s': no IP address and port",
					text_plain(shown, sizeof(shown), c->redirect,
						strlen(c->redirect)),
					strlen(c->redirect) >= sizeof(shown) ? "..." : "");
		}
		login_error(s, "login", why);
		return rc;
	}
	if (full_feature(k, c) != 0) {
		login_error(s, "login", "the kernel refused the negotiated parameters");
		return EXIT_RETRY;
	}
	return 0;
}

/* What we offer: open-iscsi's defaults (iscsid.conf); digests None. */
static const struct login_params ours = {
	.header_digest = LOGIN_DIGEST_NONE, .data_digest = LOGIN_DIGEST_NONE,
	.max_recv_dsl = 262144, .max_xmit_dsl = 8192,
	.max_burst = 16776192, .first_burst = 262144,
	.initial_r2t = 0, .immediate_data = 1,
	.data_pdu_in_order = 1, .data_seq_in_order = 1,
	.max_connections = 1,
	.default_time2wait = 2, .default_time2retain = 0,
	.max_outstanding_r2t = 1, .error_recovery_level = 0,
	.tpgt = -1,
};

/* c for session s of kernel session sid.  0, or -1 after a line when
 * mutual CHAP finds no random bytes for its challenge. */
static int login_conv_setup(struct login_conv *c, const struct plan_session *s,
		uint32_t sid)
{
	memset(c, 0, sizeof(*c));
	c->initiator = G.plan.initiator;
	c->target = s->name;
	c->user = s->chap_name;
	c->secret = s->chap_secret;
	c->user_in = s->rchap_name;
	c->secret_in = s->rchap_secret;
	c->hashes = G.nr_chap ? G.chap : hashes;
	c->nhashes = G.nr_chap ? G.nr_chap : 1;	/* MD5 alone by default */
	/* ISID as open-iscsi makes it: OUI format 0x00023d, then the sid */
	c->isid[1] = 0x02;
	c->isid[2] = 0x3d;
	c->isid[3] = sid >> 16;
	c->isid[4] = sid >> 8;
	c->isid[5] = sid;
	c->ours = ours;
	if (s->rchap_secret[0]
	 && open_read_close("/dev/urandom", c->rnd, sizeof(c->rnd)) != sizeof(c->rnd)) {
		login_error(s, "login", "mutual CHAP: can't read /dev/urandom");
		return -1;
	}
	return 0;
}

/* /sys, opened once: the resident child opens it before switch_root
 * moves it away, and finds it there all the same (-1: not open yet) */
static int sys_dir = -1;

/* path, relative to /sys, opened with flags.  An fd, or -1. */
static int sysfs_open(const char *path, int flags)
{
	if (sys_dir < 0)
		sys_dir = open("/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return openat(sys_dir, path, flags);
}

enum { ATTR_MAX = IBFT_NAME_MAX + 2 };	/* a sysfs file's bytes we read */

/* sysfs file path (relative to /sys) as a string (trailing newline
 * dropped) into v (ATTR_MAX bytes); "" when absent. */
static char *sysfs_read(const char *path, char *v)
{
	int n = sysfs_open(path, O_RDONLY);

	if (n >= 0)
		n = read_close(n, v, ATTR_MAX - 1);
	if (n < 0)
		n = 0;
	v[n] = '\0';
	*strchrnul(v, '\n') = '\0';
	return v;
}

/* k (zeroed)'s netlink socket; the transport's handle is handle, or (0)
 * read from sysfs.  0, or an exit status after a line. */
static int kconn_open(struct kconn *k, const struct plan_session *s,
		uint64_t handle)
{
	struct sockaddr_nl sa;
	char v[ATTR_MAX];

	k->sock = -1;
	k->sid = NO_SID;
	k->handle = handle ? handle : strtoull(sysfs_read(
		"class/iscsi_transport/tcp/handle", v), NULL, 10);
	k->nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ISCSI_PROTO);
	if (!k->handle || k->nl < 0) {
		login_error(s, "login", "no iscsi_tcp transport (module not loaded?)");
		return EXIT_NO_TRANSPORT;
	}
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1 << (NL_GRP_ISCSID - 1);
	if (bind(k->nl, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		login_error(s, "login", "can't bind NETLINK_ISCSI");
		return EXIT_NO_TRANSPORT;
	}
	setsockopt_SOL_SOCKET_int(k->nl, SO_RCVBUF, 256 * 1024);
	return 0;
}

/* Bind k's connected socket to its connection; then the session's
 * parameters.  0, or an exit status after a line. */
static int bind_conn(struct kconn *k, const struct plan_session *s,
		const struct login_conv *c)
{
	/* transport_eph (64 bits): the socket; then is_leading */
	if (kcall(k, UEV_BIND_CONN, BB_BIG_ENDIAN ? 0 : k->sock,
			BB_BIG_ENDIAN ? k->sock : 0, 1, NULL) != 0
	 || session_params(k, s, c) != 0) {
		login_error(s, "login", "the kernel refused the connection");
		return EXIT_RETRY;
	}
	return 0;
}

/* The session and connection k made go again (nothing half-done); what
 * the kernel said of that connection is forgotten. */
static void teardown(struct kconn *k)
{
	if (k->sid != NO_SID) {
		kcall(k, UEV_STOP_CONN, 0, 0, STOP_CONN_TERM, NULL);
		kcall(k, UEV_DESTROY_CONN, 0, 0, 0, NULL);
		kcall(k, UEV_DESTROY_SESSION, 0, 0, 0, NULL);
		k->sid = NO_SID;
	}
	if (k->sock >= 0)
		close(k->sock);
	k->sock = -1;
	k->conn_error = 0;
	k->early_len = 0;
}

/* The executor stops a login at -t: what it made goes with it. */
static struct kconn *dying;
static void stop_login(int sig UNUSED_PARAM)
{
	teardown(dying);
	_exit(EXIT_RETRY);
}

/* A new session in the kernel for k, with its connection. */
static int create_session(struct kconn *k, const struct plan_session *s)
{
	/* initial_cmdsn 0, then cmds_max and queue_depth (16 bits each) */
	if (kcall(k, UEV_CREATE_SESSION, 0, BB_BIG_ENDIAN
			? CMDS_MAX << 16 | QUEUE_DEPTH : QUEUE_DEPTH << 16 | CMDS_MAX,
			0, NULL) != 0
	 || kcall(k, UEV_CREATE_CONN, 0, 0, 0, NULL) != 0) {
		login_error(s, "login", "the kernel refused a new session");
		return EXIT_RETRY;
	}
	return 0;
}

/* Attribute name of kernel session sid (cid < 0) or of its connection
 * cid in sysfs, as a string (trailing newline dropped) into v (ATTR_MAX
 * bytes); "" when absent. */
static char *iscsi_attr(uint32_t sid, int cid, const char *name, char *v)
{
	char path[96];

	if (cid < 0)
		sprintf(path, "class/iscsi_session/session%u/%s", sid, name);
	else
		sprintf(path, "class/iscsi_connection/connection%u:%u/%s", sid, cid,
			name);
	return sysfs_read(path, v);
}

/* Is kernel session sid the plan's session i: its target name, portal
 * and iface name in sysfs as session_params() set them? */
static int session_is(uint32_t sid, unsigned i)
{
	/* the session's, then its connection 0's two, then the session's */
	static const char attrs[] ALIGN1 =
		"targetname\0persistent_address\0persistent_port\0ifacename\0";
	const struct plan_session *s = &G.plan.session[i];
	char v[ATTR_MAX], ip[PLAN_ADDRSTRLEN], port[sizeof(int) * 3 + 1],
		iface[PLAN_IFNAMSIZ + 16];
	const char *want[] = { s->name, ibft_addr_str(&s->ip, ip), port, iface };
	const char *a = attrs;
	unsigned j;

	sprintf(port, "%u", s->port);
	iface_name(iface, s);
	for (j = 0; j < ARRAY_SIZE(want); j++, a += strlen(a) + 1)
		if (strcmp(iscsi_attr(sid, j - 1 < 2 ? 0 : -1, a, v), want[j]) != 0)
			return 0;
	return 1;
}

/* Is the state of kernel session sid (cid < 0) or of its connection cid
 * want?  (No when it cannot be read.) */
static int state_is(uint32_t sid, int cid, const char *want)
{
	char v[ATTR_MAX];

	return strcmp(iscsi_attr(sid, cid, "state", v), want) == 0;
}

/* Did connection cid of kernel session sid fail?  (Without sysfs: no;
 * the kernel's events still tell.) */
#define conn_failed(sid, cid) state_is(sid, cid, "failed")
/* Is kernel session sid logged in? */
#define session_up(sid) state_is(sid, -1, "LOGGED_IN")

/* A -k resident child's lock in /run, for kind ("session", "path")
 * number id: so that iscsi-init run again leaves what the child keeps to it
 * (two would log one session in against each other).  keep: take it and
 * hold it for as long as this process runs; else only look.  0, or -1
 * when another process holds it (without /run: 0). */
static int keep_lock(const char *kind, uint32_t id, int keep)
{
	char path[48];
	int fd, held;

	sprintf(path, "/run/iscsi-init-k.%s%u.lock", kind, id);
	fd = open(path, keep ? O_RDWR | O_CREAT : O_RDONLY, 0600);
	if (fd < 0)
		return 0;
	held = flock(fd, LOCK_EX | LOCK_NB) != 0;
	if (held || !keep)
		close(fd);
	return -held;
}

/* The lock a -k child holds for kernel session sid (keep_session()) */
#define SESSION_LOCK "session"

/* The kernel session that is the plan's session i, or NO_SID. */
static uint32_t session_find(unsigned i)
{
	struct dirent *de;
	int fd = sysfs_open("class/iscsi_session", O_RDONLY | O_DIRECTORY);
	DIR *dir = fdopendir(fd);	/* NULL for -1 */
	unsigned sid, found = NO_SID;

	if (!dir) {
		close(fd);
		return found;
	}
	while (found == NO_SID && (de = readdir(dir)) != NULL)
		if (sscanf(de->d_name, "session%u", &sid) == 1 && session_is(sid, i))
			found = sid;
	closedir(dir);
	return found;
}

/* Session i: a new login (sid NO_SID), or, for -k, its connection cid
 * of kernel session sid failed: connect again, bind the new socket to
 * the same connection, log in (the same ISID: the target reinstates the
 * session) and start it; that needs no /sys, which may be gone after
 * switch_root.  handle: the transport's (0: from sysfs).  Exits as
 * login_child() says. */
static void NORETURN log_in(unsigned i, uint32_t sid, uint32_t cid,
		uint64_t handle)
{
	const struct plan_session *s = &G.plan.session[i];
	const struct plan_nic *n = &G.plan.nic[s->nic];
	struct kconn *k = xzalloc(sizeof(*k));
	struct login_conv *c = xzalloc(sizeof(*c));
	struct ibft_addr ip = s->ip;
	unsigned port = s->port, redirects = 0;
	int recover = sid != NO_SID, rc;
	const char *why;
	char path[64], at[PLAN_PORTALSTRLEN];

	/* Logged in already (iscsi-init run twice): as iscsistart's "session
	 * exists", that is the session.  One whose connection failed (its
	 * network went) is logged in again, unless a -k child keeps it (it
	 * does that itself); one being logged in now by another iscsi-init
	 * is left to it, for now. */
	if (!recover && (sid = session_find(i)) != NO_SID) {
		int failed = conn_failed(sid, 0);

		if (failed && keep_lock(SESSION_LOCK, sid, 0) == 0) {
			recover = 1;
		} else if (session_up(sid)) {
			if (G.opts & OPT_v)
				bb_error_msg("%s: %s: logged in already (session %u)",
					s->label, s->name, sid);
			if (found_sid)
				found_sid[i] = sid;
			_exit(0);
		} else {
			login_error(s, "login", failed
				? "its connection failed; a -k child logs it in again"
				: "another iscsi-init logs it in");
			_exit(EXIT_RETRY);
		}
	}
	rc = kconn_open(k, s, handle);
	k->sid = sid;
	k->cid = cid;
	if (!recover) {		/* the executor stops a login at -t */
		dying = k;
		signal(SIGTERM, stop_login);
	}
	while (rc == 0) {
		/* Stopped, the connection hears nothing more of its old socket:
		 * what the kernel said of that before is forgotten (the same
		 * session and connection take the new one). */
		if (recover)
			kcall(k, UEV_STOP_CONN, 0, 0, STOP_CONN_RECOVER, NULL);
		k->conn_error = 0;
		k->early_len = 0;
		/* the connection first: a target that does not answer leaves
		 * nothing in the kernel */
		k->sock = tcp_connect(&ip, port, n->dev, plan_source(n, &ip),
			&why);
		if (k->sock < 0) {
			login_error(s, "connect", why);
			rc = EXIT_RETRY;
			break;
		}
		if (!recover)
			rc = create_session(k, s);
		if (!rc && login_conv_setup(c, s, k->sid))
			rc = EXIT_LOGIN_FINAL;
		if (!rc)
			rc = bind_conn(k, s, c);
		if (!rc)
			rc = converse(k, s, c, &ip, &port, redirects);
		if (rc >= 0)
			break;
		/* redirected to ip:port: a new connection (and, for a new
		 * login, a new session) */
		if (recover) {
			close(k->sock);
			k->sock = -1;
		} else {
			teardown(k);
		}
		redirects++;
		sprintf(moved, " (redirected to %s)", portal_str(&ip, port, at));
		rc = 0;
	}
	if (rc && !recover)
		teardown(k);
	if (rc == 0 && found_sid)
		found_sid[i] = k->sid;
	if (rc == 0 && !recover) {
		/* Up: a SIGTERM from now on leaves it so (it is counted up) */
		signal(SIGTERM, SIG_IGN);
		if (G.opts & OPT_v)
			bb_error_msg("%s: %s: session %u, host %u, auth %s", s->label,
				s->name, k->sid, k->host_no, c->auth);
		/* LUNs: iscsi_tcp leaves the scan to us, as to iscsid, which
		 * scans in a child of its own: many LUNs take a while, and a
		 * -t or SIGTERM meanwhile must not find the login unfinished.
		 * Out of our process group, the executor's stop misses it; it
		 * holds G.scan_fd[1], so the executor knows when it is done. */
		fflush_all();
		if (fork() == 0) {
			setpgid(0, 0);
			sprintf(path, "class/scsi_host/host%u/scan", k->host_no);
			rc = sysfs_open(path, O_WRONLY);
			if (rc >= 0)
				full_write(rc, "- - -", 5);
			_exit(0);
		}
		rc = 0;
	}
	memset(c, 0, sizeof(*c));
	_exit(rc);
}

/* In a new login's child of parent: its parent killed (SIGKILL, the
 * OOM killer), a SIGTERM comes all the same, and what the login made
 * goes (stop_login()).  (A -k child's login recovering a session is let
 * finish: it keeps the disk, and nobody would do it again.) */
static void die_with(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)	/* it died before that */
		_exit(EXIT_RETRY);
}

void login_child(unsigned i)
{
	die_with(getppid());	/* (one dead already is init, or a reaper) */
	log_in(i, NO_SID, 0, 0);
}

/* ---- -k: recovery ---- */

/* Is open-iscsi's iscsid running?  It listens on an abstract socket;
 * then it recovers the sessions it adopted, and we stand aside. */
static int iscsid_runs(void)
{
	struct sockaddr_un sa;
	int fd = socket(AF_LOCAL, SOCK_STREAM, 0), ok;
	static const char name[] = "ISCSIADM_ABSTRACT_NAMESPACE";

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_LOCAL;
	memcpy(sa.sun_path + 1, name, sizeof(name) - 1);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa,
		offsetof(struct sockaddr_un, sun_path) + sizeof(name)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* What the resident child keeps of a session */
struct keep {
	pid_t pid;			/* its login child, 0: none */
	uint32_t sid, cid;		/* the kernel's session, NO_SID: none yet */
	unsigned tries;			/* logins that failed since the last success */
	unsigned flaps;			/* connections lost soon after a login */
	unsigned long long due;		/* monotonic_ms() of the next try, 0: none */
	unsigned long long down;	/* when its connection was lost, 0: up */
	unsigned long long up;		/* when it was logged in last */
};
static struct keep *kept;		/* one a session of the plan */

/* The resident child stands aside, and exits, once iscsid runs; a login
 * of ours still going on ends at once (iscsid logs that session in
 * again itself). */
static void keeper_check_iscsid(void)
{
	unsigned i;

	if (iscsid_runs()) {
		for (i = 0; i < G.plan.nr_sessions; i++)
			if (kept[i].pid)
				kill(kept[i].pid, SIGKILL);
		bb_simple_error_msg("iscsid runs: it recovers the sessions now");
		_exit(EXIT_SUCCESS);
	}
}

/* Kernel session r->sid is ours to keep: 0, or -1 (r->sid is then
 * NO_SID) when another resident child keeps it. */
static int keep_session(struct keep *r)
{
	if (keep_lock(SESSION_LOCK, r->sid, 1) == 0)
		return 0;
	r->sid = NO_SID;
	return -1;
}

/* Session i, not up, is ours to try again (its target name, portal and
 * NIC): 0, or -1 when another resident child tries it. */
static int keep_path(unsigned i)
{
	const struct plan_session *s = &G.plan.session[i];
	md5_ctx_t ctx;
	uint32_t id[4];
	char at[PLAN_PORTALSTRLEN],
		buf[sizeof(s->name) + sizeof(at) + PLAN_IFNAMSIZ];

	md5_begin(&ctx);
	md5_hash(&ctx, buf, sprintf(buf, "%s%c%s%c%s", s->name, 0,
		portal_str(&s->ip, s->port, at), 0, G.plan.nic[s->nic].label));
	md5_end(&ctx, id);
	return keep_lock("path", id[0], 1);
}

/* Session i's connection was lost (why: said in its line): log it in
 * again, at once; after a connection that lasted less than STABLE_MS
 * (a target that drops each one after its login), with the backoff of
 * failed tries, so a fleet does not hammer it. */
static void keep_lost(struct keep *r, unsigned i, const char *why)
{
	unsigned long long now = monotonic_ms();
	unsigned delay = 0;
	char in[24];

	r->flaps = r->up && now - r->up < STABLE_MS ? r->flaps + 1 : 0;
	if (r->flaps)
		delay = plan_retry_delay_ms(r->flaps, random());
	in[0] = '\0';
	if (delay)
		sprintf(in, " in %u.%u s", delay / 1000, delay % 1000 / 100);
	bb_error_msg("%s: %s: connection lost: %s; logging in again%s",
		G.plan.session[i].label, G.plan.session[i].name, why, in);
	r->due = now + delay;
	if (!r->down)
		r->down = now;
}

/* the resident child, parent of its logins */
static pid_t keeper;

void login_keeper(void)
{
	struct kconn *k;
	struct keep *r;
	unsigned long long check = 0;	/* the next look at sysfs and iscsid */
	unsigned i;

	fflush_all();
	if (xfork() != 0)
		return;
	keeper = getpid();
	setsid();
	stay_at_shutdown();
	if (G.nl_fd >= 0)
		close(G.nl_fd);
	close(G.sig_fd[0]);
	close(G.sig_fd[1]);
	child_signals();
	applet_name = "iscsi-init -k";
	k = xzalloc(sizeof(*k));
	r = kept = xzalloc(sizeof(*r) * PLAN_MAX_SESSIONS);
	found_sid = mmap(NULL, PLAN_MAX_SESSIONS * sizeof(*found_sid),
		PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (found_sid == MAP_FAILED)
		found_sid = NULL;	/* then from sysfs */
	if (kconn_open(k, &G.plan.session[0], 0) != 0)
		_exit(EXIT_FAILURE);
	/* /sys, opened now: switch_root moves it away (sysfs_open()).  Our
	 * sessions' numbers.  A path that did not come up on a configured
	 * NIC, unless its target refused it for good, is tried again too
	 * (multipath: it joins later). */
	close(sysfs_open(".", O_RDONLY | O_DIRECTORY));
	for (i = 0; i < G.plan.nr_sessions; i++) {
		r[i].sid = G.sst[i].state == SESS_OK ? session_find(i) : NO_SID;
		if (r[i].sid != NO_SID)
			keep_session(&r[i]);
		else if (session_retryable(i) && keep_path(i) == 0) {
			r[i].tries = 1;
			r[i].due = monotonic_ms() + plan_retry_delay_ms(1, random());
		}
	}
	if (G.opts & OPT_v)
		bb_error_msg("pid %u: logging lost sessions in again", (unsigned)getpid());
	for (;;) {
		unsigned long long now = monotonic_ms(), next = now + 60 * 1000;
		struct nlmsghdr *nh;
		pid_t pid;
		int n, status;

		/* logins that ended: up (again), or another try later */
		while ((pid = wait_any_nohang(&status)) > 0) {
			for (i = 0; i < G.plan.nr_sessions; i++) {
				const struct plan_session *s = &G.plan.session[i];

				if (r[i].pid != pid)
					continue;
				r[i].pid = 0;
				if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
					int again = r[i].sid != NO_SID;

					/* a path that was never up: now it is, ours
					 * unless another -k child logged it in */
					if (!again)
						r[i].sid = found_sid ? found_sid[i] : session_find(i);
					if (!again && r[i].sid != NO_SID
					 && keep_session(&r[i]) != 0) {
						r[i].due = 0;
						continue;
					}
					bb_error_msg("%s: %s: logged in%s (try %u)", s->label,
						s->name, again ? " again" : "", r[i].tries + 1);
					r[i].tries = 0;
					r[i].due = 0;
					r[i].down = 0;
					r[i].up = now;
					/* lost again before we saw this child end, its
					 * event was taken for the old connection's: look */
					check = 0;
				} else {
					r[i].due = now + plan_retry_delay_ms(++r[i].tries, random());
				}
			}
		}
		/* Nothing (left) to keep: another -k child keeps them all */
		for (i = 0; i < G.plan.nr_sessions && r[i].sid == NO_SID
				&& !r[i].due && !r[i].pid; i++)
			;
		if (i == G.plan.nr_sessions) {
			bb_simple_error_msg("one runs already: it keeps the sessions");
			_exit(EXIT_SUCCESS);
		}
		/* Every few seconds: iscsid has come (we stand aside), or a
		 * connection failed whose event we missed (it came while the
		 * login before was ending, or the socket overflowed). */
		if (now >= check) {
			check = now + CHECK_MS;
			keeper_check_iscsid();
			for (i = 0; i < G.plan.nr_sessions; i++) {
				if (r[i].sid != NO_SID && !r[i].pid && !r[i].due
				 && conn_failed(r[i].sid, r[i].cid))
					keep_lost(&r[i], i, "failed in sysfs");
			}
		}
		if (check < next)
			next = check;
		for (i = 0; i < G.plan.nr_sessions; i++) {
			/* the kernel's recovery timeout: from now on it fails the
			 * session's I/O (said once) until a login brings it back */
			if (r[i].down && r[i].down + RECOVERY_TMO * 1000 <= now) {
				bb_error_msg("%s: %s: down for %u s: its I/O fails until"
					" it is back", G.plan.session[i].label,
					G.plan.session[i].name, RECOVERY_TMO);
				r[i].down = 0;
			} else if (r[i].down && r[i].down + RECOVERY_TMO * 1000 < next) {
				next = r[i].down + RECOVERY_TMO * 1000;
			}
			if (r[i].due && !r[i].pid) {
				if (r[i].due <= now) {
					keeper_check_iscsid();
					if (found_sid)
						found_sid[i] = NO_SID;
					fflush_all();
					r[i].pid = xfork();
					if (r[i].pid == 0) {
						/* a long outage: its reason on tries 1, 2,
						 * 4, 8 ... (r[i].tries have failed: this is
						 * try tries + 1) */
						unsigned t = r[i].tries + 1;

						quiet = t & (t - 1);
						if (r[i].sid == NO_SID)	/* a new one */
							die_with(keeper);
						log_in(i, r[i].sid, r[i].cid, k->handle);
					}
				} else if (r[i].due < next) {
					next = r[i].due;
				}
			}
			if (r[i].pid && next > now + 100)
				next = now + 100;	/* a child runs: look for its end */
		}
		n = nl_read(k, next - now, -1);
		if (n < 0 && errno != ENOBUFS)
			_exit(EXIT_FAILURE);
		if (n < 0)
			check = n = 0;	/* events were lost: sysfs tells */
		for (nh = (struct nlmsghdr *)k->buf; NLMSG_OK(nh, (unsigned)n);
				nh = NLMSG_NEXT(nh, n)) {
			struct iscsi_uevent *ev = NLMSG_DATA(nh);
			char why[64];
			int j;

			/* the kernel's events have nlmsg_type 0: ev->type says */
			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ev))
			 || ev->type != KEV_CONN_ERROR)
				continue;
			for (j = G.plan.nr_sessions; --j >= 0 && r[j].sid != ev->r.connerror.sid; )
				;
			if (j < 0 || r[j].due || r[j].pid)
				continue;	/* not ours, or being logged in again */
			r[j].cid = ev->r.connerror.cid;
			sprintf(why, "%s (kernel error %u)",
				conn_error_str(ev->r.connerror.error), ev->r.connerror.error);
			keep_lost(&r[j], j, why);
		}
	}
}
