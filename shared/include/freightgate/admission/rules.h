// One rule set per kind. engine.cpp dispatches a request here by (group, resource,
// subResource); each rule set decides both phases for its kind. A rule is a condition plus the
// message that tells the user the way out, kept next to each other in rules_<kind>.cpp.
#pragma once

#include "freightgate/admission/engine.h"

namespace freightgate::admission {

// argoproj.io applications (only those with kargo.akuity.io/authorized-stage are governed)
Decision application_rules(Phase phase, const AdmissionRequest& req, const Context& ctx);
// kargo.akuity.io
Decision freight_rules(Phase phase, const AdmissionRequest& req, const Context& ctx);
Decision freight_status_rules(Phase phase, const AdmissionRequest& req, const Context& ctx);
Decision stage_rules(Phase phase, const AdmissionRequest& req, const Context& ctx);
Decision warehouse_rules(Phase phase, const AdmissionRequest& req, const Context& ctx);
Decision promotion_rules(Phase phase, const AdmissionRequest& req, const Context& ctx);
Decision project_rules(Phase phase, const AdmissionRequest& req, const Context& ctx);
Decision project_config_rules(Phase phase, const AdmissionRequest& req, const Context& ctx);
// freightgate.io
Decision promotion_policy_rules(Phase phase, const AdmissionRequest& req, const Context& ctx);

}  // namespace freightgate::admission
