# iscsi-init: a BusyBox applet that brings up iSCSI boot storage in an initrd.
#
#   make                  build/busybox, static, with uClibc-ng
#   make LIBC=musl|glibc  the same with another C library
#   make check            build, then run the tests (tests/run)
#   make size             what iscsi-init adds to busybox, per configuration
#
# The build itself is in mk/build.mk, `make size` in mk/size.mk; mk/qemu.mk
# and mk/tests.mk add the demo and the tests when they are there. See README.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

include mk/build.mk mk/size.mk
-include mk/qemu.mk mk/tests.mk
