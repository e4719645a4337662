/* test_value.c - value.c: sizes, durations, booleans, percentages, numbers, word splitting. */
#include <stdlib.h>

#include "unit.h"
#include "value.h"

#define AREA "value"

/* parse_size/parse_duration/... with an expected result (0 or -1) and value. */
#define SIZE_OK(s, v)                                                                              \
	do {                                                                                       \
		uint64_t out_ = 12345;                                                             \
		EXPECT_I_AT(__FILE__, __LINE__, parse_size(s, &out_), 0);                          \
		EXPECT_U_AT(__FILE__, __LINE__, out_, v);                                          \
	} while (0)
#define SIZE_BAD(s)                                                                                \
	do {                                                                                       \
		uint64_t out_ = 12345;                                                             \
		EXPECT_I_AT(__FILE__, __LINE__, parse_size(s, &out_), -1);                         \
	} while (0)
#define DUR_OK(s, v)                                                                               \
	do {                                                                                       \
		uint64_t out_ = 12345;                                                             \
		EXPECT_I_AT(__FILE__, __LINE__, parse_duration(s, &out_), 0);                      \
		EXPECT_U_AT(__FILE__, __LINE__, out_, v);                                          \
	} while (0)
#define DUR_BAD(s)                                                                                 \
	do {                                                                                       \
		uint64_t out_ = 12345;                                                             \
		EXPECT_I_AT(__FILE__, __LINE__, parse_duration(s, &out_), -1);                     \
	} while (0)
#define BOOL_OK(s, v)                                                                              \
	do {                                                                                       \
		int out_ = 12345;                                                                  \
		EXPECT_I_AT(__FILE__, __LINE__, parse_bool(s, &out_), 0);                          \
		EXPECT_I_AT(__FILE__, __LINE__, out_, v);                                          \
	} while (0)
#define BOOL_BAD(s)                                                                                \
	do {                                                                                       \
		int out_ = 12345;                                                                  \
		EXPECT_I_AT(__FILE__, __LINE__, parse_bool(s, &out_), -1);                         \
	} while (0)
#define PCT_OK(s, v)                                                                               \
	do {                                                                                       \
		uint64_t out_ = 12345;                                                             \
		EXPECT_I_AT(__FILE__, __LINE__, parse_percent(s, &out_), 0);                       \
		EXPECT_U_AT(__FILE__, __LINE__, out_, v);                                          \
	} while (0)
#define PCT_BAD(s)                                                                                 \
	do {                                                                                       \
		uint64_t out_ = 12345;                                                             \
		EXPECT_I_AT(__FILE__, __LINE__, parse_percent(s, &out_), -1);                      \
	} while (0)
#define U64_OK(s, max, v)                                                                          \
	do {                                                                                       \
		uint64_t out_ = 12345;                                                             \
		EXPECT_I_AT(__FILE__, __LINE__, parse_u64(s, max, &out_), 0);                      \
		EXPECT_U_AT(__FILE__, __LINE__, out_, v);                                          \
	} while (0)
#define U64_BAD(s, max)                                                                            \
	do {                                                                                       \
		uint64_t out_ = 12345;                                                             \
		EXPECT_I_AT(__FILE__, __LINE__, parse_u64(s, max, &out_), -1);                     \
	} while (0)

/* ---- parse_size ---- */

TEST(size_plain_bytes)
{
	SIZE_OK("0", 0);
	SIZE_OK("1", 1);
	SIZE_OK("123", 123);
	SIZE_OK("4096", 4096);
}

TEST(size_k_lower_upper)
{
	SIZE_OK("4k", 4096);
	SIZE_OK("4K", 4096);
	SIZE_OK("0K", 0);
}

TEST(size_m_lower_upper)
{
	SIZE_OK("64m", 64ULL << 20);
	SIZE_OK("64M", 64ULL << 20);
}

TEST(size_g_lower_upper)
{
	SIZE_OK("2g", 2ULL << 30);
	SIZE_OK("2G", 2ULL << 30);
}

TEST(size_kib_mb_forms)
{
	SIZE_OK("64MiB", 64ULL << 20);
	SIZE_OK("64MB", 64ULL << 20);
	SIZE_OK("1KiB", 1024);
	SIZE_OK("3GB", 3ULL << 30);
	SIZE_OK("5kB", 5 * 1024);
	SIZE_BAD("64Mb");
	SIZE_BAD("64MiBx");
	SIZE_BAD("64Mi");
	SIZE_BAD("64iB");
	SIZE_BAD("64B");
}

TEST(size_max_unlimited)
{
	SIZE_OK("max", VALUE_UNLIMITED);
	SIZE_OK("unlimited", VALUE_UNLIMITED);
	SIZE_BAD("MAX");
	SIZE_BAD("maxx");
	SIZE_BAD("unlimite");
}

TEST(size_u64_limits)
{
	SIZE_OK("18446744073709551615", UINT64_MAX);
	SIZE_BAD("18446744073709551616");
	SIZE_OK("17179869183G", 17179869183ULL << 30);
	SIZE_BAD("17179869184G"); /* exactly 2^64 */
}

TEST(size_overflow)
{
	SIZE_BAD("99999999999G");
	SIZE_BAD("99999999999999999999999999999");
}

TEST(size_empty)
{
	SIZE_BAD("");
}

TEST(size_bad_suffix)
{
	SIZE_BAD("12Q");
	SIZE_BAD("12KK");
	SIZE_BAD("12T");
	SIZE_BAD("K");
	SIZE_BAD("1.5G");
}

TEST(size_negative)
{
	SIZE_BAD("-1");
	SIZE_BAD("-1K");
	SIZE_BAD("+1");
}

TEST(size_blanks)
{
	SIZE_BAD(" 1");
	SIZE_BAD("1 ");
	SIZE_BAD("1 K");
}

/* ---- parse_duration ---- */

TEST(duration_default_seconds)
{
	DUR_OK("10", 10000);
	DUR_OK("0", 0);
	DUR_OK("1", 1000);
}

TEST(duration_ms)
{
	DUR_OK("250ms", 250);
	DUR_OK("0ms", 0);
}

TEST(duration_s)
{
	DUR_OK("3s", 3000);
}

TEST(duration_m)
{
	DUR_OK("2m", 120000);
}

TEST(duration_overflow)
{
	DUR_OK("18446744073709551615ms", UINT64_MAX);
	DUR_BAD("18446744073709551615s");
	DUR_BAD("18446744073709552s");
	DUR_BAD("307445734561825861m");
	DUR_BAD("18446744073709551616ms");
}

TEST(duration_bad_suffix)
{
	DUR_BAD("5h");
	DUR_BAD("5sec");
	DUR_BAD("5S");
	DUR_BAD("5 s");
	DUR_BAD("5mss");
	DUR_BAD("-5s");
}

TEST(duration_empty)
{
	DUR_BAD("");
	DUR_BAD("ms");
	DUR_BAD("s");
}

/* ---- parse_bool ---- */

TEST(bool_true)
{
	BOOL_OK("yes", 1);
	BOOL_OK("true", 1);
	BOOL_OK("on", 1);
	BOOL_OK("1", 1);
}

TEST(bool_false)
{
	BOOL_OK("no", 0);
	BOOL_OK("false", 0);
	BOOL_OK("off", 0);
	BOOL_OK("0", 0);
}

TEST(bool_bad)
{
	BOOL_BAD("");
	BOOL_BAD("maybe");
	BOOL_BAD("2");
	BOOL_BAD("yes ");
	BOOL_BAD("ye");
	BOOL_BAD("noo");
}

/* ---- parse_percent ---- */

TEST(percent_ok)
{
	PCT_OK("50%", 50);
	PCT_OK("200%", 200);
	PCT_OK("1%", 1);
	PCT_OK("100000%", 100000);
}

TEST(percent_zero_rejected)
{
	PCT_BAD("0%");
}

TEST(percent_over_max_rejected)
{
	PCT_BAD("100001%");
	PCT_BAD("99999999999999999999%");
}

TEST(percent_needs_sign)
{
	PCT_BAD("50");
	PCT_BAD("50%%");
	PCT_BAD("%");
	PCT_BAD("");
	PCT_BAD("50 %");
	PCT_BAD("-50%");
}

/* ---- parse_u64 ---- */

TEST(u64_decimal)
{
	U64_OK("0", 100, 0);
	U64_OK("42", 100, 42);
	U64_OK("007", 100, 7);
}

TEST(u64_hex)
{
	U64_OK("0xf4", 0xffff, 0xf4);
	U64_OK("0XF4", 0xffff, 0xf4);
	U64_OK("0xFfFf", 0xffff, 0xffff);
	U64_OK("0x0", 0xffff, 0);
	U64_BAD("0xg", 0xffff);
	U64_BAD("0x", 0xffff);
	U64_BAD("f4", 0xffff);
}

TEST(u64_max_bound)
{
	U64_OK("100", 100, 100);
	U64_BAD("101", 100);
	U64_BAD("0x10000", 0xffff);
	U64_OK("18446744073709551615", UINT64_MAX, UINT64_MAX);
	U64_OK("0xffffffffffffffff", UINT64_MAX, UINT64_MAX);
}

TEST(u64_overflow)
{
	U64_BAD("18446744073709551616", UINT64_MAX);
	U64_BAD("0x10000000000000000", UINT64_MAX);
	U64_BAD("99999999999999999999999", UINT64_MAX);
}

TEST(u64_malformed)
{
	U64_BAD("", 100);
	U64_BAD("12a", 100);
	U64_BAD("-1", 100);
	U64_BAD("+1", 100);
	U64_BAD(" 1", 100);
	U64_BAD("1 ", 100);
}

/* ---- split_words ---- */

static int split_argc;
static const char *split_why;
static char split_joined[8192];

/* Splits s with a heap buffer of exactly buflen bytes and argv of exactly maxargs + 1, so
 * ASan sees any write past either. Leaves the words joined by '|' in split_joined. */
static void split(const char *s, size_t buflen, int maxargs)
{
	char *buf = malloc(buflen ? buflen : 1);
	char **argv = malloc(sizeof(char *) * (size_t)(maxargs + 1));
	split_why = 0;
	split_joined[0] = '\0';
	split_argc = split_words(s, buf, buflen, argv, maxargs, &split_why);
	if (split_argc >= 0) {
		size_t o = 0;
		for (int i = 0; i < split_argc; i++) {
			size_t n = strlen(argv[i]);
			if (o + n + 2 >= sizeof split_joined)
				break;
			if (i)
				split_joined[o++] = '|';
			memcpy(split_joined + o, argv[i], n);
			o += n;
		}
		split_joined[o] = '\0';
		if (argv[split_argc] != 0)
			split_argc = -100; /* argv not NULL-terminated */
	}
	free(buf);
	free(argv);
}

static void expect_words(int line, const char *s, size_t buflen, int maxargs, int argc,
			 const char *joined)
{
	split(s, buflen, maxargs);
	if (split_argc != argc || strcmp(split_joined, joined))
		unit_fail(__FILE__, line,
			  "split_words(%s): expected %d words %s, got %d words %s (%s)",
			  unit_esc(s), argc, unit_esc(joined), split_argc, unit_esc(split_joined),
			  split_why ? split_why : "");
}

static void expect_split_error(int line, const char *s, size_t buflen, int maxargs, const char *why)
{
	split(s, buflen, maxargs);
	if (split_argc != -1 || !split_why || strcmp(split_why, why))
		unit_fail(__FILE__, line, "split_words(%s): expected -1 %s, got %d %s (words %s)",
			  unit_esc(s), unit_esc(why), split_argc, unit_esc(split_why),
			  unit_esc(split_joined));
}

#define WORDS(s, argc, joined) CALL(expect_words(__LINE__, s, 4096, 64, argc, joined))
#define SPLIT_ERR(s, why)      CALL(expect_split_error(__LINE__, s, 4096, 64, why))

TEST(split_plain)
{
	WORDS("/bin/echo hello world", 3, "/bin/echo|hello|world");
	WORDS("x", 1, "x");
}

TEST(split_multiple_blanks)
{
	WORDS("  a \t b\n\n c  \t", 3, "a|b|c");
}

TEST(split_single_quotes)
{
	WORDS("echo 'a  b' 'c\"d\\e $x'", 3, "echo|a  b|c\"d\\e $x");
}

TEST(split_double_quotes_escapes)
{
	/* \" \\ \$ \` lose the backslash; other backslashes stay. */
	WORDS("echo \"a \\\"b\\\" \\\\ \\$x \\`y\\` \\n 'q'\"", 2,
	      "echo|a \"b\" \\ $x `y` \\n 'q'");
}

TEST(split_backslash_outside_quotes)
{
	WORDS("a\\ b c\\'d \\\\e \\\"f", 4, "a b|c'd|\\e|\"f");
}

TEST(split_backslash_newline)
{
	WORDS("ab\\\ncd", 1, "abcd");
	WORDS("\"ab\\\ncd\"", 1, "abcd");
}

TEST(split_backslash_newline_between_words)
{
	/* POSIX: <backslash><newline> is removed before the input is split into words. */
	WORDS("x \\\n y", 2, "x|y");
}

TEST(split_adjacent_quoted_parts)
{
	WORDS("a'b'\"c\"", 1, "abc");
	WORDS("-c'x y'\"z w\"v next", 2, "-cx yz wv|next");
}

TEST(split_empty_quoted_words)
{
	WORDS("\"\" ''  x", 3, "||x");
	WORDS("''", 1, "");
}

TEST(split_unterminated_single)
{
	SPLIT_ERR("a 'b", "unterminated single quote");
	SPLIT_ERR("'", "unterminated single quote");
}

TEST(split_unterminated_double)
{
	SPLIT_ERR("a \"b", "unterminated double quote");
	SPLIT_ERR("\"a\\\"", "unterminated double quote");
}

TEST(split_trailing_backslash)
{
	SPLIT_ERR("a\\", "trailing backslash");
	SPLIT_ERR("a \\", "trailing backslash");
}

TEST(split_empty_command)
{
	SPLIT_ERR("", "empty command");
	SPLIT_ERR("  \t\n ", "empty command");
}

TEST(split_too_many_words)
{
	CALL(expect_words(__LINE__, "a b c", 64, 3, 3, "a|b|c"));
	CALL(expect_split_error(__LINE__, "a b c d", 64, 3, "too many words"));
	CALL(expect_words(__LINE__, "a b c ", 64, 3, 3, "a|b|c"));
}

TEST(split_buffer_too_small)
{
	CALL(expect_split_error(__LINE__, "abcd", 4, 8, "command too long"));
	CALL(expect_split_error(__LINE__, "a b c", 5, 8, "command too long"));
	CALL(expect_split_error(__LINE__, "x", 1, 8, "command too long"));
}

TEST(split_buffer_exact_fit)
{
	/* "abc" and its NUL are 4 bytes; "a b" is "a\0b\0". */
	CALL(expect_words(__LINE__, "abc", 4, 8, 1, "abc"));
	CALL(expect_words(__LINE__, "a b", 4, 8, 2, "a|b"));
}

/* Random command lines with small buffers: never a write out of bounds (ASan), and either an
 * error with a reason or 1..maxargs words. */
TEST(split_fuzz)
{
	static const char alphabet[] = "ab '\"\\\n\t$`#";
	uint32_t seed = 12345;
	char s[64];

	for (int iter = 0; iter < 3000; iter++) {
		seed = seed * 1103515245 + 12345;
		size_t len = (seed >> 16) % (sizeof s - 1);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			s[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		s[len] = '\0';
		seed = seed * 1103515245 + 12345;
		size_t buflen = 1 + (seed >> 16) % 40;
		int maxargs = 1 + (int)((seed >> 8) % 8);
		split(s, buflen, maxargs);
		if (split_argc == -1)
			EXPECT_NONNULL(split_why);
		else
			EXPECT_TRUE(split_argc >= 1 && split_argc <= maxargs);
	}
}

TEST(id_pair)
{
	uint64_t a = 7, b = 7;
	EXPECT_I(parse_id_pair("1000", &a, &b, 0), 0);
	EXPECT_U(a, 1000);
	EXPECT_U(b, 7); /* untouched without ":B" */
	EXPECT_I(parse_id_pair("1000:2000", &a, &b, 0), 0);
	EXPECT_U(b, 2000);
	EXPECT_I(parse_id_pair("1000", &a, &b, 1), -1);	      /* B required */
	EXPECT_I(parse_id_pair("4294967295", &a, &b, 0), -1); /* the kernel's invalid id */
	EXPECT_I(parse_id_pair("4294967294:1", &a, &b, 1), 0);
	EXPECT_I(parse_id_pair(":5", &a, &b, 0), -1);
	EXPECT_I(parse_id_pair("5:", &a, &b, 0), -1);
	EXPECT_I(parse_id_pair("5:x", &a, &b, 0), -1);
	EXPECT_I(parse_id_pair("123456789012345678901234567890", &a, &b, 0), -1);
}
