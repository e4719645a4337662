/* mountinfo.c - the mounts of this process's namespace, from /proc/self/mountinfo. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "mountinfo.h"

/* The next space-separated field of *s, NUL-terminated in place. */
static char *field(char **s)
{
	char *f = *s, *sp = f ? strchr(f, ' ') : 0;
	if (sp)
		*sp = '\0';
	*s = sp ? sp + 1 : 0;
	return f;
}

static int number(const char *s)
{
	int v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Decodes the kernel's \ooo escapes (space, tab, newline, backslash) in place. */
static void unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] && p[2] && p[3]) {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

int mountinfo_read(char *buf, size_t cap, struct mnt *m, int max)
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
	for (char *line = buf; line && *line && n < max;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *s = line;
		char *id = field(&s), *parent = field(&s);
		(void)field(&s); /* major:minor */
		(void)field(&s); /* root */
		char *point = field(&s);
		if (point) {
			unescape(point);
			m[n++] = (struct mnt){number(id), number(parent), point};
		}
		line = nl ? nl + 1 : 0;
	}
	return n;
}
