/* mountinfo.h - reading /proc/self/mountinfo without allocation. */
#ifndef INNIT_MOUNTINFO_H
#define INNIT_MOUNTINFO_H

#include <stddef.h>

struct mnt {
	int id, parent; /* fields 1 and 2 */
	char *point;	/* field 5, \ooo escapes decoded, inside the caller's buffer */
};

/* Fills m[] with up to max mounts in the kernel's order (parents before children). Returns
 * how many; 0 on error. */
int mountinfo_read(char *buf, size_t cap, struct mnt *m, int max);

#endif
