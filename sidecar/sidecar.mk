# Sidecar targets (included by the Makefile).
.PHONY: demo

demo: build ## the main job: five demo services behind sidecars on loopback, traffic, canary split and retries from /metrics
	@node dist/sidecar/demo/main.js
