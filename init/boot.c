/*
 * boot.c - the machine's first steps (PID 1, before the loop): the API filesystems, the
 * host name, and the kernel's Ctrl-Alt-Del. Each step tolerates having been done already
 * (a boot loader or a previous init may have mounted /dev) and logs, never stops, on error.
 */
#include <errno.h>
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
