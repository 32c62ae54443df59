# Benchmarks (docs/benchmarks.md). Not part of `make test`: they take minutes and want a quiet machine.
# fortio is built from its Go module at the version pinned in bench/lib/fortio.ts, cached outside the repo.
WEFT_BIN_CACHE ?= $(HOME)/.cache/weft/bin
FORTIO_VERSION := $(shell sed -n "s/^export const FORTIO_VERSION = '\(.*\)';/\1/p" bench/lib/fortio.ts)
FORTIO := $(WEFT_BIN_CACHE)/fortio-$(FORTIO_VERSION)/fortio
BENCH_ARGS ?=

.PHONY: bench bench-full bench-cores bench-tools bench-report bench-control-plane bench-push

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
	  --only direct,nginx-pair,haproxy-pair,core-http-proxy,core-node-http,core-undici,core-heads,core-tcp $(BENCH_ARGS)

# One proxy's full-snapshot push over loopback (docs/decisions/0501): BENCH_PUSH_ARGS="services endpoints-per-service".
BENCH_PUSH_ARGS ?= 1000 3
bench-push: build ## one proxy's full-snapshot push for 1000 services over loopback: size, build, send, validate and ACK (seconds)
	node dist/bench/control-plane/measure-push.js $(BENCH_PUSH_ARGS)

bench-report: build ## regenerate bench/BENCHMARKS.md from the newest data-plane and the newest control-plane results files
	node dist/bench/report/main.js

# The api-server scope runs inside the cluster's network namespace (where the API server's address
# is). A cluster that was down is brought up for it and taken down again; one that was up stays up.
BENCH_CP_ARGS ?=
bench-control-plane: build e2e-cli ## control-plane benchmarks: fan-out, and api-server on the local cluster (brought up if needed, left as found); writes bench/results and BENCHMARKS.md
	@was_up=0; $(E2E_CLUSTER_CLI) status >/dev/null 2>&1 && was_up=1; \
	if [ $$was_up = 0 ]; then $(MAKE) --no-print-directory cluster-up || exit 1; fi; \
	kubeconfig="$$(bash e2e/cluster/env.sh | sed -n 's/^KUBECONFIG_PATH=//p')"; \
	rc=0; nsenter --net=$(E2E_NETNS) -- node dist/bench/control-plane/main.js --kubeconfig "$$kubeconfig" $(BENCH_CP_ARGS) || rc=$$?; \
	if [ $$was_up = 0 ]; then $(MAKE) --no-print-directory cluster-down || rc=1; fi; \
	exit $$rc
