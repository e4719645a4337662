#!/usr/bin/env bash
# Build the minimal innit guest kernel (x86_64 bzImage).
#
#   scripts/kernel.sh [OUTPUT]      (default OUTPUT: build/bzImage in the repo)
#
# Recipe: Debian's linux-source-6.1 tarball, `make tinyconfig`, merge
# kconfig/kernel/*.config, `make olddefconfig`, verify nothing we asked for
# was dropped, build bzImage.
#
# Everything heavy lives in ${INNIT_CACHE:-/var/cache/innit}:
#   linux-<src>/src          extracted source tree (never modified)
#   linux-<src>/obj          O= build tree, reused so rebuilds are incremental
#   kernel-<hash>/bzImage    finished kernels; <hash> covers everything that
#                            changes the result (source, fragments, this
#                            script, toolchain), so a hit is just a copy.
#
# Environment: INNIT_CACHE, LINUX_SOURCE (tarball path), JOBS (make -j).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/bzImage}
tarball=${LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
cache=${INNIT_CACHE:-/var/cache/innit}
jobs=${JOBS:-$(nproc)}
frags=("$root"/kconfig/kernel/*.config)

die() { echo "kernel.sh: $*" >&2; exit 1; }
[ -r "$tarball" ] || die "$tarball not found (apt-get install linux-source-6.1)"
[ -e "${frags[0]}" ] || die "no fragments in $root/kconfig/kernel"
# Build dependencies (Debian package in parentheses); objtool needs libelf.
for t in make:make gcc:gcc flex:flex bison:bison bc:bc lz4:lz4 xz:xz-utils flock:util-linux; do
	command -v "${t%%:*}" >/dev/null || die "missing ${t%%:*} (apt-get install ${t#*:})"
done
[ -e /usr/include/gelf.h ] || die "missing gelf.h (apt-get install libelf-dev)"

# --- cache key ------------------------------------------------------------
src_sum=$(sha256sum <"$tarball" | cut -c1-64)
key=$(
	echo "src $src_sum"
	for f in "${frags[@]}"; do echo "frag ${f##*/}"; cat "$f"; done
	echo "script"; cat "$0"
	echo "toolchain"; gcc --version | head -n1; ld --version | head -n1
)
hash=$(printf '%s\n' "$key" | sha256sum | cut -c1-16)
result=$cache/kernel-$hash

publish() {
	mkdir -p "$(dirname "$out")"
	cp "$result/bzImage" "$out.tmp.$$" && mv -f "$out.tmp.$$" "$out"
}
# Fast path: already built.
if [ -f "$result/bzImage" ]; then publish; exit 0; fi

mkdir -p "$cache" || die "cannot create $cache (set INNIT_CACHE)"
# One build at a time per cache (the obj tree is shared).
exec 9>"$cache/kernel.lock"
flock 9
if [ -f "$result/bzImage" ]; then publish; exit 0; fi

tree=$cache/linux-${src_sum:0:16}
src=$tree/src obj=$tree/obj
log=$tree/build.log
mkdir -p "$tree"
: >"$log"

run() { # run CMD...: log output; on failure show the tail of the log
	if ! "$@" >>"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "failed: $* (full log: $log)"
	fi
}

echo "kernel.sh: building kernel $hash (log: $log)" >&2
start=$SECONDS

if [ ! -f "$src/Makefile" ]; then
	rm -rf "$src" "$src.tmp" "$obj"
	mkdir -p "$src.tmp"
	run tar -xf "$tarball" -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
fi

# Fixed build metadata: the same inputs give the same image.
export KBUILD_BUILD_USER=innit KBUILD_BUILD_HOST=innit
export KBUILD_BUILD_TIMESTAMP="1970-01-01 00:00:00 UTC" KBUILD_BUILD_VERSION=1
mk=(make -C "$src" O="$obj" ARCH=x86_64)

mkdir -p "$obj"
run "${mk[@]}" tinyconfig
run env -C "$src" scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" "${frags[@]}"
run "${mk[@]}" olddefconfig

# tinyconfig + olddefconfig silently drop options whose dependencies are not
# met. Check every requested value (later fragments override earlier ones,
# like merge_config.sh does).
missing=$(awk '
	FNR == NR {
		if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) {
			k = substr($0, 1, RLENGTH - 1); want[k] = substr($0, RLENGTH + 1)
		} else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) {
			want[$2] = "n"
		}
		next
	}
	/^CONFIG_/ { i = index($0, "="); have[substr($0, 1, i - 1)] = substr($0, i + 1) }
	END {
		for (k in want) {
			h = (k in have) ? have[k] : "n"
			if (h != want[k]) printf "  %s: wanted %s, got %s\n", k, want[k], h
		}
	}' <(cat "${frags[@]}") "$obj/.config" | sort)
if [ -n "$missing" ]; then
	echo "kernel.sh: options not in the final .config (unmet dependencies?):" >&2
	echo "$missing" >&2
	die "fix kconfig/kernel/*.config"
fi

run "${mk[@]}" -j"$jobs" bzImage

mkdir -p "$result.tmp.$$"
cp "$obj/arch/x86/boot/bzImage" "$obj/.config" "$log" "$result.tmp.$$/"
rm -rf "$result"
mv "$result.tmp.$$" "$result"
publish
echo "kernel.sh: done in $((SECONDS - start))s, $(stat -c %s "$out") bytes -> $out" >&2
