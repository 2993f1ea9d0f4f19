// One rule set per kind. engine.cpp dispatches a request here by (group, resource,
// subResource); each rule set decides both phases for its kind. A rule is a condition plus the
// message that tells the user the way out, kept next to each other in rules_<kind>.cpp.
#pragma once

#include "freightgate/admission/engine.h"
#include "freightgate/model/json_view.h"

namespace freightgate::admission {

// argoproj.io applications (only those with kargo.akuity.io/authorized-stage are governed),
// read as views of the review (model/json_view.h).
Decision application_rules(Phase phase, const RequestInfo& req, model::JsonView object,
                           model::JsonView old_object, const Context& ctx);
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
