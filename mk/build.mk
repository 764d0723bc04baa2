# mk/build.mk: fetch BusyBox, add this repository to it as the directory
# iscsi-init/, configure an initrd-sized BusyBox and build it statically.
#
# Knobs (on the make command line):
#   LIBC=uclibc|musl|glibc  C library to link with (default uclibc, uClibc-ng)
#   BB_VERSION=X.Y.Z        BusyBox fetched from Debian (default 1.37.0;
#                           1.35.0 and 1.38.0 are pinned too; others need
#                           BB_SUITE= and BB_SHA256=)
#   BUSYBOX_SRC=DIR         use this unpacked BusyBox tree (copied, never
#                           modified; copied again when a file in it changes)
#   BUSYBOX_TARBALL=FILE    use this BusyBox tarball
#
# For the other mk/*.mk files:
#   BUSYBOX     the binary everybody runs: build/busybox
#   BB_TREE     the configured BusyBox tree of the chosen libc (its
#               testsuite/runtest is there; `make busybox-tree` prepares it)
#   check: and bench: run tests/run and tests/bench; add prerequisites with
#   a recipe-less `check: my-target` line.
#
# Layout under build/ (git-ignored):
#   dl/                       downloads (kept by `make clean`)
#   toolchain/uapi/           kernel UAPI headers only, as symlinks
#   toolchain/uclibc-ng/      uClibc-ng sysroot + gcc specs (kept by clean)
#   $(LIBC)/busybox-X.Y.Z/    one patched, configured tree per libc
#   $(LIBC)/*.id, .stamp-*    what the tree was made from, and progress
#   busybox                   a copy of the chosen libc's binary
#   size/                     `make size`'s configurations (mk/size.mk)

LIBCS := uclibc musl glibc
LIBC ?= uclibc
ifeq ($(filter $(LIBC),$(LIBCS)),)
$(error LIBC=$(LIBC): choose one of $(LIBCS))
endif

# Upstream versions Debian carries: the suite that has each, and the sha256
# of its busybox_X.Y.Z.orig.tar.bz2.
bb_suite_1.35.0  := bookworm
bb_sha256_1.35.0 := faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694
bb_suite_1.37.0  := trixie
bb_sha256_1.37.0 := 3311dff32e746499f4df0d5df04d7eb396382d7e108bb9250e7b519b837043a4
bb_suite_1.38.0  := sid
bb_sha256_1.38.0 := 34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2

BB_VERSION ?= 1.37.0

# Where the BusyBox source comes from, and a line naming it (source.id):
# changing the source makes a fresh tree.
ifneq ($(BUSYBOX_SRC),)
  ifeq ($(wildcard $(BUSYBOX_SRC)/Makefile),)
    $(error BUSYBOX_SRC=$(BUSYBOX_SRC) is not a BusyBox source tree)
  endif
  ifneq ($(origin BB_VERSION),command line)
    BB_VERSION := $(shell sed -n 's/^\(VERSION\|PATCHLEVEL\|SUBLEVEL\) = *//p' \
			$(BUSYBOX_SRC)/Makefile | paste -sd.)
  endif
  bb_origin := $(abspath $(BUSYBOX_SRC))
  bb_source_id := dir $(bb_origin)
else ifneq ($(BUSYBOX_TARBALL),)
  ifeq ($(wildcard $(BUSYBOX_TARBALL)),)
    $(error BUSYBOX_TARBALL=$(BUSYBOX_TARBALL) does not exist)
  endif
  ifneq ($(origin BB_VERSION),command line)
    BB_VERSION := $(shell echo '$(notdir $(BUSYBOX_TARBALL))' | \
			sed -n 's/^busybox[-_]\([0-9][0-9.]*[0-9]\)[-_.].*/\1/p')
  endif
  ifeq ($(BB_VERSION),)
    $(error cannot tell the BusyBox version from $(BUSYBOX_TARBALL): add BB_VERSION=X.Y.Z)
  endif
  bb_origin := $(abspath $(BUSYBOX_TARBALL))
  bb_source_id := tarball $(bb_origin)
else
  BB_SUITE ?= $(bb_suite_$(BB_VERSION))
  BB_SHA256 ?= $(bb_sha256_$(BB_VERSION))
  ifeq ($(BB_SUITE)$(BB_SHA256),)
    $(error BusyBox $(BB_VERSION) is not pinned: add BB_SUITE=<Debian suite> BB_SHA256=<sha256 of the orig tarball>)
  endif
  bb_origin := build/dl/busybox_$(BB_VERSION).orig.tar.bz2
  bb_source_id := debian $(BB_SUITE) $(BB_VERSION) $(BB_SHA256)
endif

BUSYBOX := build/busybox
LIBC_DIR := build/$(LIBC)
BB_TREE := $(LIBC_DIR)/busybox-$(BB_VERSION)
BB_PATCHES := $(sort $(wildcard patches/*.patch))
# What the iscsi-init/ directory in the tree links to.
APPLET_FILES := $(sort $(wildcard applet/*.c applet/*.h)) Config.in Kbuild

UAPI := build/toolchain/uapi
UCLIBC_DIR := build/toolchain/uclibc-ng

# The compiler per libc, what it needs built first, and its Debian packages.
bb_pkgs := make gcc libc6-dev
ifeq ($(LIBC),uclibc)
  bb_cc := gcc -specs=$(CURDIR)/$(UCLIBC_DIR)/uclibc.specs
  bb_libc_deps := $(UCLIBC_DIR)/.stamp
else ifeq ($(LIBC),musl)
  bb_cc := musl-gcc -isystem $(CURDIR)/$(UAPI)
  bb_libc_deps := $(UAPI).stamp
  bb_pkgs += musl-tools
else
  bb_cc := gcc
endif

# Inputs that no time stamp shows (where the source comes from, which patch
# and applet files exist, which tree build/busybox comes from) each have an
# id file holding one line. It is rewritten while the makefile is read, and
# only when the line changes, so what depends on it is remade exactly then
# (and `make -n` tells the truth). A rule brings it back after a clean.
bb_id_cmd = mkdir -p $(dir $(1)) && printf '%s\n' '$(2)' > $(1).tmp && \
	{ cmp -s $(1).tmp $(1) && rm -f $(1).tmp || mv $(1).tmp $(1); }
bb_cleaning := $(if $(filter-out clean distclean,$(or $(MAKECMDGOALS),all)),,yes)
define bb_id_file
$(if $(bb_cleaning),,$(shell $(call bb_id_cmd,$(1),$(2))))
$(1):
	@$(call bb_id_cmd,$(1),$(2))
endef
$(eval $(call bb_id_file,$(LIBC_DIR)/source.id,$(bb_source_id)))
$(eval $(call bb_id_file,$(LIBC_DIR)/patches.id,$(BB_PATCHES)))
$(eval $(call bb_id_file,$(LIBC_DIR)/applet.id,$(APPLET_FILES)))
$(eval $(call bb_id_file,build/selected.id,$(BB_TREE)))

.PHONY: all busybox-tree check bench baseline bloatcheck clean distclean FORCE
FORCE:

all: $(BUSYBOX)

# The configured tree, not built: for upstream's testsuite/runtest.
busybox-tree: $(LIBC_DIR)/.stamp-config

# --- The BusyBox source ------------------------------------------------------

build/dl/busybox_$(BB_VERSION).orig.tar.bz2:
	@echo "==> fetching busybox $(BB_VERSION) from Debian $(BB_SUITE)"
	@scripts/need-packages.sh apt
	@scripts/fetch-busybox.sh $(BB_VERSION) $(BB_SUITE) $(BB_SHA256) $@

# A copied tree is copied again when any file in the original changes.
ifneq ($(BUSYBOX_SRC),)
  bb_origin_deps := $(BUSYBOX_SRC)/Makefile \
	$(if $(wildcard $(LIBC_DIR)/.stamp-tree),$(if $(shell find $(BUSYBOX_SRC) \
		-newer $(LIBC_DIR)/.stamp-tree -print -quit 2>/dev/null),FORCE))
  bb_unpack := cp -a $(bb_origin)/. $(LIBC_DIR)/unpack/busybox && \
	chmod -R u+w $(LIBC_DIR)/unpack/busybox
else
  bb_origin_deps := $(bb_origin)
  bb_unpack := tar -xf $(bb_origin) -C $(LIBC_DIR)/unpack
endif

$(LIBC_DIR)/.stamp-tree: $(bb_origin_deps) $(LIBC_DIR)/source.id \
		$(LIBC_DIR)/patches.id $(BB_PATCHES)
	@echo "==> unpacking busybox $(BB_VERSION) into $(BB_TREE)"
	@scripts/need-packages.sh bzip2 xz-utils patch
	@rm -rf $(LIBC_DIR)/busybox-* $(LIBC_DIR)/unpack
	@mkdir -p $(LIBC_DIR)/unpack
	@$(bb_unpack)
	@set -- $(LIBC_DIR)/unpack/*; [ $$# -eq 1 ] || \
		{ echo "error: $(bb_origin) should hold one top directory, not: $$*" >&2; exit 1; }; \
	mv $(LIBC_DIR)/unpack/* $(BB_TREE)
	@rmdir $(LIBC_DIR)/unpack
	@for p in $(BB_PATCHES); do \
		echo "    patch $$p"; \
		patch -d $(BB_TREE) -p1 -s -N --no-backup-if-mismatch < $$p || exit 1; \
	done
	@touch $@

# iscsi-init/ must be a real directory (BusyBox's find does not follow a
# symlinked one) of symlinks into this repository. Made again when files
# appear in or vanish from applet/.
$(LIBC_DIR)/.stamp-link: $(LIBC_DIR)/.stamp-tree $(LIBC_DIR)/applet.id
	@echo "==> linking applet/, Config.in and Kbuild into $(BB_TREE)/iscsi-init/"
	@for f in Config.in Kbuild; do [ -f $$f ] || \
		{ echo "error: $$f is missing at the top of the repository (the applet's Kconfig and object list)" >&2; exit 1; }; \
	done
	@rm -rf $(BB_TREE)/iscsi-init
	@mkdir $(BB_TREE)/iscsi-init
	@ln -s $(addprefix $(CURDIR)/,$(APPLET_FILES)) $(BB_TREE)/iscsi-init/
	@touch $@

$(LIBC_DIR)/.stamp-config: $(LIBC_DIR)/.stamp-link configs/busybox.fragment \
		Config.in scripts/configure-busybox.sh
	@echo "==> configuring busybox $(BB_VERSION) from configs/busybox.fragment + Config.in"
	@scripts/configure-busybox.sh $(BB_TREE) configs/busybox.fragment Config.in
	@touch $@

# --- C libraries -------------------------------------------------------------

$(UAPI).stamp: scripts/uapi-headers.sh
	@echo "==> collecting kernel UAPI headers in $(UAPI)"
	@scripts/need-packages.sh linux-libc-dev gcc
	@scripts/uapi-headers.sh $(UAPI)
	@touch $@

$(UCLIBC_DIR)/.stamp: $(UAPI).stamp scripts/build-uclibc.sh
	@echo "==> building uClibc-ng (a few minutes, once; log in $(UCLIBC_DIR).log)"
	@scripts/need-packages.sh uclibc-source xz-utils make gcc
	@mkdir -p $(@D)
	@scripts/build-uclibc.sh $(UCLIBC_DIR) $(UAPI) > $(UCLIBC_DIR).log 2>&1 || \
		{ tail -n 40 $(UCLIBC_DIR).log; echo "error: uClibc-ng failed to build, see $(UCLIBC_DIR).log" >&2; exit 1; }
	@touch $@

# --- BusyBox -----------------------------------------------------------------

# BusyBox's own make decides what to recompile; it runs only when an input
# changed, so a second `make` does nothing. Unless our caller was given -j,
# it runs one job per core. $(call bb_make_tree,TREE) is that recipe line
# (mk/size.mk builds its copies of the tree with it too).
bb_make_tree = case " $${MAKEFLAGS%%-- *}" in *" -j"*) jobs= ;; *) jobs=-j$$(nproc) ;; esac; \
	$(MAKE) $$jobs --no-print-directory -C $(1) CC="$(bb_cc)" busybox

$(BB_TREE)/busybox: $(LIBC_DIR)/.stamp-config $(APPLET_FILES) $(bb_libc_deps)
	@echo "==> building busybox $(BB_VERSION) with $(LIBC)"
	@scripts/need-packages.sh $(bb_pkgs)
	+@$(call bb_make_tree,$(BB_TREE))
	@touch $@

$(BUSYBOX): $(BB_TREE)/busybox build/selected.id
	@echo "==> $@ is busybox $(BB_VERSION) built with $(LIBC)"
	@cp $< $@.tmp && mv -f $@.tmp $@	# a running build/busybox stays intact

# --- Convenience -------------------------------------------------------------

check: $(if $(wildcard tests/run),$(BUSYBOX))
	@[ -x tests/run ] || { echo "make check: there is no executable tests/run yet: no tests to run" >&2; exit 1; }
	@echo "==> running tests/run"
	@BUSYBOX=$(CURDIR)/$(BUSYBOX) BB_TREE=$(CURDIR)/$(BB_TREE) LIBC=$(LIBC) tests/run

bench: $(if $(wildcard tests/bench),$(BUSYBOX))
	@[ -x tests/bench ] || { echo "make bench: there is no executable tests/bench yet" >&2; exit 1; }
	@echo "==> running tests/bench"
	@BUSYBOX=$(CURDIR)/$(BUSYBOX) BB_TREE=$(CURDIR)/$(BB_TREE) LIBC=$(LIBC) tests/bench

# `make baseline`, change something, `make bloatcheck`: what grew, per symbol.
baseline: $(BUSYBOX)
	@cp $(BB_TREE)/busybox_unstripped $(LIBC_DIR)/busybox_baseline
	@echo "==> baseline saved in $(LIBC_DIR)/busybox_baseline"

bloatcheck: $(BUSYBOX)
	@[ -f $(LIBC_DIR)/busybox_baseline ] || { echo "make bloatcheck: run 'make baseline' first" >&2; exit 1; }
	@scripts/need-packages.sh python3
	@python3 $(BB_TREE)/scripts/bloat-o-meter $(LIBC_DIR)/busybox_baseline $(BB_TREE)/busybox_unstripped

# clean keeps the downloads and the uClibc-ng toolchain; distclean does not.
clean:
	rm -rf $(addprefix build/,$(LIBCS)) $(BUSYBOX) build/selected.id

distclean:
	rm -rf build
