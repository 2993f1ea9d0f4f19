// Pinning container images to a Freight's versions, checking nothing floats, and stamping.
//
// Images are pinned in the pod templates of Pod, Deployment, StatefulSet, DaemonSet,
// ReplicaSet, ReplicationController, Job, CronJob and argoproj.io Rollout: every
// containers[], initContainers[] and ephemeralContainers[] `image` whose name matches a pin
// (freight::image_matches, kustomize's semantics) becomes freight::apply_pin's result, i.e.
// `repo:tag@digest`, `repo:tag` or `repo@digest` as the pin carries.
//
// The floating check then looks at every container list anywhere in every object (also CRDs'
// instances such as Knative Services or Argo Workflows, as kustomize's legacy filter does) and
// at image names that denote a pinned repository under another spelling ("nginx" for
// "docker.io/library/nginx"): such an image that does not carry exactly the pinned reference
// is "floating".
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "freightgate/freight/image_ref.h"
#include "freightgate/render/manifests.h"
#include "freightgate/status.h"

namespace freightgate::render {

struct PinOptions {
  std::vector<freight::ImageRef> images;  // the Freight's images (IMAGES)
  bool fail_on_unmatched_pin = false;     // a pin that matches no image is an error
  bool fail_on_floating = true;  // an image of a pinned repository left unpinned is an error
};

struct PinReport {
  size_t pinned = 0;                   // image fields rewritten or already exact
  std::vector<std::string> unmatched;  // pin names that matched nothing
};

// Pins images in place. On error the objects may be partly rewritten; callers discard them.
Result<PinReport> pin_images(std::vector<Object>& objects, const PinOptions& options);

// Sets annotations freightgate.io/freight and freightgate.io/stage on every object.
void stamp(std::vector<Object>& objects, const std::string& freight, const std::string& stage);

}  // namespace freightgate::render
