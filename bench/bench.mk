# Benchmarks (docs/benchmarks.md). Not part of `make test`: they take minutes and want a quiet machine.
# fortio is built from its Go module at the version pinned in bench/lib/fortio.ts, cached outside the repo.
WEFT_BIN_CACHE ?= $(HOME)/.cache/weft/bin
FORTIO_VERSION := $(shell sed -n "s/^export const FORTIO_VERSION = '\(.*\)';/\1/p" bench/lib/fortio.ts)
FORTIO := $(WEFT_BIN_CACHE)/fortio-$(FORTIO_VERSION)/fortio
BENCH_ARGS ?=

.PHONY: bench bench-full bench-cores bench-tools bench-report

$(FORTIO):
	@echo "==> building fortio v$(FORTIO_VERSION) from its Go module (cached in $(WEFT_BIN_CACHE))"
	PATH="$$PATH:/usr/local/go/bin" GOBIN=$(abspath $(dir $(FORTIO))) go install fortio.org/fortio@v$(FORTIO_VERSION)

bench-tools: $(FORTIO) ## build fortio and install nginx and HAProxy (Debian packages) if missing
	@if ! command -v nginx >/dev/null || ! command -v haproxy >/dev/null; then \
	  echo "==> installing nginx and haproxy (Debian packages)"; \
	  [ "$$(id -u)" = 0 ] || { echo "run as root, or install nginx and haproxy yourself"; exit 1; }; \
	  export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1; \
	  apt-get install -y -q nginx haproxy >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q nginx haproxy; }; \
	fi

bench: build bench-tools ## data-plane benchmarks, every scenario in one run (a few minutes); writes bench/results and bench/BENCHMARKS.md
	WEFT_BIN_CACHE=$(WEFT_BIN_CACHE) node dist/bench/run.js --profile quick $(BENCH_ARGS)

bench-full: build bench-tools ## the same with 30 s rows, twice (about half an hour)
	WEFT_BIN_CACHE=$(WEFT_BIN_CACHE) node dist/bench/run.js --profile full $(BENCH_ARGS)

bench-cores: build bench-tools ## the forwarding-core comparison behind docs/decisions/0600
	WEFT_BIN_CACHE=$(WEFT_BIN_CACHE) node dist/bench/run.js --profile cores --name forwarding-cores --no-report \
	  --only direct,nginx-pair,haproxy-pair,core-http-proxy,core-node-http,core-undici $(BENCH_ARGS)

bench-report: build ## regenerate bench/BENCHMARKS.md from the newest data-plane results file
	node dist/bench/report/main.js "$$(ls -t bench/results/*-data-plane.json | head -1)"
