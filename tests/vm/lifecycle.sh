#!/bin/sh
# VM tests of resources and lifecycle (SPEC §3 limits, §5): real cgroup v2, a real ext4
# disk on virtio-blk, real power-off. Three boots; the demo config is replaced
# (innit.conf=/dev/null) so only the tenants under test run.
SUITE=vm
. "$(dirname "$0")/../lib.sh"
base="innit.conf=/dev/null innit.log=debug"

# --- 1. limits: a fork bomb, a memory hog and a CPU spinner beside a heartbeat ---------------
# busybox sh gives up at its first failed fork: restarted on failure (with back-off), the
# bomb comes back again and again, which is the harder case: a crash-looping fork bomb.
# The operator shell measures from outside (cgroup files), prints, and powers off.
cat >"$WORK/limits.args" <<'EOF'
innit.tenant.bomb.root=/srv/base innit.tenant.bomb.pids=64 innit.tenant.bomb.exec="/bin/sh -c 'b() { b & b; }; b'"
innit.tenant.heart.root=/srv/base innit.tenant.heart.exec="/bin/sh -c 'while :; do read u x </proc/uptime; echo beat $u; sleep 1; done'"
innit.tenant.hog.root=/srv/base innit.tenant.hog.memory=32M innit.tenant.hog.exec="/bin/busybox dd if=/dev/zero of=/dev/null bs=64M count=1"
innit.tenant.spin.root=/srv/base innit.tenant.spin.cpu=20% innit.tenant.spin.exec="/bin/sh -c 'while :; do :; done'"
innit.tenant.cg.root=/srv/base innit.tenant.cg.caps=+sys_admin innit.tenant.cg.restart=no innit.tenant.cg.exec="/bin/sh -c 'mkdir /tmp/c; mount -t cgroup2 none /tmp/c 2>/dev/null && echo CG-MOUNTED; echo CGVIEW $(cat /proc/self/cgroup)'"
innit.shell="/bin/sh -c 'sleep 3; c=/sys/fs/cgroup; u1=$(grep usage_usec $c/tenant-spin/cpu.stat); sleep 4; u2=$(grep usage_usec $c/tenant-spin/cpu.stat); echo SPIN ${u1#* } ${u2#* }; echo BOMB $(cat $c/tenant-bomb/pids.current) $(cat $c/tenant-bomb/pids.events); sleep 1; poweroff'"
EOF
vm_boot "$WORK/vm-limits.out" -a "$base $(tr '\n' ' ' <"$WORK/limits.args")"
rc=$?
out=$WORK/vm-limits.out
awk '/^BOMB/ { if ($2 <= 64 && $4 > 0) ok = 1 } END { exit !ok }' "$out" && [ $rc -eq 0 ]
check fork-bomb-contained "$out" "the bomb's tenant stays at <= 64 pids and hits its limit"
# The heartbeat keeps its one-second rhythm through all of it (gaps under 2.5 s).
awk '/heart\| beat/ { t = $3 + 0; if (n++ && t - last > 2.5) bad = 1; last = t }
     END { exit !(n >= 6 && !bad) }' "$out"
check heartbeat-uninterrupted "$out" "at least 6 beats, none more than 2.5 s apart"
grep -q 'innit: .*hog: OOM kill' "$out" && grep -q 'hog killed by signal 9, restarting in' "$out"
check oom-reported-restarted "$out" "the hog is OOM-killed, reported, restarted"
# cpu=20%: usage over the 4 s window must be near 0.8 s (TCG timing is coarse: 10-30%).
awk '/^SPIN/ { p = ($3 - $2) / 40000; ok = (p >= 10 && p <= 30); print "spin share " p "%" }
     END { exit !ok }' "$out" >"$WORK/spin.txt"
check cpu-share "$out" "spinner near 20% of a CPU: $(cat "$WORK/spin.txt")"

grep -Eq "^cg\| CGVIEW 0::/$CR?$" "$out" && ! grep -q '^cg| CG-MOUNTED' "$out"
check cgroup-own-view "$out" "a tenant sees only its own cgroup and cannot mount cgroup2 to raise its limits"

# --- 2. data safety through busybox poweroff, with a tenant that ignores SIGTERM -------------
disk=$WORK/disk.img
cat >"$WORK/disk.args" <<'EOF'
innit.mount=/dev/vda:/data:ext4:noatime innit.stop-timeout=1s
innit.tenant.w.root=/srv/base innit.tenant.w.volume=/data:/mnt innit.tenant.w.restart=no innit.tenant.w.exec="/bin/sh -c 'head -c 8000000 /dev/urandom >/mnt/file; md5sum /mnt/file; touch /mnt/done; exec sleep 1000'"
innit.tenant.stubborn.root=/srv/base innit.tenant.stubborn.exec="/bin/sh -c 'trap : TERM; while :; do sleep 1; done'"
EOF
disk_checks() { # NAME OUT: the file the tenant wrote is on the disk, whole, and fsck is clean
	sum=$(sed -n 's/.*w| \([0-9a-f]\{32\}\)  \/mnt\/file.*/\1/p' "$2")
	e2fsck -fn "$disk" >"$WORK/fsck.$1" 2>&1 &&
		debugfs -R "dump /file $WORK/file.$1" "$disk" >/dev/null 2>&1 &&
		[ -n "$sum" ] && [ "$(md5sum <"$WORK/file.$1" | cut -d' ' -f1)" = "$sum" ]
}
make_disk "$disk"
vm_boot "$WORK/vm-disk.out" -d "$disk" -a "$base $(tr '\n' ' ' <"$WORK/disk.args")" \
	-a "innit.shell=\"/bin/sh -c 'while [ ! -e /data/done ]; do sleep 0.2; done; poweroff'\""
rc=$?
out=$WORK/vm-disk.out
[ $rc -eq 0 ] && disk_checks poweroff "$out"
check data-safe-poweroff "$out" "after busybox poweroff the file is whole and e2fsck -fn is clean"
grep -q 'stubborn: still running after its stop-timeout, killing it' "$out" &&
	grep -q 'innit: .*poweroff after' "$out"
check stop-timeout-vm "$out" "the tenant ignoring SIGTERM is killed after 1 s; the machine stops"

# --- 3. the same through Ctrl-Alt-Del from the QEMU monitor (cad=poweroff) ----------------------
make_disk "$disk"
mon=$WORK/monitor.sock
rm -f "$mon" "$WORK/vm-cad.out" # a stale console must not satisfy the wait below
vm_boot "$WORK/vm-cad.out" -M "$mon" -d "$disk" -a "$base innit.cad=poweroff" \
	-a "$(tr '\n' ' ' <"$WORK/disk.args")" &
qpid=$!
for _ in $(seq 300); do # up to 60 s for the tenant to finish writing
	grep -q 'w| [0-9a-f]\{32\}' "$WORK/vm-cad.out" 2>/dev/null && break
	sleep 0.2
done
# The key is resent until innit reports it: under TCG load a key press can be lost between
# the monitor and the guest's keyboard (seen in one of our first three runs), which is not what we test.
for _ in 1 2 3 4 5; do
	python3 - "$mon" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"sendkey ctrl-alt-delete\n")
time.sleep(0.3)
s.close()
PY
	sleep 1
	grep -q 'Ctrl-Alt-Del' "$WORK/vm-cad.out" && break
done
wait $qpid
rc=$?
out=$WORK/vm-cad.out
grep -q 'innit: .*Ctrl-Alt-Del: poweroff' "$out" && [ $rc -eq 0 ] && disk_checks cad "$out"
check cad-clean-shutdown "$out" "Ctrl-Alt-Del powers off cleanly: file whole, e2fsck clean (rc $rc)"

# --- 4. a tenant flooding its output slows neither PID 1 nor the other tenants --------------
vm_boot "$WORK/vm-flood.out" -a "$base" -a "$(tr '\n' ' ' <<'EOF2'
innit.tenant.flood.root=/srv/base innit.tenant.flood.exec="/bin/busybox yes floodfloodfloodfloodfloodflood"
innit.tenant.heart.root=/srv/base innit.tenant.heart.exec="/bin/sh -c 'while :; do read u x </proc/uptime; echo beat $u; sleep 1; done'"
innit.shell="/bin/sh -c 'sleep 6; poweroff'"
EOF2
)"
rc=$?
out=$WORK/vm-flood.out
[ $rc -eq 0 ] && [ "$(grep -c '^flood| ' "$out")" -gt 1000 ] &&
	awk '/heart\| beat/ { t = $3 + 0; if (n++ && t - last > 2.5) bad = 1; last = t }
	     /innit: .*poweroff after [0-9]+ ms/ { ms = $(NF - 1) }
	     END { exit !(n >= 5 && !bad && ms != "" && ms < 1000) }' "$out"
check output-flood "$out" "a flooding tenant: heartbeat keeps its rhythm, shutdown still < 1 s"
