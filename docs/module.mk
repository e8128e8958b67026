# The manual pages: docs/man/NAME.SECTION.md (pandoc markdown) rendered to $(BUILD)/man/NAME.SECTION
# with `pandoc -s -f markdown-smart -t man` (no smart dashes: `--option` stays as typed). `make man`
# renders them; `make all` does too when pandoc is installed; `make install` puts them under
# $(PREFIX)/share/man/man1 and man5. Before installing: man -l build/man/exa-hpl.1

PANDOC    ?= pandoc
MAN_SRC   := $(sort $(wildcard docs/man/*.md))
MAN_PAGES := $(patsubst docs/man/%.md,$(BUILD)/man/%,$(MAN_SRC))
HAVE_PANDOC := $(shell command -v $(PANDOC) 2>/dev/null)

.PHONY: man install-man
man: $(MAN_PAGES)

ifneq ($(HAVE_PANDOC),)
all: man
endif

# pandoc sizes every table to 70 ens, which with tbl's column gaps is wider than an 80-column
# terminal's page: the column widths are scaled down to fit.
$(BUILD)/man/%: docs/man/%.md
	@mkdir -p $(@D)
	$(PANDOC) -s -f markdown-smart -t man -o $@.tmp $<
	@perl -pi -e 's/lw\(([\d.]+)n\)/sprintf("lw(%.1fn)", $$1 * 0.85)/ge' $@.tmp
	@mv $@.tmp $@

install: install-man
install-man:
ifneq ($(HAVE_PANDOC),)
	@$(MAKE) --no-print-directory man
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 644 $(filter %.1,$(MAN_PAGES)) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(PREFIX)/share/man/man5/
else
	@echo "install: $(PANDOC) not found: the manual pages are not installed (make deps installs it)"
endif
