/* policy.c - namespaces, capabilities and id ranges from config values; see policy.h. */
#include <string.h>

#include "policy.h"
#include "value.h"

static const char *const ns_names[] = {"user", "mount", "pid",	  "uts",
				       "ipc",  "net",	"cgroup", "time"};

static int name_index(const char *const *names, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], s, len))
			return i;
	return -1;
}

unsigned ns_mask(const char *s)
{
	unsigned mask = 0;
	int first = 1;

	if (!strcmp(s, "all"))
		return NS_ALL;
	if (!*s || s[strlen(s) - 1] == ',')
		return 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		char sign = (*s == '-' || *s == '+') ? *s : 0;
		const char *name = sign ? s + 1 : s;
		int i = name_index(ns_names, 8, name, n - (sign ? 1 : 0));
		if (i < 0)
			return 0;
		if (first) /* "-x" starts from all, "x" or "+x" from nothing */
			mask = sign == '-' ? NS_ALL : 0;
		first = 0;
		if (sign == '-')
			mask &= ~(1u << i);
		else
			mask |= 1u << i;
		s += n + (s[n] == ',');
	}
	return mask | NS_MOUNT;
}

#define CAP(n) (1ULL << (n))
/* Docker's default set: what ordinary services need, nothing that administers the kernel. */
const uint64_t caps_default =
    CAP(0) /* chown */ | CAP(1) /* dac_override */ | CAP(3) /* fowner */ | CAP(4) /* fsetid */ |
    CAP(5) /* kill */ | CAP(6) /* setgid */ | CAP(7) /* setuid */ | CAP(8) /* setpcap */ |
    CAP(10) /* net_bind_service */ | CAP(13) /* net_raw */ | CAP(18) /* sys_chroot */ |
    CAP(27) /* mknod */ | CAP(29) /* audit_write */ | CAP(31) /* setfcap */;

int caps_mask(const char *s, uint64_t *mask)
{
	int ncaps = 0;
	while (cap_names[ncaps])
		ncaps++;
	if (!strcmp(s, "none")) {
		*mask = 0;
		return 0;
	}
	*mask = caps_default;
	if (!strcmp(s, "default"))
		return 0;
	if (!*s || s[strlen(s) - 1] == ',')
		return -1;
	while (*s) {
		size_t n = strcspn(s, ",");
		if (n < 2 || (*s != '+' && *s != '-'))
			return -1;
		int i = name_index(cap_names, ncaps, s + 1, n - 1);
		if (i < 0)
			return -1;
		if (*s == '+')
			*mask |= CAP(i);
		else
			*mask &= ~CAP(i);
		s += n + (s[n] == ',');
	}
	return 0;
}

void id_range(const char *m, int slot, uint64_t *host, uint64_t *count)
{

	if (!strcmp(m, "auto")) {
		*host = (uint64_t)(slot + 1) * 65536;
		*count = 65536;
		return;
	}
	*host = *count = 0;
	(void)parse_id_pair(m, host, count, 1); /* validated by the config parser */
}
