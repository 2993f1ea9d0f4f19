// "May user U with groups G do verb V on group/resource/name in namespace N?"
// Implementations: RBAC evaluation over loaded Role/Binding objects (dir mode, state/rbac.h)
// and SubjectAccessReview against the API server (kube mode, kube/sar.h).
//
// Thread-safety: implementations must be safe to call from many threads at once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "freightgate/status.h"

namespace freightgate::admission {

// AdmissionReview request.userInfo.
struct UserInfo {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
};

// SubjectAccessReview spec.resourceAttributes.
struct ResourceAttributes {
  std::string verb;         // e.g. "promote", "verify", "patch"
  std::string group;        // e.g. "kargo.akuity.io"
  std::string resource;     // e.g. "stages"
  std::string subresource;  // e.g. "status", usually ""
  std::string name;         // e.g. "prod"
  std::string namespace_;   // e.g. "guestbook"
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // true: allowed; false: not allowed; error: the question could not be answered (the caller
  // must turn that into an internal error, never into an allow).
  virtual Result<bool> allowed(const UserInfo& user, const ResourceAttributes& attrs) const = 0;
};

}  // namespace freightgate::admission
