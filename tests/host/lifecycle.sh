#!/bin/sh
# Host tests of supervision: reaping, restart back-off, signals and the shutdown order.
# The operator "shell" runs in innit's own PID namespace here, so it can play the admin:
# make orphans, and send PID 1 the signals busybox poweroff/reboot/halt would.
SUITE=host
. "$(dirname "$0")/../lib.sh"
make_rootfs
R=$ROOTFS

zombies='n=0; for s in /proc/[0-9]*/stat; do read -r l <$s 2>/dev/null || continue; case ${l##*) } in Z*) n=$((n+1));; esac; done'

# --- PID 1 reaps orphans (50 double-forked children of the shell) ----------------------------
run_innit "$WORK/orphans.out" "innit.exit=t" "
shell=/bin/busybox sh -c 'for i in \$(seq 50); do (sleep 0.05 &); done; sleep 0.5; $zombies; echo ZOMBIES \$n; kill -USR2 1; sleep 5'
tenant.t.root=$R
tenant.t.exec=/bin/sleep 30"
rc=$?
grep -q '^ZOMBIES 0$' "$WORK/orphans.out" && grep -q 'SIGUSR2: poweroff' "$WORK/orphans.out" &&
	[ $rc -eq 0 ]
check reap-orphans "$WORK/orphans.out" "no zombie left after 50 orphans exit"

# --- the tenant's reaper reaps orphans inside the tenant --------------------------------------
run_innit "$WORK/torphans.out" "innit.exit=t" "
tenant.t.root=$R
tenant.t.restart=no
tenant.t.exec=/bin/sh -c 'for i in \$(seq 30); do (sleep 0.05 &); done; sleep 0.5; $zombies; echo ZOMBIES \$n'"
grep -q '^t| ZOMBIES 0$' "$WORK/torphans.out"
check reap-tenant-orphans "$WORK/torphans.out" "the tenant's reaper leaves no zombie"

# --- restart back-off: 100, 200, 400, 800 ms ----------------------------------------------------
run_innit "$WORK/backoff.out" "innit.log=debug innit.exit=stop" "
shell=/bin/busybox sh -c 'sleep 1.9; kill -TERM 1; sleep 5'
tenant.c.root=$R
tenant.c.exec=/bin/false"
grep -o 'restarting in [0-9]* ms' "$WORK/backoff.out" | head -4 | tr -d '\n' |
	grep -q '^restarting in 100 msrestarting in 200 msrestarting in 400 msrestarting in 800 ms$'
check backoff-sequence "$WORK/backoff.out" "delays double from 100 ms"
# The spawn times (ms since boot) must be at least the announced delay apart.
awk '/c: spawned/ { gsub(/[^0-9 ]/, "", $2); t[n++] = $2 + 0 }
     END { want[1] = 100; want[2] = 200; want[3] = 400; want[4] = 800
           if (n < 5) exit 1
           for (i = 1; i < 5; i++) { d = t[i] - t[i-1]; if (d < want[i] || d > want[i] + 250) exit 1 } }' \
	"$WORK/backoff.out"
check backoff-timing "$WORK/backoff.out" "restarts happen after 100/200/400/800 ms (+250 ms slack)"
awk '/SIGTERM: reboot/ {s=1} s && /c: spawned/ {bad=1} END {exit !(s && !bad)}' "$WORK/backoff.out"
check backoff-stops-at-shutdown "$WORK/backoff.out" "a shutdown ends the restarts"

# --- SIGTERM reaches a tenant through its reaper; shutdown order ---------------------------------
run_innit "$WORK/order.out" "innit.stop-timeout=5s" "
shell=/bin/busybox sh -c 'sleep 0.5; kill -USR2 1; sleep 5'
tenant.a.root=$R
tenant.a.exec=/bin/sh -c 'trap \"echo got TERM; exit 0\" TERM; while :; do sleep 0.05; done'"
rc=$?
awk '/SIGUSR2: poweroff/ {s=1} s==1 && /a\| got TERM/ {s=2} s==2 && /a exited with status 0/ {s=3}
     s==3 && /poweroff after/ {s=4} END {exit s != 4}' "$WORK/order.out" && [ $rc -eq 0 ]
check shutdown-order "$WORK/order.out" "SIGUSR2, then the tenant's TERM handler, its exit, then power-off"

# --- a tenant that ignores SIGTERM is killed after its stop-timeout ---------------------------
start=$(date +%s%N)
run_innit "$WORK/stubborn.out" "" "
stop-timeout=300ms
shell=/bin/busybox sh -c 'setsid sh -c \"sleep 0.4; kill -TERM 1\" & sleep 0.3; kill -USR1 1; sleep 5'
tenant.a.root=$R
tenant.a.exec=/bin/sh -c 'trap \"\" TERM; while :; do sleep 0.05; done'"
ms=$((($(date +%s%N) - start) / 1000000))
grep -q 'a: still running after its stop-timeout, killing it' "$WORK/stubborn.out" &&
	grep -q 'a killed by signal 9' "$WORK/stubborn.out" && grep -q 'halt after' "$WORK/stubborn.out" &&
	[ $ms -lt 3000 ]
check stop-timeout "$WORK/stubborn.out" "SIGKILL after 300 ms, machine still stops (took $ms ms)"
grep -q 'SIGTERM: shutdown already in progress' "$WORK/stubborn.out"
check second-signal "$WORK/stubborn.out" "a second request during shutdown does not restart it"

# --- Ctrl-Alt-Del (SIGINT) follows cad= -----------------------------------------------------
run_innit "$WORK/cad.out" "innit.cad=ignore" "
shell=/bin/busybox sh -c 'sleep 0.2; kill -INT 1; sleep 0.2; kill -PWR 1; sleep 5'"
grep -q 'Ctrl-Alt-Del ignored' "$WORK/cad.out" && grep -q 'SIGPWR: poweroff' "$WORK/cad.out"
check cad-ignore "$WORK/cad.out" "cad=ignore ignores SIGINT; SIGPWR powers off"

# --- after=: a tenant starts only once the one it names has exec'd ------------------------------
run_innit "$WORK/after.out" "innit.log=debug innit.exit=b" "
tenant.b.root=$R
tenant.b.after=a
tenant.b.restart=no
tenant.b.exec=/bin/true
tenant.a.root=$R
tenant.a.exec=/bin/sleep 30"
awk '/a: exec/ {a=NR} /b: spawned/ {b=NR} END {exit !(a && b && a < b)}' "$WORK/after.out"
check after-order "$WORK/after.out" "b is spawned only after a reached exec"

# --- the operator shell's exit is noticed at once, so a shutdown it asked for is quick ----------
# (A shell that has exec'd is freed by the kernel as soon as it exits; innit must still see it.)
run_innit "$WORK/shellexit.out" "innit.stop-timeout=10s" "
shell=/bin/sh -c 'kill -TERM 1'"
awk '/innit: reboot after [0-9]+ ms/ { ms = $4 } END { exit !(ms != "" && ms < 1000) }' \
	"$WORK/shellexit.out"
check shell-exit-noticed "$WORK/shellexit.out" "a shutdown requested by the exiting shell takes < 1 s, not its stop-timeout"

# --- the operator shell is restarted when it exits (with back-off), like a tenant -------------
runs=$WORK/shell-runs
rm -f "$runs"
run_innit "$WORK/shellrestart.out" "" "
shell=/bin/sh -c 'echo run >>$runs; [ \$(wc -l <$runs) -ge 3 ] && kill -TERM 1; exit 0'"
[ "$(wc -l <"$runs")" -eq 3 ] &&
	[ "$(grep -c 'shell exited with status 0, restarting in' "$WORK/shellrestart.out")" -eq 2 ]
check shell-restarted "$WORK/shellrestart.out" "the shell ran 3 times, restarted after each exit"
