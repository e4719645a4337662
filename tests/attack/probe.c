/*
 * probe.c - the attacks that busybox cannot make precisely: raw syscalls with chosen
 * arguments, ioctls with the high bits set, ptrace, setns, nested user namespaces, chroot
 * escapes. Run inside a tenant by tests/attack/attack.sh (never on the host itself).
 *
 *   probe CMD [NAME] [ARGS...]
 *
 * Every attack prints exactly one line, "ATTACK NAME ok[: detail]" when the isolation held
 * or "ATTACK NAME BROKEN detail" when it did not. The arguments of every call are chosen so
 * that even a successful call does no harm (invalid magic numbers, own pty, same values).
 *
 * Built static with musl: musl-gcc -static -Os -isystem build/uapi -o build/test/probe
 * tests/attack/probe.c (x86_64 only: the seccomp filter under test is x86_64's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#define X32_BIT	       0x40000000UL
#define IPC_KEY	       0x1d1d
#define ABSTRACT       "innit-victim"
#define KEYCTL_GET_ID  0
#define KEY_SPEC_SESS  (-3)
#define KEY_SPEC_PROC  (-2)
#define UFFD_USER_ONLY 1

static char detail[2048];
static int broken;

/* Appends one finding to the detail text; a finding that breaks isolation marks it. */
static void note(int is_broken, const char *f, ...)
{
	va_list ap;
	size_t n = strlen(detail);
	if (n && n < sizeof detail - 2)
		strcat(detail, "; "), n += 2;
	va_start(ap, f);
	vsnprintf(detail + n, sizeof detail - n, f, ap);
	va_end(ap);
	broken |= is_broken;
}

static int report(const char *name)
{
	if (broken)
		printf("ATTACK %s BROKEN %s\n", name, detail);
	else
		printf("ATTACK %s ok%s%s\n", name, *detail ? ": " : "", detail);
	fflush(stdout);
	detail[0] = 0;
	broken = 0;
	return 0;
}

static const char *en(int e)
{
	static char buf[8][24];
	static int i;
	switch (e) {
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case EINVAL:
		return "EINVAL";
	case ENOENT:
		return "ENOENT";
	case ENOSYS:
		return "ENOSYS";
	case EROFS:
		return "EROFS";
	case EBUSY:
		return "EBUSY";
	case ENXIO:
		return "ENXIO";
	case ENOTTY:
		return "ENOTTY";
	case EIO:
		return "EIO";
	case ECONNREFUSED:
		return "ECONNREFUSED";
	case ELOOP:
		return "ELOOP";
	case EBADF:
		return "EBADF";
	case EFAULT:
		return "EFAULT";
	case ENODEV:
		return "ENODEV";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	}
	i = (i + 1) % 8;
	snprintf(buf[i], sizeof buf[i], "errno %d", e);
	return buf[i];
}

/* A denied syscall must come back -1/EPERM: the seccomp filter's answer. Any other result
 * means the call reached the kernel (where some other check may or may not stop it). */
static void expect_eperm(const char *what, long r)
{
	int e = errno;
	if (r == -1 && e == EPERM)
		note(0, "%s EPERM", what);
	else if (r == -1)
		note(1, "%s reached the kernel (%s), not filtered", what, en(e));
	else
		note(1, "%s succeeded (%ld)", what, r);
}

/* --- seccomp deny list -------------------------------------------------------------------- */

static int denied(const char *group)
{
	errno = 0;
	if (!strcmp(group, "kexec")) {
		expect_eperm("kexec_load", syscall(SYS_kexec_load, 0UL, 0UL, 0, 0xffff0000UL));
		expect_eperm("kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0UL));
	} else if (!strcmp(group, "bpf")) {
		char attr[128] = {0};
		expect_eperm("bpf(MAP_CREATE)", syscall(SYS_bpf, 0, attr, sizeof attr));
	} else if (!strcmp(group, "keyctl")) {
		expect_eperm("keyctl(GET_KEYRING_ID session)",
			     syscall(SYS_keyctl, KEYCTL_GET_ID, KEY_SPEC_SESS, 0));
		expect_eperm("add_key",
			     syscall(SYS_add_key, "user", "innit-probe", "x", 1, KEY_SPEC_PROC));
		expect_eperm("request_key", syscall(SYS_request_key, "user", "innit-none", 0, 0));
	} else if (!strcmp(group, "perf")) {
		struct perf_event_attr a = {.type = PERF_TYPE_SOFTWARE,
					    .size = sizeof a,
					    .config = PERF_COUNT_SW_CPU_CLOCK,
					    .disabled = 1,
					    .exclude_kernel = 1,
					    .exclude_hv = 1};
		long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
		expect_eperm("perf_event_open(self, sw clock)", fd);
		if (fd >= 0)
			close((int)fd);
	} else if (!strcmp(group, "userfaultfd")) {
		long fd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_ONLY);
		expect_eperm("userfaultfd(USER_MODE_ONLY)", fd);
		if (fd >= 0)
			close((int)fd);
	} else if (!strcmp(group, "open-by-handle")) {
		struct {
			unsigned int bytes;
			int type;
			unsigned char h[128];
		} fh = {.bytes = 128};
		int mnt = -1;
		/* name_to_handle_at is allowed; it gives a real handle to replay. */
		if (syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &fh, &mnt, 0) < 0)
			fh.bytes = 8, fh.type = 1;
		long fd = syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY);
		expect_eperm("open_by_handle_at", fd);
	} else if (!strcmp(group, "modules")) {
		expect_eperm("init_module", syscall(SYS_init_module, 0, 0UL, ""));
		expect_eperm("finit_module", syscall(SYS_finit_module, -1, "", 0));
		expect_eperm("delete_module", syscall(SYS_delete_module, "innit_none", O_NONBLOCK));
	} else if (!strcmp(group, "reboot")) {
		/* Bad magic: even root on a bare host gets EINVAL. */
		expect_eperm("reboot(bad magic)", syscall(SYS_reboot, 0, 0, 0, 0));
	} else if (!strcmp(group, "iopl")) {
		long r = syscall(SYS_iopl, 3);
		expect_eperm("iopl(3)", r);
		if (r == 0)
			(void)syscall(SYS_iopl, 0);
		r = syscall(SYS_ioperm, 0xf4UL, 1UL, 1);
		expect_eperm("ioperm(0xf4)", r);
		if (r == 0)
			(void)syscall(SYS_ioperm, 0xf4UL, 1UL, 0);
	} else if (!strcmp(group, "syslog")) {
		expect_eperm("syslog(SIZE_BUFFER)", syscall(SYS_syslog, 10, 0, 0));
	} else if (!strcmp(group, "clock")) {
		struct timex tx = {0};
		struct timespec ts = {0, 0};
		/* settimeofday(NULL, NULL) and modes=0 change nothing even when they succeed. */
		expect_eperm("settimeofday(NULL,NULL)", syscall(SYS_settimeofday, 0, 0));
		expect_eperm("clock_settime(bad clock)", syscall(SYS_clock_settime, 0x7fff, &ts));
		expect_eperm("adjtimex(read)", syscall(SYS_adjtimex, &tx));
		expect_eperm("clock_adjtime(read)", syscall(SYS_clock_adjtime, 0, &tx));
	} else if (!strcmp(group, "admin-syscalls")) {
		expect_eperm("swapon", syscall(SYS_swapon, "/innit-none", 0));
		expect_eperm("swapoff", syscall(SYS_swapoff, "/innit-none"));
		expect_eperm("acct", syscall(SYS_acct, "/innit-none"));
		expect_eperm("quotactl", syscall(SYS_quotactl, 0, "/innit-none", 0, 0));
		expect_eperm("vhangup", syscall(SYS_vhangup));
		expect_eperm("fanotify_init",
			     syscall(SYS_fanotify_init, 0x200 /* REPORT_FID */, 0));
		expect_eperm("pivot_root", syscall(SYS_pivot_root, "/innit-none", "/innit-none"));
		expect_eperm("lookup_dcookie", syscall(SYS_lookup_dcookie, 0UL, 0, 0UL));
	} else if (!strcmp(group, "userns")) {
		/* A user namespace of its own would give the tenant CAP_SYS_ADMIN over new
		 * mount and PID namespaces: kernel attack surface the filter takes away. */
		expect_eperm("unshare(CLONE_NEWUSER)", syscall(SYS_unshare, CLONE_NEWUSER));
		long p = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (p == 0)
			_exit(0);
		if (p > 0)
			(void)waitpid((pid_t)p, 0, 0);
		expect_eperm("clone(CLONE_NEWUSER)", p);
		struct {
			unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack,
			    stack_size, tls;
		} ca = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
		p = syscall(SYS_clone3, &ca, sizeof ca);
		if (p == 0)
			_exit(0);
		if (p > 0) {
			(void)waitpid((pid_t)p, 0, 0);
			note(1, "clone3(CLONE_NEWUSER) succeeded");
		} else if (errno == ENOSYS || errno == EPERM) {
			note(0, "clone3 %s", en(errno));
		} else {
			note(1, "clone3(CLONE_NEWUSER) reached the kernel (%s)", en(errno));
		}
	} else if (!strcmp(group, "x32")) {
		/* x32's keyctl (250 | X32 bit): would return a keyring id if not filtered. */
		expect_eperm("x32 keyctl", syscall(X32_BIT | 250, KEYCTL_GET_ID, KEY_SPEC_SESS, 0));
	} else if (!strcmp(group, "i386")) {
		/* i386's keyctl (288) through int 0x80, in a child: the filter's arch check kills
		 * it (SIGSYS); a kernel without ia32 emulation faults it (SIGSEGV). */
		pid_t p = fork();
		if (p == 0) {
			long r;
			__asm__ volatile("int $0x80"
					 : "=a"(r)
					 : "a"(288L), "b"(0L), "c"(-3L), "d"(0L)
					 : "memory");
			_exit(r >= 0 ? 0 : r > -4096 ? 1 : 2);
		}
		int st = 0;
		(void)waitpid(p, &st, 0);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
			note(0, "killed by SIGSYS (arch check)");
		else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
			note(0, "no ia32 entry in this kernel (SIGSEGV)");
		else if (WIFEXITED(st))
			note(1, "i386 keyctl returned (%s)",
			     WEXITSTATUS(st) == 0 ? "a keyring id" : "an errno");
		else
			note(1, "unexpected status %#x", st);
	} else {
		fprintf(stderr, "probe: unknown group %s\n", group);
		return 2;
	}
	return report(group);
}

/* --- TIOCSTI / TIOCLINUX on a pty of our own, as its controlling terminal ------------------ */

static int tiocsti(const char *name)
{
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), unlock = 0, n = -1;
	if (m < 0 || ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, &n) < 0) {
		note(1, "no pty to test on (%s)", en(errno));
		return report(name);
	}
	int pfd[2];
	if (pipe(pfd) < 0)
		return 1;
	pid_t p = fork();
	if (p == 0) {
		char path[32], c = 'x';
		int res[4];
		close(pfd[0]);
		snprintf(path, sizeof path, "/dev/pts/%d", n);
		if (setsid() < 0)
			_exit(3);
		int s = open(path, O_RDWR);
		if (s < 0)
			_exit(4);
		(void)ioctl(s, TIOCSCTTY, 0);
		const unsigned long reqs[3] = {TIOCSTI, TIOCSTI | (1UL << 32), TIOCLINUX};
		for (int i = 0; i < 3; i++) {
			char sub = 0; /* TIOCLINUX subcode 0: invalid, harmless */
			errno = 0;
			long r = syscall(SYS_ioctl, s, reqs[i], i < 2 ? &c : &sub);
			res[i] = r < 0 ? errno : 0;
		}
		res[3] = tcgetpgrp(s) == getpgrp(); /* it really is our controlling tty */
		(void)!write(pfd[1], res, sizeof res);
		_exit(0);
	}
	close(pfd[1]);
	int res[4] = {-1, -1, -1, 0}, st;
	ssize_t got = read(pfd[0], res, sizeof res);
	(void)waitpid(p, &st, 0);
	if (got != sizeof res) {
		note(1, "child failed (status %#x)", st);
		return report(name);
	}
	const char *what[3] = {"TIOCSTI", "TIOCSTI|1<<32", "TIOCLINUX"};
	for (int i = 0; i < 3; i++) {
		if (res[i] == EPERM)
			note(0, "%s EPERM", what[i]);
		else if (res[i] == 0)
			note(1, "%s succeeded", what[i]);
		else
			note(1, "%s reached the kernel (%s), not filtered", what[i], en(res[i]));
	}
	if (!res[3])
		note(0, "(pty was not the controlling tty)");
	return report(name);
}

/* --- the reaper (PID 1 of the tenant): ptrace, memory, namespaces ------------------------- */

static int ptrace_reaper(const char *name)
{
	char buf[16];
	struct iovec local = {buf, sizeof buf}, remote = {(void *)0x400000, sizeof buf};

	errno = 0;
	if (ptrace(PTRACE_ATTACH, 1, 0, 0) == 0) {
		note(1, "PTRACE_ATTACH 1 succeeded");
		(void)waitpid(1, 0, __WALL);
		(void)ptrace(PTRACE_DETACH, 1, 0, 0);
	} else {
		note(0, "PTRACE_ATTACH 1 %s", en(errno));
	}
	if (ptrace(PTRACE_SEIZE, 1, 0, 0) == 0) {
		note(1, "PTRACE_SEIZE 1 succeeded");
		(void)ptrace(PTRACE_DETACH, 1, 0, 0);
	} else {
		note(0, "SEIZE %s", en(errno));
	}
	if (process_vm_readv(1, &local, 1, &remote, 1, 0) >= 0)
		note(1, "process_vm_readv(1) succeeded");
	else if (errno == EFAULT)
		note(1, "process_vm_readv(1) passed the access check (EFAULT)");
	else
		note(0, "process_vm_readv %s", en(errno));
	int fd = open("/proc/1/mem", O_RDONLY);
	if (fd >= 0) {
		note(1, "/proc/1/mem opened");
		close(fd);
	} else {
		note(0, "/proc/1/mem %s", en(errno));
	}
	/* Control: ptrace itself works here (a child of ours), so the refusals above are the
	 * reaper's protection, not a blanket ban. */
	pid_t c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_ATTACH, c, 0, 0) == 0)
		note(0, "control: own child traceable");
	else
		note(0, "control: own child not traceable either (%s)", en(errno));
	kill(c, SIGKILL);
	(void)waitpid(c, 0, __WALL);
	return report(name);
}

/* The reaper's descriptors include its report pipe to PID 1: whoever held it could forge
 * the tenant's exit status or failure lines. pidfd_getfd needs ptrace access. Signalling
 * the reaper and changing its rlimits (same host uid, since the reaper drops to it) only
 * hurts the tenant itself: reported in the detail, not a failure. */
static int reaper_fds(const char *name)
{
	long pfd = syscall(SYS_pidfd_open, 1, 0);
	if (pfd < 0) {
		note(0, "pidfd_open(1) %s", en(errno));
	} else {
		int got = 0, err = 0;
		for (int fd = 0; fd < 16; fd++) {
			long r = syscall(SYS_pidfd_getfd, (int)pfd, fd, 0);
			if (r >= 0) {
				note(1, "took the reaper's fd %d", fd);
				close((int)r);
				got++;
			} else if (errno != EBADF) {
				err = errno;
			}
		}
		if (!got)
			note(0, "pidfd_getfd %s", en(err));
		close((int)pfd);
	}
	note(0, "kill(1, 0): %s", kill(1, 0) == 0 ? "allowed" : en(errno));
	struct rlimit rl;
	note(0, "prlimit(1): %s", prlimit(1, RLIMIT_CORE, 0, &rl) == 0 ? "allowed" : en(errno));
	return report(name);
}

static int setns_reaper(const char *name)
{
	static const char *const ns[] = {"mnt", "user", "pid", "net", "uts", "ipc", "cgroup", 0};
	for (int i = 0; ns[i]; i++) {
		char path[32];
		snprintf(path, sizeof path, "/proc/1/ns/%s", ns[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT)
				note(0, "%s %s", ns[i], en(errno));
			continue;
		}
		if (setns(fd, 0) == 0)
			note(1, "joined the reaper's %s namespace", ns[i]);
		else
			note(1, "opened %s (setns: %s)", path, en(errno));
		close(fd);
	}
	return report(name);
}

/* --- namespaces of our own: a nested user namespace gives "full" capabilities ------------- */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Enters new namespaces: "userns" = a nested user namespace (root in it, every capability)
 * plus a mount namespace; "mntns" = a mount namespace only (needs CAP_SYS_ADMIN already);
 * "none" = stay. extra adds more CLONE_NEW* flags. */
static int enter(const char *mode, int extra)
{
	int flags = extra;
	if (!strcmp(mode, "userns"))
		flags |= CLONE_NEWUSER | CLONE_NEWNS;
	else if (!strcmp(mode, "mntns"))
		flags |= CLONE_NEWNS;
	if (flags && unshare(flags) < 0) {
		note(0, "unshare(%s): %s", mode, en(errno));
		return -1;
	}
	if (flags & CLONE_NEWUSER && (write_file("/proc/self/setgroups", "deny") < 0 ||
				      write_file("/proc/self/uid_map", "0 0 1") < 0 ||
				      write_file("/proc/self/gid_map", "0 0 1") < 0)) {
		note(0, "id map in nested user namespace: %s", en(errno));
		return -1;
	}
	return 0;
}

#define MAXM 64
struct mnt {
	char dir[256];
	unsigned long flags; /* MS_RDONLY etc. of the mount (not the superblock) */
};

static int read_mounts(struct mnt *m)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024];
	int n = 0;
	if (!f)
		return 0;
	while (n < MAXM && fgets(line, sizeof line, f)) {
		char dir[256], opts[256];
		if (sscanf(line, "%*d %*d %*s %*s %255s %255s", dir, opts) != 2)
			continue;
		strcpy(m[n].dir, dir);
		m[n].flags = 0;
		for (char *o = strtok(opts, ","); o; o = strtok(0, ",")) {
			if (!strcmp(o, "ro"))
				m[n].flags |= MS_RDONLY;
			else if (!strcmp(o, "nosuid"))
				m[n].flags |= MS_NOSUID;
			else if (!strcmp(o, "nodev"))
				m[n].flags |= MS_NODEV;
			else if (!strcmp(o, "noexec"))
				m[n].flags |= MS_NOEXEC;
		}
		n++;
	}
	fclose(f);
	return n;
}

static int same_root(const struct stat *a)
{
	struct stat b;
	return stat("/", &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* Every cover (every mount but /) must resist umount, lazy umount, and a remount that would
 * clear its ro/nosuid/nodev/noexec flags; / itself must resist a lazy umount. */
static int mounts(const char *name, const char *mode)
{
	struct mnt m[MAXM];
	struct stat root;
	int n, tried = 0;

	if (stat("/", &root) < 0 || enter(mode, 0) < 0)
		return report(name);
	n = read_mounts(m);
	for (int i = n - 1; i >= 0; i--) { /* deepest (latest) first */
		if (!strcmp(m[i].dir, "/"))
			continue;
		tried++;
		if (umount2(m[i].dir, 0) == 0)
			note(1, "umount %s succeeded", m[i].dir);
		else if (umount2(m[i].dir, MNT_DETACH) == 0)
			note(1, "umount -l %s succeeded", m[i].dir);
		if (m[i].flags && mount(0, m[i].dir, 0, MS_REMOUNT | MS_BIND, 0) == 0) {
			struct mnt after[MAXM];
			int k = read_mounts(after);
			for (int j = 0; j < k; j++)
				if (!strcmp(after[j].dir, m[i].dir) && after[j].flags != m[i].flags)
					note(1, "remount %s cleared its flags", m[i].dir);
		}
		if (m[i].flags & MS_RDONLY && mount(0, m[i].dir, 0, MS_REMOUNT, 0) == 0)
			note(1, "remount,rw of %s's filesystem succeeded", m[i].dir);
	}
	if (umount2("/", MNT_DETACH) == 0)
		note(1, "umount -l / succeeded");
	if (!same_root(&root))
		note(1, "/ is no longer the tenant's root");
	if (!broken)
		note(0, "%d covers held (%s)", tried, mode);
	return report(name);
}

/* A fresh proc or sysfs instance would show what the covers hide. The kernel refuses one
 * while the tenant's own instance is partly covered (mount_too_revealing). */
static int newfs(const char *name, const char *mode, const char *fstype)
{
	int extra = !strcmp(fstype, "proc") ? CLONE_NEWPID : CLONE_NEWNET;
	if (enter(mode, extra) < 0)
		return report(name);
	pid_t p = fork(); /* the first child is PID 1 of the new PID namespace */
	if (p == 0) {
		char dir[64];
		snprintf(dir, sizeof dir, "/tmp/probe-%s-%d", fstype, (int)getppid());
		(void)mkdir(dir, 0700);
		if (mount(fstype, dir, fstype, MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) < 0) {
			note(0, "fresh %s refused (%s)", fstype, en(errno));
		} else {
			/* What the tenant's own instance covers, readable in the fresh one. */
			static const char *const look[] = {
			    "keys", "timer_list",    "sched_debug", "kcore",
			    "acpi", "sysrq-trigger", "firmware",    0};
			char path[128], buf[64];
			note(1, "fresh %s mounted (the masks do not apply to it)", fstype);
			for (int i = 0; look[i]; i++) {
				snprintf(path, sizeof path, "%s/%s", dir, look[i]);
				int fd = open(path, O_RDONLY | O_CLOEXEC);
				if (fd < 0)
					continue;
				struct stat st;
				ssize_t got = read(fd, buf, sizeof buf);
				if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
					note(1, "%s/ present", look[i]);
				else if (got > 0)
					note(1, "%s readable", look[i]);
				close(fd);
			}
			(void)umount2(dir, MNT_DETACH);
		}
		(void)rmdir(dir);
		report(name);
		_exit(0);
	}
	int st;
	(void)waitpid(p, &st, 0);
	return 0;
}

/* The classic: chroot into a subdirectory while keeping a directory fd outside it, walk up
 * with "..", chroot("."). Done in a child; "/" must still be the tenant's root after. */
static int chroot_escape(const char *name, const char *marker)
{
	struct stat root;
	if (stat("/", &root) < 0)
		return 1;
	pid_t p = fork();
	if (p == 0) {
		int fd = open("/", O_RDONLY | O_DIRECTORY);
		(void)mkdir("/tmp/probe-jail", 0700);
		if (chroot("/tmp/probe-jail") < 0) {
			note(0, "chroot: %s", en(errno));
		} else {
			note(0, "chroot allowed");
			if (fchdir(fd) < 0)
				note(0, "fchdir %s", en(errno));
			for (int i = 0; i < 256; i++)
				(void)!chdir("..");
			(void)!chroot(".");
			if (!same_root(&root))
				note(1, "reached a different root");
			if (marker && access(marker, F_OK) == 0)
				note(1, "host marker %s reachable", marker);
		}
		report(name);
		_exit(0);
	}
	int st;
	(void)waitpid(p, &st, 0);
	(void)rmdir("/tmp/probe-jail");
	return 0;
}

/* --- IPC: the victim creates objects, the attacker looks for them --------------------------- */

__attribute__((noreturn)) static void victim(void)
{
	int shm = shmget(IPC_KEY, 4096, IPC_CREAT | 0666);
	int msg = msgget(IPC_KEY, IPC_CREAT | 0666);
	int sem = semget(IPC_KEY, 1, IPC_CREAT | 0666);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	memcpy(a.sun_path + 1, ABSTRACT, strlen(ABSTRACT));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(ABSTRACT));
	int sock = s >= 0 && bind(s, (struct sockaddr *)&a, len) == 0 && listen(s, 4) == 0;
	printf("VICTIM ipc shm=%d msg=%d sem=%d abstract=%d\n", shm >= 0, msg >= 0, sem >= 0, sock);
	fflush(stdout);
	for (;;) { /* accept and drop: anyone who connects is reported */
		int c = accept(s, 0, 0);
		if (c < 0) {
			pause();
			continue;
		}
		printf("VICTIM abstract socket connection\n");
		fflush(stdout);
		close(c);
	}
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = -1; /* the header line */
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		n++;
	fclose(f);
	return n < 0 ? 0 : n;
}

static int ipc(const char *name)
{
	if (shmget(IPC_KEY, 0, 0) >= 0)
		note(1, "victim's shm segment found");
	if (msgget(IPC_KEY, 0) >= 0)
		note(1, "victim's message queue found");
	if (semget(IPC_KEY, 0, 0) >= 0)
		note(1, "victim's semaphore found");
	static const char *const lists[] = {"/proc/sysvipc/shm", "/proc/sysvipc/msg",
					    "/proc/sysvipc/sem", 0};
	for (int i = 0; lists[i]; i++) {
		int n = count_lines(lists[i]);
		if (n)
			note(1, "%s lists %d objects", lists[i], n);
	}
	if (!broken)
		note(0, "no SysV object visible");
	return report(name);
}

static int abstract(const char *name)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	memcpy(a.sun_path + 1, ABSTRACT, strlen(ABSTRACT));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(ABSTRACT));
	if (connect(s, (struct sockaddr *)&a, len) == 0)
		note(1, "connected to the victim's abstract socket @%s", ABSTRACT);
	else
		note(0, "connect @%s: %s", ABSTRACT, en(errno));
	FILE *f = fopen("/proc/net/unix", "r");
	char line[512];
	while (f && fgets(line, sizeof line, f))
		if (strstr(line, "@" ABSTRACT))
			note(1, "/proc/net/unix lists @%s", ABSTRACT);
	if (f)
		fclose(f);
	return report(name);
}

/* Host-side helper (the operator's shell, host root): does process PID's memory hold
 * NEEDLE? Reads every readable mapping through /proc/PID/mem. */
static int memscan(const char *pid, const char *needle)
{
	char path[64], line[512];
	size_t nl = strlen(needle), total = 0;
	int hits = 0;
	snprintf(path, sizeof path, "/proc/%s/maps", pid);
	FILE *maps = fopen(path, "r");
	snprintf(path, sizeof path, "/proc/%s/mem", pid);
	int mem = open(path, O_RDONLY | O_CLOEXEC);
	if (!maps || mem < 0 || !nl) {
		printf("MEMSCAN %s error %s\n", pid, en(errno));
		return 1;
	}
	static char buf[1 << 20];
	while (fgets(line, sizeof line, maps)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
		    strstr(line, "[vvar") || strstr(line, "[vsyscall"))
			continue;
		/* Overlapping chunks, so that a needle across a chunk boundary is seen. */
		for (unsigned long a = lo; a < hi; a += sizeof buf - nl) {
			size_t want = hi - a < sizeof buf ? hi - a : sizeof buf;
			ssize_t got = pread(mem, buf, want, (off_t)a);
			if (got <= 0)
				break;
			total += (size_t)got;
			if (memmem(buf, (size_t)got, needle, nl))
				hits++;
			if ((size_t)got < sizeof buf)
				break;
		}
	}
	printf("MEMSCAN %s %s (%zu bytes read)\n", pid, hits ? "found" : "clean", total);
	return 0;
}

/* Host-only helper (run with seccomp=off): the session keyring's serial. */
static int keyring(void)
{
	long id = syscall(SYS_keyctl, KEYCTL_GET_ID, KEY_SPEC_SESS, 0);
	printf("KEYRING %ld\n", id < 0 ? -(long)errno : id);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *a2 = argc > 2 ? argv[2] : "";
	const char *a3 = argc > 3 ? argv[3] : "";
	setvbuf(stdout, 0, _IOLBF, 0);
	if (!strcmp(cmd, "denied"))
		return denied(a2);
	if (!strcmp(cmd, "tiocsti"))
		return tiocsti(a2);
	if (!strcmp(cmd, "ptrace"))
		return ptrace_reaper(a2);
	if (!strcmp(cmd, "reaper-fds"))
		return reaper_fds(a2);
	if (!strcmp(cmd, "setns"))
		return setns_reaper(a2);
	if (!strcmp(cmd, "mounts"))
		return mounts(a2, a3);
	if (!strcmp(cmd, "newproc"))
		return newfs(a2, a3, "proc");
	if (!strcmp(cmd, "newsysfs"))
		return newfs(a2, a3, "sysfs");
	if (!strcmp(cmd, "chroot"))
		return chroot_escape(a2, argc > 3 ? a3 : 0);
	if (!strcmp(cmd, "victim"))
		victim();
	if (!strcmp(cmd, "ipc"))
		return ipc(a2);
	if (!strcmp(cmd, "abstract"))
		return abstract(a2);
	if (!strcmp(cmd, "memscan"))
		return memscan(a2, a3);
	if (!strcmp(cmd, "keyring"))
		return keyring();
	fprintf(stderr, "usage: probe denied|tiocsti|ptrace|setns|mounts|newproc|newsysfs|"
			"chroot|victim|ipc|abstract|keyring NAME [ARG]\n");
	return 2;
}
