# innit - a static musl PID 1 that hosts tenants. `make run` and `make check` are all a new
# user needs; see README.md.

B       := build
MUSLCC  ?= musl-gcc
HOSTCC  ?= gcc
BUSYBOX ?= /bin/busybox
KERNEL  ?= $(B)/bzImage

SRCS    := $(sort $(wildcard init/*.c))
HDRS    := $(wildcard init/*.h)
# Pure logic that also builds with the host compiler for unit tests under ASan/UBSan.
PURE    := init/conf.c init/conf_keys.c init/value.c init/fmt.c init/log.c init/policy.c

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
CFLAGS  := -std=c11 -D_GNU_SOURCE -Os $(WARN) -ffunction-sections -fdata-sections \
	   -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident \
	   -ffile-prefix-map=$(CURDIR)=. -isystem $(B)/uapi
LDFLAGS := -static -Wl,--gc-sections -Wl,--build-id=none -s

.PHONY: all initramfs kernel run check unit host-test vm-test lint deps clean bench
all: $(B)/innit

# musl-gcc sees only musl's headers; the kernel's UAPI headers are linked in beside them.
$(B)/uapi/.stamp:
	mkdir -p $(B)/uapi
	ln -sfn /usr/include/linux $(B)/uapi/linux
	ln -sfn /usr/include/asm-generic $(B)/uapi/asm-generic
	ln -sfn /usr/include/$$(gcc -print-multiarch)/asm $(B)/uapi/asm
	touch $@

$(B)/innit: $(SRCS) $(HDRS) $(B)/uapi/.stamp Makefile
	$(MUSLCC) $(CFLAGS) -o $@ $(SRCS) $(LDFLAGS)
	@size=$$(stat -c %s $@); echo "innit: $$size bytes"; \
	  [ $$size -le 98304 ] || { echo "innit: over the 96 KiB budget" >&2; rm -f $@; exit 1; }

$(B)/mkcpio: tools/mkcpio.c
	@mkdir -p $(B)
	$(HOSTCC) -std=c99 -O2 -Wall -Wextra -Werror -o $@ $<

initramfs: $(B)/initramfs.cpio.gz
$(B)/initramfs.cpio.gz: $(B)/mkcpio $(B)/innit initramfs/initramfs.list initramfs/innit.conf $(wildcard initramfs/base/etc/*)
	$(B)/mkcpio -D INNIT=$(B)/innit -D BUSYBOX=$(BUSYBOX) initramfs/initramfs.list | gzip -n -9 > $@.tmp
	mv $@.tmp $@

kernel:
	scripts/deps.sh kernel
	scripts/kernel.sh $(B)/bzImage

# Each target installs what it needs first (scripts/deps.sh is silent when all is there),
# then builds: the compilers must exist before make looks at its prerequisites.
deps:
	scripts/deps.sh run kernel check bench

run:
	scripts/deps.sh run kernel
	$(MAKE) all initramfs
	@[ -f $(KERNEL) ] || $(MAKE) kernel
	qemu/run -k $(KERNEL)

# Unit tests: the parsers and pure logic, host compiler, ASan + UBSan. Small limits, so that
# the tests reach "too many tenants" and "out of config memory" cheaply.
$(B)/unit: tests/unit/*.c $(PURE) $(HDRS)
	@mkdir -p $(B)
	$(HOSTCC) -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -fsanitize=address,undefined \
	  -DMAX_TENANTS=64 -DCONF_ARENA=32768 \
	  -fno-sanitize-recover=all -Iinit -o $@ tests/unit/*.c $(PURE)

unit: $(B)/unit
	$(B)/unit

check:
	scripts/deps.sh check kernel bench
	$(MAKE) all initramfs $(B)/unit
	@[ -f $(KERNEL) ] || $(MAKE) kernel
	tests/run

lint:
	sh tests/lint/lint.sh

clean:
	rm -rf $(B)

bench:
	scripts/deps.sh bench kernel
	$(MAKE) all initramfs
	@[ -f $(KERNEL) ] || $(MAKE) kernel
	bench/run $(if $(QUICK),--quick)
