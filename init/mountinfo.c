/* mountinfo.c - the mount points of this process's namespace, from /proc/self/mountinfo. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "mountinfo.h"

/* Mount points from /proc/self/mountinfo (field 5), with its \ooo escapes decoded. */
int mountinfo_points(char *buf, size_t cap, char **mp, int max)
{
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	size_t len = 0;
	ssize_t r;
	while (len < cap - 1 && (r = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)r;
	(void)close(fd);
	buf[len] = '\0';
	int n = 0;
	for (char *line = buf; *line && n < max;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *f = line;
		for (int i = 0; i < 4 && f; i++) {
			f = strchr(f, ' ');
			if (f)
				f++;
		}
		if (f) {
			char *end = strchr(f, ' '), *o = f;
			if (end)
				*end = '\0';
			for (char *p = f; *p; p++) {
				if (p[0] == '\\' && p[1] && p[2] && p[3]) {
					*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 +
						      (p[3] - '0'));
					p += 3;
				} else {
					*o++ = *p;
				}
			}
			*o = '\0';
			mp[n++] = f;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return n;
}
