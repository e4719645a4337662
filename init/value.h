/* value.h - pure parsers for config values: no I/O, no allocation, host-testable. */
#ifndef INNIT_VALUE_H
#define INNIT_VALUE_H

#include <stddef.h>
#include <stdint.h>

#define VALUE_UNLIMITED UINT64_MAX

/* Each returns 0 on success, -1 on a malformed or out-of-range value. */
int parse_u64(const char *s, uint64_t max, uint64_t *out); /* decimal or 0x hex */
int parse_size(const char *s, uint64_t *out);		   /* N, NK, NM, NG; "max"/"unlimited" */
int parse_duration(const char *s, uint64_t *ms);	   /* N (seconds), Nms, Ns, Nm */
int parse_bool(const char *s, int *out);		   /* yes/no, true/false, on/off, 1/0 */
int parse_percent(const char *s, uint64_t *out);	   /* "50%" -> 50, up to 100000% */
/* "A[:B]", decimal ids below 2^32 - 1 (the kernel's invalid id); *b is left alone without
 * ":B" unless need_b, which makes that an error. */
int parse_id_pair(const char *s, uint64_t *a, uint64_t *b, int need_b);

/*
 * Splits a command line into words like a POSIX shell without expansions: blanks separate
 * words; '...' is literal; "..." honours \" \\ \$ \` and \newline; a backslash outside quotes
 * quotes the next character. Words are written NUL-terminated into buf and pointed to by
 * argv[0..argc-1], argv[argc] = NULL. Returns argc, or -1 with *why set.
 */
int split_words(const char *s, char *buf, size_t buflen, char **argv, int maxargs,
		const char **why);

#endif
