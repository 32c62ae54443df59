# Sidecar targets (included by the Makefile).
.PHONY: demo-local

demo-local: build ## the mesh without Kubernetes: five demo services behind sidecars on loopback, traffic, canary split and retries from /metrics
	@node dist/sidecar/demo/main.js
