/* value.c - pure parsers for config values (sizes, durations, words); see value.h. */
#include "value.h"

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_id_pair(const char *s, uint64_t *a, uint64_t *b, int need_b)
{
	char buf[24];
	size_t n = 0;

	while (s[n] && s[n] != ':')
		n++;
	if (n >= sizeof buf)
		return -1;
	for (size_t i = 0; i < n; i++)
		buf[i] = s[i];
	buf[n] = '\0';
	if (parse_u64(buf, 0xfffffffeU, a) < 0)
		return -1;
	if (!s[n])
		return need_b ? -1 : 0;
	return parse_u64(s + n + 1, 0xfffffffeU, b);
}

/* Splits "123abc" into the decimal number and its suffix. */
static int number_and_suffix(const char *s, uint64_t *v, const char **suffix)
{
	char num[24];
	size_t i = 0;

	while (s[i] >= '0' && s[i] <= '9') {
		if (i + 1 >= sizeof num)
			return -1;
		num[i] = s[i];
		i++;
	}
	if (i == 0)
		return -1;
	num[i] = '\0';
	*suffix = s + i;
	return parse_u64(num, UINT64_MAX, v);
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int scale(uint64_t v, uint64_t mul, uint64_t *out)
{
	if (mul && v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	uint64_t v, mul;
	const char *suf;

	if (streq(s, "max") || streq(s, "unlimited")) {
		*out = VALUE_UNLIMITED;
		return 0;
	}
	if (number_and_suffix(s, &v, &suf) < 0)
		return -1;
	switch (*suf) {
	case '\0':
		mul = 1;
		break;
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		break;
	case 'm':
	case 'M':
		mul = 1ULL << 20;
		break;
	case 'g':
	case 'G':
		mul = 1ULL << 30;
		break;
	default:
		return -1;
	}
	/* Accept "64MiB" and "64MB" too: both are common spellings of the same thing here. */
	if (*suf && suf[1] && !streq(suf + 1, "B") && !streq(suf + 1, "iB"))
		return -1;
	return scale(v, mul, out);
}

int parse_duration(const char *s, uint64_t *ms)
{
	uint64_t v;
	const char *suf;

	if (number_and_suffix(s, &v, &suf) < 0)
		return -1;
	if (streq(suf, "ms"))
		return scale(v, 1, ms);
	if (streq(suf, "") || streq(suf, "s"))
		return scale(v, 1000, ms);
	if (streq(suf, "m"))
		return scale(v, 60000, ms);
	return -1;
}

int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (unsigned i = 0; i < 4; i++) {
		if (streq(s, yes[i]) || streq(s, no[i])) {
			*out = streq(s, yes[i]);
			return 0;
		}
	}
	return -1;
}

int parse_percent(const char *s, uint64_t *out)
{
	uint64_t v;
	const char *suf;

	if (number_and_suffix(s, &v, &suf) < 0 || !streq(suf, "%") || v == 0 || v > 100000)
		return -1;
	*out = v;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Appends one byte to the word buffer, keeping room for the final NUL. */
#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (o + 1 >= buflen) {                                                             \
			*why = "command too long";                                                 \
			return -1;                                                                 \
		}                                                                                  \
		buf[o++] = (c);                                                                    \
	} while (0)

int split_words(const char *s, char *buf, size_t buflen, char **argv, int maxargs, const char **why)
{
	size_t o = 0;
	int argc = 0;

	for (;;) {
		/* Blanks and line continuations separate words. */
		while (is_blank(*s) || (s[0] == '\\' && s[1] == '\n'))
			s += is_blank(*s) ? 1 : 2;
		if (!*s)
			break;
		if (argc >= maxargs) {
			*why = "too many words";
			return -1;
		}
		argv[argc++] = buf + o;
		/* One word: a run of unquoted, single-quoted and double-quoted parts. */
		while (*s && !is_blank(*s)) {
			char c = *s++;
			if (c == '\'') {
				while (*s && *s != '\'')
					PUT(*s++);
				if (!*s) {
					*why = "unterminated single quote";
					return -1;
				}
				s++;
			} else if (c == '"') {
				while (*s && *s != '"') {
					c = *s++;
					if (c == '\\' && *s == '\n') {
						s++; /* line continuation */
						continue;
					}
					if (c == '\\' &&
					    (*s == '"' || *s == '\\' || *s == '$' || *s == '`'))
						c = *s++;
					PUT(c);
				}
				if (!*s) {
					*why = "unterminated double quote";
					return -1;
				}
				s++;
			} else if (c == '\\') {
				if (!*s) {
					*why = "trailing backslash";
					return -1;
				}
				c = *s++;
				if (c != '\n')
					PUT(c);
			} else {
				PUT(c);
			}
		}
		if (o >= buflen) { /* PUT keeps one byte free: this is where it goes */
			*why = "command too long";
			return -1;
		}
		buf[o++] = '\0';
	}
	if (argc == 0) {
		*why = "empty command";
		return -1;
	}
	argv[argc] = 0;
	return argc;
}
