#!/usr/bin/env bash
# Imports the image archives from images.sh into the running cluster's containerd, so pods
# created afterwards (imagePullPolicy: Never) run the new builds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=load-images
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"
# shellcheck source=e2e/cluster/node.sh
source "$here/node.sh"
component_alive containerd || die "the cluster is not up (make cluster-up)"
import_images
