/* RFC 3720 iSCSI name checks.  Pure: see iscsi_name.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "iscsi_name.h"

static int verdict(int rc, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (whylen)
		vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return rc;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "yyyy-mm." with a month 01-12 */
static int iqn_date(const char *s)
{
	return is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3])
		&& s[4] == '-' && is_digit(s[5]) && is_digit(s[6]) && s[7] == '.'
		&& (s[5] - '0') * 10 + (s[6] - '0') >= 1
		&& (s[5] - '0') * 10 + (s[6] - '0') <= 12;
}

/* n bytes of s: two or more labels of a-z, 0-9, '-' (upper case is
 * reported on its own), none empty */
static int reversed_domain(const char *s, size_t n)
{
	size_t i, label = 0, labels = 0;

	for (i = 0; i <= n; i++) {
		char c = i < n ? s[i] : '.';

		if (c == '.') {
			if (label == 0)
				return 0;
			labels++;
			label = 0;
		} else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			label++;
		} else if (is_digit(c) || c == '-') {
			label++;
		} else {
			return 0;
		}
	}
	return labels >= 2;
}

int iscsi_name_check(const char *name, char *why, size_t whylen)
{
	size_t n = strlen(name), i, hex;
	const char *rest = name + 4;

	if (whylen)
		why[0] = '\0';
	if (n == 0)
		return verdict(-1, why, whylen, "empty");
	if (n > ISCSI_NAME_MAX)
		return verdict(-1, why, whylen, "longer than %u bytes",
			ISCSI_NAME_MAX);
	/* bytes that no name holds, wherever they are */
	for (i = 0; i < n; i++) {
		unsigned char c = name[i];

		if (c == ' ')
			return verdict(-1, why, whylen, "byte %zu is a space", i + 1);
		if (c < 0x20 || c == 0x7f)
			return verdict(-1, why, whylen, "byte %zu is 0x%02x, not a "
				"printable character", i + 1, c);
		if (c >= 0x80)
			return verdict(-1, why, whylen, "byte %zu is 0x%02x, not "
				"ASCII (iscsi-init takes ASCII names only)", i + 1, c);
		if (c == '$' && name[i + 1] == '{')
			return verdict(-1, why, whylen, "'${' at byte %zu: an iPXE "
				"setting left unexpanded", i + 1);
		if (c == '/')
			return verdict(-1, why, whylen, "'/' at byte %zu (names are "
				"directory names to open-iscsi and LIO)", i + 1);
	}
	if (strncasecmp(name, "eui.", 4) == 0 || strncasecmp(name, "naa.", 4) == 0) {
		int naa = (name[0] | 0x20) == 'n';

		for (hex = 0; is_hex(rest[hex]); hex++)
			continue;
		if (rest[hex] || !(hex == 16 || (naa && hex == 32)))
			return verdict(-1, why, whylen, naa ? "naa. must be followed "
				"by 16 or 32 hex digits" : "eui. must be followed "
				"by 16 hex digits");
		/* upper case hex digits are the RFC's own examples */
		if (memcmp(name, naa ? "naa." : "eui.", 4) != 0)
			return verdict(1, why, whylen, "upper case prefix '%.4s' "
				"(RFC 3720 names are lower case)", name);
		return 0;
	}
	if (strncasecmp(name, "iqn.", 4) != 0)
		return verdict(-1, why, whylen, "does not start with iqn., eui. "
			"or naa.");
	if (n == 4)
		return verdict(-1, why, whylen, "nothing after 'iqn.'");
	/* From here on only warnings: the first one found is told. */
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (c >= 'A' && c <= 'Z')
			return verdict(1, why, whylen, "upper case '%c' at byte %zu "
				"(RFC 3720 names are lower case)", c, i + 1);
		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '.'
				|| c == ':'))
			return verdict(1, why, whylen, "'%c' at byte %zu is not one "
				"of RFC 3720's characters (a-z 0-9 - . :)", c, i + 1);
	}
	if (n < 12 || !iqn_date(rest))
		return verdict(1, why, whylen, "no yyyy-mm date after 'iqn.' "
			"(RFC 3720: iqn.yyyy-mm.reversed.domain[:name])");
	rest += 8;
	if (!reversed_domain(rest, strcspn(rest, ":")))
		return verdict(1, why, whylen, "no reversed domain name after the "
			"date (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])");
	return 0;
}
