/*
 * policy.h - pure decisions from tenant config values: which namespaces, which
 * capabilities, which host ids. No I/O; unit-tested.
 */
#ifndef INNIT_POLICY_H
#define INNIT_POLICY_H

#include <stdint.h>

enum ns_bit {
	NS_USER = 1 << 0,
	NS_MOUNT = 1 << 1,
	NS_PID = 1 << 2,
	NS_UTS = 1 << 3,
	NS_IPC = 1 << 4,
	NS_NET = 1 << 5,
	NS_CGROUP = 1 << 6,
	NS_TIME = 1 << 7,
	NS_ALL = 0xff,
};

/* "all"; "user,pid,..." (exactly those); "-net,-ipc" (all but those). Mount is always kept:
 * a tenant without its own mount namespace could not have its own root. 0 if malformed. */
unsigned ns_mask(const char *s);

/* The bounding set: "default" (docker's set), "none", or "+cap,-cap" edits of the default.
 * Returns 0 and sets *mask, or -1 if malformed. */
int caps_mask(const char *s, uint64_t *mask);
extern const uint64_t caps_default;
extern const char *const cap_names[]; /* conf_keys.c, in the kernel's numbering */

/* Host ids for a tenant: "auto" gives slot i the range (i + 1) * 65536 of 65536 ids, which
 * never includes host uid 0 and never overlaps another slot's; or "HOSTID:COUNT". */
void id_range(const char *uidmap, int slot, uint64_t *host, uint64_t *count);

#endif
