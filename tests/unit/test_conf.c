/*
 * test_conf.c - conf.c and conf_keys.c through the public API (SPEC §3): defaults, the
 * command line, the file, precedence, every kind of bad value, cross-key checks, arena
 * exhaustion, and a fuzz-ish robustness run.
 */
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "unit.h"
#include "value.h"

#define AREA "conf"
#define ETC  "/etc/innit.conf"

static struct conf C; /* large: never on the stack */

static void fresh(void)
{
	conf_init(&C);
}

static void cmd(const char *s)
{
	conf_parse_cmdline(&C, s, strlen(s));
}

static void file(const char *s)
{
	conf_parse_file(&C, ETC, s, strlen(s));
}

/* Looks a tenant up, failing the case if it does not exist. */
#define TENANT(var, name)                                                                          \
	struct tenant_conf *var = conf_tenant(&C, name);                                           \
	EXPECT_TRUE_AT(__FILE__, __LINE__, var != 0)

#define COUNTS(errors, warnings)                                                                   \
	do {                                                                                       \
		EXPECT_U_AT(__FILE__, __LINE__, C.nerrors, errors);                                \
		EXPECT_U_AT(__FILE__, __LINE__, C.nwarnings, warnings);                            \
	} while (0)

#define LASTERR(s) EXPECT_S_AT(__FILE__, __LINE__, C.lasterr, s)

static char joined[8192];

/* argv or a list as one string, the parts separated by '|' ("NULL" for a NULL argv). */
static const char *join_argv(char **argv)
{
	size_t o = 0;
	if (!argv)
		return "NULL";
	joined[0] = '\0';
	for (int i = 0; argv[i]; i++)
		o += (size_t)snprintf(joined + o, sizeof joined - o, "%s%s", i ? "|" : "", argv[i]);
	return joined;
}

static const char *join_list(const struct item *it)
{
	size_t o = 0;
	joined[0] = '\0';
	for (int i = 0; it; it = it->next, i++)
		o += (size_t)snprintf(joined + o, sizeof joined - o, "%s%s%s%s", i ? "|" : "",
				      it->sub && *it->sub ? it->sub : "",
				      it->sub && *it->sub ? "=" : "", it->val);
	return joined;
}

#define ARGV_IS(argv, s) EXPECT_S_AT(__FILE__, __LINE__, join_argv(argv), s)
#define LIST_IS(list, s) EXPECT_S_AT(__FILE__, __LINE__, join_list(list), s)

/* ---- defaults ---- */

TEST(defaults_global)
{
	fresh();
	EXPECT_S(C.g[G_HOSTNAME].s, "innit");
	EXPECT_S(C.g[G_CONF].s, "/etc/innit.conf");
	EXPECT_U(C.g[G_LOG].n, LOGC_INFO);
	EXPECT_U(C.g[G_CAD].n, CAD_REBOOT);
	EXPECT_U(C.g[G_STOP_TIMEOUT].n, 10000);
	EXPECT_U(C.g[G_BRIDGE_ISOLATED].n, 1);
	EXPECT_NULL(C.g[G_SHELL].argv);
	EXPECT_NULL(C.g[G_EXIT].s);
	EXPECT_NULL(C.g[G_BRIDGE].s);
	EXPECT_NULL(C.g[G_MOUNT].list);
	for (int i = 0; i < G_COUNT; i++)
		EXPECT_U(C.src[i], SRC_DEFAULT);
	EXPECT_I(C.ntenants, 0);
	EXPECT_U(C.kernel_quiet, 0);
	COUNTS(0, 0);
	EXPECT_S(C.lasterr, "");
}

TEST(defaults_tenant)
{
	fresh();
	file("tenant.a.root=/srv/a\n");
	conf_finish(&C);
	COUNTS(0, 0);
	EXPECT_I(C.ntenants, 1);
	TENANT(t, "a");
	EXPECT_S(t->name, "a");
	EXPECT_U(t->invalid, 0);
	EXPECT_S(t->v[T_ROOT].s, "/srv/a");
	ARGV_IS(t->v[T_EXEC].argv, "/sbin/init");
	EXPECT_U(t->v[T_RESTART].n, RESTART_ON_FAILURE);
	EXPECT_U(t->v[T_TMP_SIZE].n, 64ULL << 20);
	EXPECT_S(t->v[T_WORKDIR].s, "/");
	EXPECT_S(t->v[T_USER].s, "0:0");
	EXPECT_S(t->v[T_UIDMAP].s, "auto");
	EXPECT_S(t->v[T_NS].s, "all");
	EXPECT_S(t->v[T_CAPS].s, "default");
	EXPECT_U(t->v[T_SECCOMP].n, 0);
	EXPECT_U(t->v[T_NET].n, NET_LO);
	EXPECT_U(t->v[T_LOG].n, TLOG_CONSOLE);
	EXPECT_U(t->v[T_CPU_WEIGHT].n, 100);
	EXPECT_U(t->v[T_OVERLAY].n, 0);
	EXPECT_U(t->v[T_READONLY].n, 0);
	EXPECT_NULL(t->v[T_HOSTNAME].s);
	EXPECT_NULL(t->v[T_ENV].list);
	EXPECT_NULL(t->v[T_VOLUME].list);
	EXPECT_NULL(t->v[T_AFTER].s);
	/* unset limits: src stays SRC_DEFAULT (unlimited / inherited) */
	EXPECT_U(t->src[T_MEMORY], SRC_DEFAULT);
	EXPECT_U(t->src[T_PIDS], SRC_DEFAULT);
	EXPECT_U(t->src[T_CPU], SRC_DEFAULT);
	EXPECT_U(t->src[T_STOP_TIMEOUT], SRC_DEFAULT);
	EXPECT_U(t->src[T_ROOT], SRC_FILE);
}

TEST(spec_example)
{
	fresh();
	file("# /etc/innit.conf\n"
	     "hostname=appliance\n"
	     "tenant.alice.root=/srv/base\n"
	     "tenant.alice.overlay=yes\n"
	     "tenant.alice.exec=/bin/httpd -f -p 80 -h /www\n"
	     "tenant.alice.memory=64M\n"
	     "tenant.alice.pids=128\n"
	     "tenant.bob.root=/srv/base\n"
	     "tenant.bob.overlay=yes\n"
	     "tenant.bob.exec=\"/bin/sh -c 'while :; do date; sleep 5; done'\"\n");
	cmd("innit.tenant.bob.restart=always");
	conf_finish(&C);
	COUNTS(0, 0);
	EXPECT_S(C.g[G_HOSTNAME].s, "appliance");
	TENANT(a, "alice");
	TENANT(b, "bob");
	EXPECT_U(a->v[T_OVERLAY].n, 1);
	ARGV_IS(a->v[T_EXEC].argv, "/bin/httpd|-f|-p|80|-h|/www");
	EXPECT_U(a->v[T_MEMORY].n, 64ULL << 20);
	EXPECT_U(a->v[T_PIDS].n, 128);
	ARGV_IS(b->v[T_EXEC].argv, "/bin/sh|-c|while :; do date; sleep 5; done");
	EXPECT_U(b->v[T_RESTART].n, RESTART_ALWAYS);
	EXPECT_U(a->v[T_RESTART].n, RESTART_ON_FAILURE);
}

TEST(every_type_good_values)
{
	fresh();
	file("log=debug\n"
	     "shell=/bin/sh -l\n"
	     "exit=a\n"
	     "exit-port=0xf4\n"
	     "cad=poweroff\n"
	     "stop-timeout=1500ms\n"
	     "bridge=10.0.0.1/24\n"
	     "bridge-isolated=no\n"
	     "mount=/dev/vdb:/data:ext4:noatime\n"
	     "tenant.a.root=/r\n"
	     "tenant.a.readonly=true\n"
	     "tenant.a.env.FOO=bar baz\n"
	     "tenant.a.workdir=/home\n"
	     "tenant.a.user=1000:100\n"
	     "tenant.a.uidmap=1000000:65536\n"
	     "tenant.a.ns=user,mount,pid,-net\n"
	     "tenant.a.hostname=box.example\n"
	     "tenant.a.tmp-size=1G\n"
	     "tenant.a.volume=/srv/data:/data:ro\n"
	     "tenant.a.restart=no\n"
	     "tenant.a.stop-timeout=2m\n"
	     "tenant.a.cpu=150%\n"
	     "tenant.a.cpu-weight=10000\n"
	     "tenant.a.rlimit.nofile=1024:4096\n"
	     "tenant.a.rlimit.core=unlimited\n"
	     "tenant.a.caps=+net_admin,-kill\n"
	     "tenant.a.seccomp=off\n"
	     "tenant.a.net=bridge\n"
	     "tenant.a.ip=10.0.0.2/24\n"
	     "tenant.a.log=null\n"
	     "tenant.b.root=/r\n"
	     "tenant.b.after=a\n");
	conf_finish(&C);
	COUNTS(0, 0);
	EXPECT_U(C.g[G_LOG].n, LOGC_DEBUG);
	ARGV_IS(C.g[G_SHELL].argv, "/bin/sh|-l");
	EXPECT_S(C.g[G_EXIT].s, "a");
	EXPECT_U(C.g[G_EXIT_PORT].n, 0xf4);
	EXPECT_U(C.g[G_CAD].n, CAD_POWEROFF);
	EXPECT_U(C.g[G_STOP_TIMEOUT].n, 1500);
	EXPECT_S(C.g[G_BRIDGE].s, "10.0.0.1/24");
	EXPECT_U(C.g[G_BRIDGE_ISOLATED].n, 0);
	LIST_IS(C.g[G_MOUNT].list, "/dev/vdb:/data:ext4:noatime");
	TENANT(t, "a");
	EXPECT_U(t->invalid, 0);
	EXPECT_U(t->v[T_READONLY].n, 1);
	EXPECT_S(conf_map(t->v[T_ENV].list, "FOO"), "bar baz");
	EXPECT_S(t->v[T_WORKDIR].s, "/home");
	EXPECT_S(t->v[T_USER].s, "1000:100");
	EXPECT_S(t->v[T_UIDMAP].s, "1000000:65536");
	EXPECT_S(t->v[T_NS].s, "user,mount,pid,-net");
	EXPECT_S(t->v[T_HOSTNAME].s, "box.example");
	EXPECT_U(t->v[T_TMP_SIZE].n, 1ULL << 30);
	LIST_IS(t->v[T_VOLUME].list, "/srv/data:/data:ro");
	EXPECT_U(t->v[T_RESTART].n, RESTART_NO);
	EXPECT_U(t->v[T_STOP_TIMEOUT].n, 120000);
	EXPECT_U(t->v[T_CPU].n, 150);
	EXPECT_U(t->v[T_CPU_WEIGHT].n, 10000);
	EXPECT_S(conf_map(t->v[T_RLIMIT].list, "nofile"), "1024:4096");
	EXPECT_S(conf_map(t->v[T_RLIMIT].list, "core"), "unlimited");
	EXPECT_S(t->v[T_CAPS].s, "+net_admin,-kill");
	EXPECT_U(t->v[T_SECCOMP].n, 1);
	EXPECT_U(t->v[T_NET].n, NET_BRIDGE);
	EXPECT_S(t->v[T_IP].s, "10.0.0.2/24");
	EXPECT_U(t->v[T_LOG].n, TLOG_NULL);
	TENANT(b, "b");
	EXPECT_S(b->v[T_AFTER].s, "a");
	EXPECT_U(b->invalid, 0);
}

/* ---- the command line ---- */

TEST(cmdline_ignores_other_tokens)
{
	fresh();
	cmd("BOOT_IMAGE=/vmlinuz root=/dev/vda console=ttyS0 hostname=z innitx.hostname=y "
	    "init=/sbin/x innit=1 innit.hostname=box rw\n");
	COUNTS(0, 0);
	EXPECT_S(C.g[G_HOSTNAME].s, "box");
	EXPECT_U(C.src[G_HOSTNAME], SRC_CMDLINE);
	EXPECT_U(C.kernel_quiet, 0);
	EXPECT_I(C.ntenants, 0);
}

TEST(cmdline_quiet)
{
	fresh();
	cmd("console=ttyS0 quiet innit.cad=ignore\n");
	EXPECT_U(C.kernel_quiet, 1);
	EXPECT_U(C.g[G_CAD].n, CAD_IGNORE);
	fresh();
	cmd("console=ttyS0 quiet\n");
	EXPECT_U(C.kernel_quiet, 1);
	fresh();
	cmd("quietly notquiet \"quiet x\" innit.quiet=1");
	EXPECT_U(C.kernel_quiet, 0);
}

TEST(cmdline_kernel_quoting_exec)
{
	fresh();
	cmd("console=ttyS0 innit.tenant.bob.exec=\"/bin/sh -c 'x y'\" innit.tenant.bob.root=/r");
	COUNTS(0, 0);
	TENANT(t, "bob");
	ARGV_IS(t->v[T_EXEC].argv, "/bin/sh|-c|x y");
	EXPECT_S(t->v[T_ROOT].s, "/r");
}

TEST(cmdline_token_entirely_quoted)
{
	fresh();
	cmd("a=b \"innit.hostname=a\" \"innit.tenant.t.env.X=a b\" c");
	COUNTS(0, 0);
	EXPECT_S(C.g[G_HOSTNAME].s, "a");
	TENANT(t, "t");
	EXPECT_S(conf_map(t->v[T_ENV].list, "X"), "a b");
}

TEST(cmdline_unterminated_quote)
{
	fresh();
	cmd("console=x innit.hostname=\"abc");
	COUNTS(1, 0);
	LASTERR("cmdline:11: innit: unterminated quote");
	EXPECT_S(C.g[G_HOSTNAME].s, "innit");
	EXPECT_U(C.src[G_HOSTNAME], SRC_DEFAULT);
}

TEST(cmdline_missing_equals)
{
	fresh();
	cmd("a innit.hostname innit.cad=ignore");
	COUNTS(1, 0);
	LASTERR("cmdline:3: innit: expected innit.KEY=VALUE");
	EXPECT_U(C.g[G_CAD].n, CAD_IGNORE);
}

TEST(cmdline_error_position)
{
	fresh();
	cmd("  console=ttyS0   innit.cad=boom");
	COUNTS(1, 0);
	LASTERR("cmdline:19: cad: bad choice \"boom\"");
	EXPECT_U(C.g[G_CAD].n, CAD_REBOOT);
	fresh();
	cmd("x \"innit.cad=boom\"");
	LASTERR("cmdline:3: cad: bad choice \"boom\"");
}

TEST(cmdline_empty_key)
{
	fresh();
	cmd("innit.=x");
	COUNTS(1, 0);
	LASTERR("cmdline:1: key: empty");
}

TEST(cmdline_dash_underscore_global)
{
	fresh();
	cmd("innit.stop_timeout=5 innit.bridge_isolated=no");
	COUNTS(0, 0);
	EXPECT_U(C.g[G_STOP_TIMEOUT].n, 5000);
	EXPECT_U(C.src[G_STOP_TIMEOUT], SRC_CMDLINE);
	EXPECT_U(C.g[G_BRIDGE_ISOLATED].n, 0);
	fresh();
	cmd("innit.stop-timeout=7");
	EXPECT_U(C.g[G_STOP_TIMEOUT].n, 7000);
}

TEST(cmdline_dash_underscore_tenant)
{
	fresh();
	cmd("innit.tenant.my_app.cpu_weight=5 innit.tenant.my-app.tmp_size=1M");
	COUNTS(0, 0);
	EXPECT_I(C.ntenants, 1);
	EXPECT_NULL(conf_tenant(&C, "my_app"));
	TENANT(t, "my-app");
	EXPECT_U(t->v[T_CPU_WEIGHT].n, 5);
	EXPECT_U(t->v[T_TMP_SIZE].n, 1ULL << 20);
}

TEST(cmdline_env_keeps_underscores_and_case)
{
	fresh();
	cmd("innit.tenant.a.env.MY_VAR=1 innit.tenant.a.env.lower_Case=2");
	COUNTS(0, 0);
	TENANT(t, "a");
	EXPECT_S(conf_map(t->v[T_ENV].list, "MY_VAR"), "1");
	EXPECT_NULL(conf_map(t->v[T_ENV].list, "MY-VAR"));
	EXPECT_S(conf_map(t->v[T_ENV].list, "lower_Case"), "2");
	LIST_IS(t->v[T_ENV].list, "MY_VAR=1|lower_Case=2");
}

TEST(cmdline_2048_bytes_many_tokens)
{
	static char line[2049];
	size_t o = 0;
	o += (size_t)snprintf(line + o, sizeof line - o, "BOOT_IMAGE=/boot/vmlinuz console=ttyS0 ");
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(line + o, sizeof line - o, "innit.tenant.t%02d.pids=%d ", i,
				      i + 1);
	const char *last = "innit.hostname=last-token";
	size_t fill = 2048 - o - strlen(last) - 1;
	EXPECT_TRUE(fill > 10);
	o += (size_t)snprintf(line + o, sizeof line - o, "filler=");
	memset(line + o, 'f', fill - 7);
	o += fill - 7;
	line[o++] = ' ';
	memcpy(line + o, last, strlen(last));
	o += strlen(last);
	line[o] = '\0';
	EXPECT_U(strlen(line), 2048);
	fresh();
	cmd(line);
	COUNTS(0, 0);
	EXPECT_I(C.ntenants, 40);
	for (int i = 0; i < 40; i++) {
		char name[16];
		snprintf(name, sizeof name, "t%02d", i);
		TENANT(t, name);
		EXPECT_U(t->v[T_PIDS].n, (unsigned)i + 1);
	}
	EXPECT_S(C.g[G_HOSTNAME].s, "last-token");
}

TEST(cmdline_value_too_long)
{
	static char line[5000];
	fresh();
	int n = snprintf(line, sizeof line, "innit.tenant.a.env.X=");
	memset(line + n, 'v', 4096);
	strcpy(line + n + 4096, " innit.cad=ignore");
	cmd(line);
	COUNTS(1, 0);
	LASTERR("cmdline:1: innit: value too long");
	EXPECT_NULL(conf_tenant(&C, "a"));
	EXPECT_U(C.g[G_CAD].n, CAD_IGNORE);
}

TEST(cmdline_value_longest)
{
	static char line[5000];
	fresh();
	int n = snprintf(line, sizeof line, "innit.tenant.a.env.X=");
	memset(line + n, 'v', 4095);
	line[n + 4095] = '\0';
	cmd(line);
	COUNTS(0, 0);
	TENANT(t, "a");
	const char *v = conf_map(t->v[T_ENV].list, "X");
	EXPECT_NONNULL(v);
	EXPECT_U(strlen(v), 4095);
}

TEST(cmdline_empty_values)
{
	fresh();
	cmd("innit.tenant.a.env.X= innit.tenant.a.env.Y=\"\"");
	COUNTS(0, 0);
	TENANT(t, "a");
	EXPECT_S(conf_map(t->v[T_ENV].list, "X"), "");
	EXPECT_S(conf_map(t->v[T_ENV].list, "Y"), "");
}

TEST(cmdline_conf_key)
{
	fresh();
	cmd("innit.conf=/x/innit.conf");
	COUNTS(0, 0);
	EXPECT_S(C.g[G_CONF].s, "/x/innit.conf");
	cmd("innit.conf=relative");
	COUNTS(1, 0);
	LASTERR("cmdline:1: conf: not an absolute path \"relative\"");
	EXPECT_S(C.g[G_CONF].s, "/x/innit.conf");
}

/* ---- the config file ---- */

TEST(file_comments_blanks_spaces)
{
	fresh();
	file("# comment\n"
	     "\n"
	     "   # indented comment\n"
	     "\t\n"
	     "hostname = box  \n"
	     "  cad=poweroff\n"
	     "\t tenant.a.root\t=\t/srv/a\n");
	COUNTS(0, 0);
	EXPECT_S(C.g[G_HOSTNAME].s, "box");
	EXPECT_U(C.src[G_HOSTNAME], SRC_FILE);
	EXPECT_U(C.g[G_CAD].n, CAD_POWEROFF);
	TENANT(t, "a");
	EXPECT_S(t->v[T_ROOT].s, "/srv/a");
}

TEST(file_crlf)
{
	fresh();
	file("hostname=box\r\n"
	     "# c\r\n"
	     "\r\n"
	     "cad=ignore\r\n"
	     "tenant.a.exec=\"/bin/sh -c x\"\r\n"
	     "tenant.a.env.X=1 \r\n");
	COUNTS(0, 0);
	EXPECT_S(C.g[G_HOSTNAME].s, "box");
	EXPECT_U(C.g[G_CAD].n, CAD_IGNORE);
	TENANT(t, "a");
	ARGV_IS(t->v[T_EXEC].argv, "/bin/sh|-c|x");
	EXPECT_S(conf_map(t->v[T_ENV].list, "X"), "1");
}

TEST(file_quoted_escapes)
{
	fresh();
	file("tenant.a.env.X=\"say \\\"hi\\\" back\\\\slash \\t end\"\n"
	     "tenant.a.env.Y=\"a # b\"   # comment\n"
	     "tenant.a.env.Z=  \"  padded  \"\n");
	COUNTS(0, 0);
	TENANT(t, "a");
	EXPECT_S(conf_map(t->v[T_ENV].list, "X"), "say \"hi\" back\\slash \\t end");
	EXPECT_S(conf_map(t->v[T_ENV].list, "Y"), "a # b");
	EXPECT_S(conf_map(t->v[T_ENV].list, "Z"), "  padded  ");
}

TEST(file_unquoted_value_keeps_inner_quotes)
{
	fresh();
	file("tenant.a.exec=/bin/sh -c \"echo 'hi there'\"  \n"
	     "tenant.b.exec=\"/bin/sh -c \\\"echo hi\\\"\"\n");
	COUNTS(0, 0);
	TENANT(a, "a");
	ARGV_IS(a->v[T_EXEC].argv, "/bin/sh|-c|echo 'hi there'");
	TENANT(b, "b");
	ARGV_IS(b->v[T_EXEC].argv, "/bin/sh|-c|echo hi");
}

TEST(file_text_after_closing_quote)
{
	fresh();
	file("tenant.a.env.X=\"a\"b\n");
	COUNTS(1, 0);
	LASTERR(ETC ":1: line: text after closing quote");
	EXPECT_NULL(conf_tenant(&C, "a"));
	fresh();
	file("hostname=x\nhostname=\"a\" b\n");
	COUNTS(1, 0);
	LASTERR(ETC ":2: line: text after closing quote");
	EXPECT_S(C.g[G_HOSTNAME].s, "x");
}

TEST(file_unterminated_quote)
{
	fresh();
	file("cad=ignore\nhostname=\"abc\n");
	COUNTS(1, 0);
	LASTERR(ETC ":2: line: unterminated quote");
	EXPECT_S(C.g[G_HOSTNAME].s, "innit");
	fresh();
	file("hostname=\"abc\\\"");
	COUNTS(1, 0);
	LASTERR(ETC ":1: line: unterminated quote");
}

TEST(file_hash_in_unquoted_value)
{
	fresh();
	file("tenant.a.env.X=a #comment\n"
	     "tenant.a.env.Y=a#b\n"
	     "tenant.a.env.Z=a\t# c\n");
	COUNTS(0, 0);
	TENANT(t, "a");
	EXPECT_S(conf_map(t->v[T_ENV].list, "X"), "a");
	EXPECT_S(conf_map(t->v[T_ENV].list, "Y"), "a#b");
	EXPECT_S(conf_map(t->v[T_ENV].list, "Z"), "a");
}

TEST(file_hash_after_blank_following_equals)
{
	/* conf.c: "A '#' at the start or after a blank outside quotes begins a comment." */
	fresh();
	file("tenant.a.env.X= #comment\n");
	COUNTS(0, 0);
	TENANT(t, "a");
	EXPECT_S(conf_map(t->v[T_ENV].list, "X"), "");
}

TEST(file_line_numbers)
{
	fresh();
	file("hostname=a\n\ncad=bogus\n");
	COUNTS(1, 0);
	LASTERR(ETC ":3: cad: bad choice \"bogus\"");
	fresh();
	file("# 1\r\n\r\nhostname=a\r\n\n\n   \ntenant.a.memory=12Q\r\nhostname=b\n");
	COUNTS(1, 0);
	LASTERR(ETC ":7: tenant.a.memory: bad size \"12Q\"");
}

TEST(file_name_in_messages)
{
	fresh();
	static const char text[] = "hostname=a\nlog=loud\n";
	conf_parse_file(&C, "/tmp/other.conf", text, sizeof text - 1);
	COUNTS(1, 0);
	LASTERR("/tmp/other.conf:2: log: bad choice \"loud\"");
}

TEST(file_nul_byte_in_line)
{
	static const char text[] = "hostname=a\0b\ncad=poweroff\n";
	fresh();
	conf_parse_file(&C, ETC, text, sizeof text - 1);
	COUNTS(1, 0);
	LASTERR(ETC ":1: line: NUL byte in line");
	EXPECT_S(C.g[G_HOSTNAME].s, "innit");
	EXPECT_U(C.g[G_CAD].n, CAD_POWEROFF);
}

TEST(file_line_too_long)
{
	static char text[6000];
	fresh();
	int n = snprintf(text, sizeof text, "tenant.a.env.X=");
	memset(text + n, 'a', 5000 - (size_t)n);
	strcpy(text + 5000, "\nhostname=after\n");
	file(text);
	COUNTS(1, 0);
	LASTERR(ETC ":1: line: line too long");
	EXPECT_NULL(conf_tenant(&C, "a"));
	EXPECT_S(C.g[G_HOSTNAME].s, "after");
}

TEST(file_line_too_long_boundary)
{
	static char text[6000];
	fresh();
	int n = snprintf(text, sizeof text, "cad=ignore\ntenant.a.env.X=");
	memset(text + n, 'a', 11 + 4096 - (size_t)n); /* line 2 is exactly CONF_LINE_MAX bytes */
	strcpy(text + 11 + 4096, "\n");
	file(text);
	COUNTS(1, 0);
	LASTERR(ETC ":2: line: line too long");
	EXPECT_NULL(conf_tenant(&C, "a"));
	EXPECT_U(C.g[G_CAD].n, CAD_IGNORE);
}

TEST(file_longest_line)
{
	static char text[6000];
	fresh();
	int n = snprintf(text, sizeof text, "tenant.a.env.X=");
	memset(text + n, 'a', 4095 - (size_t)n); /* 4095 bytes before the newline */
	strcpy(text + 4095, "\n");
	file(text);
	COUNTS(0, 0);
	TENANT(t, "a");
	const char *v = conf_map(t->v[T_ENV].list, "X");
	EXPECT_NONNULL(v);
	EXPECT_U(strlen(v), 4095 - (size_t)n);
}

TEST(file_last_line_without_newline)
{
	fresh();
	file("cad=poweroff\nhostname=last");
	COUNTS(0, 0);
	EXPECT_S(C.g[G_HOSTNAME].s, "last");
	EXPECT_U(C.g[G_CAD].n, CAD_POWEROFF);
}

TEST(file_empty)
{
	fresh();
	conf_parse_file(&C, ETC, "", 0);
	file("\n\n\n");
	COUNTS(0, 0);
	EXPECT_S(C.lasterr, "");
}

TEST(file_expected_key_value)
{
	fresh();
	file("hostname\n");
	COUNTS(1, 0);
	LASTERR(ETC ":1: line: expected KEY=VALUE");
	fresh();
	file("=x\n");
	LASTERR(ETC ":1: line: expected KEY=VALUE");
	fresh();
	file("host name=x\n");
	LASTERR(ETC ":1: line: expected KEY=VALUE");
	COUNTS(1, 0);
}

TEST(file_key_too_long)
{
	static char text[400];
	fresh();
	memset(text, 'k', 200);
	strcpy(text + 200, "=1\n");
	file(text);
	COUNTS(1, 0);
	LASTERR(ETC ":1: key: too long");
}

TEST(file_innit_prefix_is_unknown)
{
	fresh();
	file("innit.hostname=x\n");
	COUNTS(0, 1);
	LASTERR(ETC ":1: innit.hostname: unknown key");
	EXPECT_S(C.g[G_HOSTNAME].s, "innit");
}

/* ---- precedence ---- */

TEST(precedence_cmdline_then_file)
{
	fresh();
	cmd("innit.hostname=cmd innit.tenant.a.memory=1M");
	file("hostname=file\ntenant.a.memory=2M\ntenant.a.pids=9\n");
	COUNTS(0, 0);
	EXPECT_S(C.g[G_HOSTNAME].s, "cmd");
	EXPECT_U(C.src[G_HOSTNAME], SRC_CMDLINE);
	TENANT(t, "a");
	EXPECT_U(t->v[T_MEMORY].n, 1ULL << 20);
	EXPECT_U(t->v[T_PIDS].n, 9);
}

TEST(precedence_file_then_cmdline)
{
	fresh();
	file("hostname=file\ntenant.a.memory=2M\n");
	cmd("innit.hostname=cmd innit.tenant.a.memory=1M");
	COUNTS(0, 0);
	EXPECT_S(C.g[G_HOSTNAME].s, "cmd");
	EXPECT_U(C.src[G_HOSTNAME], SRC_CMDLINE);
	TENANT(t, "a");
	EXPECT_U(t->v[T_MEMORY].n, 1ULL << 20);
}

TEST(precedence_last_wins_within_source)
{
	fresh();
	cmd("innit.cad=poweroff innit.cad=ignore");
	EXPECT_U(C.g[G_CAD].n, CAD_IGNORE);
	fresh();
	file("cad=ignore\ncad=poweroff\ntenant.a.exec=/bin/a\ntenant.a.exec=/bin/b x\n");
	COUNTS(0, 0);
	EXPECT_U(C.g[G_CAD].n, CAD_POWEROFF);
	TENANT(t, "a");
	ARGV_IS(t->v[T_EXEC].argv, "/bin/b|x");
}

TEST(precedence_list_cmdline_replaces_file)
{
	fresh();
	cmd("innit.tenant.a.volume=/c1:/c1 innit.tenant.a.volume=/c2:/c2 "
	    "innit.mount=/dev/c:/c:ext4");
	file("tenant.a.volume=/f1:/f1\nmount=/dev/f:/f:ext4\ntenant.a.volume=/f2:/f2\n");
	COUNTS(0, 0);
	TENANT(t, "a");
	LIST_IS(t->v[T_VOLUME].list, "/c1:/c1|/c2:/c2");
	LIST_IS(C.g[G_MOUNT].list, "/dev/c:/c:ext4");
}

TEST(precedence_list_file_accumulates)
{
	fresh();
	file("tenant.a.volume=/f1:/f1\n"
	     "mount=/dev/a:/a:ext4\n"
	     "tenant.a.volume=/f2:/f2:ro\n"
	     "mount=/dev/b:/b:xfs:noatime\n"
	     "tenant.a.volume=/f3:/f3\n");
	COUNTS(0, 0);
	TENANT(t, "a");
	LIST_IS(t->v[T_VOLUME].list, "/f1:/f1|/f2:/f2:ro|/f3:/f3");
	LIST_IS(C.g[G_MOUNT].list, "/dev/a:/a:ext4|/dev/b:/b:xfs:noatime");
}

TEST(precedence_list_cmdline_replaces_file_any_order)
{
	/* The command line wins regardless of the order the sources are parsed in. */
	fresh();
	file("tenant.a.volume=/f1:/f1\nmount=/dev/f:/f:ext4\n");
	cmd("innit.tenant.a.volume=/c1:/c1 innit.mount=/dev/c:/c:ext4");
	COUNTS(0, 0);
	TENANT(t, "a");
	LIST_IS(t->v[T_VOLUME].list, "/c1:/c1");
	LIST_IS(C.g[G_MOUNT].list, "/dev/c:/c:ext4");
}

TEST(precedence_env_map)
{
	fresh();
	cmd("innit.tenant.a.env.X=c");
	file("tenant.a.env.X=f\ntenant.a.env.Y=f\n");
	COUNTS(0, 0);
	TENANT(t, "a");
	EXPECT_S(conf_map(t->v[T_ENV].list, "X"), "c");
	EXPECT_S(conf_map(t->v[T_ENV].list, "Y"), "f");
	LIST_IS(t->v[T_ENV].list, "X=c|Y=f");
	fresh();
	file("tenant.a.env.X=f\ntenant.a.env.Y=f\n");
	cmd("innit.tenant.a.env.X=c");
	t = conf_tenant(&C, "a");
	EXPECT_NONNULL(t);
	LIST_IS(t->v[T_ENV].list, "X=c|Y=f");
}

TEST(precedence_env_last_wins_within_source)
{
	fresh();
	file("tenant.a.env.X=1\ntenant.a.env.Y=y\ntenant.a.env.X=2\n");
	COUNTS(0, 0);
	TENANT(t, "a");
	LIST_IS(t->v[T_ENV].list, "X=2|Y=y");
}

/* ---- bad values ---- */

/* Line 3 of a file with two good tenants sets tenant a's KEY=VALUE: exactly one error,
 * a invalid, b untouched, and the message as given (without the "FILE:3: " prefix). */
static void bad_tenant_value(int line, const char *kv, const char *msg)
{
	char text[512], want[300];
	fresh();
	snprintf(text, sizeof text, "tenant.a.root=/r\ntenant.b.root=/r\ntenant.a.%s\n", kv);
	snprintf(want, sizeof want, ETC ":3: %s", msg);
	file(text);
	EXPECT_S_AT(__FILE__, line, C.lasterr, want);
	EXPECT_U_AT(__FILE__, line, C.nerrors, 1);
	EXPECT_U_AT(__FILE__, line, C.nwarnings, 0);
	struct tenant_conf *a = conf_tenant(&C, "a"), *b = conf_tenant(&C, "b");
	EXPECT_TRUE_AT(__FILE__, line, a && b);
	EXPECT_U_AT(__FILE__, line, a->invalid, 1);
	EXPECT_U_AT(__FILE__, line, b->invalid, 0);
}

static void good_tenant_value(int line, const char *kv)
{
	char text[512];
	fresh();
	snprintf(text, sizeof text, "tenant.a.root=/r\ntenant.a.%s\n", kv);
	file(text);
	EXPECT_S_AT(__FILE__, line, C.lasterr, "");
	EXPECT_U_AT(__FILE__, line, C.nerrors, 0);
	struct tenant_conf *a = conf_tenant(&C, "a");
	EXPECT_TRUE_AT(__FILE__, line, a && !a->invalid);
}

#define BAD_T(kv, msg) CALL(bad_tenant_value(__LINE__, kv, msg))
#define GOOD_T(kv)     CALL(good_tenant_value(__LINE__, kv))

TEST(bad_size)
{
	BAD_T("memory=12Q", "tenant.a.memory: bad size \"12Q\"");
	BAD_T("tmp-size=-1", "tenant.a.tmp-size: bad size \"-1\"");
	BAD_T("memory=99999999999G", "tenant.a.memory: bad size \"99999999999G\"");
}

TEST(bad_duration)
{
	BAD_T("stop-timeout=5h", "tenant.a.stop-timeout: bad duration \"5h\"");
	BAD_T("stop-timeout=", "tenant.a.stop-timeout: bad duration \"\"");
}

TEST(bad_bool)
{
	BAD_T("overlay=maybe", "tenant.a.overlay: bad boolean \"maybe\"");
	BAD_T("readonly=", "tenant.a.readonly: bad boolean \"\"");
}

TEST(bad_uint_over_max)
{
	BAD_T("pids=99999999", "tenant.a.pids: bad number \"99999999\"");
	BAD_T("cpu-weight=10001", "tenant.a.cpu-weight: bad number \"10001\"");
	BAD_T("pids=12abc", "tenant.a.pids: bad number \"12abc\"");
	GOOD_T("pids=4194304");
	GOOD_T("pids=0");
}

TEST(bad_cpu_weight_zero)
{
	/* cgroup v2 cpu.weight is 1..10000: 0 would only fail when the tenant starts. */
	BAD_T("cpu-weight=0", "tenant.a.cpu-weight: bad number \"0\"");
}

TEST(bad_percent)
{
	BAD_T("cpu=50", "tenant.a.cpu: bad percentage \"50\"");
	BAD_T("cpu=0%", "tenant.a.cpu: bad percentage \"0%\"");
	BAD_T("cpu=100001%", "tenant.a.cpu: bad percentage \"100001%\"");
}

TEST(bad_enum)
{
	BAD_T("restart=sometimes", "tenant.a.restart: bad choice \"sometimes\"");
	BAD_T("net=wifi", "tenant.a.net: bad choice \"wifi\"");
	BAD_T("seccomp=strict", "tenant.a.seccomp: bad choice \"strict\"");
	BAD_T("log=file", "tenant.a.log: bad choice \"file\"");
	BAD_T("restart=ON-FAILURE", "tenant.a.restart: bad choice \"ON-FAILURE\"");
}

TEST(bad_path_not_absolute)
{
	BAD_T("root=srv/a", "tenant.a.root: not an absolute path \"srv/a\"");
	BAD_T("workdir=tmp", "tenant.a.workdir: not an absolute path \"tmp\"");
	BAD_T("workdir=", "tenant.a.workdir: not an absolute path \"\"");
}

TEST(bad_exec)
{
	BAD_T("exec=", "tenant.a.exec: empty command \"\"");
	BAD_T("exec=/bin/sh -c 'x", "tenant.a.exec: unterminated single quote \"/bin/sh -c 'x\"");
}

TEST(bad_hostname)
{
	BAD_T("hostname=bad_name", "tenant.a.hostname: bad hostname \"bad_name\"");
	BAD_T("hostname=", "tenant.a.hostname: bad hostname \"\"");
	BAD_T("hostname=a b", "tenant.a.hostname: bad hostname \"a b\"");
	char kv[128] = "hostname=";
	memset(kv + 9, 'h', 65);
	kv[9 + 65] = '\0';
	char msg[160] = "tenant.a.hostname: bad hostname \"";
	memset(msg + strlen(msg), 'h', 65);
	strcpy(msg + strlen(msg) - 0, "\"");
	BAD_T(kv, msg);
	kv[9 + 64] = '\0';
	GOOD_T(kv);
}

TEST(bad_user)
{
	BAD_T("user=abc", "tenant.a.user: bad UID[:GID] \"abc\"");
	BAD_T("user=1:", "tenant.a.user: bad UID[:GID] \"1:\"");
	BAD_T("user=:1", "tenant.a.user: bad UID[:GID] \":1\"");
	BAD_T("user=-1", "tenant.a.user: bad UID[:GID] \"-1\"");
	BAD_T("user=4294967295", "tenant.a.user: bad UID[:GID] \"4294967295\"");
	GOOD_T("user=1000");
	GOOD_T("user=4294967294:0");
}

TEST(bad_uidmap)
{
	BAD_T("uidmap=0:65536", "tenant.a.uidmap: mapping includes host uid 0 \"0:65536\"");
	BAD_T("uidmap=100000", "tenant.a.uidmap: bad HOSTID:COUNT \"100000\"");
	BAD_T("uidmap=100000:0", "tenant.a.uidmap: bad HOSTID:COUNT \"100000:0\"");
	BAD_T("uidmap=4294901760:65536", "tenant.a.uidmap: bad HOSTID:COUNT \"4294901760:65536\"");
	BAD_T("uidmap=manual", "tenant.a.uidmap: bad HOSTID:COUNT \"manual\"");
	GOOD_T("uidmap=4294901759:65536");
}

TEST(bad_ns)
{
	BAD_T("ns=user,foo", "tenant.a.ns: bad namespace list \"user,foo\"");
	BAD_T("ns=user,,net", "tenant.a.ns: bad namespace list \"user,,net\"");
	BAD_T("ns=-", "tenant.a.ns: bad namespace list \"-\"");
	GOOD_T("ns=-net,-ipc");
	GOOD_T("ns=time");
}

TEST(bad_caps)
{
	BAD_T("caps=+foo", "tenant.a.caps: bad capability list \"+foo\"");
	BAD_T("caps=chown", "tenant.a.caps: bad capability list \"chown\"");
	BAD_T("caps=+chown,kill", "tenant.a.caps: bad capability list \"+chown,kill\"");
	BAD_T("caps=+", "tenant.a.caps: bad capability list \"+\"");
	GOOD_T("caps=none");
	GOOD_T("caps=-chown,+sys_admin,+checkpoint_restore");
}

TEST(bad_volume)
{
	BAD_T("volume=relative:/x", "tenant.a.volume: bad HOSTPATH:PATH[:ro] \"relative:/x\"");
	BAD_T("volume=/a:b", "tenant.a.volume: bad HOSTPATH:PATH[:ro] \"/a:b\"");
	BAD_T("volume=/a", "tenant.a.volume: bad HOSTPATH:PATH[:ro] \"/a\"");
	BAD_T("volume=/a:/b:rx", "tenant.a.volume: bad HOSTPATH:PATH[:ro] \"/a:/b:rx\"");
	GOOD_T("volume=/a:/b:rw");
}

TEST(bad_mount_global)
{
	fresh();
	file("mount=/dev/vdb:/data\nmount=:/d:ext4\nmount=/dev/vdb:data:ext4\nmount=/x:/y:\n");
	COUNTS(4, 0);
	LASTERR(ETC ":4: mount: bad SRC:DST:FSTYPE[:OPTIONS] \"/x:/y:\"");
	EXPECT_NULL(C.g[G_MOUNT].list);
	EXPECT_I(C.ntenants, 0);
}

TEST(bad_ip_and_bridge)
{
	BAD_T("ip=10.0.0.300/24", "tenant.a.ip: bad ADDR/PREFIX \"10.0.0.300/24\"");
	BAD_T("ip=10.0.0.2/33", "tenant.a.ip: bad ADDR/PREFIX \"10.0.0.2/33\"");
	BAD_T("ip=10.0.0.2", "tenant.a.ip: bad ADDR/PREFIX \"10.0.0.2\"");
	BAD_T("ip=10.0.0/24", "tenant.a.ip: bad ADDR/PREFIX \"10.0.0/24\"");
	BAD_T("ip=10.0.0.2/", "tenant.a.ip: bad ADDR/PREFIX \"10.0.0.2/\"");
	fresh();
	file("bridge=10.0.0.1/24\nbridge=10.0.0.1\n");
	COUNTS(1, 0);
	LASTERR(ETC ":2: bridge: bad ADDR/PREFIX \"10.0.0.1\"");
	EXPECT_S(C.g[G_BRIDGE].s, "10.0.0.1/24");
}

TEST(bad_rlimit)
{
	BAD_T("rlimit.bogus=1", "tenant.a.rlimit.bogus: unknown resource limit \"1\"");
	BAD_T("rlimit.nofile=abc", "tenant.a.rlimit.nofile: bad SOFT[:HARD] \"abc\"");
	BAD_T("rlimit.nofile=1:", "tenant.a.rlimit.nofile: bad SOFT[:HARD] \"1:\"");
	BAD_T("rlimit.nofile=1:2:3", "tenant.a.rlimit.nofile: bad SOFT[:HARD] \"1:2:3\"");
	BAD_T("rlimit.nofile=:1", "tenant.a.rlimit.nofile: bad SOFT[:HARD] \":1\"");
	GOOD_T("rlimit.nproc=100:unlimited");
	GOOD_T("rlimit.fsize=infinity");
}

TEST(bad_rlimit_empty)
{
	BAD_T("rlimit.nofile=", "tenant.a.rlimit.nofile: bad SOFT[:HARD] \"\"");
}

TEST(bad_env_name)
{
	BAD_T("env.1X=y", "tenant.a.env.1X: bad variable name \"y\"");
	BAD_T("env.A-B=y", "tenant.a.env.A-B: bad variable name \"y\"");
	BAD_T("env.=y", "tenant.a.env.: bad variable name \"y\"");
	GOOD_T("env._X1=y");
}

TEST(bad_value_truncated_in_message)
{
	char kv[200] = "memory=";
	memset(kv + 7, '9', 100);
	kv[107] = 'Q';
	kv[108] = '\0';
	char msg[200] = "tenant.a.memory: bad size \"";
	memset(msg + strlen(msg), '9', 80);
	strcat(msg, "\"");
	BAD_T(kv, msg);
}

TEST(bad_global_keeps_default)
{
	fresh();
	file("cad=bogus\nstop-timeout=1h\nexit-port=0x10000\nbridge-isolated=2\nhostname=a_b\n");
	COUNTS(5, 0);
	LASTERR(ETC ":5: hostname: bad hostname \"a_b\"");
	EXPECT_U(C.g[G_CAD].n, CAD_REBOOT);
	EXPECT_U(C.src[G_CAD], SRC_DEFAULT);
	EXPECT_U(C.g[G_STOP_TIMEOUT].n, 10000);
	EXPECT_U(C.src[G_EXIT_PORT], SRC_DEFAULT);
	EXPECT_U(C.g[G_BRIDGE_ISOLATED].n, 1);
	EXPECT_S(C.g[G_HOSTNAME].s, "innit");
}

TEST(bad_cmdline_value_in_tenant)
{
	fresh();
	cmd("innit.tenant.a.root=/r innit.tenant.b.root=/r innit.tenant.a.memory=12Q");
	COUNTS(1, 0);
	LASTERR("cmdline:47: tenant.a.memory: bad size \"12Q\"");
	TENANT(a, "a");
	TENANT(b, "b");
	EXPECT_U(a->invalid, 1);
	EXPECT_U(b->invalid, 0);
}

/* ---- keys: unknown, misplaced, bad tenant names ---- */

TEST(unknown_global_key_warns)
{
	fresh();
	file("bogus=1\nhostname.x=1\n");
	COUNTS(0, 2);
	LASTERR(ETC ":2: hostname.x: unknown key");
	fresh();
	cmd("innit.bogus=1");
	COUNTS(0, 1);
	LASTERR("cmdline:1: bogus: unknown key");
}

TEST(unknown_tenant_key_warns)
{
	fresh();
	file("tenant.a.root=/r\ntenant.a.bogus=1\n");
	COUNTS(0, 1);
	LASTERR(ETC ":2: tenant.a.bogus: unknown key");
	TENANT(t, "a");
	EXPECT_U(t->invalid, 0);
	fresh();
	file("tenant.a.env=1\n");
	COUNTS(0, 1);
	LASTERR(ETC ":1: tenant.a.env: unknown key");
	fresh();
	file("tenant.a.root.x=/r\n");
	COUNTS(0, 1);
	LASTERR(ETC ":1: tenant.a.root.x: unknown key");
	fresh();
	file("tenant.a=1\n");
	COUNTS(0, 1);
	LASTERR(ETC ":1: tenant.a: unknown key");
}

TEST(bad_tenant_name)
{
	fresh();
	file("tenant.Alice.root=/r\n");
	COUNTS(1, 0);
	LASTERR(ETC ":1: tenant.Alice.root: bad tenant name");
	EXPECT_I(C.ntenants, 0);
	fresh();
	file("tenant.-x.root=/r\n");
	COUNTS(1, 0);
	LASTERR(ETC ":1: tenant.-x.root: bad tenant name");
	fresh();
	file("tenant.x:y.root=/r\n");
	COUNTS(1, 0);
	LASTERR(ETC ":1: tenant.x:y.root: bad tenant name");
	fresh();
	file("tenant._x.root=/r\n"); /* '_' is '-' in key names, and a name cannot start with '-' */
	COUNTS(1, 0);
	LASTERR(ETC ":1: tenant.-x.root: bad tenant name");
	EXPECT_I(C.ntenants, 0);
}

TEST(tenant_name_length)
{
	const char *n32 = "abcdefghijklmnopqrstuvwxyz012345";
	char text[200];
	fresh();
	snprintf(text, sizeof text, "tenant.%s.root=/r\ntenant.%s6.root=/r\n", n32, n32);
	file(text);
	COUNTS(1, 0);
	char want[200];
	snprintf(want, sizeof want, ETC ":2: tenant.%s6.root: bad tenant name", n32);
	LASTERR(want);
	EXPECT_I(C.ntenants, 1);
	TENANT(t, n32);
	EXPECT_S(t->v[T_ROOT].s, "/r");
}

TEST(conf_key_in_file_warns)
{
	fresh();
	file("conf=/other.conf\n");
	COUNTS(0, 1);
	LASTERR(ETC ":1: conf: only valid on the kernel command line");
	EXPECT_S(C.g[G_CONF].s, "/etc/innit.conf");
	EXPECT_U(C.src[G_CONF], SRC_DEFAULT);
}

TEST(too_many_tenants)
{
	static char text[MAX_TENANTS * 40 + 100];
	size_t o = 0;
	fresh();
	for (int i = 0; i <= MAX_TENANTS; i++)
		o += (size_t)snprintf(text + o, sizeof text - o, "tenant.t%d.root=/r\n", i);
	file(text);
	COUNTS(1, 0);
	char want[100];
	snprintf(want, sizeof want, ETC ":%d: tenant.t%d.root: too many tenants (at most %d)",
		 MAX_TENANTS + 1, MAX_TENANTS, MAX_TENANTS);
	LASTERR(want);
	EXPECT_I(C.ntenants, MAX_TENANTS);
	EXPECT_NULL(conf_tenant(&C, "t64"));
	TENANT(t, "t63");
	EXPECT_S(t->v[T_ROOT].s, "/r");
	/* an existing tenant still takes keys */
	file("tenant.t0.pids=5\n");
	COUNTS(1, 0);
	TENANT(t0, "t0");
	EXPECT_U(t0->v[T_PIDS].n, 5);
}

/* ---- conf_finish ---- */

TEST(finish_missing_root)
{
	fresh();
	file("tenant.a.pids=5\ntenant.b.root=/r\n");
	COUNTS(0, 0);
	conf_finish(&C);
	COUNTS(2, 0); /* "required", then "invalid configuration, not started" */
	LASTERR("tenant.a: invalid configuration, not started");
	TENANT(a, "a");
	TENANT(b, "b");
	EXPECT_U(a->invalid, 1);
	EXPECT_U(b->invalid, 0);
}

TEST(finish_reports_invalid_tenant)
{
	fresh();
	file("tenant.a.root=/r\ntenant.a.memory=12Q\n");
	conf_finish(&C);
	COUNTS(2, 0);
	LASTERR("tenant.a: invalid configuration, not started");
}

TEST(finish_after_unknown_tenant)
{
	fresh();
	file("tenant.a.root=/r\ntenant.a.after=zzz\ntenant.b.root=/r\ntenant.b.after=a\n");
	COUNTS(0, 0);
	conf_finish(&C);
	/* a names no tenant; b would wait on a forever: both refused, each with a reason. */
	COUNTS(3, 0);
	LASTERR("tenant.b.after: waits on a tenant that never starts");
	TENANT(a, "a");
	TENANT(b, "b");
	EXPECT_U(a->invalid, 1);
	EXPECT_U(b->invalid, 1);
	fresh();
	file("tenant.a.root=/r\ntenant.a.after=Bad\n");
	COUNTS(1, 0);
	LASTERR(ETC ":2: tenant.a.after: bad tenant name \"Bad\"");
}

/* SPEC §8: bad input gets an error, never a hang. A tenant that waits for itself, directly or
 * through a cycle, would wait forever without a word. */
TEST(finish_after_cycle)
{
	fresh();
	file("tenant.a.root=/r\ntenant.a.after=a\ntenant.c.root=/r\n");
	conf_finish(&C);
	TENANT(a, "a");
	TENANT(c, "c");
	EXPECT_U(a->invalid, 1);
	EXPECT_U(c->invalid, 0);
	EXPECT_TRUE(C.nerrors > 0);
	fresh();
	file("tenant.a.root=/r\ntenant.a.after=b\ntenant.b.root=/r\ntenant.b.after=a\n");
	conf_finish(&C);
	TENANT(a2, "a");
	TENANT(b2, "b");
	EXPECT_U(a2->invalid, 1);
	EXPECT_U(b2->invalid, 1);
	EXPECT_TRUE(C.nerrors > 0);
}

TEST(finish_exit_unknown_tenant_warns)
{
	fresh();
	file("exit=zzz\ntenant.a.root=/r\n");
	conf_finish(&C);
	COUNTS(0, 1);
	LASTERR("exit: no tenant \"zzz\"");
	fresh();
	file("exit=a\ntenant.a.root=/r\n");
	conf_finish(&C);
	COUNTS(0, 0);
	fresh();
	file("exit=A\n");
	COUNTS(1, 0);
	LASTERR(ETC ":1: exit: bad tenant name \"A\"");
}

/* ---- arena exhaustion ---- */

TEST(arena_exhaustion_env)
{
	static char text[32 * 3100];
	size_t o = 0;
	fresh();
	o += (size_t)snprintf(text + o, sizeof text - o, "tenant.a.root=/r\n");
	for (int i = 0; i < 20; i++) {
		o += (size_t)snprintf(text + o, sizeof text - o, "tenant.a.env.V%d=", i);
		memset(text + o, 'a' + i, 3000);
		o += 3000;
		text[o++] = '\n';
	}
	text[o] = '\0';
	file(text);
	EXPECT_TRUE(C.used <= CONF_ARENA);
	TENANT(t, "a");
	EXPECT_U(t->invalid, 1);
	unsigned stored = 0;
	for (int i = 0; i < 20; i++) {
		char name[16];
		snprintf(name, sizeof name, "V%d", i);
		const char *v = conf_map(t->v[T_ENV].list, name);
		if (!v)
			continue;
		stored++;
		EXPECT_U(strlen(v), 3000);
		EXPECT_I(v[0], 'a' + i);
		EXPECT_I(v[2999], 'a' + i);
	}
	EXPECT_TRUE(stored >= 5 && stored < 20);
	COUNTS(20 - stored, 0);
	LASTERR(ETC ":21: tenant.a.env.V19: out of config memory");
}

TEST(arena_exhaustion_every_type)
{
	static char line[4200];
	fresh();
	cmd("innit.tenant.a.root=/r");
	/* fill the arena with long exec command lines until it fails */
	for (int i = 0; i < 40 && !C.nerrors; i++) {
		int n = snprintf(line, sizeof line, "tenant.a.exec=");
		for (int w = 0; w < 60; w++)
			n += snprintf(line + n, sizeof line - (size_t)n, "/word%02d/%040d ", w, i);
		line[n] = '\0';
		conf_parse_file(&C, ETC, line, (size_t)n);
	}
	EXPECT_TRUE(C.nerrors > 0);
	EXPECT_TRUE(C.used <= CONF_ARENA);
	EXPECT_TRUE(strstr(C.lasterr, "tenant.a.exec: out of config memory") != 0);
	/* once it is full, every kind of string value fails cleanly */
	memset(line, 'x', 3000);
	line[3000] = '\0';
	static char text[4400];
	snprintf(text, sizeof text, "tenant.a.env.X=%s\n", line);
	file(text);
	EXPECT_TRUE(strstr(C.lasterr, "tenant.a.env.X: out of config memory") != 0);
	snprintf(text, sizeof text, "tenant.a.volume=/%s:/x\n", line);
	file(text);
	EXPECT_TRUE(strstr(C.lasterr, "tenant.a.volume: out of config memory") != 0);
	snprintf(text, sizeof text, "tenant.a.workdir=/%s\n", line);
	file(text);
	EXPECT_TRUE(strstr(C.lasterr, "tenant.a.workdir: out of config memory") != 0);
	snprintf(text, sizeof text, "mount=/dev/x:/%s:ext4\n", line);
	file(text);
	EXPECT_TRUE(strstr(C.lasterr, "mount: out of config memory") != 0);
	snprintf(text, sizeof text, "shell=/bin/%s\n", line);
	file(text);
	EXPECT_TRUE(strstr(C.lasterr, "shell: out of config memory") != 0);
	EXPECT_NULL(C.g[G_SHELL].argv);
	EXPECT_TRUE(C.used <= CONF_ARENA);
	TENANT(t, "a");
	EXPECT_U(t->invalid, 1);
	EXPECT_S(t->v[T_WORKDIR].s, "/");
	EXPECT_NONNULL(t->v[T_EXEC].argv);
}

/* A tenant created when the arena is nearly full must not be startable with missing
 * defaults (NULL exec, workdir, user, ...): it is either complete or invalid, with an error
 * counted. The arena is filled through the API with env values of every length near the
 * limit, so every number of bytes left over is tried. */
static char fill_text[10 * 4000];

static size_t fill_arena(size_t last)
{
	size_t o = (size_t)snprintf(fill_text, sizeof fill_text, "tenant.a.root=/r\n");
	for (int i = 0; i < 9; i++) {
		size_t n = i < 8 ? 3600 : last;
		o += (size_t)snprintf(fill_text + o, sizeof fill_text - o, "tenant.a.env.V%d=", i);
		memset(fill_text + o, 'v', n);
		o += n;
		fill_text[o++] = '\n';
	}
	fill_text[o] = '\0';
	fresh();
	file(fill_text);
	return C.used;
}

TEST(arena_nearly_full_new_tenant)
{
	fill_arena(1);
	EXPECT_U(C.nerrors, 0);
	size_t room = CONF_ARENA - C.used; /* about what V8 may still take */
	EXPECT_TRUE(room > 200 && room < 4000);
	for (size_t last = room - 120; last <= room; last++) {
		fill_arena(last);
		if (C.nerrors)
			break; /* V8 itself no longer fits */
		size_t left = CONF_ARENA - C.used;
		file("tenant.b.root=/\n");
		conf_finish(&C);
		struct tenant_conf *t = conf_tenant(&C, "b");
		EXPECT_NONNULL(t);
		EXPECT_TRUE(C.used <= CONF_ARENA);
		int complete = t->v[T_ROOT].s && t->v[T_EXEC].argv && t->v[T_EXEC].argv[0] &&
			       t->v[T_WORKDIR].s && t->v[T_USER].s && t->v[T_UIDMAP].s &&
			       t->v[T_NS].s && t->v[T_CAPS].s;
		if (!complete && !t->invalid)
			unit_fail(
			    __FILE__, __LINE__,
			    "with %zu arena bytes left, tenant.b.root=/ gives a valid but "
			    "incomplete tenant (exec %s, workdir %s, user %s, uidmap %s, ns %s, "
			    "caps %s), nerrors %u",
			    left, t->v[T_EXEC].argv ? "set" : "NULL", unit_esc(t->v[T_WORKDIR].s),
			    unit_esc(t->v[T_USER].s), unit_esc(t->v[T_UIDMAP].s),
			    unit_esc(t->v[T_NS].s), unit_esc(t->v[T_CAPS].s), C.nerrors);
		if (unit_failed())
			return;
		EXPECT_TRUE(complete || C.nerrors > 0);
	}
}

/* ---- robustness ---- */

static uint32_t rng = 0x1234567u;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Random text built from fragments that reach deep into the parser. */
static size_t random_text(char *buf, size_t cap)
{
	static const char *const frags[] = {"innit.",
					    "tenant.",
					    "a.",
					    "b.",
					    "my_app.",
					    "env.",
					    "X",
					    "root",
					    "exec",
					    "volume",
					    "rlimit.nofile",
					    "mount",
					    "hostname",
					    "memory",
					    "after",
					    "exit",
					    "conf",
					    "ns",
					    "caps",
					    "uidmap",
					    "ip",
					    "cpu",
					    "=",
					    "=",
					    "\"",
					    "\"",
					    "'",
					    "\\",
					    "\n",
					    "\r\n",
					    " ",
					    " ",
					    "\t",
					    "#",
					    ".",
					    "/",
					    ":",
					    ",",
					    "64M",
					    "50%",
					    "yes",
					    "/bin/sh -c 'x y'",
					    "0:65536",
					    "+chown",
					    "10.0.0.1/24",
					    "quiet",
					    "innit.tenant.c.root=/r "};
	size_t o = 0, target = rnd() % cap;
	while (o < target) {
		uint32_t r = rnd();
		if (r % 8 == 0) {
			buf[o++] = (char)(rnd() & 0xff); /* any byte, NUL included */
			continue;
		}
		const char *f = frags[(r >> 8) % (sizeof frags / sizeof frags[0])];
		size_t n = strlen(f);
		if (o + n > target)
			break;
		memcpy(buf + o, f, n);
		o += n;
	}
	return o;
}

static void check_invariants(int line)
{
	EXPECT_TRUE_AT(__FILE__, line, C.used <= CONF_ARENA);
	EXPECT_TRUE_AT(__FILE__, line, C.ntenants >= 0 && C.ntenants <= MAX_TENANTS);
	EXPECT_TRUE_AT(__FILE__, line, memchr(C.lasterr, '\0', sizeof C.lasterr) != 0);
	EXPECT_TRUE_AT(__FILE__, line, (C.nerrors + C.nwarnings > 0) == (C.lasterr[0] != '\0'));
	for (int i = 0; i < C.ntenants; i++) {
		struct tenant_conf *t = &C.t[i];
		size_t n = strnlen(t->name, TENANT_NAME);
		EXPECT_TRUE_AT(__FILE__, line, n > 0 && n < TENANT_NAME);
		EXPECT_TRUE_AT(__FILE__, line, t->name[0] != '-');
		for (size_t j = 0; j < n; j++)
			EXPECT_TRUE_AT(__FILE__, line,
				       (t->name[j] >= 'a' && t->name[j] <= 'z') ||
					   (t->name[j] >= '0' && t->name[j] <= '9') ||
					   t->name[j] == '-');
		if (!t->invalid) {
			EXPECT_TRUE_AT(__FILE__, line, t->v[T_ROOT].s && t->v[T_ROOT].s[0] == '/');
			EXPECT_TRUE_AT(__FILE__, line, t->v[T_EXEC].argv && t->v[T_EXEC].argv[0]);
			EXPECT_TRUE_AT(__FILE__, line, t->v[T_WORKDIR].s != 0);
		}
	}
}

TEST(fuzz_cmdline_and_file)
{
	static char a[2048], b[2048];
	unsigned tenants = 0, valid = 0, errors = 0, warnings = 0;
	for (int iter = 0; iter < 2000; iter++) {
		size_t na = random_text(a, sizeof a);
		size_t nb = random_text(b, sizeof b);
		fresh();
		conf_parse_cmdline(&C, a, na);
		conf_parse_file(&C, ETC, b, nb);
		conf_parse_file(&C, ETC, a, na);
		conf_finish(&C);
		CALL(check_invariants(__LINE__));
		tenants += (unsigned)C.ntenants;
		errors += C.nerrors;
		warnings += C.nwarnings;
		for (int i = 0; i < C.ntenants; i++)
			valid += !C.t[i].invalid;
	}
	/* the generator must reach the parser's depths, not just its first checks */
	EXPECT_TRUE(tenants > 200 && valid > 100 && errors > 1000 && warnings > 1000);
}

TEST(long_source_name)
{
	static char name[400];
	memset(name, 'n', sizeof name - 1);
	name[0] = '/';
	fresh();
	conf_parse_file(&C, name, "cad=bogus\n", 10);
	COUNTS(1, 0);
	EXPECT_U(strlen(C.lasterr), sizeof C.lasterr - 1);
	EXPECT_TRUE(!strncmp(C.lasterr, name, 200));
}

TEST(finish_uidmap_overlap_refused)
{
	fresh();
	/* a is slot 0 (auto: 65536..131071); b's explicit range starts inside it. */
	file("tenant.a.root=/r\ntenant.b.root=/r\ntenant.b.uidmap=100000:65536\n"
	     "tenant.c.root=/r\ntenant.c.uidmap=10000000:65536\n");
	conf_finish(&C);
	TENANT(a, "a");
	TENANT(b, "b");
	TENANT(c, "c");
	EXPECT_U(a->invalid, 0);
	EXPECT_U(b->invalid, 1);
	EXPECT_U(c->invalid, 0);
}

TEST(finish_warns_without_user_namespace)
{
	fresh();
	file("tenant.a.root=/r\ntenant.a.ns=-user\ntenant.b.root=/r\n");
	conf_finish(&C);
	COUNTS(0, 1);
	LASTERR("tenant.a.ns: no user namespace: the tenant's root is host root");
	TENANT(a, "a");
	EXPECT_U(a->invalid, 0);
}
