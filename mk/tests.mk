# Test side: cmocka unit tests of the pure parsers, the mkibft table
# writer, and a libFuzzer target.  Included by the top Makefile; every
# output goes under build/tests/.
#   make unit     build and run the unit tests (PASS:/FAIL: per case);
#                 UNIT_TESTS="plan lease" picks some
#   make mkibft   build build/tests/mkibft (used by shell and QEMU tests)
#   make fuzz     build the fuzzers (the iBFT parser; root-path, lease
#                 record and DNS reply; login response, text keys and
#                 CHAP values), seed them and run each briefly
#                 (FUZZ_RUNS=20000, FUZZ_FLAGS=-seed=1 for a fixed run;
#                 needs clang).  tests/fuzz/run is make check's suite.
# Needs: gcc, libcmocka-dev, libssl-dev (test_chap's and test_login's hashes,
# tests/lib/chap_openssl.c); clang and its libFuzzer runtime for fuzz.

REPO ?= $(CURDIR)
TESTS_OUT := $(REPO)/build/tests

TESTS_CC ?= gcc
TESTS_CLANG ?= clang
TESTS_CFLAGS ?= -std=gnu99 -O1 -g -Wall -Wextra
TESTS_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
TESTS_CMOCKA_LIBS ?= -lcmocka
FUZZ_RUNS ?= 20000
FUZZ_FLAGS ?=

TESTS_BUILDER := $(REPO)/tests/lib/ibft_builder.c
# Every header a test program may include: a new one needs no edit here.
TESTS_HEADERS = $(wildcard $(REPO)/applet/*.h $(REPO)/tests/lib/*.h)

# ---- test programs ----
# build/tests/NAME comes from tests/unit/NAME.c (or tests/fuzz/NAME.c) and
# the applet files NAME_SRCS names, plus the tests/lib/ files in NAME_LIB;
# NAME_CFLAGS adds flags, NAME_LIBS libraries.  A new tests/unit/test_X.c needs one line here:
# test_X_SRCS := the applet .c files it tests.
test_ibft_SRCS := ibft.c
test_ibft_LIB := ibft_builder.c
test_plan_SRCS := plan.c plan_cmd.c plan_lease.c lease.c rootpath.c iscsi_name.c ibft.c
test_plan_lease_SRCS := plan.c plan_cmd.c plan_lease.c lease.c rootpath.c iscsi_name.c ibft.c
test_sysfs_SRCS := ibft_sysfs.c ibft.c
test_rootpath_SRCS := rootpath.c iscsi_name.c ibft.c
test_rootpath_CFLAGS := -Wno-missing-field-initializers
test_lease_SRCS := lease.c rootpath.c iscsi_name.c dns.c ibft.c
test_iscsi_name_SRCS := iscsi_name.c
test_lease_chap_SRCS := lease.c plan.c plan_cmd.c plan_lease.c rootpath.c iscsi_name.c ibft.c
test_login_pdu_SRCS := login_pdu.c
test_chap_SRCS := chap.c login_pdu.c
test_chap_LIB := chap_openssl.c
test_chap_LIBS := -lcrypto
test_login_SRCS := login.c login_pdu.c chap.c
test_login_LIB := chap_openssl.c
test_login_LIBS := -lcrypto

fuzz_ibft_SRCS := ibft.c
fuzz_dhcp_SRCS := rootpath.c iscsi_name.c lease.c dns.c ibft.c
fuzz_login_SRCS := login.c login_pdu.c chap.c

# How each kind is compiled and linked, and what it needs first.
tests_unit_cc = $(TESTS_CC) $(TESTS_CFLAGS) $(TESTS_SAN)
tests_unit_libs = $(TESTS_CMOCKA_LIBS)
tests_unit_needs := tests-deps
tests_fuzz_cc = $(TESTS_CLANG) -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all
tests_fuzz_libs :=
tests_fuzz_needs := fuzz-deps

# $(call tests_program,KIND,NAME): the rule for build/tests/NAME
define tests_program
$(TESTS_OUT)/$(2): $(REPO)/tests/$(1)/$(2).c $(addprefix $(REPO)/applet/,$($(2)_SRCS)) \
		$(addprefix $(REPO)/tests/lib/,$($(2)_LIB)) $(TESTS_HEADERS) | $(TESTS_OUT) $(tests_$(1)_needs)
	$$(tests_$(1)_cc) $$($(2)_CFLAGS) -o $$@ $$(filter %.c,$$^) $$(tests_$(1)_libs) $$($(2)_LIBS)
endef

# Unit tests: one per tests/unit/test_*.c.  `make unit UNIT_TESTS="plan
# lease"` builds and runs only those (test_plan or plan).
TESTS_UNIT := $(sort $(basename $(notdir $(wildcard $(REPO)/tests/unit/test_*.c))))
TESTS_UNIT_BINS := $(addprefix $(TESTS_OUT)/,$(TESTS_UNIT))
TESTS_FUZZ := fuzz_ibft fuzz_dhcp fuzz_login
$(foreach t,$(TESTS_UNIT),$(eval $(call tests_program,unit,$(t))))
$(foreach t,$(TESTS_FUZZ),$(eval $(call tests_program,fuzz,$(t))))

UNIT_TESTS ?=
tests_unit_pick := $(patsubst test_test_%,test_%,$(addprefix test_,$(UNIT_TESTS)))
tests_unit_unknown := $(filter-out $(TESTS_UNIT),$(tests_unit_pick))
TESTS_UNIT_RUN := $(addprefix $(TESTS_OUT)/,$(or $(tests_unit_pick),$(TESTS_UNIT)))
$(if $(tests_unit_unknown),$(error UNIT_TESTS: no tests/unit/$(firstword $(tests_unit_unknown)).c))

.PHONY: unit mkibft fuzz fuzz-deps tests-clean

$(TESTS_OUT):
	mkdir -p $@

mkibft: $(TESTS_OUT)/mkibft

$(TESTS_OUT)/mkibft: $(REPO)/tests/mkibft.c $(TESTS_BUILDER) $(TESTS_HEADERS) | $(TESTS_OUT)
	$(TESTS_CC) $(TESTS_CFLAGS) -o $@ $(REPO)/tests/mkibft.c $(TESTS_BUILDER)

unit: $(TESTS_UNIT_RUN)
	UBSAN_OPTIONS=print_stacktrace=1 \
		sh $(REPO)/tests/unit/run-tap.sh $(TESTS_OUT)/unit $(TESTS_UNIT_RUN)

# ---- fuzzing ----
TESTS_FUZZ_CORPUS := $(TESTS_OUT)/fuzz-corpus/ibft

# Seeds: a few well-formed tables in different shapes, made at build time.
$(TESTS_FUZZ_CORPUS)/.stamp: $(TESTS_OUT)/mkibft
	rm -rf $(TESTS_FUZZ_CORPUS) && mkdir -p $(TESTS_FUZZ_CORPUS)
	$(TESTS_OUT)/mkibft -o $(TESTS_FUZZ_CORPUS)/empty
	$(TESTS_OUT)/mkibft -o $(TESTS_FUZZ_CORPUS)/one \
		--initiator iqn.2024-01.org.example:client \
		--nic mac=52:54:00:12:34:56,ip=10.0.2.15/24,gw=10.0.2.2,dns1=10.0.2.3,origin=3,hostname=client \
		--target ip=10.0.2.100,lun=1,name=iqn.2024-01.org.example:disk
	$(TESTS_OUT)/mkibft -o $(TESTS_FUZZ_CORPUS)/chap --align 1 \
		--initiator iqn.2024-01.org.example:client \
		--nic mac=52:54:00:12:34:56,ip=10.0.2.15/24,vlan=5 \
		--nic mac=52:54:00:12:34:57,ip=2001:db8::15/64,gw=fe80::1,index=1 \
		--target ip=10.0.2.100,lun=raw:4001000000000000,name=iqn.2024-01.org.example:a,chap=u:secret1 \
		--target nic=1,ip=2001:db8::100,port=3261,name=iqn.2024-01.org.example:b,chap=u:s,rchap=r:t
	$(TESTS_OUT)/mkibft -o $(TESTS_FUZZ_CORPUS)/three \
		--nic ip=10.0.2.15/24 --nic ip=10.0.3.15/24,index=1 --nic ip=10.0.4.15/24,index=2 \
		--target name=iqn.2024-01.org.example:a --target none \
		--target nic=2,name=iqn.2024-01.org.example:c
	touch $@

# What a DHCP server controls: root-path, the lease record, DNS replies.
TESTS_FUZZ_DHCP_CORPUS := $(TESTS_OUT)/fuzz-corpus/dhcp

$(TESTS_FUZZ_DHCP_CORPUS)/.stamp: $(REPO)/mk/tests.mk
	rm -rf $(TESTS_FUZZ_DHCP_CORPUS) && mkdir -p $(TESTS_FUZZ_DHCP_CORPUS)
	cd $(TESTS_FUZZ_DHCP_CORPUS) && \
	printf 'iscsi:10.0.0.1::::iqn.2026-11.org.example:disk' >rp1 && \
	printf 'iscsi:[2001:db8::1]:6:3261:4001-0002:iqn.2026-11.org.example:a@b:c' >rp2 && \
	printf 'iscsi:user:pass:in:inpass@san.example.org:::eth0:1:iqn.x' >rp3 && \
	printf 'ip=10.1.0.50\0mask=24\0router=10.1.0.1\0dns=10.1.0.53 10.9.9.9\0hostname=node7\0rootpath=iscsi:10.1.0.1::3260:1:iqn.x\0opt203=69716e2e78\0staticroutes=192.168.50.0/24 10.1.0.254 0.0.0.0/0 10.1.0.1\0' >lease1 && \
	printf '\022\064\201\200\000\001\000\001\000\000\000\000\003san\007example\000\000\001\000\001\300\014\000\001\000\001\000\000\000\074\000\004\012\001\000\115' >dns1 && \
	printf '\014\006node7\000\017\013example.org\021\054iscsi:10.1.0.1::::iqn.2026-11.org.example:d\000\313\036iqn.2026-11.org.example:node1\000\167\024\007example\003org\000\004corp\300\000\000\257\035\276\005alice\277\006s3cret\300\003tgt\301\007s3cret2\377' >options1 && \
	printf '\064\001\003\377' >overload1 && \
	printf 'ip=10.1.0.50\0packet=%0472d63825363%s\0' 0 0c056e6f6465370011020000cb03697175ff >lease2
	touch $@

# What an iSCSI target controls at login: Login Responses (a 48-byte
# header, class/detail and text as tgtd answers), and bare key=value text.
TESTS_FUZZ_LOGIN_CORPUS := $(TESTS_OUT)/fuzz-corpus/login

# $(call login_rsp,BYTE1,CLASS,DETAIL,TEXT,FILE): a Login Response
login_rsp = t='$(4)'; n=$$(printf "$$t" | wc -c); \
	printf '\043\$(1)\000\000\000\000\000'"\\$$(printf %o $$n)" >$(5) && \
	printf '\000\002\075\000\000\001\001\001\022\064\126\170\000\000\000\000' >>$(5) && \
	printf '\000\000\000\007\000\000\000\005\000\000\000\006\$(2)\$(3)' >>$(5) && \
	printf '\000\000\000\000\000\000\000\000\000\000' >>$(5) && \
	printf "$$t" >>$(5) && printf '\000\000\000' | head -c $$(( (4 - n % 4) % 4 )) >>$(5)

$(TESTS_FUZZ_LOGIN_CORPUS)/.stamp: $(REPO)/mk/tests.mk
	rm -rf $(TESTS_FUZZ_LOGIN_CORPUS) && mkdir -p $(TESTS_FUZZ_LOGIN_CORPUS)
	cd $(TESTS_FUZZ_LOGIN_CORPUS) && \
	$(call login_rsp,201,000,000,AuthMethod=None\000TargetPortalGroupTag=1\000,sec) && \
	$(call login_rsp,001,000,000,AuthMethod=CHAP\000,chap0) && \
	$(call login_rsp,001,000,000,CHAP_A=5\000CHAP_I=58\000CHAP_C=0x0123456789abcdef0123456789abcdef\000,chap1) && \
	$(call login_rsp,207,000,000,HeaderDigest=None\000DataDigest=None\000MaxRecvDataSegmentLength=65536\000MaxBurstLength=262144\000FirstBurstLength=65536\000InitialR2T=Yes\000ImmediateData=Yes\000ErrorRecoveryLevel=0\000DefaultTime2Wait=2\000DefaultTime2Retain=0\000MaxOutstandingR2T=1\000,op) && \
	$(call login_rsp,000,002,001,,authfail) && \
	$(call login_rsp,000,001,001,TargetAddress=10.0.0.2:3260\0541\000,redirect) && \
	printf 'MaxBurstLength=1048576\000HeaderDigest=CRC32C,None\000X-a=NotUnderstood\000' >text1 && \
	printf 'CHAP_N=tgt\000CHAP_R=0bAAECAwQFBgcICQoLDA0ODw==\000' >text2
	touch $@

# clang's libFuzzer runtime is only "recommended" by Debian's clang.
fuzz-deps:
	@$(REPO)/scripts/need-packages.sh clang
	@$(REPO)/scripts/need-packages.sh libclang-rt-$$($(TESTS_CLANG) -dumpversion | cut -d. -f1)-dev

fuzz: fuzz-deps $(TESTS_OUT)/fuzz_ibft $(TESTS_FUZZ_CORPUS)/.stamp \
		$(TESTS_OUT)/fuzz_dhcp $(TESTS_FUZZ_DHCP_CORPUS)/.stamp \
		$(TESTS_OUT)/fuzz_login $(TESTS_FUZZ_LOGIN_CORPUS)/.stamp
	rm -rf $(TESTS_OUT)/fuzz-work
	mkdir -p $(TESTS_OUT)/fuzz-work/ibft $(TESTS_OUT)/fuzz-work/dhcp \
		$(TESTS_OUT)/fuzz-work/login
	$(TESTS_OUT)/fuzz_ibft $(FUZZ_FLAGS) -runs=$(FUZZ_RUNS) -max_len=4096 \
		-artifact_prefix=$(TESTS_OUT)/fuzz-ibft- \
		$(TESTS_OUT)/fuzz-work/ibft $(TESTS_FUZZ_CORPUS)
	$(TESTS_OUT)/fuzz_dhcp $(FUZZ_FLAGS) -runs=$(FUZZ_RUNS) -max_len=2048 \
		-artifact_prefix=$(TESTS_OUT)/fuzz-dhcp- \
		$(TESTS_OUT)/fuzz-work/dhcp $(TESTS_FUZZ_DHCP_CORPUS)
	$(TESTS_OUT)/fuzz_login $(FUZZ_FLAGS) -runs=$(FUZZ_RUNS) -max_len=9300 \
		-artifact_prefix=$(TESTS_OUT)/fuzz-login- \
		$(TESTS_OUT)/fuzz-work/login $(TESTS_FUZZ_LOGIN_CORPUS)

tests-clean:
	rm -rf $(TESTS_OUT)

# tests/run needs the table writer
check: mkibft

# What the unit and applet tests need on a fresh machine.
.PHONY: tests-deps
tests-deps:
	@scripts/need-packages.sh gcc libcmocka-dev libssl-dev iproute2 util-linux coreutils
$(TESTS_OUT)/mkibft: | tests-deps
check: tests-deps
