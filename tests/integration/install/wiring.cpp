#include "wiring.h"

#include <algorithm>
#include <map>
#include <regex>

#include "support.h"

namespace fgtest {

using nlohmann::json;

namespace {

std::string str(const json& o, const json::json_pointer& p, const std::string& dflt = "") {
  if (!o.contains(p)) return dflt;
  const json& v = o.at(p);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return dflt;
  return v.dump();
}
const json& at_or_null(const json& o, const json::json_pointer& p) {
  static const json null_json;
  return o.contains(p) ? o.at(p) : null_json;
}
std::string id(const json& d) {
  std::string ns = str(d, "/metadata/namespace"_json_pointer);
  return d.value("kind", "?") + " " + (ns.empty() ? "" : ns + "/") +
         str(d, "/metadata/name"_json_pointer);
}
std::vector<const json*> of_kind(const std::vector<json>& docs, const std::string& kind) {
  std::vector<const json*> out;
  for (const auto& d : docs)
    if (d.value("kind", "") == kind) out.push_back(&d);
  return out;
}
const json* find(const std::vector<json>& docs, const std::string& kind, const std::string& ns,
                 const std::string& name) {
  for (const auto& d : docs)
    if (d.value("kind", "") == kind && str(d, "/metadata/name"_json_pointer) == name &&
        (ns.empty() || str(d, "/metadata/namespace"_json_pointer) == ns))
      return &d;
  return nullptr;
}
// Every key/value of `selector` is in `labels`.
bool selects(const json& selector, const json& labels) {
  if (!selector.is_object() || selector.empty()) return false;
  for (const auto& [k, v] : selector.items())
    if (!labels.is_object() || !labels.contains(k) || labels[k] != v) return false;
  return true;
}
bool has_item(const json& arr, const std::string& s) {
  if (!arr.is_array()) return false;
  return std::any_of(arr.begin(), arr.end(), [&](const json& x) { return x == s; });
}
int port_of(const std::string& addr) {
  auto colon = addr.rfind(':');
  return colon == std::string::npos ? -1 : std::stoi(addr.substr(colon + 1));
}
std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}
int seconds_of(const std::string& d) {  // "20s", "1m", "1m30s"
  static const std::regex part("([0-9]+)(h|m|s)");
  int total = 0;
  for (auto it = std::sregex_iterator(d.begin(), d.end(), part); it != std::sregex_iterator();
       ++it) {
    int n = std::stoi((*it)[1]);
    char u = (*it)[2].str()[0];
    total += u == 'h' ? n * 3600 : u == 'm' ? n * 60 : n;
  }
  return total;
}

struct Checker {
  Checker(const std::vector<json>& d, const InstallExpectation& w) : docs(d), want(w) {}
  const std::vector<json>& docs;
  const InstallExpectation& want;
  std::vector<std::string> errors;
  void fail(const std::string& m) { errors.push_back(m); }

  // Resolved deployment facts.
  const json* deploy = nullptr;
  const json* container = nullptr;
  json pod_labels;
  std::map<std::string, std::string> flags;    // --name -> value
  std::map<std::string, int> container_ports;  // name -> port
  std::string tls_secret;

  void basics() {
    std::set<std::string> seen;
    for (const auto& d : docs) {
      if (!d.contains("apiVersion") || !d.contains("kind") ||
          str(d, "/metadata/name"_json_pointer).empty())
        fail("a document lacks apiVersion, kind or metadata.name: " + d.dump().substr(0, 120));
      if (!seen.insert(id(d)).second) fail(id(d) + ": defined twice");
    }
  }

  void deployment() {
    auto ds = of_kind(docs, "Deployment");
    if (ds.size() != 1) {
      fail("expected exactly one Deployment, found " + std::to_string(ds.size()));
      return;
    }
    deploy = ds[0];
    const json& d = *deploy;
    if (str(d, "/metadata/namespace"_json_pointer) != want.ns)
      fail(id(d) + ": metadata.namespace should be " + want.ns);
    pod_labels = at_or_null(d, "/spec/template/metadata/labels"_json_pointer);
    if (!selects(at_or_null(d, "/spec/selector/matchLabels"_json_pointer), pod_labels))
      fail(id(d) + ": spec.selector.matchLabels does not match the pod template labels");
    if (d["spec"].value("replicas", 1) < 2) fail(id(d) + ": spec.replicas should be >= 2");
    const json& spec = d["spec"]["template"]["spec"];
    // Anti-affinity on the pods' own labels.
    bool anti = false;
    for (const char* kind : {"preferredDuringSchedulingIgnoredDuringExecution",
                             "requiredDuringSchedulingIgnoredDuringExecution"}) {
      const json& terms = at_or_null(spec, json::json_pointer("/affinity/podAntiAffinity") / kind);
      if (!terms.is_array()) continue;
      for (const auto& t : terms) {
        const json& term = t.contains("podAffinityTerm") ? t["podAffinityTerm"] : t;
        anti = anti ||
               selects(at_or_null(term, "/labelSelector/matchLabels"_json_pointer), pod_labels);
      }
    }
    if (!anti) fail(id(d) + ": no podAntiAffinity term selecting its own pods");
    // Pod security.
    const json& psc = at_or_null(spec, "/securityContext"_json_pointer);
    for (const auto& c : spec["containers"])
      if (c.value("name", "") == "webhook") container = &c;
    if (!container) {
      fail(id(d) + ": no container named webhook");
      return;
    }
    const json& c = *container;
    const json& csc = at_or_null(c, "/securityContext"_json_pointer);
    bool non_root = at_or_null(psc, "/runAsNonRoot"_json_pointer) == true ||
                    at_or_null(csc, "/runAsNonRoot"_json_pointer) == true;
    if (!non_root) fail(id(d) + ": runAsNonRoot should be true");
    if (at_or_null(csc, "/readOnlyRootFilesystem"_json_pointer) != true)
      fail(id(d) + ": container securityContext.readOnlyRootFilesystem should be true");
    if (at_or_null(csc, "/allowPrivilegeEscalation"_json_pointer) != false)
      fail(id(d) + ": container securityContext.allowPrivilegeEscalation should be false");
    if (!has_item(at_or_null(csc, "/capabilities/drop"_json_pointer), "ALL"))
      fail(id(d) + ": container securityContext.capabilities.drop should contain ALL");
    for (const char* r :
         {"/resources/requests/cpu", "/resources/requests/memory", "/resources/limits/memory"})
      if (!c.contains(json::json_pointer(r)))
        fail(id(d) + ": container lacks " + std::string(r + 1));
    // Flags.
    for (const auto& a : c.value("args", json::array())) {
      std::string arg = a.get<std::string>();
      auto eq = arg.find('=');
      std::string name = arg.substr(0, eq);
      if (eq == std::string::npos || name.rfind("--", 0) != 0) {
        fail(id(d) + ": arg " + arg + " should have the form --flag=value");
        continue;
      }
      if (!want.known_flags.empty() && !want.known_flags.count(name))
        fail(id(d) + ": arg " + name + " is not a freightgate-webhook flag (docs/internals.md)");
      flags[name] = arg.substr(eq + 1);
    }
    for (const char* f : {"--listen", "--tls-cert-file", "--tls-key-file", "--state",
                          "--webhook-name", "--log-level", "--drain-grace"})
      if (!flags.count(f)) fail(id(d) + ": webhook container should pass " + std::string(f));
    if (flags["--state"] != "kube") fail(id(d) + ": --state should be kube");
    for (const auto& p : c.value("ports", json::array()))
      container_ports[p.value("name", "")] = p.value("containerPort", 0);
    if (!container_ports.count("https") || container_ports["https"] != port_of(flags["--listen"]))
      fail(id(d) + ": container port `https` should equal the --listen port (" + flags["--listen"] +
           ")");
    if (want.metrics) {
      if (!flags.count("--metrics-listen"))
        fail(id(d) + ": metrics on but no --metrics-listen");
      else if (!container_ports.count("metrics") ||
               container_ports["metrics"] != port_of(flags["--metrics-listen"]))
        fail(id(d) + ": container port `metrics` should equal the --metrics-listen port");
    } else {
      if (flags.count("--metrics-listen"))
        fail(id(d) + ": metrics off but --metrics-listen passed");
      if (container_ports.count("metrics"))
        fail(id(d) + ": metrics off but a metrics port is declared");
    }
    // Probes over HTTPS on the serving port.
    auto probe_ok = [&](const char* probe, const std::string& path) {
      const json& g = at_or_null(c, json::json_pointer("/" + std::string(probe) + "/httpGet"));
      bool port_ok =
          g.contains("port") && (g["port"] == "https" || g["port"] == container_ports["https"]);
      if (!g.is_object() || g.value("path", "") != path || g.value("scheme", "") != "HTTPS" ||
          !port_ok)
        fail(id(d) + ": " + probe + " should be httpGet " + path + " scheme HTTPS on port https");
    };
    probe_ok("readinessProbe", "/readyz");
    probe_ok("livenessProbe", "/healthz");
    // Grace covers the drain.
    int grace = spec.value("terminationGracePeriodSeconds", 30);
    int drain = seconds_of(flags["--drain-grace"]);
    if (grace <= drain)
      fail(id(d) + ": terminationGracePeriodSeconds (" + std::to_string(grace) +
           ") should exceed --drain-grace (" + flags["--drain-grace"] + ")");
    // TLS secret mounted where the flags read.
    std::string cert_dir = dir_of(flags["--tls-cert-file"]);
    if (dir_of(flags["--tls-key-file"]) != cert_dir)
      fail(id(d) + ": --tls-cert-file and --tls-key-file should be in one directory (one Secret)");
    const json* mount = nullptr;
    for (const auto& m : at_or_null(c, "/volumeMounts"_json_pointer))
      if (m.value("mountPath", "") == cert_dir) mount = &m;
    if (!mount) {
      fail(id(d) + ": nothing is mounted at " + cert_dir + " where --tls-cert-file reads");
      return;
    }
    if (mount->contains("subPath"))
      fail(id(d) + ": the TLS mount uses subPath, which never sees rotated certificates");
    for (const auto& v : spec.value("volumes", json::array()))
      if (v.value("name", "") == mount->value("name", ""))
        tls_secret = str(v, "/secret/secretName"_json_pointer);
    if (tls_secret.empty())
      fail(id(d) + ": the volume mounted at " + cert_dir + " is not a Secret");
    if (flags["--tls-cert-file"] != cert_dir + "/tls.crt" ||
        flags["--tls-key-file"] != cert_dir + "/tls.key")
      fail(id(d) +
           ": TLS flags should read tls.crt and tls.key of the mounted kubernetes.io/tls Secret");
    // ServiceAccount exists.
    std::string sa = spec.value("serviceAccountName", "default");
    if (!find(docs, "ServiceAccount", want.ns, sa))
      fail(id(d) + ": ServiceAccount " + sa + " is not installed");
  }

  // Service whose port `port` reaches container port `container_port_name`.
  bool service_reaches(const json& svc, int port, const std::string& container_port_name) {
    if (!selects(at_or_null(svc, "/spec/selector"_json_pointer), pod_labels)) return false;
    for (const auto& p : at_or_null(svc, "/spec/ports"_json_pointer)) {
      if (p.value("port", 0) != port) continue;
      const json& t = p.contains("targetPort") ? p["targetPort"] : p["port"];
      if (t == container_port_name) return true;
      if (t.is_number() && container_ports.count(container_port_name) &&
          t.get<int>() == container_ports[container_port_name])
        return true;
    }
    return false;
  }

  void webhooks() {
    auto mutating = of_kind(docs, "MutatingWebhookConfiguration");
    auto validating = of_kind(docs, "ValidatingWebhookConfiguration");
    if (mutating.size() != 1 || validating.size() != 1) {
      fail("expected one MutatingWebhookConfiguration and one ValidatingWebhookConfiguration");
      return;
    }
    std::set<std::string> covered_mutating, covered_validating;
    std::string ca_bundle;
    for (const json* cfg : {mutating[0], validating[0]}) {
      const bool is_mutating = cfg == mutating[0];
      std::string inject =
          str(*cfg, "/metadata/annotations/cert-manager.io~1inject-ca-from"_json_pointer);
      if (want.cert_manager) {
        const json* cert = nullptr;
        for (const auto* c : of_kind(docs, "Certificate"))
          if (want.ns + "/" + str(*c, "/metadata/name"_json_pointer) == inject &&
              str(*c, "/metadata/namespace"_json_pointer) == want.ns)
            cert = c;
        if (!cert) {
          fail(id(*cfg) + ": cert-manager.io/inject-ca-from (" + inject +
               ") names no Certificate in " + want.ns);
        } else {
          certificate(*cert);
        }
      } else if (!inject.empty()) {
        fail(id(*cfg) + ": inject-ca-from set although cert-manager is off");
      }
      for (const auto& w : cfg->value("webhooks", json::array())) {
        std::string name = w.value("name", "");
        std::string where = id(*cfg) + " webhook " + name;
        if (std::count(name.begin(), name.end(), '.') < 2)
          fail(where + ": name needs >= 3 dot-separated segments");
        if (w.value("sideEffects", "") != "None") fail(where + ": sideEffects should be None");
        if (w.value("admissionReviewVersions", json()) != json::array({"v1"}))
          fail(where + ": admissionReviewVersions should be [v1]");
        int timeout = w.value("timeoutSeconds", 10);
        if (timeout < 1 || timeout > 10) fail(where + ": timeoutSeconds should be short (1..10)");
        std::string fp = w.value("failurePolicy", "Fail");
        if (fp != (is_mutating ? "Ignore" : "Fail"))
          fail(where + ": failurePolicy should be " + (is_mutating ? "Ignore" : "Fail"));
        if (is_mutating && w.value("reinvocationPolicy", "") != "IfNeeded")
          fail(where + ": reinvocationPolicy should be IfNeeded");
        const json& svc_ref = at_or_null(w, "/clientConfig/service"_json_pointer);
        std::string path = svc_ref.value("path", "/");
        if (path != (is_mutating ? "/mutate" : "/validate"))
          fail(where + ": clientConfig.service.path should be " +
               (is_mutating ? "/mutate" : "/validate"));
        const json* svc =
            find(docs, "Service", svc_ref.value("namespace", ""), svc_ref.value("name", ""));
        if (svc_ref.value("namespace", "") != want.ns || !svc) {
          fail(where + ": clientConfig.service " + svc_ref.value("namespace", "") + "/" +
               svc_ref.value("name", "") + " is not a Service of this install");
        } else if (!service_reaches(*svc, svc_ref.value("port", 443), "https")) {
          fail(where + ": Service " + id(*svc) + " port " +
               std::to_string(svc_ref.value("port", 443)) +
               " does not reach the webhook container's https port");
        }
        std::string cb = str(w, "/clientConfig/caBundle"_json_pointer);
        if (!want.cert_manager) {
          if (cb.empty())
            fail(where + ": no clientConfig.caBundle (and no cert-manager injection)");
          else if (ca_bundle.empty())
            ca_bundle = cb;
          else if (cb != ca_bundle)
            fail(where + ": caBundle differs between webhooks");
        }
        // Namespace exclusions.
        std::set<std::string> excluded;
        for (const auto& e : at_or_null(w, "/namespaceSelector/matchExpressions"_json_pointer))
          if (e.value("key", "") == "kubernetes.io/metadata.name" &&
              e.value("operator", "") == "NotIn")
            for (const auto& v : e["values"]) excluded.insert(v.get<std::string>());
        for (const std::string& ns :
             {std::string("kube-system"), std::string("kube-node-lease"), want.ns})
          if (!excluded.count(ns))
            fail(where + ": namespaceSelector should exclude namespace " + ns);
        // Rules.
        bool has_apps = false;
        for (const auto& r : w.value("rules", json::array()))
          for (const auto& g : r.value("apiGroups", json::array()))
            for (const auto& res : r.value("resources", json::array())) {
              std::string key = g.get<std::string>() + "/" + res.get<std::string>();
              (is_mutating ? covered_mutating : covered_validating).insert(key);
              has_apps = has_apps || key == "argoproj.io/applications";
            }
        if (has_apps) {
          bool skips_status = false;
          for (const auto& mc : w.value("matchConditions", json::array())) {
            std::string e = mc.value("expression", "");
            skips_status = skips_status || (e.find("oldObject") != std::string::npos &&
                                            e.find("spec") != std::string::npos &&
                                            e.find("UPDATE") != std::string::npos);
          }
          if (!skips_status)
            fail(where +
                 ": needs a matchCondition comparing object.spec/metadata with oldObject so "
                 "status-only Application updates skip the webhook");
        }
      }
    }
    if (!want.cert_manager && !ca_bundle.empty()) self_signed(ca_bundle);
    std::set<std::string> want_mutating = {"argoproj.io/applications"};
    std::set<std::string> want_validating = {"argoproj.io/applications",
                                             "kargo.akuity.io/freights/status",
                                             "freightgate.io/promotionpolicies"};
    if (want.standalone) {
      for (const char* r : {"freights", "stages", "warehouses", "promotions"})
        want_mutating.insert(std::string("kargo.akuity.io/") + r);
      for (const char* r :
           {"projects", "projectconfigs", "warehouses", "stages", "freights", "promotions"})
        want_validating.insert(std::string("kargo.akuity.io/") + r);
    }
    auto compare = [&](const std::set<std::string>& got, const std::set<std::string>& exp,
                       const char* what) {
      for (const auto& r : exp)
        if (!got.count(r)) fail(std::string(what) + " webhooks should cover " + r);
      for (const auto& r : got)
        if (!exp.count(r))
          fail(std::string(what) + " webhooks should not cover " + r + " in this mode");
    };
    compare(covered_mutating, want_mutating, "mutating");
    compare(covered_validating, want_validating, "validating");
  }

  void certificate(const json& cert) {
    std::string where = id(cert);
    if (str(cert, "/spec/secretName"_json_pointer) != tls_secret)
      fail(where + ": spec.secretName should be the Secret the Deployment mounts (" + tls_secret +
           ")");
    bool san = false;
    for (const auto& n : at_or_null(cert, "/spec/dnsNames"_json_pointer))
      san = san || n.get<std::string>() == webhook_service_dns();
    if (!san) fail(where + ": spec.dnsNames should include " + webhook_service_dns());
    std::string issuer = str(cert, "/spec/issuerRef/name"_json_pointer);
    std::string kind = str(cert, "/spec/issuerRef/kind"_json_pointer, "Issuer");
    if (!find(docs, kind, kind == "Issuer" ? want.ns : "", issuer))
      fail(where + ": issuerRef " + kind + "/" + issuer + " is not installed");
  }

  // <svc>.<ns>.svc of the Service the webhook configurations call.
  std::string webhook_service_dns() {
    for (const auto* cfg : of_kind(docs, "ValidatingWebhookConfiguration"))
      for (const auto& w : cfg->value("webhooks", json::array()))
        return str(w, "/clientConfig/service/name"_json_pointer) + "." + want.ns + ".svc";
    return "?";
  }

  void self_signed(const std::string& ca_bundle_b64) {
    const json* secret = find(docs, "Secret", want.ns, tls_secret);
    if (!secret) {
      fail("Secret " + want.ns + "/" + tls_secret + " (mounted for TLS) is not installed");
      return;
    }
    if (secret->value("type", "") != "kubernetes.io/tls")
      fail(id(*secret) + ": type should be kubernetes.io/tls");
    try {
      std::string ca = base64_decode(ca_bundle_b64);
      std::string crt = base64_decode(str(*secret, "/data/tls.crt"_json_pointer));
      std::string key = base64_decode(str(*secret, "/data/tls.key"_json_pointer));
      CertInfo ca_info = inspect_cert(ca);
      if (!ca_info.ok || !ca_info.is_ca) fail("caBundle is not a CA certificate");
      CertInfo info = inspect_cert(crt, ca, key);
      if (!info.ok) {
        fail(id(*secret) + ": tls.crt: " + info.error);
        return;
      }
      std::string dns = webhook_service_dns();
      if (std::find(info.dns_names.begin(), info.dns_names.end(), dns) == info.dns_names.end())
        fail(id(*secret) + ": tls.crt SANs lack " + dns);
      if (!info.signed_by_ca) fail(id(*secret) + ": tls.crt is not signed by the caBundle CA");
      if (!info.matches_key) fail(id(*secret) + ": tls.key does not belong to tls.crt");
      if (!info.currently_valid) fail(id(*secret) + ": tls.crt is not currently valid");
    } catch (const std::exception& e) {
      fail(id(*secret) + ": " + e.what());
    }
  }

  void services() {
    // PDB.
    auto pdbs = of_kind(docs, "PodDisruptionBudget");
    if (pdbs.size() != 1 ||
        !selects(at_or_null(*pdbs[0], "/spec/selector/matchLabels"_json_pointer), pod_labels))
      fail("expected one PodDisruptionBudget selecting the webhook pods");
    // Metrics Service and ServiceMonitor.
    const json* metrics_svc = nullptr;
    for (const auto* s : of_kind(docs, "Service"))
      for (const auto& p : at_or_null(*s, "/spec/ports"_json_pointer))
        if (p.value("name", "") == "metrics" ||
            (p.contains("targetPort") && p["targetPort"] == "metrics"))
          metrics_svc = s;
    if (want.metrics) {
      if (!metrics_svc)
        fail("metrics on but no Service exposes port metrics");
      else if (!service_reaches(*metrics_svc, container_ports["metrics"], "metrics"))
        fail(id(*metrics_svc) + ": does not reach the webhook container's metrics port");
    } else if (metrics_svc) {
      fail(id(*metrics_svc) + ": metrics off but a metrics Service is installed");
    }
    auto monitors = of_kind(docs, "ServiceMonitor");
    if (!want.service_monitor && !monitors.empty())
      fail("a ServiceMonitor is installed although not asked for");
    if (want.service_monitor) {
      if (monitors.size() != 1 || !metrics_svc) {
        fail("expected one ServiceMonitor for the metrics Service");
      } else {
        const json& m = *monitors[0];
        if (!selects(at_or_null(m, "/spec/selector/matchLabels"_json_pointer),
                     at_or_null(*metrics_svc, "/metadata/labels"_json_pointer)))
          fail(id(m) + ": spec.selector does not select " + id(*metrics_svc));
        bool port = false;
        for (const auto& e : at_or_null(m, "/spec/endpoints"_json_pointer))
          port = port || e.value("port", "") == "metrics";
        if (!port) fail(id(m) + ": no endpoint on port metrics");
      }
    }
  }

  void rbac() {
    std::string sa =
        deploy ? deploy->at("spec").at("template").at("spec").value("serviceAccountName", "default")
               : "";
    std::vector<const json*> rules;
    for (const char* kind : {"ClusterRoleBinding", "RoleBinding"})
      for (const auto* b : of_kind(docs, kind)) {
        bool binds = false;
        for (const auto& s : b->value("subjects", json::array()))
          binds = binds || (s.value("kind", "") == "ServiceAccount" && s.value("name", "") == sa &&
                            s.value("namespace", "") == want.ns);
        if (!binds) continue;
        const json* role = find(docs, str(*b, "/roleRef/kind"_json_pointer), "",
                                str(*b, "/roleRef/name"_json_pointer));
        if (!role) {
          fail(id(*b) + ": roleRef " + str(*b, "/roleRef/name"_json_pointer) + " is not installed");
          continue;
        }
        if (role->contains("rules"))
          for (const auto& r : role->at("rules")) rules.push_back(&r);
      }
    auto allowed = [&](const std::string& group, const std::string& resource,
                       const std::string& verb) {
      for (const auto* r : rules)
        if (has_item((*r)["apiGroups"], group) && has_item((*r)["resources"], resource) &&
            has_item((*r)["verbs"], verb))
          return true;
      return false;
    };
    std::set<std::string> expected;
    for (const auto& [group, plural] : want.watched) {
      for (const char* verb : {"list", "watch"})
        if (!allowed(group, plural, verb))
          fail("ServiceAccount " + want.ns + "/" + sa + " may not " + verb + " " +
               (group.empty() ? "" : group + "/") + plural + ", which the informers watch");
      expected.insert(group + "/" + plural);
    }
    if (!allowed("authorization.k8s.io", "subjectaccessreviews", "create"))
      fail("ServiceAccount " + want.ns + "/" + sa + " may not create subjectaccessreviews");
    // Least privilege: nothing beyond list/watch of the informers' resources and SAR create.
    for (const auto* r : rules)
      for (const auto& g : (*r)["apiGroups"])
        for (const auto& res : (*r)["resources"])
          for (const auto& v : (*r)["verbs"]) {
            std::string key = g.get<std::string>() + "/" + res.get<std::string>();
            bool ok = (expected.count(key) && (v == "list" || v == "watch")) ||
                      (key == "authorization.k8s.io/subjectaccessreviews" && v == "create");
            if (!ok)
              fail("ServiceAccount " + sa + " is granted " + v.get<std::string>() + " on " + key +
                   ", more than it needs");
          }
  }

  void crds() {
    std::set<std::string> names;
    for (const auto* c : of_kind(docs, "CustomResourceDefinition"))
      names.insert(str(*c, "/metadata/name"_json_pointer));
    const std::vector<std::string> kargo = {"projects",      "projectconfigs", "warehouses",
                                            "freights",      "stages",         "promotions",
                                            "promotiontasks"};
    for (const auto& k : kargo) {
      bool has = names.count(k + ".kargo.akuity.io") > 0;
      if (want.standalone && !has)
        fail("standalone mode should install CRD " + k + ".kargo.akuity.io");
      if (!want.standalone && has)
        fail("alongsideKargo mode must not install CRD " + k + ".kargo.akuity.io (Kargo owns it)");
    }
    if (!names.count("promotionpolicies.freightgate.io"))
      fail("CRD promotionpolicies.freightgate.io is not installed");
    for (const auto& n : names)
      if (!want.standalone && n.find("kargo.akuity.io") != std::string::npos)
        fail("alongsideKargo mode installs Kargo CRD " + n);
  }

  void cmp() {
    const json* cm = nullptr;
    for (const auto* c : of_kind(docs, "ConfigMap"))
      if (c->contains("/data/plugin.yaml"_json_pointer)) cm = c;
    if (!want.cmp) {
      if (cm) fail(id(*cm) + ": CMP off but the plugin ConfigMap is installed");
      return;
    }
    if (!cm) {
      fail("CMP on but no ConfigMap carries plugin.yaml");
      return;
    }
    if (str(*cm, "/metadata/namespace"_json_pointer) != want.cmp_namespace)
      fail(id(*cm) + ": should live in Argo CD's namespace " + want.cmp_namespace);
    try {
      json plugin = parse_yaml(str(*cm, "/data/plugin.yaml"_json_pointer));
      if (plugin.value("kind", "") != "ConfigManagementPlugin" ||
          str(plugin, "/metadata/name"_json_pointer) != "freightgate")
        fail(id(*cm) + ": plugin.yaml should be the ConfigManagementPlugin named freightgate");
      if (!want.plugin_yaml.empty() && plugin != parse_yaml(want.plugin_yaml))
        fail(id(*cm) + ": plugin.yaml differs from cmp-plugin/plugin.yaml");
      json values = parse_yaml(str(*cm, "/data/argo-cd-values.yaml"_json_pointer));
      const json& c = at_or_null(values, "/repoServer/extraContainers/0"_json_pointer);
      if (at_or_null(c, "/securityContext/runAsUser"_json_pointer) != 999)
        fail(id(*cm) + ": argo-cd sidecar should run as uid 999");
      if (at_or_null(c, "/command/0"_json_pointer) != "/var/run/argocd/argocd-cmp-server")
        fail(id(*cm) + ": argo-cd sidecar command should be /var/run/argocd/argocd-cmp-server");
      std::string volume;
      std::set<std::string> mounts;
      for (const auto& m : c.value("volumeMounts", json::array())) {
        mounts.insert(m.value("mountPath", ""));
        if (m.value("mountPath", "") == "/home/argocd/cmp-server/config/plugin.yaml" &&
            m.value("subPath", "") == "plugin.yaml")
          volume = m.value("name", "");
      }
      for (const char* p : {"/var/run/argocd", "/home/argocd/cmp-server/plugins", "/tmp"})
        if (!mounts.count(p)) fail(id(*cm) + ": argo-cd sidecar should mount " + std::string(p));
      bool wired = false;
      for (const auto& v : at_or_null(values, "/repoServer/volumes"_json_pointer))
        wired = wired ||
                (v.value("name", "") == volume &&
                 str(v, "/configMap/name"_json_pointer) == str(*cm, "/metadata/name"_json_pointer));
      if (volume.empty() || !wired)
        fail(id(*cm) +
             ": argo-cd sidecar should mount this ConfigMap's plugin.yaml (subPath) at "
             "/home/argocd/cmp-server/config/plugin.yaml");
      std::map<std::string, std::string> env;
      for (const auto& e : c.value("env", json::array()))
        env[e.value("name", "")] = e.value("value", "");
      if (env["HOME"] != "/tmp" || env["TMPDIR"] != "/tmp")
        fail(id(*cm) + ": argo-cd sidecar should set HOME and TMPDIR to /tmp");
    } catch (const std::exception& e) {
      fail(id(*cm) + ": " + e.what());
    }
  }
};

}  // namespace

std::vector<std::string> check_install(const std::vector<json>& docs,
                                       const InstallExpectation& want) {
  Checker c(docs, want);
  c.basics();
  c.deployment();
  if (c.container) {
    c.webhooks();
    c.services();
    c.rbac();
  }
  c.crds();
  c.cmp();
  return c.errors;
}

}  // namespace fgtest
