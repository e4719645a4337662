#!/bin/sh
# tests/attack/vm-shell.sh - the operator's side of the VM attack run (tests/vm/attack.sh):
# innit.shell, in the host namespaces as host root. A web server on the host's loopback for
# eve to look for, a `ps` of every tenant process (lines "PS ..."), a scan of the reapers'
# memory for bob's secret ("MEMSCAN ..."), the host state before and after ("HOST
# unchanged"), then power-off once both attackers are done.
before="$(cat /proc/sys/kernel/core_pattern 2>/dev/null) $(hostname)"
mkdir -p /tmp/www && echo host-page >/tmp/www/index.html
busybox httpd -f -vv -p 127.0.0.1:8082 -h /tmp/www &
# Every 0.2 s a ps, until the attackers have come and gone.
: >/tmp/ps
i=0 seen=0
while ps -o pid,user,args >/tmp/ps.now; do
	cat /tmp/ps.now >>/tmp/ps
	if grep -qE '[a]ttack (eve|mallory)' /tmp/ps.now; then
		# Once: does any reaper's memory still hold bob's secret (from PID 1's)?
		[ $seen = 1 ] || for p in $(awk '$1 != 1 && $NF == "innit" {print $1}' /tmp/ps.now); do
			/srv/base/bin/probe memscan "$p" S3CR3T-VALUE-
		done
		seen=1
	elif [ $seen = 1 ]; then
		break
	fi
	i=$((i + 1))
	[ $i -gt 600 ] && break
	sleep 0.2
done
sort -u /tmp/ps | grep -v '\[' | sed 's/^/PS /'
after="$(cat /proc/sys/kernel/core_pattern 2>/dev/null) $(hostname)"
if [ "$before" = "$after" ]; then echo "HOST unchanged"; else echo "HOST changed: $after"; fi
poweroff
