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

.PHONY: check
check: ## Validate the bundled content (site check)
	$(GO) run ./cmd/site check

.PHONY: lint
lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$'))" || { gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$'); echo 'gofmt needed'; exit 1; }
	$(GO) vet ./...

.PHONY: test
test: lint ## Run every test, with the race detector
	$(GO) test -race -count=1 ./...

.PHONY: bench
bench: ## Run the benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...
