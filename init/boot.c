/*
 * boot.c - the machine's first steps (PID 1, before the loop): the API filesystems, the
 * host name, and the kernel's Ctrl-Alt-Del. Each step tolerates having been done already
 * (a boot loader or a previous init may have mounted /dev) and logs, never stops, on error.
 */
#include <errno.h>
#include <time.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt.h"
#include "innit.h"
#include "log.h"

/* A directory is a mount point if it is on another device than its parent (or is "/"). */
static int is_mountpoint(const char *dir)
{
	struct stat a, b;
	char parent[64];
	fmt(parent, sizeof parent, "%s/..", dir);
	if (stat(dir, &a) < 0 || stat(parent, &b) < 0)
		return 0;
	return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}

void boot_mounts(void)
{
	static const struct {
		const char *dir, *type, *data;
		unsigned long flags;
		mode_t mode;
	} m[] = {
	    {"/proc", "proc", 0, MS_NOSUID | MS_NODEV | MS_NOEXEC, 0555},
	    {"/sys", "sysfs", 0, MS_NOSUID | MS_NODEV | MS_NOEXEC, 0555},
	    /* The kernel does not automount devtmpfs for an initramfs. */
	    {"/dev", "devtmpfs", "mode=0755", MS_NOSUID, 0755},
	    {"/dev/pts", "devpts", "mode=0620,ptmxmode=0666", MS_NOSUID | MS_NOEXEC, 0755},
	    {"/dev/shm", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV, 01777},
	    {"/run", "tmpfs", "mode=0755", MS_NOSUID | MS_NODEV, 0755},
	    {"/tmp", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV, 01777},
	};

	for (unsigned i = 0; i < sizeof m / sizeof *m; i++) {
		if (mkdir(m[i].dir, m[i].mode) < 0 && errno != EEXIST)
			err("mkdir %s: %s", m[i].dir, strerror(errno));
		if (is_mountpoint(m[i].dir))
			continue;
		if (mount(m[i].type, m[i].dir, m[i].type, m[i].flags, m[i].data) < 0)
			err("mount %s: %s", m[i].dir, strerror(errno));
		else
			debug("mounted %s", m[i].dir);
	}
}

void boot_host(void)
{
	const char *h = S.conf.g[G_HOSTNAME].s;
	if (sethostname(h, strlen(h)) < 0)
		err("sethostname: %s", strerror(errno));
	/* Ctrl-Alt-Del now sends us SIGINT instead of rebooting on the spot. */
	if (reboot(RB_DISABLE_CAD) < 0)
		err("disabling Ctrl-Alt-Del: %s", strerror(errno));
	if (mkdir("/run/innit", 0700) < 0 && errno != EEXIST)
		err("mkdir /run/innit: %s", strerror(errno));
}

/* Mount flags spelled as in mount(8); every other option goes to the filesystem. */
static const struct {
	const char *name;
	unsigned long flag;
} mount_flags[] = {
    {"ro", MS_RDONLY},	       {"nosuid", MS_NOSUID},
    {"nodev", MS_NODEV},       {"noexec", MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS},  {"dirsync", MS_DIRSYNC},
    {"noatime", MS_NOATIME},   {"nodiratime", MS_NODIRATIME},
    {"relatime", MS_RELATIME}, {"strictatime", MS_STRICTATIME},
    {"lazytime", MS_LAZYTIME},
};

/* Splits OPTIONS into flags and the filesystem's own data string. */
static unsigned long mount_options(const char *opts, char *data, size_t cap)
{
	unsigned long flags = 0;
	size_t used = 0;

	data[0] = '\0';
	while (opts && *opts) {
		size_t n = strcspn(opts, ",");
		unsigned i;
		for (i = 0; i < sizeof mount_flags / sizeof *mount_flags; i++)
			if (strlen(mount_flags[i].name) == n &&
			    !strncmp(mount_flags[i].name, opts, n))
				break;
		if (i < sizeof mount_flags / sizeof *mount_flags)
			flags |= mount_flags[i].flag;
		else if (n && !(n == 2 && !strncmp(opts, "rw", 2))) /* "rw" is the default */
			used +=
			    fmt(data + used, cap - used, "%s%.*s", used ? "," : "", (int)n, opts);
		opts += n + (opts[n] == ',');
	}
	return flags;
}

/* mkdir -p, for a mount point that the image may not have. */
static void make_dirs(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			debug("mkdir %s: %s", path, strerror(errno));
		*p = c;
		if (!c)
			return;
	}
}

/*
 * The global mount= keys (SRC:DST:FSTYPE[:OPTIONS]), in order, before any tenant starts.
 * A device may still be probing when we get here: wait for it, briefly, by polling (boot
 * only; the loop has not started).
 */
void boot_host_mounts(void)
{
	for (const struct item *it = S.conf.g[G_MOUNT].list; it; it = it->next) {
		char src[256], dst[256], type[32], data[256];
		const char *v = it->val;
		size_t a = strcspn(v, ":"), b = strcspn(v + a + 1, ":");
		size_t c = strcspn(v + a + b + 2, ":");
		fmt(src, sizeof src, "%.*s", (int)a, v);
		fmt(dst, sizeof dst, "%.*s", (int)b, v + a + 1);
		fmt(type, sizeof type, "%.*s", (int)c, v + a + b + 2);
		const char *opts = v[a + b + 2 + c] ? v + a + b + 3 + c : 0;
		unsigned long flags = mount_options(opts, data, sizeof data);

		struct stat st;
		for (int i = 0; src[0] == '/' && stat(src, &st) < 0 && i < 200; i++) {
			struct timespec ts = {0, 10 * 1000000}; /* up to 2 s in all */
			(void)nanosleep(&ts, 0);
		}
		make_dirs(dst);
		if (mount(src, dst, type, flags, data[0] ? data : 0) < 0)
			err("mount %s on %s (%s): %s", src, dst, type, strerror(errno));
		else
			debug("mounted %s on %s", src, dst);
	}
}
