# Builds and installs Stretchcue: the program, its sounds, the systemd units,
# an example config, the manual and shell completions (bash, zsh, fish).
# On a Raspberry Pi OS or Debian machine with Swift:
#   make && sudo make install && sudo systemctl enable --now stretchcue
# DESTDIR and PREFIX work as usual; `make install-built BINARY=FILE` installs
# a program built elsewhere (copied from another machine) without building.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share/stretchcue
UNITDIR ?= /etc/systemd/system
CONFIGDIR ?= /etc/stretchcue
BINARY ?= .build/release/stretchcue
MANDIR = $(PREFIX)/share/man/man1
BASHCOMPLETIONDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPLETIONDIR = $(PREFIX)/share/zsh/site-functions
FISHCOMPLETIONDIR = $(PREFIX)/share/fish/vendor_completions.d

.PHONY: all build install install-built uninstall man

all: build

build:
	.ci/setup
	swift build -c release --static-swift-stdlib

install: build install-built

# The manual, docs/stretchcue.1, written from the program's help by
# swift-argument-parser's GenerateManual plugin: run it after changing a
# command or option (InstallTests fails until then). It is kept in the
# repository so that install-built needs no Swift; the person's config is
# written ~/ rather than the home of whoever ran this.
man:
	env -u XDG_CONFIG_HOME -u STATE_DIRECTORY swift package plugin generate-manual --configuration debug
	sed 's|$(HOME)/|~/|g' .build/plugins/GenerateManual/outputs/stretchcue/stretchcue.1 > docs/stretchcue.1

install-built:
	install -D -m 0755 $(BINARY) $(DESTDIR)$(BINDIR)/stretchcue
	install -d $(DESTDIR)$(SHAREDIR)/Sounds/voice
	install -m 0644 Sounds/voice/*.wav Sounds/voice/prompts.txt Sounds/voice/pack.yaml Sounds/voice/loudness.yaml $(DESTDIR)$(SHAREDIR)/Sounds/voice/
	cp -R Sounds/packs $(DESTDIR)$(SHAREDIR)/Sounds/
	# The documentation, the licence and the sounds' notices.
	install -m 0644 README.md LICENSE NOTICE $(DESTDIR)$(SHAREDIR)/
	install -m 0644 Sounds/README.md $(DESTDIR)$(SHAREDIR)/Sounds/
	install -d $(DESTDIR)$(SHAREDIR)/docs
	install -m 0644 docs/*.md $(DESTDIR)$(SHAREDIR)/docs/
	install -D -m 0644 docs/stretchcue.1 $(DESTDIR)$(MANDIR)/stretchcue.1
	# Shell completions, written by the program (swift-argument-parser): they
	# ask it for routines, packs, devices and ctl requests when TAB is pressed.
	install -d $(DESTDIR)$(BASHCOMPLETIONDIR) $(DESTDIR)$(ZSHCOMPLETIONDIR) $(DESTDIR)$(FISHCOMPLETIONDIR)
	$(BINARY) --generate-completion-script bash > $(DESTDIR)$(BASHCOMPLETIONDIR)/stretchcue
	$(BINARY) --generate-completion-script zsh > $(DESTDIR)$(ZSHCOMPLETIONDIR)/_stretchcue
	$(BINARY) --generate-completion-script fish > $(DESTDIR)$(FISHCOMPLETIONDIR)/stretchcue.fish
	chmod 0644 $(DESTDIR)$(BASHCOMPLETIONDIR)/stretchcue $(DESTDIR)$(ZSHCOMPLETIONDIR)/_stretchcue $(DESTDIR)$(FISHCOMPLETIONDIR)/stretchcue.fish
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g; s|@SHAREDIR@|$(SHAREDIR)|g' systemd/stretchcue.service > $(DESTDIR)$(UNITDIR)/stretchcue.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/stretchcue.service
	# A session every day (07:30 unless edited): off until enabled.
	sed 's|@BINDIR@|$(BINDIR)|' systemd/stretchcue-daily.service > $(DESTDIR)$(UNITDIR)/stretchcue-daily.service
	install -m 0644 systemd/stretchcue-daily.timer $(DESTDIR)$(UNITDIR)/
	chmod 0644 $(DESTDIR)$(UNITDIR)/stretchcue-daily.service
	# The remote (a web page for a phone): off until enabled.
	sed 's|@BINDIR@|$(BINDIR)|g; s|@SHAREDIR@|$(SHAREDIR)|g' systemd/stretchcue-remote.service > $(DESTDIR)$(UNITDIR)/stretchcue-remote.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/stretchcue-remote.service
	# Drop-ins the unit may need (network, GPIO): examples, not put in effect.
	install -d $(DESTDIR)$(SHAREDIR)/systemd
	install -m 0644 systemd/network.conf systemd/gpio.conf $(DESTDIR)$(SHAREDIR)/systemd/
	install -d $(DESTDIR)$(CONFIGDIR)
	# A config already there is the user's: never written over.
	[ -e $(DESTDIR)$(CONFIGDIR)/config.yaml ] || install -m 0644 systemd/config.yaml $(DESTDIR)$(CONFIGDIR)/config.yaml

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stretchcue $(DESTDIR)$(UNITDIR)/stretchcue.service
	rm -f $(DESTDIR)$(UNITDIR)/stretchcue-daily.service $(DESTDIR)$(UNITDIR)/stretchcue-daily.timer
	rm -f $(DESTDIR)$(UNITDIR)/stretchcue-remote.service
	rm -f $(DESTDIR)$(MANDIR)/stretchcue.1
	rm -f $(DESTDIR)$(BASHCOMPLETIONDIR)/stretchcue $(DESTDIR)$(ZSHCOMPLETIONDIR)/_stretchcue $(DESTDIR)$(FISHCOMPLETIONDIR)/stretchcue.fish
	rm -rf $(DESTDIR)$(SHAREDIR)
