#include "freightgate/state/snapshot.h"

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace freightgate::state {

namespace {

constexpr const char* kAuthorizedStage = "kargo.akuity.io/authorized-stage";
constexpr const char* kAliasLabel = "kargo.akuity.io/alias";
constexpr const char* kProjectLabel = "kargo.akuity.io/project";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Every `<project>:<stage>` entry of an authorized-stage annotation (Kargo >= v1.11 accepts a
// comma-separated list; whitespace trimmed, empty entries ignored).
std::vector<std::pair<std::string, std::string>> authorized_stages(const std::string& value) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view rest = value;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view entry = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    size_t colon = entry.find(':');
    if (entry.empty() || colon == std::string_view::npos) continue;
    std::string_view project = trim(entry.substr(0, colon));
    std::string_view stage = trim(entry.substr(colon + 1));
    if (project.empty() || stage.empty()) continue;
    out.emplace_back(std::string(project), std::string(stage));
  }
  return out;
}

// Values of `m` whose key's namespace is `ns`, in name order. O(log n + k).
template <class V>
std::vector<V> in_namespace(const std::map<std::pair<std::string, std::string>, V>& m,
                            std::string_view ns) {
  std::vector<V> out;
  for (auto it = m.lower_bound({std::string(ns), std::string()});
       it != m.end() && it->first.first == ns; ++it) {
    out.push_back(it->second);
  }
  return out;
}

template <class V>
V find_key(const std::map<std::pair<std::string, std::string>, V>& m, std::string_view ns,
           std::string_view name) {
  auto it = m.find({std::string(ns), std::string(name)});
  return it == m.end() ? nullptr : it->second;
}

template <class V>
V find_name(const std::map<std::string, V, std::less<>>& m, std::string_view name) {
  auto it = m.find(name);
  return it == m.end() ? nullptr : it->second;
}

template <class V>
std::vector<V> values(const std::map<std::string, V, std::less<>>& m) {
  std::vector<V> out;
  out.reserve(m.size());
  for (const auto& [_, v] : m) out.push_back(v);
  return out;
}

}  // namespace

std::shared_ptr<const Snapshot> Snapshot::build(std::vector<model::AnyObject> objects,
                                                model::Time built_at) {
  auto snap = std::shared_ptr<Snapshot>(new Snapshot());
  snap->objects_ = std::move(objects);
  snap->built_at_ = built_at;
  Snapshot& s = *snap;
  // Later duplicates replace earlier ones (insert_or_assign), as a later apply would.
  for (const model::AnyObject& any : s.objects_) {
    std::visit(
        [&s](const auto& o) {
          using T = std::decay_t<decltype(o)>;
          const std::string& ns = o.metadata.namespace_;
          const std::string& name = o.metadata.name;
          Key key{ns, name};
          if constexpr (std::is_same_v<T, model::Namespace>) {
            s.namespaces_.insert_or_assign(name, &o);
          } else if constexpr (std::is_same_v<T, model::Project>) {
            s.projects_.insert_or_assign(name, &o);
          } else if constexpr (std::is_same_v<T, model::ProjectConfig>) {
            // One per project namespace; its name must equal the namespace (webhook-enforced).
            s.project_configs_.insert_or_assign(ns, &o);
          } else if constexpr (std::is_same_v<T, model::Warehouse>) {
            s.warehouses_.insert_or_assign(key, &o);
          } else if constexpr (std::is_same_v<T, model::Freight>) {
            s.freight_.insert_or_assign(key, &o);
            std::string alias = o.alias.empty() ? o.metadata.label(kAliasLabel) : o.alias;
            if (!alias.empty()) s.freight_by_alias_.insert_or_assign(Key{ns, alias}, &o);
          } else if constexpr (std::is_same_v<T, model::Stage>) {
            s.stages_.insert_or_assign(key, &o);
          } else if constexpr (std::is_same_v<T, model::Promotion>) {
            s.promotions_.insert_or_assign(key, &o);
          } else if constexpr (std::is_same_v<T, model::PromotionTask>) {
            s.promotion_tasks_.insert_or_assign(key, &o);
          } else if constexpr (std::is_same_v<T, model::PromotionPolicy>) {
            s.promotion_policies_.insert_or_assign(key, &o);
          } else if constexpr (std::is_same_v<T, model::Application>) {
            s.applications_.insert_or_assign(key, &o);
          } else if constexpr (std::is_same_v<T, model::Role>) {
            if (o.kind == "ClusterRole") {
              s.cluster_roles_.insert_or_assign(name, &o);
            } else {
              s.roles_.insert_or_assign(key, &o);
            }
          } else if constexpr (std::is_same_v<T, model::RoleBinding>) {
            if (o.kind == "ClusterRoleBinding") {
              s.cluster_role_bindings_.insert_or_assign(name, &o);
            } else {
              s.role_bindings_.insert_or_assign(key, &o);
            }
          }
        },
        any);
  }
  // The authorized-stage index is built from the final Application set so that a replaced
  // duplicate does not leave a stale entry behind.
  for (const auto& [key, app] : s.applications_) {
    for (auto& ps : authorized_stages(app->metadata.annotation(kAuthorizedStage))) {
      s.applications_by_stage_[ps].push_back(app);
    }
  }
  // Likewise aliases: drop entries whose Freight was replaced by a later duplicate.
  for (auto it = s.freight_by_alias_.begin(); it != s.freight_by_alias_.end();) {
    const model::Freight* f = it->second;
    auto cur = s.freight_.find({f->metadata.namespace_, f->metadata.name});
    it = (cur == s.freight_.end() || cur->second != f) ? s.freight_by_alias_.erase(it)
                                                       : std::next(it);
  }
  return snap;
}

const model::Namespace* Snapshot::namespace_(std::string_view name) const {
  return find_name(namespaces_, name);
}

const model::Project* Snapshot::project(std::string_view name) const {
  return find_name(projects_, name);
}

bool Snapshot::is_project(std::string_view ns) const {
  if (project(ns) != nullptr) return true;
  const model::Namespace* n = namespace_(ns);
  return n != nullptr && n->metadata.label(kProjectLabel) == "true";
}

const model::ProjectConfig* Snapshot::project_config(std::string_view ns) const {
  return find_name(project_configs_, ns);
}

const model::Warehouse* Snapshot::warehouse(std::string_view ns, std::string_view name) const {
  return find_key(warehouses_, ns, name);
}

std::vector<const model::Warehouse*> Snapshot::warehouses(std::string_view ns) const {
  return in_namespace(warehouses_, ns);
}

const model::Freight* Snapshot::freight(std::string_view ns, std::string_view name) const {
  return find_key(freight_, ns, name);
}

const model::Freight* Snapshot::freight_by_alias(std::string_view ns,
                                                 std::string_view alias) const {
  return find_key(freight_by_alias_, ns, alias);
}

const model::Freight* Snapshot::freight_by_name_or_alias(std::string_view ns,
                                                         std::string_view key) const {
  if (const model::Freight* f = freight(ns, key)) return f;
  return freight_by_alias(ns, key);
}

std::vector<const model::Freight*> Snapshot::freight_in(std::string_view ns) const {
  return in_namespace(freight_, ns);
}

const model::Stage* Snapshot::stage(std::string_view ns, std::string_view name) const {
  return find_key(stages_, ns, name);
}

std::vector<const model::Stage*> Snapshot::stages(std::string_view ns) const {
  return in_namespace(stages_, ns);
}

const model::Promotion* Snapshot::promotion(std::string_view ns, std::string_view name) const {
  return find_key(promotions_, ns, name);
}

const model::PromotionTask* Snapshot::promotion_task(std::string_view ns,
                                                     std::string_view name) const {
  return find_key(promotion_tasks_, ns, name);
}

std::vector<const model::PromotionPolicy*> Snapshot::promotion_policies(std::string_view ns) const {
  return in_namespace(promotion_policies_, ns);
}

const model::Application* Snapshot::application(std::string_view ns, std::string_view name) const {
  return find_key(applications_, ns, name);
}

std::vector<const model::Application*> Snapshot::applications_for_stage(
    std::string_view project, std::string_view stage) const {
  auto it = applications_by_stage_.find({std::string(project), std::string(stage)});
  return it == applications_by_stage_.end() ? std::vector<const model::Application*>{} : it->second;
}

std::vector<const model::Role*> Snapshot::roles(std::string_view ns) const {
  return in_namespace(roles_, ns);
}

const model::Role* Snapshot::role(std::string_view ns, std::string_view name) const {
  return find_key(roles_, ns, name);
}

const model::Role* Snapshot::cluster_role(std::string_view name) const {
  return find_name(cluster_roles_, name);
}

std::vector<const model::Role*> Snapshot::cluster_roles() const { return values(cluster_roles_); }

std::vector<const model::RoleBinding*> Snapshot::role_bindings(std::string_view ns) const {
  return in_namespace(role_bindings_, ns);
}

std::vector<const model::RoleBinding*> Snapshot::cluster_role_bindings() const {
  return values(cluster_role_bindings_);
}

}  // namespace freightgate::state
