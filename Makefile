# weft — every target does its own set-up, so each works on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help
RESULTS := .vitest-results
VITEST_JSON = --reporter=default --reporter=json --outputFile.json=$(RESULTS)/$(1).json

.PHONY: help setup build lint typecheck check unit test clean

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

node_modules/.weft-installed: package.json package-lock.json
	@echo "==> installing npm dependencies (npm ci)"
	npm ci --no-audit --no-fund
	@touch $@

setup: node_modules/.weft-installed ## install dependencies

build: setup ## compile TypeScript into dist/
	@echo "==> compiling TypeScript"
	npm run --silent build

lint: setup ## ESLint, with weft's bans
	@echo "==> lint"
	npx eslint .

typecheck: setup ## strict type check of everything, tests included
	@echo "==> type check"
	npx tsc -p tsconfig.json --noEmit

check: lint typecheck ## lint and type check

unit: setup ## unit and integration tests (real sockets and processes on loopback, no cluster)
	@mkdir -p $(RESULTS)
	npx vitest run $(call VITEST_JSON,unit)

test: check build unit ## THE test command: everything CI runs
	@node scripts/test-summary.mjs $(RESULTS)

clean: ## remove build output and test results
	rm -rf dist $(RESULTS)

# Each area adds its own targets (e2e/e2e.mk: cluster-up, e2e; bench/bench.mk: bench; sidecar/sidecar.mk: demo).
-include sidecar/*.mk control-plane/*.mk e2e/*.mk bench/*.mk
