# The local Kubernetes test cluster (docs/cluster.md), kind for Docker users, and the e2e suites.
# Included by the top-level Makefile. The cluster targets need root (namespaces, mounts, containerd).

E2E_CLUSTER_CLI := node dist/e2e/cluster/cli.js
E2E_KIND_CLI := node dist/e2e/kind/cli.js
# Evaluated only where used: the cluster's network namespace, where the apiserver lives.
E2E_NETNS = $(shell bash e2e/cluster/env.sh | sed -n 's/^NETNS_PATH=//p')

.PHONY: e2e-cli cluster-setup images cluster-up cluster-down cluster-shell e2e e2e-ci kind-up kind-down demo

e2e-cli: setup
	@echo "==> compiling the cluster, kind and demo CLIs (dist/e2e)"
	npx tsc -p e2e/tsconfig.cli.json

cluster-setup: ## install and build what the local cluster needs (Debian packages, Kubernetes, CoreDNS, helm, images; cached in ~/.cache/weft)
	@echo "==> local cluster set-up"
	bash e2e/cluster/setup.sh

images: build e2e-cli ## build the cluster's and weft's images with buildah; import them if the cluster is up
	@echo "==> images"
	bash e2e/cluster/images.sh
	@if $(E2E_CLUSTER_CLI) status >/dev/null 2>&1; then bash e2e/cluster/load-images.sh; fi

cluster-up: build cluster-setup e2e-cli ## start the local single-node cluster (idempotent); kubeconfig at ~/.cache/weft/cluster/kubeconfig
	@echo "==> local cluster up"
	$(E2E_CLUSTER_CLI) up

cluster-down: ## stop the local cluster and remove its namespaces and files
	@echo "==> local cluster down"
	bash e2e/cluster/down.sh

cluster-shell: ## a shell inside the cluster's network namespace with kubectl, helm and KUBECONFIG set
	bash e2e/cluster/shell.sh

e2e: cluster-up ## run the e2e suites on the local cluster (brings it up first; leaves it up)
	@echo "==> e2e suites"
	@mkdir -p $(RESULTS)
	nsenter --net=$(E2E_NETNS) -- npx vitest run --config e2e/vitest.e2e.config.ts $(call VITEST_JSON,e2e)

e2e-ci: ## CI: cluster up, e2e suites, cluster down (always)
	@rc=0; $(MAKE) --no-print-directory e2e || rc=$$?; $(MAKE) --no-print-directory cluster-down || rc=1; exit $$rc

kind-up: build e2e-cli ## the same test bed on kind (needs Docker and kind; not exercised in CI)
	$(E2E_KIND_CLI) up

kind-down: e2e-cli ## delete the kind cluster
	$(E2E_KIND_CLI) down

demo: build e2e-cli ## THE main job: local cluster, helm install weft, an injected demo app, traffic and its golden signals (needs root)
	@node dist/e2e/demo/main.js
