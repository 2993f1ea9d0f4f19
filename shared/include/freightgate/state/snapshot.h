// A read-only, indexed snapshot of the pipeline state: everything a decision may look at.
// Built once from a set of decoded objects (by the directory source or the Kubernetes
// informers) and then shared immutably: lookups on the request path are O(log n) and never
// scan all Freight.
//
// Thread-safety: immutable after build(); share it as std::shared_ptr<const Snapshot>.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "freightgate/model/decode.h"

namespace freightgate::state {

class Snapshot {
 public:
  // Indexes `objects`. Objects of kinds the snapshot does not hold are ignored.
  static std::shared_ptr<const Snapshot> build(std::vector<model::AnyObject> objects,
                                               model::Time built_at = model::Clock::now());

  model::Time built_at() const { return built_at_; }

  const model::Namespace* namespace_(std::string_view name) const;
  const model::Project* project(std::string_view name) const;
  // A namespace is a Kargo project when a Project of that name exists, or the namespace is
  // labelled kargo.akuity.io/project: "true".
  bool is_project(std::string_view ns) const;
  const model::ProjectConfig* project_config(std::string_view ns) const;
  const model::Warehouse* warehouse(std::string_view ns, std::string_view name) const;
  std::vector<const model::Warehouse*> warehouses(std::string_view ns) const;
  const model::Freight* freight(std::string_view ns, std::string_view name) const;
  const model::Freight* freight_by_alias(std::string_view ns, std::string_view alias) const;
  // By name first, then by alias.
  const model::Freight* freight_by_name_or_alias(std::string_view ns, std::string_view key) const;
  std::vector<const model::Freight*> freight_in(std::string_view ns) const;
  const model::Stage* stage(std::string_view ns, std::string_view name) const;
  std::vector<const model::Stage*> stages(std::string_view ns) const;
  const model::Promotion* promotion(std::string_view ns, std::string_view name) const;
  const model::PromotionTask* promotion_task(std::string_view ns, std::string_view name) const;
  std::vector<const model::PromotionPolicy*> promotion_policies(std::string_view ns) const;
  const model::Application* application(std::string_view ns, std::string_view name) const;
  // Applications annotated kargo.akuity.io/authorized-stage: "<project>:<stage>".
  std::vector<const model::Application*> applications_for_stage(std::string_view project,
                                                                std::string_view stage) const;
  // RBAC objects (dir mode only).
  std::vector<const model::Role*> roles(std::string_view ns) const;  // Roles in ns
  const model::Role* role(std::string_view ns, std::string_view name) const;
  const model::Role* cluster_role(std::string_view name) const;
  std::vector<const model::Role*> cluster_roles() const;
  std::vector<const model::RoleBinding*> role_bindings(std::string_view ns) const;
  std::vector<const model::RoleBinding*> cluster_role_bindings() const;

  size_t object_count() const { return objects_.size(); }

 private:
  using Key = std::pair<std::string, std::string>;  // (namespace, name)
  std::vector<model::AnyObject> objects_;           // owns everything; indexes point into it
  model::Time built_at_;
  std::map<std::string, const model::Namespace*, std::less<>> namespaces_;
  std::map<std::string, const model::Project*, std::less<>> projects_;
  std::map<std::string, const model::ProjectConfig*, std::less<>> project_configs_;
  std::map<Key, const model::Warehouse*> warehouses_;
  std::map<Key, const model::Freight*> freight_;
  std::map<Key, const model::Freight*> freight_by_alias_;
  std::map<Key, const model::Stage*> stages_;
  std::map<Key, const model::Promotion*> promotions_;
  std::map<Key, const model::PromotionTask*> promotion_tasks_;
  std::map<Key, const model::PromotionPolicy*> promotion_policies_;
  std::map<Key, const model::Application*> applications_;
  std::map<Key, std::vector<const model::Application*>> applications_by_stage_;  // (project, stage)
  std::map<Key, const model::Role*> roles_;
  std::map<std::string, const model::Role*, std::less<>> cluster_roles_;
  std::map<Key, const model::RoleBinding*> role_bindings_;
  std::map<std::string, const model::RoleBinding*, std::less<>> cluster_role_bindings_;
};

}  // namespace freightgate::state
