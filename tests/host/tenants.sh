#!/bin/sh
# Host tests: innit as PID 1 of a fresh PID namespace (test mode), real namespaces, real
# busybox tenants. Each case is one run of innit; the exit tenant ends it.
SUITE=host
. "$(dirname "$0")/../lib.sh"
make_rootfs
R=$ROOTFS

# --- what a tenant sees -------------------------------------------------------------------

run_innit "$WORK/see.out" "innit.exit=alice" "
shell=/bin/busybox sh -c 'sleep 0.2; echo HOSTUID \$(ps -o user,args | grep \"[s]leep 61\" | cut -d\" \" -f1); exec sleep 60'
tenant.alice.root=$R
tenant.alice.exec=/bin/sh -c 'sleep 0.3; echo NPROC \$(ls -d /proc/[0-9]* | wc -l) INIT \$(cat /proc/1/comm); hostname; id -u; cat /proc/self/uid_map; ls /proc/self/fd | tr \"\\n\" \" \"; echo; ps -o args | grep -c \"[s]leep 61\"; exit 0'
tenant.alice.restart=no
tenant.bob.root=$R
tenant.bob.exec=/bin/sleep 61
tenant.bob.hostname=bobhost"
rc=$?
# alice's /proc: its reaper (innit), its shell, and the shell's pipeline; never bob's sleep.
[ $rc -eq 0 ] && grep -Eq '^alice\| NPROC [2-6] INIT innit$' "$WORK/see.out"
check own-pids "$WORK/see.out" "alice's /proc lists only its own few processes, PID 1 is its reaper"
grep -q '^alice| alice$' "$WORK/see.out"
check hostname-default "$WORK/see.out" "tenant hostname defaults to its name"
grep -q '^alice| 0$' "$WORK/see.out"
check uid0-inside "$WORK/see.out" "tenant main process runs as uid 0 inside"
grep -q '^HOSTUID 131072$' "$WORK/see.out"
check uidmap-auto "$WORK/see.out" "second tenant's root is host uid 131072 (never host uid 0)"
grep -Eq '^alice\| 0 1 2 3 $' "$WORK/see.out"
check fds-012 "$WORK/see.out" "tenant has exactly fds 0 1 2 (3 is ls's own)"
grep -q '^alice| 0$' "$WORK/see.out" && ! grep -q '^alice| [1-9]$' "$WORK/see.out"
check no-bob-in-ps "$WORK/see.out" "alice's ps must not show bob's process"

# --- the lesson's exercise: eve can neither see nor kill bob's process -----------------------

run_innit "$WORK/eve.out" "innit.exit=eve" "
tenant.bob.root=$R
tenant.bob.exec=/bin/sh -c 'echo \$\$ >/tmp/pid; exec sleep 60'
tenant.eve.root=$R
tenant.eve.after=bob
tenant.eve.exec=/bin/sh -c 'sleep 0.3; n=0; for p in \$(seq 2 400); do [ \$p = \$\$ ] && continue; kill -9 \$p 2>/dev/null && n=\$((n+1)); done; echo hit \$n; exit \$n'
tenant.eve.restart=no"
rc=$?
[ $rc -eq 0 ] && grep -q '^eve| hit 0$' "$WORK/eve.out" &&
	grep -q 'bob killed by signal 15' "$WORK/eve.out"
check lesson-kill "$WORK/eve.out" "eve hits 0 processes; bob lives until shutdown's SIGTERM"

# --- a tenant's root is all it sees ------------------------------------------------------------

secret=$WORK/host-secret
echo topsecret >"$secret"
run_innit "$WORK/root.out" "innit.exit=alice" "
tenant.alice.root=$R
tenant.alice.restart=no
tenant.alice.exec=/bin/sh -c 'cat $secret /proc/1/root$secret 2>&1; cd /; cd ../../..; ls; awk \"\\\$5 == \\\"/\\\"\" /proc/self/mountinfo | wc -l; exit 0'"
! grep -q topsecret "$WORK/root.out" && grep -q '^alice| bin$' "$WORK/root.out"
check root-only "$WORK/root.out" "host file unreachable by path, /proc/1/root or .. walk"
grep -q '^alice| 1$' "$WORK/root.out"
check old-root-detached "$WORK/root.out" "exactly one mount at / (the old root is detached)"

# --- exit status -----------------------------------------------------------------------------------

run_innit "$WORK/st7.out" "innit.exit=t" "
tenant.t.root=$R
tenant.t.restart=no
tenant.t.exec=/bin/sh -c 'exit 7'"
rc=$?
[ $rc -eq 7 ] && grep -q 'innit: t exited with status 7' "$WORK/st7.out"
check exit-status "$WORK/st7.out" "exit 7 is reported and is innit's status (got $rc)"

run_innit "$WORK/sig.out" "innit.exit=t" "
tenant.t.root=$R
tenant.t.restart=no
tenant.t.exec=/bin/sh -c 'kill -9 \$\$'"
rc=$?
[ $rc -eq 137 ] && grep -q 'innit: t killed by signal 9' "$WORK/sig.out"
check exit-signal "$WORK/sig.out" "death by signal 9 is reported as 128+9 (got $rc)"

# --- bad input: one line naming source and position; other tenants unaffected -------------------

conf="tenant.good.root=$R
tenant.good.exec=/bin/sh -c 'echo good ran'
tenant.good.restart=no
tenant.bad.root=$R
tenant.bad.memory=12Q
tenant.bad.exec=/bin/sh -c 'echo bad ran'"
run_innit "$WORK/bad.out" "innit.exit=good" "$conf"
rc=$?
grep -q "innit: .*bad.out.conf:5: tenant.bad.memory: bad size \"12Q\"" "$WORK/bad.out" &&
	grep -q '^good| good ran' "$WORK/bad.out" && ! grep -q 'bad ran' "$WORK/bad.out" && [ $rc -eq 0 ]
check bad-config "$WORK/bad.out" "bad tenant named with file:line and not started; good one runs"

run_innit "$WORK/badcmd.out" 'innit.exit=t innit.stop-timeout=5x' "
tenant.t.root=$R
tenant.t.exec=/bin/true"
grep -q 'innit: cmdline:14: stop-timeout: bad duration "5x"' "$WORK/badcmd.out"
check bad-cmdline "$WORK/badcmd.out" "command-line error names its byte position"

run_innit "$WORK/noexec.out" "innit.exit=t" "
tenant.t.root=$R
tenant.t.restart=no
tenant.t.exec=/nonexistent/prog"
rc=$?
grep -q 'innit: t: exec /nonexistent/prog: No such file or directory' "$WORK/noexec.out" &&
	[ $rc -eq 127 ]
check exec-fail "$WORK/noexec.out" "a failed exec is reported with path and errno, status 127"

run_innit "$WORK/noroot.out" "innit.exit=t" "
tenant.t.root=/nonexistent-root
tenant.t.restart=no"
grep -q 'innit: t: open_tree /nonexistent-root: No such file or directory' "$WORK/noroot.out"
check missing-root "$WORK/noroot.out" "a missing root fails the tenant with one line"

# A tenant image whose /proc is a symlink must not redirect innit's mount (fails instead).
evil=$WORK/evil-root
rm -rf "$evil"
cp -a "$R" "$evil"
rmdir "$evil/proc" && ln -s / "$evil/proc"
run_innit "$WORK/evil.out" "innit.exit=t" "
tenant.t.root=$evil
tenant.t.restart=no
tenant.t.exec=/bin/sh -c 'echo started'"
grep -q 'innit: t: open mount target proc: Symbolic link loop' "$WORK/evil.out" &&
	! grep -q 't| started' "$WORK/evil.out"
check symlink-target "$WORK/evil.out" "a symlinked /proc in the image is refused, tenant not run"

# --- output relay: a line of exactly the buffer's size is one line, not one plus an empty one -
run_innit "$WORK/cut.out" "innit.exit=a" "
tenant.a.root=$R
tenant.a.restart=no
tenant.a.exec=/bin/sh -c 'head -c 255 /dev/zero | tr \"\\\\0\" x; echo; echo next'"
[ "$(grep -c '^a| ' "$WORK/cut.out")" -eq 2 ] && grep -q '^a| next$' "$WORK/cut.out" &&
	grep -Eq '^a\| x{255}$' "$WORK/cut.out"
check relay-long-line "$WORK/cut.out" "a 255-byte line and the next one: two output lines"

# --- the remaining tenant keys do what SPEC §3 says ---------------------------------------------
run_innit "$WORK/keys.out" "innit.exit=k" "
tenant.k.root=$R
tenant.k.restart=no
tenant.k.workdir=/tmp
tenant.k.user=1000:2000
tenant.k.rlimit.nofile=64:128
tenant.k.tmp-size=1M
tenant.k.net=none
tenant.k.env.FOO=bar baz
tenant.k.exec=/bin/sh -c 'echo WD \$(pwd) ID \$(id -u) \$(id -g) NOFILE \$(ulimit -Sn) \$(ulimit -Hn) FOO \"\$FOO\" TMPKB \$(df -k /tmp | tail -n 1 | tr -s \" \" | cut -d\" \" -f2) LO \$(cat /sys/class/net/lo/operstate)'
tenant.quiet.root=$R
tenant.quiet.log=null
tenant.quiet.restart=no
tenant.quiet.exec=/bin/echo SHOULD-NOT-APPEAR
tenant.again.root=$R
tenant.again.restart=always
tenant.again.exec=/bin/true"
grep -q '^k| WD /tmp ID 1000 2000 NOFILE 64 128 FOO bar baz TMPKB 1024 LO down$' "$WORK/keys.out"
check tenant-keys "$WORK/keys.out" "workdir, user, rlimit.nofile, env.*, tmp-size and net=none as configured"
! grep -q 'SHOULD-NOT-APPEAR' "$WORK/keys.out" && grep -q 'innit: quiet exited with status 0' "$WORK/keys.out"
check log-null "$WORK/keys.out" "log=null: the tenant runs and none of its output reaches the console"
[ "$(grep -c 'again exited with status 0, restarting' "$WORK/keys.out")" -ge 1 ]
check restart-always "$WORK/keys.out" "restart=always restarts a tenant that exited with status 0"
