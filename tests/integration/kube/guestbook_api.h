// The guestbook example (examples/guestbook) as the test API server holds it, for the tests
// that run `--state kube` against it (kube_source_itest, kube_webhook_e2e_itest).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fgtest {

// The API resource (plural) of a kind the example uses; "" for kinds the API server does not
// serve here (RBAC objects: authorization is the API server's business, see example_rbac).
std::string plural_of(const std::string& kind);

// Every object of the example that lives in the API, in file order.
std::vector<nlohmann::json> example_objects();

// examples/guestbook/rbac.yaml as the API server evaluates a SubjectAccessReview spec against
// it: developers promote dev and staging, release managers everything on the project's stages.
bool example_rbac(const nlohmann::json& sar_spec);

// The whole file ("" when unreadable).
std::string read_file(const std::string& path);

}  // namespace fgtest
