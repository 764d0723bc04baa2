# mk/size.mk: `make size`, what iscsi-init costs in each configuration.
#
#   make size     builds BusyBox four more times, each in a copy of the main
#                 build's tree (same libc, same configs/busybox.fragment):
#                   full      every feature of Config.in
#                   nodhcp    every feature but DHCP
#                   minimal   the table from the ACPI tables and sysfs only:
#                             no DHCP, no -p, no /dev/mem, iscsistart logs in
#                   nologin   every feature but the built-in login
#                   none      no iscsi-init at all: the baseline
#                 and prints, for the first three, bloat-o-meter's total
#                 against `none`: one line `SIZE <name> <bytes>` each; then
#                 what the built-in login costs (full against nologin):
#                 `SIZE login-text <text bytes>` and `SIZE login <bytes>`.
#
# Layout under build/size/ (git-ignored):
#   NAME/tree/              a copy (cp -a) of $(BB_TREE), configured for NAME
#   NAME/busybox            its binary (stripped, as build/busybox)
#   NAME/bloat-o-meter.txt  per symbol, what NAME adds to none
#   NAME/off.id             the symbols NAME switches off
#   tree.id                 which main tree the copies come from
#
# tests/configs builds nodhcp and minimal through the NAME/busybox targets
# and runs the applet suite against them.

SIZE_DIR := build/size
SIZE_CONFIGS := full nodhcp minimal nologin
# Applet symbols each configuration switches off (see Config.in); the rest
# of them are on.
size_off_full :=
size_off_nodhcp := FEATURE_ISCSI_INIT_DHCP
size_off_minimal := FEATURE_ISCSI_INIT_DHCP FEATURE_ISCSI_INIT_PRINT \
	FEATURE_ISCSI_INIT_DEVMEM FEATURE_ISCSI_INIT_LOGIN
size_off_nologin := FEATURE_ISCSI_INIT_LOGIN
size_off_none := ISCSI_INIT

.PHONY: size clean-size

$(eval $(call bb_id_file,$(SIZE_DIR)/tree.id,$(BB_TREE)))

# One configuration: copy the main tree once it is built (its objects make
# the copy's build short: only what the configuration changes is compiled
# again), configure it, build it.  The copy is made again when the main
# tree is made again or its iscsi-init/ links change (.stamp-link); in
# between, BusyBox's make in the copy picks up edits of the applet's files
# through the links.
define size_config
$(eval $(call bb_id_file,$(SIZE_DIR)/$(1)/off.id,$(size_off_$(1))))

$(SIZE_DIR)/$(1)/.stamp-tree: $(LIBC_DIR)/.stamp-link $(SIZE_DIR)/tree.id | $(BB_TREE)/busybox
	@echo "==> copying $(BB_TREE) to $(SIZE_DIR)/$(1)/tree"
	@rm -rf $(SIZE_DIR)/$(1)/tree
	@cp -a $(BB_TREE) $(SIZE_DIR)/$(1)/tree
	@touch $$@

$(SIZE_DIR)/$(1)/.stamp-config: $(SIZE_DIR)/$(1)/.stamp-tree $(SIZE_DIR)/$(1)/off.id \
		configs/busybox.fragment Config.in scripts/configure-busybox.sh
	@echo "==> configuring $(SIZE_DIR)/$(1)/tree$(if $(size_off_$(1)), without $(size_off_$(1)))"
	@scripts/configure-busybox.sh $(SIZE_DIR)/$(1)/tree configs/busybox.fragment \
		Config.in $(size_off_$(1))
	@touch $$@

$(SIZE_DIR)/$(1)/tree/busybox: $(SIZE_DIR)/$(1)/.stamp-config $(APPLET_FILES) $(bb_libc_deps)
	@echo "==> building busybox $(BB_VERSION) with $(LIBC), configuration $(1)"
	+@$$(call bb_make_tree,$(SIZE_DIR)/$(1)/tree)
	@touch $$@

$(SIZE_DIR)/$(1)/busybox: $(SIZE_DIR)/$(1)/tree/busybox
	@cp $$< $$@.tmp && mv -f $$@.tmp $$@
endef
$(foreach c,$(SIZE_CONFIGS) none,$(eval $(call size_config,$(c))))

# bloat-o-meter compares the symbol tables of the unstripped binaries; its
# last line ends "Total: N bytes".  The per-symbol lists stay in files; the
# five biggest growers of each are shown.
size: $(foreach c,$(SIZE_CONFIGS) none,$(SIZE_DIR)/$(c)/busybox)
	@scripts/need-packages.sh python3 binutils
	@for c in $(SIZE_CONFIGS); do \
		python3 $(BB_TREE)/scripts/bloat-o-meter \
			$(SIZE_DIR)/none/tree/busybox_unstripped \
			$(SIZE_DIR)/$$c/tree/busybox_unstripped \
			> $(SIZE_DIR)/$$c/bloat-o-meter.txt || exit 1; \
	done
	@echo "==> biggest symbols iscsi-init adds, per configuration (all of them: $(SIZE_DIR)/NAME/bloat-o-meter.txt)"
	@for c in $(SIZE_CONFIGS); do \
		awk -v c=$$c 'NR > 1 && NR <= 6 && $$NF ~ /^\+/ { s = s sep $$1 " " $$NF; sep = ", " } \
			END { printf "%-8s %s\n", c ":", s }' $(SIZE_DIR)/$$c/bloat-o-meter.txt; \
	done
	@echo "==> bytes iscsi-init adds to busybox $(BB_VERSION) ($(LIBC)), bloat-o-meter against $(SIZE_DIR)/none"
	@for c in $(SIZE_CONFIGS); do \
		n=$$(sed -n 's/.*Total: \(-\{0,1\}[0-9]*\) bytes$$/\1/p' $(SIZE_DIR)/$$c/bloat-o-meter.txt); \
		[ -n "$$n" ] || { echo "make size: no total in $(SIZE_DIR)/$$c/bloat-o-meter.txt" >&2; exit 1; }; \
		echo "SIZE $$c $$n"; \
	done
	@echo "==> the built-in login (FEATURE_ISCSI_INIT_LOGIN): full against nologin, text bytes (size(1)) and bloat-o-meter"
	@t1=$$(size $(SIZE_DIR)/full/tree/busybox_unstripped | awk 'NR == 2 { print $$1 }'); \
	t0=$$(size $(SIZE_DIR)/nologin/tree/busybox_unstripped | awk 'NR == 2 { print $$1 }'); \
	echo "SIZE login-text $$((t1 - t0)) (aim: 12288)"; \
	python3 $(BB_TREE)/scripts/bloat-o-meter $(SIZE_DIR)/nologin/tree/busybox_unstripped \
		$(SIZE_DIR)/full/tree/busybox_unstripped > $(SIZE_DIR)/login-bloat-o-meter.txt; \
	echo "SIZE login $$(sed -n 's/.*Total: \(-\{0,1\}[0-9]*\) bytes$$/\1/p' $(SIZE_DIR)/login-bloat-o-meter.txt)"

clean: clean-size
clean-size:
	rm -rf $(SIZE_DIR)
