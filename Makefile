# weft — every target does its own set-up, so each works on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help
RESULTS := .vitest-results
VITEST_JSON = --reporter=default --reporter=json --outputFile.json=$(RESULTS)/$(1).json

.PHONY: help setup build lint typecheck imports check unit test clean

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

node_modules/.weft-installed: package.json package-lock.json
	@echo "==> installing npm dependencies (npm ci)"
	npm ci --no-audit --no-fund
	@touch $@

setup: node_modules/.weft-installed ## install dependencies (npm packages; gcc and libc6-dev for the native addon)
	@sh scripts/build-native.sh --toolchain

build: setup ## compile TypeScript into dist/ (and the native addon into dist/native/)
	@echo "==> compiling TypeScript"
	npm run --silent build

lint: setup ## ESLint, with weft's bans
	@echo "==> lint"
	npx eslint .

typecheck: setup ## strict type check of everything, tests included
	@echo "==> type check"
	npx tsc -p tsconfig.json --noEmit

imports: setup ## import-graph check: no import cycles, every import resolves (dependency-cruiser, docs/decisions/0002)
	@echo "==> import graph"
	npm run --silent imports

check: lint typecheck imports ## lint, type check and import-graph check

# The interception tests that run as root use network namespaces, both iptables backends and setpriv.
unit: build ## unit and integration tests (real sockets and processes on loopback, no cluster)
	@if [ "$$(id -u)" = 0 ]; then sh scripts/apt-ensure.sh iptables:iptables-legacy iptables:iptables-nft iproute2:ip util-linux:setpriv; fi
	@mkdir -p $(RESULTS)
	npx vitest run $(call VITEST_JSON,unit)

# Every suite runs even when an earlier one fails, so one run reports every failure; the cluster is
# always torn down (e2e-ci), and the last line is the summary CI reads.
test: check build ## THE test command: everything CI runs (unit, then e2e on the local cluster; needs root)
	@rm -rf $(RESULTS); rc=0; \
	$(MAKE) --no-print-directory unit || rc=1; \
	$(MAKE) --no-print-directory e2e-ci || rc=1; \
	node scripts/test-summary.mjs $(RESULTS) unit e2e || rc=1; \
	exit $$rc

clean: ## remove build output and test results
	rm -rf dist $(RESULTS)

# Each area adds its own targets (e2e/e2e.mk: cluster-up, e2e, demo; bench/bench.mk: bench; sidecar/sidecar.mk: demo-local).
-include sidecar/*.mk control-plane/*.mk e2e/*.mk bench/*.mk
