/* vi: set sw=4 ts=4: */
/*
 * iscsi-init: finding the iSCSI Boot Firmware Table.  The ACPI tables the
 * kernel exports, the legacy low-memory scan (x86 only), the kernel's
 * parsed copy in /sys/firmware/ibft, or a file.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
#include "libbb.h"
#include "iscsi_init.h"

#define ACPI_TABLES "/sys/firmware/acpi/tables/"
#define IBFT_SYSFS  "/sys/firmware/ibft"

enum {
	TABLE_MAX = 0xffff + 1,		/* bytes; a longer file is cut there */
	/* Low memory the legacy scan reads: 512 KiB below 1 MiB (iBFT 1.03
	 * section 1.4.3.1).  Only PC firmware puts a table there; reading
	 * physical addresses elsewhere can fault, so only x86 looks. */
	LOWMEM_START = 0x80000,
	LOWMEM_END = 0x100000,
#if defined(__i386__) || defined(__x86_64__)
	LOWMEM_SCAN = ENABLE_FEATURE_ISCSI_INIT_DEVMEM,
#else
	LOWMEM_SCAN = 0,
#endif
};

static void source_problem(void *ctx UNUSED_PARAM, const char *msg)
{
	bb_error_msg("iBFT %s: %s", G.source, msg);
}

static int parse_buffer(struct ibft_table *t, const uint8_t *buf, size_t len)
{
	int rc = ibft_parse(buf, len, t, source_problem, NULL);

	if (rc) {
		bb_error_msg("iBFT %s: table rejected", G.source);
		G.rejected = 1;
	}
	return rc;
}

int table_from_file(struct ibft_table *t, const char *file)
{
	size_t len = TABLE_MAX;
	uint8_t *buf = xmalloc_open_read_close(file, &len);
	int rc;

	G.source = file;
	if (!buf)
		bb_perror_msg_and_die("iBFT %s", file);
	rc = parse_buffer(t, buf, len);
	free(buf);
	return rc;
}

/* /sys/firmware/acpi/tables/SIG, then SIG1..SIG9 (more than one instance) */
static int from_acpi(struct ibft_table *t)
{
	static const char sigs[] ALIGN1 = "iBFT\0IBFT\0BIFT\0";
	const char *sig;
	unsigned n;

	for (sig = sigs; *sig; sig += 5) {
		for (n = 0; n < 10; n++) {
			char *path = xasprintf(ACPI_TABLES "%s%.0u", sig, n);
			size_t len = TABLE_MAX;
			uint8_t *buf = xmalloc_open_read_close(path, &len);

			if (buf) {
				int rc;
				G.source = path;	/* kept for messages */
				rc = parse_buffer(t, buf, len);
				free(buf);
				if (rc == 0)
					return 0;
			} else {
				free(path);
			}
		}
	}
	return -1;
}

static int from_devmem(struct ibft_table *t)
{
	uint8_t *mem;
	long off;
	int fd, rc = -1;

	if (!LOWMEM_SCAN)
		return -1;
	fd = open("/dev/mem", O_RDONLY);
	if (fd < 0)
		return -1;
	mem = xzalloc(LOWMEM_END - LOWMEM_START);
	if (pread(fd, mem, LOWMEM_END - LOWMEM_START, LOWMEM_START)
			== LOWMEM_END - LOWMEM_START) {
		off = ibft_scan(mem, LOWMEM_END - LOWMEM_START, LOWMEM_START);
		if (off >= 0) {
			G.source = xasprintf("/dev/mem@0x%lx", LOWMEM_START + off);
			rc = parse_buffer(t, mem + off, LOWMEM_END - LOWMEM_START - off);
		}
	}
	free(mem);
	close(fd);
	return rc;
}

static int from_sysfs(struct ibft_table *t)
{
	/* The kernel's view of a raw table we rejected is no better. */
	if (!ENABLE_FEATURE_ISCSI_INIT_SYSFS || G.rejected)
		return -1;
	G.source = IBFT_SYSFS;
	return ibft_read_sysfs(IBFT_SYSFS, t, source_problem, NULL);
}

int table_find(struct ibft_table *t)
{
	if (from_acpi(t) == 0 || from_devmem(t) == 0 || from_sysfs(t) == 0)
		return 0;
	return -1;
}
