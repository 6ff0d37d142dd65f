# Horizons — the news site of French people abroad.
# `make help` lists the targets.

GO        ?= go
ADDR      ?= 127.0.0.1:8080
BIN       := bin/site

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: generate
generate: ## Regenerate the templ components (*_templ.go)
	$(GO) tool templ generate

.PHONY: build
build: generate ## Build the binary into bin/site
	$(GO) build -o $(BIN) ./cmd/site

.PHONY: run
run: build ## Serve the bundled content at http://127.0.0.1:8080
	$(BIN) serve -addr $(ADDR)

CONTENT   ?= content

.PHONY: check
check: ## Validate the content folder as the server would (site check; CONTENT=dir for another)
	$(GO) run ./cmd/site check -content $(CONTENT)

.PHONY: new
new: ## Create a draft article: make new RUBRIQUE=vie-pratique TITRE="Mon titre" (site new)
	@test -n "$(RUBRIQUE)" -a -n "$(TITRE)" || { echo 'usage: make new RUBRIQUE=vie-pratique TITRE="Mon titre"'; exit 2; }
	$(GO) run ./cmd/site new -content $(CONTENT) "$(RUBRIQUE)" "$(TITRE)"

.PHONY: lint
lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$'))" || { gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$'); echo 'gofmt needed'; exit 1; }
	$(GO) vet ./...

# Root installs with apt-get directly; anyone else through sudo.
SUDO      := $(shell test "$$(id -u)" -eq 0 || echo sudo)
AXE       := internal/browsertest/node_modules/axe-core/axe.min.js

.PHONY: browser-deps
browser-deps: ## Install what the browser tests need when missing: Chromium (apt-get), axe-core (npm)
	@command -v chromium >/dev/null 2>&1 || { \
		echo 'Chromium is missing: installing it with apt-get (Debian package chromium)'; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y chromium fonts-dejavu-core fonts-liberation; \
	} || { echo 'Could not install Chromium. Install it with: sudo apt-get install -y chromium'; exit 1; }
	@test -f $(AXE) || { \
		command -v npm >/dev/null 2>&1 || { \
			echo 'npm is missing: installing it with apt-get (Debian package npm)'; \
			$(SUDO) apt-get update && $(SUDO) apt-get install -y npm; \
		} && npm ci --no-audit --no-fund --prefix internal/browsertest; \
	} || { echo 'Could not install axe-core. Install npm (sudo apt-get install -y npm), then run: npm ci --prefix internal/browsertest'; exit 1; }

HTMLVALIDATE := internal/htmlcheck/node_modules/html-validate/bin/html-validate.mjs

.PHONY: html-deps
html-deps: ## Install html-validate (npm, pinned in internal/htmlcheck) when missing
	@test -f $(HTMLVALIDATE) || { \
		command -v npm >/dev/null 2>&1 || { \
			echo 'npm is missing: installing it with apt-get (Debian package npm)'; \
			$(SUDO) apt-get update && $(SUDO) apt-get install -y npm; \
		} && npm ci --no-audit --no-fund --prefix internal/htmlcheck; \
	} || { echo 'Could not install html-validate. Install npm (sudo apt-get install -y npm), then run: npm ci --prefix internal/htmlcheck'; exit 1; }

.PHONY: cluster-deps
cluster-deps: ## Install Varnish, hitch and nginx (apt-get: varnish, hitch, nginx-light) when missing: the shipped proxy configurations are tested with them
	@{ { command -v varnishd >/dev/null 2>&1 || test -x /usr/sbin/varnishd; } && \
	   { command -v hitch >/dev/null 2>&1 || test -x /usr/sbin/hitch; } && \
	   { command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; }; } || { \
		echo 'Varnish, hitch or nginx is missing: installing them with apt-get (Debian packages varnish, hitch, nginx-light)'; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y varnish hitch nginx-light; \
	} || { echo 'Could not install Varnish, hitch and nginx. Install them with: sudo apt-get install -y varnish hitch nginx-light'; exit 1; }

.PHONY: cluster
cluster: build cluster-deps ## Three replicas behind Varnish on loopback, sharing content/ (Ctrl-C stops)
	$(GO) run ./cmd/cluster -bin $(BIN) -content content -vcl deploy/varnish -work data/cluster

.PHONY: cluster-test
cluster-test: cluster-deps ## Test the replicas behind Varnish: hits, date boundaries, purges, failover, throughput
	$(GO) test -count=1 -run '^TestCluster$$' -v ./internal/cluster

.PHONY: xml-deps
xml-deps: ## Install xmllint when missing (apt-get libxml2-utils): the sitemap tests validate with it
	@command -v xmllint >/dev/null 2>&1 || { \
		echo 'xmllint is missing: installing it with apt-get (Debian package libxml2-utils)'; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y libxml2-utils; \
	} || { echo 'Could not install xmllint. Install it with: sudo apt-get install -y libxml2-utils'; exit 1; }

.PHONY: test
# Under -race these compare a sample (see internal/sitetest/race.go); they run
# again here at full size without the detector.
FULL_SIZE_TESTS = TestCrawl|TestSearchRanksAsFTS5|TestRelatedMatchesFullRanking

test: lint browser-deps html-deps cluster-deps xml-deps ## Run every test, with the race detector (browser tests and HTML validation included)
	$(GO) test -race -count=1 -timeout 20m ./...
	$(GO) test -count=1 -timeout 20m -run '^($(FULL_SIZE_TESTS))$$' ./internal/web ./internal/store

.PHONY: bench
BENCH_ARTICLES ?= 10000
BENCH_DURATION ?= 10s

.PHONY: bench-deps
bench-deps: ## Install what make bench needs when missing: wrk, nginx-light and hugo (apt-get)
	@{ command -v wrk >/dev/null 2>&1 && command -v hugo >/dev/null 2>&1 && { command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; }; } || { \
		echo 'wrk, nginx or hugo is missing: installing them with apt-get (Debian packages wrk, nginx-light, hugo)'; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y wrk nginx-light hugo; \
	} || { echo 'Could not install wrk, nginx and hugo. Install them with: sudo apt-get install -y wrk nginx-light hugo'; exit 1; }

bench: build bench-deps ## Go benchmarks, then the binary on a 10,000-article corpus vs nginx and a minimal Go handler
	$(GO) test -p 1 -run '^$$' -bench . -benchmem ./...
	$(GO) run ./cmd/bench -bin $(BIN) -n $(BENCH_ARTICLES) -d $(BENCH_DURATION)

.PHONY: bench-scale
SCALE ?= 1000,10000,100000
# PROFILES=folder: also write a CPU profile of each cold start there (coldstart-N.prof).
bench-scale: build bench-deps ## Growth table (not in make test): cold start, restart, edit, RSS, p99s, database size for SCALE articles
	$(GO) run ./cmd/bench -bin $(BIN) -scale $(SCALE) -d $(BENCH_DURATION) $(if $(PROFILES),-profiles $(PROFILES))

SOAK     ?= 5m
FUZZTIME ?= 5m
# Go's fuzzer minimises each new input before it goes on (60 s by default),
# showing 0 execs/s meanwhile: a target seeded with a whole export (FuzzReadWXR)
# then seemed stalled. A few seconds keep it fuzzing.
FUZZMINIMIZE ?= 5s
# Fuzz targets as package:Name, run one after the other by `make fuzz`.
FUZZ_TARGETS ?= internal/frdate:FuzzNextChange internal/content:FuzzArticle internal/content:FuzzSite internal/content:FuzzCategory \
	internal/content:FuzzSlugify internal/web:FuzzCanonicalPath internal/web:FuzzPageNumber \
	internal/web:FuzzRequestPath internal/search:FuzzQuery internal/search:FuzzCorrect \
	internal/content:FuzzFrench internal/content:FuzzAuthor internal/images:FuzzProbe \
	internal/importer:FuzzReadWXR internal/importer:FuzzConvert internal/web:FuzzSlugPath internal/web:FuzzCanonicalRedirect \
	internal/applog:FuzzPlainLine

.PHONY: soak
soak: ## Soak test: the real site under loopback load while articles change (SOAK=5m)
	$(GO) test -count=1 -run '^TestSoak$$' -timeout 60m -v ./internal/soak -soak=$(SOAK) -soak.workers=4

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each (seeds alone run in make test)
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== $${t#*:} ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) -parallel 1 ./$${t%%:*}; \
	done
