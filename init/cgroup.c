/*
 * cgroup.c - one cgroup v2 group per tenant (PID 1 world: logs and returns, never dies).
 *
 * At boot, cgroup2 is mounted at /sys/fs/cgroup and the memory, pids, cpu and io
 * controllers are enabled for the children of the root. Each tenant's group is created and
 * its limits written BEFORE the tenant exists; the tenant's first process is then born in it
 * (clone3 with CLONE_INTO_CGROUP), so no instant of it ever runs unlimited. Its cgroup
 * namespace makes that group the root of everything it can see.
 *
 * In test mode (a PID namespace on a development machine) the host's cgroups are not ours
 * to reorganise: tenants run without a group, and a tenant that asks for a limit fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fmt.h"
#include "innit.h"
#include "log.h"
#include "value.h"

#define CGROUP_ROOT	    "/sys/fs/cgroup"
#define CGROUP2_SUPER_MAGIC 0x63677270

static int root_fd = -1; /* the cgroup2 root, when we manage cgroups */

static int write_at(int dir, const char *file, const char *val)
{
	int fd = openat(dir, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, val, strlen(val));
	int e = errno;
	(void)close(fd);
	errno = e;
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

void cgroup_init(void)
{
	struct statfs sf;

	if (S.test_mode)
		return;
	if (mkdir(CGROUP_ROOT, 0755) < 0 && errno != EEXIST)
		err("mkdir " CGROUP_ROOT ": %s", strerror(errno));
	if ((statfs(CGROUP_ROOT, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) &&
	    mount("cgroup2", CGROUP_ROOT, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "nsdelegate") < 0) {
		warn("cgroup2: %s; tenants run without resource limits", strerror(errno));
		return;
	}
	root_fd = open(CGROUP_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		err(CGROUP_ROOT ": %s", strerror(errno));
		return;
	}
	/* One at a time: a kernel without, say, the io controller still gets the others. */
	static const char *const ctl[] = {"+memory", "+pids", "+cpu", "+io"};
	for (unsigned i = 0; i < sizeof ctl / sizeof *ctl; i++)
		if (write_at(root_fd, "cgroup.subtree_control", ctl[i]) < 0)
			debug("cgroup controller %s: %s", ctl[i] + 1, strerror(errno));
	debug("cgroup2 ready");
}

/* Writes one limit; a missing file means the kernel lacks that controller. */
static int limit(struct tenant *t, const char *file, const char *val, const char *feature)
{
	if (write_at(t->cg_fd, file, val) == 0)
		return 0;
	if (errno == ENOENT)
		err("%s: %s needs %s, which this kernel lacks", t->name, file, feature);
	else
		err("%s: %s = %s: %s", t->name, file, val, strerror(errno));
	return -1;
}

static int wants_limits(const struct tenant_conf *c)
{
	return c->src[T_MEMORY] || c->src[T_PIDS] || c->src[T_CPU] || c->src[T_CPU_WEIGHT];
}

int cgroup_prepare(struct tenant *t)
{
	const struct tenant_conf *c = t->conf;
	char name[48], val[48];

	if (t->cg_fd >= 0)
		return 0; /* a restart reuses the group, limits and all */
	if (root_fd < 0) {
		if (!wants_limits(c))
			return 0;
		err("%s: resource limits need cgroup v2 at " CGROUP_ROOT
		    " managed by innit (not in test mode)",
		    t->name);
		return -1;
	}
	fmt(name, sizeof name, "tenant-%s", t->name);
	if (mkdirat(root_fd, name, 0755) < 0 && errno != EEXIST) {
		err("%s: mkdir cgroup: %s", t->name, strerror(errno));
		return -1;
	}
	t->cg_fd = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->cg_fd < 0) {
		err("%s: open cgroup: %s", t->name, strerror(errno));
		return -1;
	}
	int bad = 0;
	if (c->src[T_MEMORY]) {
		if (c->v[T_MEMORY].n == VALUE_UNLIMITED)
			fmt(val, sizeof val, "max");
		else
			fmt(val, sizeof val, "%llu", (unsigned long long)c->v[T_MEMORY].n);
		bad |= limit(t, "memory.max", val, "CONFIG_MEMCG");
		/* Without swap accounting there is no swap to limit: ENOENT is fine here. */
		if (write_at(t->cg_fd, "memory.swap.max", "0") < 0 && errno != ENOENT)
			bad |= limit(t, "memory.swap.max", "0", "CONFIG_MEMCG_SWAP");
	}
	if (c->src[T_PIDS]) {
		fmt(val, sizeof val, "%llu", (unsigned long long)c->v[T_PIDS].n);
		bad |= limit(t, "pids.max", val, "CONFIG_CGROUP_PIDS");
	}
	if (c->src[T_CPU]) {
		/* cpu.max is "QUOTA PERIOD" in µs: N% of one CPU is N ms per 100 ms. */
		fmt(val, sizeof val, "%llu 100000", (unsigned long long)c->v[T_CPU].n * 1000);
		bad |= limit(t, "cpu.max", val, "CONFIG_CFS_BANDWIDTH");
	}
	if (c->src[T_CPU_WEIGHT]) {
		fmt(val, sizeof val, "%llu", (unsigned long long)c->v[T_CPU_WEIGHT].n);
		bad |= limit(t, "cpu.weight", val, "CONFIG_FAIR_GROUP_SCHED");
	}
	if (bad) {
		(void)close(t->cg_fd); /* the group stays; a retry opens it again */
		t->cg_fd = -1;
		return -1;
	}
	/* OOM kills show up in memory.events; inotify tells us when it changes. */
	if (c->src[T_MEMORY] && S.inofd >= 0) {
		char path[96];
		fmt(path, sizeof path, CGROUP_ROOT "/%s/memory.events", name);
		t->oom_wd = inotify_add_watch(S.inofd, path, IN_MODIFY);
		if (t->oom_wd < 0)
			warn("%s: cannot watch memory.events: %s", t->name, strerror(errno));
	}
	return 0;
}

/* Kills every process of the tenant at once (Linux 5.14+); 0 if done. */
int cgroup_kill(const struct tenant *t)
{
	return t->cg_fd >= 0 ? write_at(t->cg_fd, "cgroup.kill", "1") : -1;
}

/* Reports new OOM kills since the last look (memory.events "oom_kill N"). */
void cgroup_check_oom(struct tenant *t)
{
	char buf[512];

	int fd = t->cg_fd >= 0 ? openat(t->cg_fd, "memory.events", O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	(void)close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	const char *p = strstr(buf, "oom_kill ");
	if (!p)
		return;
	unsigned long kills = 0;
	for (p += 9; *p >= '0' && *p <= '9'; p++)
		kills = kills * 10 + (unsigned long)(*p - '0');
	if (kills > t->oom_kills)
		warn("%s: OOM kill", t->name);
	t->oom_kills = kills;
}

struct tenant *cgroup_tenant_by_wd(int wd)
{
	for (int i = 0; i < S.ntenants; i++)
		if (S.tenants[i].oom_wd == wd && wd >= 0)
			return &S.tenants[i];
	return 0;
}
