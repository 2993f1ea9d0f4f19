// freightgate's own guardrails (group freightgate.io/v1alpha1), kept out of Kargo's group so
// they survive next to a real Kargo install whose CRDs would prune unknown fields.
//
//   apiVersion: freightgate.io/v1alpha1
//   kind: PromotionPolicy
//   metadata: {name: prod-gates, namespace: guestbook}
//   spec:
//     stageSelector: {name: prod}        # name: exact | regex:... | glob:... ; plus matchLabels
//     requireApproval: true              # approval needed in addition to upstream verification
//     windows:
//     - kind: deny                       # allow | deny
//       schedule: "0 18 * * 5"           # 5-field cron: when the window opens
//       duration: 62h                    # how long it stays open
//       timeZone: Europe/Berlin          # IANA name, default UTC
//
// Every PromotionPolicy in the namespace whose selector matches the stage applies.
#pragma once

#include <string>
#include <vector>

#include "freightgate/model/kargo.h"
#include "freightgate/model/meta.h"

namespace freightgate::model {

inline constexpr const char* kFreightgateGroup = "freightgate.io";
inline constexpr const char* kFreightgateApiVersion = "freightgate.io/v1alpha1";

struct PromotionWindow {
  std::string kind;  // "allow" | "deny"
  std::string schedule;
  Duration duration{0};
  std::string timeZone = "UTC";
};

struct PromotionPolicy : ObjectBase {
  PromotionPolicySelector stageSelector;
  bool requireApproval = false;
  std::vector<PromotionWindow> windows;
};

}  // namespace freightgate::model
