/* The smallest DNS client a root-path needs: an A query for one name and
 * the answer's first address.  Building and parsing are pure; sending is
 * the caller's (it asks the lease's DNS servers, not /etc/resolv.conf). */
#ifndef ISCSI_INIT_DNS_H
#define ISCSI_INIT_DNS_H 1

#include <stddef.h>
#include <stdint.h>
#include "ibft.h"

enum { DNS_PACKET_MAX = 512 };

/* A recursive A query for name into buf; returns its length, or -1 when
 * the name does not fit or has an empty or over-long label. */
int dns_query(uint8_t *buf, size_t size, uint16_t id, const char *name);

/* The first A record of a reply to query id.  Returns 0 and fills addr,
 * 1 when the name does not exist or has no address, -1 when the reply is
 * malformed or not ours. */
int dns_answer(const uint8_t *buf, size_t len, uint16_t id, struct ibft_addr *addr);

#endif
