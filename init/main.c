/*
 * main.c - boot order. As the machine's PID 1: mount the API filesystems, read the kernel
 * command line and the config file, name the host, start the tenants, enter the loop.
 *
 * Test mode (SPEC §1): `innit --cmdline STRING [--conf FILE]` as PID 1 of a fresh PID
 * namespace on a development machine. It skips what would touch the host (mounts, host
 * name, Ctrl-Alt-Del, unmounting at the end) and exits with the exit status instead of
 * calling reboot(2).
 *
 * Before loop_run() a bad argument may end the process (it has not become anyone's init
 * yet in test mode, and as the real PID 1 nothing here calls exit). After it, never.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fmt.h"
#include "innit.h"
#include "log.h"

struct innit S;

/* Reads a whole small file into buf; returns its length or -1. Boot only: it may block. */
static ssize_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = 0;
	ssize_t r;
	while (len < cap && (r = read(fd, buf + len, cap - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			len = (size_t)-1;
			break;
		}
		len += (size_t)r;
	}
	int e = errno;
	(void)close(fd);
	errno = e;
	return (ssize_t)len;
}

static void usage(void)
{
	static const char msg[] =
	    "usage: innit                           (as PID 1: boot this machine)\n"
	    "       innit --cmdline STRING [--conf FILE]\n"
	    "                                       (as PID 1 of a PID namespace: test mode)\n"
	    "       innit --keys                    (list the configuration keys)\n";
	(void)!write(2, msg, sizeof msg - 1);
}

/* One line per key, from the table: what the man page's key list is checked against. */
static void print_keys(void)
{
	char line[200];
	for (int i = 0; i < G_COUNT; i++) {
		size_t n =
		    fmt(line, sizeof line, "%s\t%s\n", global_keys[i].name, global_keys[i].help);
		(void)!write(1, line, n);
	}
	for (int i = 0; i < T_COUNT; i++) {
		const struct key *k = &tenant_keys[i];
		size_t n = fmt(line, sizeof line, "tenant.NAME.%s%s\t%s\n", k->name,
			       k->type == K_MAP ? ".X" : "", k->help);
		(void)!write(1, line, n);
	}
}

/* log= wins; otherwise the kernel's "quiet" lowers our default to warnings. */
static void set_log_level(void)
{
	static const int levels[] = {
	    [LOGC_QUIET] = LOG_WARN, [LOGC_INFO] = LOG_INFO, [LOGC_DEBUG] = LOG_DEBUG};
	if (S.conf.src[G_LOG])
		log_level = levels[S.conf.g[G_LOG].n];
	else
		log_level = S.conf.kernel_quiet ? LOG_WARN : LOG_INFO;
}

/* Clears the 12 KiB of stack right under its caller by hand. noinline, so its buffer really
 * lies where the parser's frames were. */
static __attribute__((noinline)) void clear_stack_top(void)
{
	char pad[12288];
	explicit_bzero(pad, sizeof pad);
	__asm__ volatile("" : : "r"(pad) : "memory"); /* keep the buffer and the clearing */
}

/* The same, 48 KiB deep, for kernels without madvise(2). */
static __attribute__((noinline)) void clear_stack_deep(void)
{
	char pad[49152];
	explicit_bzero(pad, sizeof pad);
	__asm__ volatile("" : : "r"(pad) : "memory");
}

/*
 * The stack below our caller's frame is dead: the parser's line and word buffers held the
 * configuration's text there, and every reaper is forked with a copy of this stack. The
 * pages next to our frame (which the madvise call itself needs) are cleared by hand; the
 * rest are dropped with MADV_DONTNEED: they read as zeros and stop being resident, where
 * writing zeros over them would have kept them resident.
 */
__attribute__((noinline)) void forget_dead_stack(void)
{
	char here;
	uintptr_t top = ((uintptr_t)&here & ~(uintptr_t)4095) - 8192, len = 256 * 1024;
	__asm__ volatile("" : : "r"(&here) : "memory");
	clear_stack_top();
	/* ENOMEM: part of the range was never mapped; the rest was dropped all the same. */
	if (madvise((void *)(top - len), len, MADV_DONTNEED) < 0 && errno != ENOMEM)
		clear_stack_deep(); /* no madvise: clear by hand, deep enough for the parser */
}

static void read_config(const char *cmdline, const char *conf_path)
{
	/* Big enough for a thousand tenants' file; only the bytes read become resident. */
	static char buf[262144];
	ssize_t n;
	size_t touched = 0;

	conf_init(&S.conf);
	if (cmdline) {
		conf_parse_cmdline(&S.conf, cmdline, strlen(cmdline));
	} else {
		n = read_file("/proc/cmdline", buf, sizeof buf - 1);
		if (n < 0)
			err("/proc/cmdline: %s", strerror(errno));
		else
			conf_parse_cmdline(&S.conf, buf, (size_t)(touched = (size_t)n));
	}
	set_log_level();

	/* Test mode reads only the file it is given, never the host's /etc/innit.conf. */
	const char *path = conf_path ? conf_path : S.conf.g[G_CONF].s;
	if (S.test_mode && !conf_path && !S.conf.src[G_CONF])
		path = 0;
	n = path ? read_file(path, buf, sizeof buf) : 0;
	if (n > 0 && (size_t)n > touched)
		touched = (size_t)n;
	if (!path) {
		/* nothing to read */
	} else if (n < 0) {
		/* Only a file someone named is missed; the default one is optional. */
		if (conf_path || S.conf.src[G_CONF] || errno != ENOENT)
			err("%s: %s", path, strerror(errno));
	} else if ((size_t)n == sizeof buf) {
		err("%s: larger than %u bytes, ignored", path, (unsigned)sizeof buf);
	} else {
		conf_parse_file(&S.conf, path, buf, (size_t)n);
	}
	conf_finish(&S.conf);
	set_log_level(); /* the file may set it too */
	/* The raw text (every tenant's env.*) is parsed now; a reaper forked later must not
	 * carry it in its memory. */
	explicit_bzero(buf, touched);
}

int main(int argc, char **argv)
{
	const char *cmdline = 0, *conf_path = 0;

	S.boot_ms = now_ms();
	if (argc > 0) { /* execve() may pass an empty argv */
		S.args = argv[0];
		S.args_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) - argv[0]);
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cmdline") && i + 1 < argc) {
			cmdline = argv[++i];
		} else if (!strcmp(argv[i], "--conf") && i + 1 < argc) {
			conf_path = argv[++i];
		} else if (!strcmp(argv[i], "--keys")) {
			print_keys();
			return 0;
		} else if (getpid() != 1) {
			usage();
			return 100;
		}
		/* As the real PID 1, the kernel passes unknown boot arguments: ignore them. */
	}
	S.test_mode = cmdline != 0;
	if (getpid() != 1) {
		usage();
		return 100;
	}

	if (!S.test_mode)
		boot_mounts();
	/* Each tenant holds up to three descriptors in PID 1 (two pipes and its cgroup): take
	 * the whole hard limit, not the 1024 soft one the kernel starts init with. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &nofile); /* raising soft to hard cannot fail */
	}
	read_config(cmdline, conf_path);
	forget_dead_stack();
	/* The level is known only now: the first timeline line says when we really began. */
	debug("started at %llu ms", (unsigned long long)S.boot_ms);
	debug("config read: %d tenants", S.conf.ntenants);
	if (!S.test_mode) {
		boot_host();
		/* A full console must cost us dropped lines, never a stalled PID 1. */
		int fl = fcntl(2, F_GETFL);
		if (fl >= 0)
			(void)fcntl(2, F_SETFL, fl | O_NONBLOCK);
	}
	if (loop_init() < 0) {
		/* Without signalfd/epoll we cannot supervise; still never return as PID 1. */
		err("event loop: %s", strerror(errno));
		if (S.test_mode)
			return 111;
		for (;;)
			pause();
	}
	boot_host_mounts();
	cgroup_init();
	tenants_init();
	tenants_start_ready();
	debug("boot done");
	loop_run();
}
