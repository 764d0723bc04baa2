# mk/qemu.mk: the Debian kernel for QEMU, `make initrd`, `make demo` and
# the QEMU end-to-end tests (tests/qemu/).  All of them need root.
#
#   make kernel          build/kernel/: the kernel linux-image-amd64 names
#                        (scripts/get-kernel.sh)
#   make initrd          build/initrd.gz (scripts/mkinitrd.sh; extra
#                        options in INITRD_FLAGS, e.g. INITRD_FLAGS="-m e1000";
#                        INITRD_FLAGS=-X keeps iscsistart in it when the
#                        busybox has the built-in login)
#   make demo            boot QEMU from an iSCSI root (tests/qemu/demo.sh)
#   make check-qemu      the QEMU tests only; QEMU_TESTS="02 05" picks some
#                        (tests/qemu/run also runs them without make)

BUSYBOX ?= build/busybox
# made by the phony target mkibft (mk/tests.mk)
MKIBFT ?= build/tests/mkibft
KERNEL_STAMP := build/kernel/VERSION

.PHONY: kernel initrd demo check-qemu

$(KERNEL_STAMP): scripts/get-kernel.sh
	sh scripts/get-kernel.sh >/dev/null
	touch $@

kernel: $(KERNEL_STAMP)

# always rebuilt (a few seconds): INITRD_FLAGS may have changed
initrd: $(BUSYBOX) $(KERNEL_STAMP)
	sh scripts/mkinitrd.sh -k build/kernel -b $(BUSYBOX) -o build/initrd.gz $(INITRD_FLAGS)

demo: $(BUSYBOX) mkibft $(KERNEL_STAMP)
	QT_BUSYBOX=$(abspath $(BUSYBOX)) QT_MKIBFT=$(abspath $(MKIBFT)) bash tests/qemu/demo.sh

check-qemu: $(BUSYBOX) mkibft $(KERNEL_STAMP)
	QT_BUSYBOX=$(abspath $(BUSYBOX)) QT_MKIBFT=$(abspath $(MKIBFT)) bash tests/qemu/run $(QEMU_TESTS)

# tests/run runs tests/qemu/run as one of its suites: have what it needs
check: mkibft $(KERNEL_STAMP)
# tests/bench weighs initrds and boots them (tests/qemu/bench-boot.sh)
bench: mkibft $(KERNEL_STAMP)
