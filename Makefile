# sshd-lite: `make` builds the server, `make check` runs every test.
CC ?= cc
PKGS = libtomcrypt libtommath zlib
CFLAGS ?= -O2 -g
# override: `make CFLAGS=...` (a sanitizer build) keeps what the code needs
override CFLAGS += -std=c11 -D_GNU_SOURCE -DLTM_DESC -Wall -Wextra -I. $(shell pkg-config --cflags $(PKGS))
# The crypto libraries and zlib are linked in: a process started for every
# connection then skips resolving their thousands of symbols, maps only
# what it uses and never loads libgmp (libtomcrypt's other math provider).
# `make LINK=shared` links them dynamically.
LINK ?= static
ifeq ($(LINK),static)
override LDLIBS += -Wl,-Bstatic $(shell pkg-config --libs $(PKGS)) -Wl,-Bdynamic -lutil
else
override LDLIBS += $(shell pkg-config --libs $(PKGS)) -lutil
endif
# libpam and libcrypt are the system's and not linked: each is loaded with
# dlopen where it is first needed (services/pam_lib.c in the PAM process,
# services/crypt_lib.c at the first password check), so a connection that
# needs neither never maps them; linked, every exec mapped and relocated
# them, and every fork and exit carried them. PAM (UsePAM) is built when
# its header is installed; `make USE_PAM=0` builds without. dlopen is
# libc's own since glibc 2.34; -ldl only where it is not (as-needed: no
# libdl otherwise).
USE_PAM ?= $(shell test -e /usr/include/security/pam_appl.h && echo 1 || echo 0)
ifeq ($(USE_PAM),1)
override CFLAGS += -DUSE_PAM=1
endif
override LDLIBS += -Wl,--push-state,--as-needed -ldl -Wl,--pop-state
# A sanitizer build links libcrypt after all: its runtime intercepts
# crypt_r and finds the real one only among the libraries loaded at start,
# so a PAM module calling it after a dlopen'd libcrypt jumped to address 0.
ifneq ($(findstring -fsanitize,$(CFLAGS)),)
override LDLIBS += -Wl,--push-state,--no-as-needed -lcrypt -Wl,--pop-state
endif
# Full RELRO, as Debian builds OpenSSH and Dropbear: every symbol bound at
# exec and the GOT made read-only. The forked processes then look nothing
# up (lazily, a first call in the user's process resolved it there,
# touching the symbol tables of the binary, libc and the loader).
override LDFLAGS += -Wl,-z,relro,-z,now
VECTORS ?= $(abspath tests/vectors)
BUILD ?= build
# the server binary; a second build goes elsewhere, e.g.
#   make BUILD=build-asan BIN=build-asan/sshd-lite CFLAGS='-O1 -g -fsanitize=address,undefined' check
BIN ?= sshd-lite

LIBSRC = $(sort $(wildcard transport/*.c kex/*.c services/*.c config/*.c monitor/*.c privsep/*.c)) wiring.c
LIBOBJ = $(LIBSRC:%.c=$(BUILD)/%.o)
TESTSRC = $(sort $(wildcard tests/unit/test_*.c))
TESTBIN = $(TESTSRC:tests/unit/%.c=$(BUILD)/tests/%)
TESTLIB = $(BUILD)/tests/vec.o $(BUILD)/tests/memconn.o

all: $(BIN)

$(BIN): $(BUILD)/sshd-lite.o $(LIBOBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ) $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $< $(LIBOBJ) $(TESTLIB) $(LDLIBS)

tests: $(BIN) $(TESTBIN)

check: tests
	VECTORS='$(VECTORS)' BUILD='$(BUILD)' SSHD_LITE='$(abspath $(BIN))' tests/run

# builds, then logs in through OpenSSH's ssh with throwaway keys (tests/demo.sh)
demo: $(BIN)
	SSHD_LITE='$(abspath $(BIN))' tests/demo.sh

clean:
	rm -rf $(BUILD) $(BIN)

# `make install PREFIX=/usr DESTDIR=/tmp/pkg` for packaging
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
# Privilege separation's account and chroot (privsep/sandbox.h), made as
# Debian's openssh-server makes them; a package (DESTDIR) makes them in
# its postinst instead, so install skips them then. The two names are
# variables for tests/interop/t_install only: the server's are compiled in.
PRIVSEP_USER ?= sshd
PRIVSEP_DIR ?= /run/sshd
install: sshd-lite
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(TMPFILESDIR)
	install -m 755 sshd-lite $(DESTDIR)$(SBINDIR)/sshd-lite
	install -m 644 man/sshd-lite.8 $(DESTDIR)$(MANDIR)/man8/sshd-lite.8
	install -m 644 contrib/tmpfiles.d/sshd-lite.conf $(DESTDIR)$(TMPFILESDIR)/sshd-lite.conf
	install -d $(DESTDIR)/etc/pam.d
	test -e $(DESTDIR)/etc/pam.d/sshd-lite || install -m 644 contrib/pam.d/sshd-lite $(DESTDIR)/etc/pam.d/sshd-lite
	test -n "$(DESTDIR)" || $(MAKE) --no-print-directory install-privsep

# a system account in nogroup, home the chroot, no shell, no home made;
# the directory now (tmpfiles.d makes it at boot): root's, mode 0755
install-privsep:
	getent passwd $(PRIVSEP_USER) >/dev/null || \
		adduser --system --quiet --home $(PRIVSEP_DIR) --no-create-home --shell /usr/sbin/nologin \
			$(PRIVSEP_USER) 2>/dev/null || \
		useradd --system --home-dir $(PRIVSEP_DIR) --no-create-home --shell /usr/sbin/nologin \
			--gid nogroup $(PRIVSEP_USER)
	install -d -m 0755 -o root -g root $(PRIVSEP_DIR)

# the account stays (files may belong to it), as Debian's package leaves it
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/sshd-lite $(DESTDIR)$(MANDIR)/man8/sshd-lite.8 \
		$(DESTDIR)$(TMPFILESDIR)/sshd-lite.conf

# side by side with Dropbear and OpenSSH (needs root); QUICK=1 for a short
# run; BASELINE=binary-or-git-revision adds an older sshd-lite beside it
# (issue 13's "at most 1 ms above today's"); ONLY=cheap for issue 13's table
bench: $(BIN)
	SSHD_LITE='$(abspath $(BIN))' bench/bench.py $(if $(QUICK),--quick) $(if $(BASELINE),--baseline '$(BASELINE)') \
		$(if $(ONLY),--only '$(ONLY)')

.PHONY: all tests check clean demo bench install install-privsep uninstall
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

include fuzz/fuzz.mk

# static analysis, not part of check: tests/lint (choices in .clang-tidy)
lint:
	tests/lint
.PHONY: lint
