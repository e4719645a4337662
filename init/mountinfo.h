/* mountinfo.h - reading /proc/self/mountinfo without allocation. */
#ifndef INNIT_MOUNTINFO_H
#define INNIT_MOUNTINFO_H

#include <stddef.h>

/* Fills mp[] with up to max mount points (field 5, \ooo escapes decoded), in the kernel's
 * order (parents before children), as strings inside buf. Returns how many; 0 on error. */
int mountinfo_points(char *buf, size_t cap, char **mp, int max);

#endif
