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
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "fmt.h"
#include "mountapi.h"
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

	attach(root, "dev", fs_new("tmpfs", dev_opts, safe), 1);
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

void child_build_root(const struct tenant_conf *t, unsigned ns)
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

	/* The tenant's root: a detached recursive copy; nosuid and nodev always. */
	const char *rootdir = t->v[T_ROOT].s;
	int root =
	    sys_open_tree(AT_FDCWD, rootdir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (root < 0)
		child_fail("open_tree", rootdir);
	struct mount_attr ra = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					    (t->v[T_READONLY].n ? MOUNT_ATTR_RDONLY : 0)};
	if (sys_mount_setattr(root, "", AT_EMPTY_PATH | AT_RECURSIVE, &ra) < 0)
		child_fail("mount_setattr", rootdir);

	/* The scratch parent (see the top of this file). */
	static const char *const scratch_opts[] = {"mode", "0700", "size", "4k", 0};
	int scratch = fs_new("tmpfs", scratch_opts, safe);
	if (sys_move_mount(scratch, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		child_fail("move_mount", "scratch");
	if (fchdir(scratch) < 0 || chroot(".") < 0)
		child_fail("chroot", "scratch");
	if (mkdir("newroot", 0700) < 0)
		child_fail("mkdir", "newroot");
	if (sys_move_mount(root, "", AT_FDCWD, "newroot", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		child_fail("move_mount", rootdir);
	(void)close(root);
	int nr = open("newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (nr < 0)
		child_fail("open", "newroot");

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
