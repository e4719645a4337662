/*
 * child_root.c - builds a tenant's root in its new mount namespace (child world: fails fast).
 *
 * Everything is done by descriptor: the root is a detached clone of the configured directory,
 * pseudo filesystems are created with fsopen()/fsmount() and attached with move_mount() to
 * targets resolved with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS), so a tenant image
 * whose /proc or /tmp is a symlink cannot redirect a mount outside its root.
 *
 * pivot_root(2) refuses to move the initramfs (rootfs has no parent mount), so the root
 * mount first gets a parent: a scratch tmpfs is attached over "/", the process chroots into
 * it, the tenant root is attached inside it, and pivot_root(".", ".") swaps them; the
 * scratch mount (the old root) is then detached.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "fmt.h"
#include "mountapi.h"
#include "mountinfo.h"
#include "policy.h"

/* Creates a detached filesystem of the given type; opts are key/value pairs, NULL-ended. */
static int fs_new(const char *type, const char *const *opts, unsigned attrs)
{
	int fs = sys_fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		child_fail("fsopen", type);
	for (; opts && opts[0]; opts += 2)
		if (sys_fsconfig(fs, FSCONFIG_SET_STRING, opts[0], opts[1], 0) < 0)
			child_fail("fsconfig", opts[0]);
	if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, 0, 0, 0) < 0)
		child_fail("fsconfig create", type);
	int m = sys_fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (m < 0)
		child_fail("fsmount", type);
	(void)close(fs); /* the mount keeps the superblock */
	return m;
}

/* Opens path below dirfd as an O_PATH fd, following no symlink and never leaving dirfd. */
static int open_in(int dirfd, const char *path, int dir)
{
	struct open_how how = {
	    .flags = O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = sys_openat2(dirfd, path, &how);
	if (fd < 0)
		child_fail("open mount target", path);
	return fd;
}

/* As open_in, but a missing path (a kernel without that /proc file) returns -1. */
static int open_in_opt(int dirfd, const char *path)
{
	struct open_how how = {
	    .flags = O_PATH | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = sys_openat2(dirfd, path, &how);
	if (fd < 0 && errno != ENOENT)
		child_fail("open", path);
	return fd;
}

static void attach(int dirfd, const char *path, int mnt, int dir)
{
	int to = open_in(dirfd, path, dir);
	if (sys_move_mount(mnt, "", to, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		child_fail("mount", path);
	(void)close(to);
	(void)close(mnt);
}

#define NDEVS 6
static const char *const dev_names[NDEVS] = {"null", "zero", "full", "random", "urandom", "tty"};

/* A minimal /dev: a tmpfs with the host's harmless character devices bound in, a private
 * devpts instance and a /dev/shm. The tenant can create no device node itself (no mknod
 * in a user namespace), so this is all of /dev it will ever have. */
static void build_dev(int root, const int *devs)
{
	static const char *const dev_opts[] = {"mode", "0755", "size", "64k", 0};
	static const char *const pts_opts[] = {"newinstance", "",     "ptmxmode", "0666",
					       "mode",	      "0620", 0};
	static const char *const shm_opts[] = {"mode", "1777", "size", "64m", 0};
	const unsigned safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;

	/* nodev: a node the tenant might create here is dead; the devices bound in below are
	 * mounts of their own, from the host's devtmpfs, and keep working. */
	attach(root, "dev", fs_new("tmpfs", dev_opts, safe | MOUNT_ATTR_NODEV), 1);
	int dev = open_in(root, "dev", 1);
	int dfd = openat(dev, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		child_fail("open", "/dev");
	for (int i = 0; i < NDEVS; i++) {
		int f = openat(dfd, dev_names[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
		if (f < 0)
			child_fail("create", dev_names[i]);
		(void)close(f);
		if (sys_move_mount(devs[i], "", dfd, dev_names[i], MOVE_MOUNT_F_EMPTY_PATH) < 0)
			child_fail("bind device", dev_names[i]);
		(void)close(devs[i]);
	}
	if (mkdirat(dfd, "pts", 0755) < 0 || mkdirat(dfd, "shm", 01777) < 0)
		child_fail("mkdir", "/dev/pts");
	/* "newinstance" is a flag: fsconfig wants SET_FLAG, not a string, for it. */
	int fs = sys_fsopen("devpts", FSOPEN_CLOEXEC);
	if (fs < 0 || sys_fsconfig(fs, FSCONFIG_SET_FLAG, pts_opts[0], 0, 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_SET_STRING, "ptmxmode", pts_opts[3], 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_SET_STRING, "mode", pts_opts[5], 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_CMD_CREATE, 0, 0, 0) < 0)
		child_fail("fsopen", "devpts");
	int pts = sys_fsmount(fs, FSMOUNT_CLOEXEC, safe);
	if (pts < 0)
		child_fail("fsmount", "devpts");
	(void)close(fs);
	attach(dfd, "pts", pts, 1);
	attach(dfd, "shm", fs_new("tmpfs", shm_opts, safe | MOUNT_ATTR_NODEV), 1);
	if (symlinkat("pts/ptmx", dfd, "ptmx") < 0 || symlinkat("/proc/self/fd", dfd, "fd") < 0 ||
	    symlinkat("/proc/self/fd/0", dfd, "stdin") < 0 ||
	    symlinkat("/proc/self/fd/1", dfd, "stdout") < 0 ||
	    symlinkat("/proc/self/fd/2", dfd, "stderr") < 0)
		child_fail("symlink", "/dev");
	(void)close(dfd);
	(void)close(dev);
}

/*
 * The OCI runtime spec's masked and read-only paths, always: files that leak the host
 * (kcore, keys, timer_list, ...) get /dev/null bound over them, directories an empty
 * read-only tmpfs; the kernel's writable knobs (sysrq-trigger, sys, ...) are bound
 * read-only onto themselves. Made before the tenant's user namespace exists, these become
 * locked mounts it cannot remove (child_exec.c).
 */
static void mask_paths(int root)
{
	/* /proc/cmdline is ours, not OCI's: innit's configuration, other tenants' env.*
	 * included, may be on the kernel command line. */
	static const char *const files[] = {
	    "proc/kcore",	"proc/keys",	    "proc/latency_stats", "proc/timer_list",
	    "proc/timer_stats", "proc/sched_debug", "proc/cmdline"};
	static const char *const dirs[] = {"proc/acpi", "proc/asound", "proc/scsi", "sys/firmware"};
	static const char *const readonly[] = {"proc/bus", "proc/fs", "proc/irq", "proc/sys",
					       "proc/sysrq-trigger"};
	static const char *const empty[] = {"mode", "0555", "size", "4k", 0};
	const unsigned ro =
	    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

	for (unsigned i = 0; i < sizeof files / sizeof *files; i++) {
		int to = open_in_opt(root, files[i]);
		if (to < 0)
			continue;
		int null = sys_open_tree(root, "dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (null < 0 || sys_move_mount(null, "", to, "",
					       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH))
			child_fail("mask", files[i]);
		(void)close(null);
		(void)close(to);
	}
	for (unsigned i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		int to = open_in_opt(root, dirs[i]);
		if (to < 0)
			continue;
		int m = fs_new("tmpfs", empty, ro);
		if (sys_move_mount(m, "", to, "",
				   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH))
			child_fail("mask", dirs[i]);
		(void)close(m);
		(void)close(to);
	}
	for (unsigned i = 0; i < sizeof readonly / sizeof *readonly; i++) {
		int to = open_in_opt(root, readonly[i]);
		if (to < 0)
			continue;
		struct mount_attr a = {.attr_set = ro};
		int m = sys_open_tree(
		    to, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
		if (m < 0 || sys_mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &a) < 0 ||
		    sys_move_mount(m, "", to, "",
				   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH))
			child_fail("read-only", readonly[i]);
		(void)close(m);
		(void)close(to);
	}
}

#define MAX_VOLUMES 16

/* Detached copies of the volumes' host paths, taken while host paths still resolve. */
static int open_volumes(const struct tenant_conf *t, int *fds, const char **targets)
{
	int n = 0;
	for (const struct item *it = t->v[T_VOLUME].list; it; it = it->next) {
		char host[512];
		if (n == MAX_VOLUMES) {
			errno = E2BIG;
			child_fail("volumes", "more than 16");
		}
		size_t hl = strcspn(it->val, ":");
		const char *target = it->val + hl + 1;
		size_t tl = strcspn(target, ":");
		fmt(host, sizeof host, "%.*s", (int)hl, it->val);
		fds[n] = sys_open_tree(AT_FDCWD, host,
				       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (fds[n] < 0)
			child_fail("volume", host);
		struct mount_attr a = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
		if (!strcmp(target + tl, ":ro"))
			a.attr_set |= MOUNT_ATTR_RDONLY; /* recursively: no rw submount under it */
		if (sys_mount_setattr(fds[n], "", AT_EMPTY_PATH | AT_RECURSIVE, &a) < 0)
			child_fail("volume", host);
		targets[n++] = target; /* "PATH" or "PATH:ro": cut at attach time */
	}
	return n;
}

/*
 * overlay=yes: the configured root is the read-only lower layer, shared by every tenant
 * that names it; writes go to a private tmpfs. The layers are named by /proc/self/fd paths
 * (overlayfs takes path strings), while host paths still resolve.
 */
static void mount_overlay(const char *lower, int scratch, uid_t owner)
{
	static const char *const upper_opts[] = {"mode", "0755", 0};
	char opts[600], target[40];

	if (strpbrk(lower, ",:\\")) {
		errno = EINVAL;
		child_fail("overlay lower directory has , : or \\ in its path", lower);
	}
	if (mkdirat(scratch, "upper", 0700) < 0)
		child_fail("mkdir", "upper");
	attach(scratch, "upper", fs_new("tmpfs", upper_opts, 0), 1);
	if (mkdirat(scratch, "upper/data", 0755) < 0 || mkdirat(scratch, "upper/work", 0700) < 0)
		child_fail("mkdir", "upper");
	/* The top of the merged root takes its owner from the upper layer: the tenant's root. */
	if (fchownat(scratch, "upper/data", owner, owner, 0) < 0)
		child_fail("chown", "upper");
	fmt(opts, sizeof opts,
	    "lowerdir=%s,upperdir=/proc/self/fd/%d/upper/data,"
	    "workdir=/proc/self/fd/%d/upper/work",
	    lower, scratch, scratch);
	fmt(target, sizeof target, "/proc/self/fd/%d/newroot", scratch);
	if (mount("overlay", target, "overlay", 0, opts) < 0)
		child_fail("mount overlay", lower);
}

/*
 * Removes every host mount from this namespace, so that nothing but the tenant's tree is
 * left in it. Unreachable is not enough: the kernel lets a user namespace mount a fresh
 * proc or sysfs only if an instance is already fully visible in its mount namespace
 * (mount_too_revealing), and a covered copy of the host's /proc would count as one, so a
 * tenant could mount a /proc without our masks. Runs while host paths still resolve (the
 * scratch parent covers "/" but is not yet our root); "/" itself and the tenant's subtree
 * under "/newroot" stay.
 */
static void detach_host_mounts(void)
{
	static char buf[65536];
	static struct mnt m[1024];
	int n = mountinfo_read(buf, sizeof buf, m, 1024);
	if (n == 0)
		child_fail("read", "/proc/self/mountinfo");
	/* Only the mounts on a root: their submounts go with them (each lazy unmount may
	 * wait for an RCU grace period, so fewer calls are a faster tenant start). */
	for (int i = 0; i < n; i++) {
		int on_root = 0;
		for (int j = 0; j < n && !on_root; j++)
			on_root = m[j].id == m[i].parent && !strcmp(m[j].point, "/");
		if (!on_root || !strcmp(m[i].point, "/") || !strncmp(m[i].point, "/newroot", 8))
			continue;
		/* A path names the topmost of the mounts stacked there: repeat until none is. */
		for (int k = 0; k < 64 && umount2(m[i].point, MNT_DETACH) == 0; k++)
			;
		if (errno != EINVAL && errno != ENOENT)
			child_fail("detach host mount", m[i].point);
	}
}

void child_build_root(const struct tenant_conf *t, unsigned ns, uid_t owner)
{
	const unsigned safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	char tmp_size[24];
	int devs[NDEVS];

	/* Nothing we mount may propagate back to the host's namespace. */
	if (mount(0, "/", 0, MS_REC | MS_PRIVATE, 0) < 0)
		child_fail("make-rprivate", "/");

	/* The host device nodes the tenant's /dev gets, taken while the host /dev is here. */
	for (int i = 0; i < NDEVS; i++) {
		char path[16];
		fmt(path, sizeof path, "/dev/%s", dev_names[i]);
		devs[i] = sys_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (devs[i] < 0)
			child_fail("open_tree", path);
	}

	int vols[MAX_VOLUMES];
	const char *targets[MAX_VOLUMES];
	int nvols = open_volumes(t, vols, targets);

	/* The scratch parent (see the top of this file), attached over "/" but not yet our
	 * root: until the chroot, host paths still resolve (from the covered root). */
	static const char *const scratch_opts[] = {"mode", "0700", 0};
	int scratch = fs_new("tmpfs", scratch_opts, safe);
	if (sys_move_mount(scratch, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		child_fail("move_mount", "scratch");
	if (mkdirat(scratch, "newroot", 0755) < 0)
		child_fail("mkdir", "newroot");

	/* The tenant's root: an overlay, or a detached recursive copy of the directory. */
	const char *rootdir = t->v[T_ROOT].s;
	if (t->v[T_OVERLAY].n) {
		mount_overlay(rootdir, scratch, owner);
	} else {
		int root = sys_open_tree(AT_FDCWD, rootdir,
					 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (root < 0)
			child_fail("open_tree", rootdir);
		if (sys_move_mount(root, "", scratch, "newroot", MOVE_MOUNT_F_EMPTY_PATH) < 0)
			child_fail("move_mount", rootdir);
		(void)close(root);
	}
	int nr = openat(scratch, "newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (nr < 0)
		child_fail("open", "newroot");
	/* nosuid and nodev always, read-only on request; volumes keep their own flags. */
	struct mount_attr ra = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					    (t->v[T_READONLY].n ? MOUNT_ATTR_RDONLY : 0)};
	if (sys_mount_setattr(nr, "", AT_EMPTY_PATH | AT_RECURSIVE, &ra) < 0)
		child_fail("mount_setattr", rootdir);
	for (int i = 0; i < nvols; i++) {
		char path[256];
		fmt(path, sizeof path, "%.*s", (int)strcspn(targets[i], ":"), targets[i]);
		attach(nr, path, vols[i], 0);
	}

	/* proc and sysfs must be mounted while the host's own instances are still in this
	 * namespace: the kernel refuses a new proc or sysfs that would reveal more than an
	 * already visible one (mount_too_revealing). */
	static const char *const no_opts[] = {0};
	attach(nr, "proc", fs_new("proc", no_opts, safe), 1);
	/* sysfs shows the network namespace of its mounter, so only one of our own may be
	 * shown; without it, /sys stays an empty directory. */
	if (ns & NS_NET)
		attach(nr, "sys", fs_new("sysfs", no_opts, safe | MOUNT_ATTR_RDONLY), 1);
	fmt(tmp_size, sizeof tmp_size, "%llu", (unsigned long long)t->v[T_TMP_SIZE].n);
	const char *tmp_opts[] = {"mode", "1777", "size", tmp_size, 0};
	attach(nr, "tmp", fs_new("tmpfs", tmp_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV), 1);
	build_dev(nr, devs);
	mask_paths(nr);
	detach_host_mounts();
	if (fchdir(scratch) < 0 || chroot(".") < 0)
		child_fail("chroot", "scratch");

	if (fchdir(nr) < 0)
		child_fail("chdir", "newroot");
	if (sys_pivot_root(".", ".") < 0)
		child_fail("pivot_root", rootdir);
	/* The old root (the scratch tmpfs) now sits on top of "."; detach it. */
	if (umount2(".", MNT_DETACH) < 0)
		child_fail("umount", "old root");
	if (chdir("/") < 0)
		child_fail("chdir", "/");
	(void)close(nr);
}
