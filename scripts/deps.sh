#!/bin/sh
# Make sure the tools for each USE are installed.
#
#   scripts/deps.sh [USE...]      (default: check)
#
#   run     build innit and the initramfs, boot the demo in QEMU   (make run)
#   check   everything the test suites use                         (make check, CI)
#   kernel  build the guest kernel from Debian's linux-source      (make kernel)
#   bench   the benchmarks and the peer inits they compare with    (make bench)
#
# When everything is there it prints nothing and takes a few milliseconds, so the
# Makefile can call it on every run. Otherwise, on Debian/Ubuntu as root (or with sudo) it
# installs the missing packages, saying so in one line; elsewhere it names the (Debian)
# packages to install and exits 1.
#
# Environment: BUSYBOX (default /bin/busybox; must be a static binary, since it runs in
# the VM and in tenants with no libc beside it), LINUX_SOURCE (as in scripts/kernel.sh).
set -eu

usage() {
	echo "usage: scripts/deps.sh [run|check|kernel|bench]..." >&2
	exit 2
}

busybox=${BUSYBOX:-/bin/busybox}
linux_source=${LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}

have() { command -v "$1" >/dev/null 2>&1; }
exists() { for f; do [ -e "$f" ] && return 0; done; return 1; }
# A dynamic ELF names its program interpreter (ld.so); a static one does not.
static() { [ -x "$1" ] && ! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'program interpreter' 2>/dev/null; }

# need PACKAGE TEST [ARG...]: note PACKAGE as missing unless TEST ARG... succeeds.
need() {
	pkg=$1
	shift
	"$@" && return 0
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
}

need_build() {
	need gcc have gcc
	need make have make
	need musl-tools have musl-gcc
	need gzip have gzip
	if [ "$busybox" = /bin/busybox ]; then
		need busybox-static static /bin/busybox
	elif ! static "$busybox"; then
		echo "deps: BUSYBOX=$busybox is not a static executable" >&2
		exit 1
	fi
}

need_qemu() {
	need qemu-system-x86 have qemu-system-x86_64
}

scan() {
	missing=
	for use; do
		case $use in
		run)
			need_build
			need_qemu
			;;
		check)
			need_build
			need_qemu
			need cpio have cpio
			need mandoc have mandoc
			need e2fsprogs have mkfs.ext4
			need e2fsprogs have e2fsck
			need python3 have python3
			need clang-format have clang-format
			need cppcheck have cppcheck
			;;
		kernel)
			# tinyconfig plus kconfig/kernel/*.config: no modules, so no signing and no
			# libssl; objtool (ORC unwinder) needs libelf; the image is LZ4-compressed.
			need linux-source-6.1 exists "$linux_source"
			need xz-utils have xz
			need gcc have gcc
			need make have make
			need flex have flex
			need bison have bison
			need bc have bc
			need lz4 have lz4
			need libelf-dev exists /usr/include/libelf.h /usr/include/gelf.h
			;;
		bench)
			need_build
			need_qemu
			need tini have tini
			need s6 have s6-svscan
			need bubblewrap have bwrap
			need gnuplot-nox have gnuplot
			need catatonit have catatonit
			need dumb-init have dumb-init
			;;
		*)
			usage
			;;
		esac
	done
}

[ $# -gt 0 ] || set -- check
scan "$@"
[ -n "$missing" ] || exit 0
missing=${missing# }

uid=$(id -u 2>/dev/null) || uid=unknown
sudo=
if [ "$uid" != 0 ] && have sudo; then
	sudo=sudo
fi
if ! have apt-get || { [ "$uid" != 0 ] && [ -z "$sudo" ]; }; then
	echo "deps: missing packages (Debian names): $missing" >&2
	echo "deps: install them (or their equivalents), then run this again" >&2
	exit 1
fi

echo "deps: installing $missing..." >&2
log=$(mktemp "${TMPDIR:-/tmp}/deps.XXXXXX")
trap 'rm -f "$log"' EXIT
# Wait for another apt/dpkg (unattended-upgrades, a second make) instead of failing.
apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600"
# shellcheck disable=SC2086 # $apt and $missing are word lists
if ! $apt update -qq >"$log" 2>&1 ||
	! $apt install -y -qq --no-install-recommends $missing >>"$log" 2>&1; then
	cat "$log" >&2
	echo "deps: apt-get failed; install by hand: $missing" >&2
	exit 1
fi

scan "$@"
if [ -n "$missing" ]; then
	echo "deps: still missing after apt-get install:$missing" >&2
	exit 1
fi
