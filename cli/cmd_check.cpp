// `freightgate check`: the admission decision offline, against a directory of pipeline state.
//
//   freightgate check --state DIR -f REVIEW.json [--mutate|--validate]
//     prints the AdmissionReview response(s) the webhook would send. Default: the mutating
//     response, then (the patch applied, as kube-apiserver does) the validating response.
//   freightgate check --state DIR --object NEW.yaml [--old OLD.yaml] --user U [--group G]...
//     builds the AdmissionReview itself and prints the outcome the way kubectl shows it.
//
// Common flags: --now RFC3339 (fixed clock), --control-plane-users REGEX, --webhook-name NAME.
// Exit: 0 allowed, 1 denied, 2 usage or input error, 3 no decision (internal failure).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "command.h"
#include "freightgate/admission/engine.h"
#include "freightgate/admission/patch.h"
#include "freightgate/file.h"
#include "freightgate/kube/informer.h"
#include "freightgate/model/decode.h"
#include "freightgate/state/dir_source.h"

namespace fa = freightgate::admission;
using nlohmann::json;

namespace {

constexpr const char* kUsage =
    "usage: freightgate check --state DIR -f REVIEW.json [--mutate|--validate] [--now RFC3339]\n"
    "       freightgate check --state DIR --object NEW.yaml [--old OLD.yaml] --user U [--group "
    "G]...\n"
    "                         [--now RFC3339] [-o yaml|json]\n"
    "flags: --control-plane-users REGEX, --webhook-name NAME\n";

struct Options {
  std::string state, review_file, object_file, old_file, user, now, output;
  std::vector<std::string> groups;
  std::optional<fa::Phase> only;
  std::optional<std::string> control_plane, webhook_name;
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "freightgate check: %s\n%s", msg.c_str(), kUsage);
  return 2;
}

std::optional<freightgate::model::Time> parse_rfc3339(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return std::nullopt;
  long offset = 0;
  if (*end == '.')
    while (*++end >= '0' && *end <= '9') {
    }
  if (*end == 'Z' && end[1] == '\0') {
  } else if ((*end == '+' || *end == '-') && std::strlen(end) == 6 && end[3] == ':') {
    offset = (std::atoi(end + 1) * 3600 + std::atoi(end + 4) * 60) * (*end == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  return freightgate::model::Clock::from_time_t(timegm(&tm) - offset);
}

std::optional<std::string> read_text(const std::string& path) {
  auto text = freightgate::read_file(path);
  if (!text) return std::nullopt;
  return std::move(*text);
}

// The webhook that handles a resource, as registered in manifests/webhooks.
std::string webhook_for(const fa::AdmissionRequest& r) {
  if (r.resource.resource == "applications") return "applications.freightgate.io";
  if (r.resource.resource == "freights" && r.subResource == "status")
    return "freight-approvals.freightgate.io";
  if (r.resource.group == "freightgate.io") return "promotionpolicies.freightgate.io";
  return "kargo.freightgate.io";
}

// The resource of `kind`: the watched resources' plural (kube/informer.h), else Kubernetes'
// default (lowercase + "s", e.g. PromotionTask -> promotiontasks).
std::string plural(const std::string& kind) {
  if (const auto* type = freightgate::kube::watched_resource_of_kind(kind)) return type->plural;
  std::string out;
  for (char c : kind) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out + "s";
}

freightgate::Result<json> load_one(const std::string& path) {
  auto docs = freightgate::model::parse_file(path);
  if (!docs) return docs.error();
  if (docs->size() != 1) {
    freightgate::Error e;
    e.file = path;
    e.message = "holds " + std::to_string(docs->size()) + " documents; give exactly one object";
    return e;
  }
  return (*docs)[0].body;
}

struct Run {
  fa::Decision mutate, validate;
  json patched;
  bool has_mutate = false, has_validate = false;
  std::string patch_error;
};

// Mutate, apply the patch, validate the patched object: what kube-apiserver does.
Run admit(const fa::AdmissionRequest& req, const fa::Context& ctx, std::optional<fa::Phase> only) {
  Run run;
  run.patched = req.object;
  if (!only || *only == fa::Phase::Mutate) {
    run.has_mutate = true;
    run.mutate = fa::decide(fa::Phase::Mutate, req, ctx);
    if (!run.mutate.ok || !run.mutate.response.allowed) return run;
    if (!run.mutate.response.patch.empty()) {
      auto p = fa::apply_patch(req.object, run.mutate.response.patch.ops());
      if (!p) {
        run.patch_error = p.error().to_string();
        return run;
      }
      run.patched = *p;
    }
  }
  if (!only || *only == fa::Phase::Validate) {
    run.has_validate = true;
    fa::AdmissionRequest v = req;
    v.object = run.patched;
    run.validate = fa::decide(fa::Phase::Validate, v, ctx);
  }
  return run;
}

const fa::Decision* final_decision(const Run& run) {
  if (run.has_mutate && (!run.mutate.ok || !run.mutate.response.allowed || !run.has_validate))
    return &run.mutate;
  return &run.validate;
}

int run_check(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& dst) {
      if (i + 1 >= args.size()) return false;
      dst = args[++i];
      return true;
    };
    std::string tmp;
    bool ok = true;
    if (a == "--state")
      ok = value(o.state);
    else if (a == "-f" || a == "--filename")
      ok = value(o.review_file);
    else if (a == "--object")
      ok = value(o.object_file);
    else if (a == "--old")
      ok = value(o.old_file);
    else if (a == "--user")
      ok = value(o.user);
    else if (a == "--group")
      ok = value(tmp), o.groups.push_back(tmp);
    else if (a == "--now")
      ok = value(o.now);
    else if (a == "-o" || a == "--output")
      ok = value(o.output);
    else if (a == "--mutate")
      o.only = fa::Phase::Mutate;
    else if (a == "--validate")
      o.only = fa::Phase::Validate;
    else if (a == "--control-plane-users")
      ok = value(tmp), o.control_plane = tmp;
    else if (a == "--webhook-name")
      ok = value(tmp), o.webhook_name = tmp;
    else if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else
      return usage_error("unknown flag \"" + a + "\"");
    if (!ok) return usage_error(a + " needs a value");
  }
  if (o.state.empty()) return usage_error("--state DIR is required (the pipeline's YAML)");
  if (o.review_file.empty() == o.object_file.empty())
    return usage_error("give either -f REVIEW.json or --object NEW.yaml");
  if (!o.object_file.empty() && o.user.empty())
    return usage_error("--user is required with --object (who makes the change)");
  if (!o.output.empty() && o.output != "yaml" && o.output != "json")
    return usage_error("-o must be yaml or json");

  std::string dir = o.state;
  if (dir.rfind("dir:", 0) == 0) {
    auto d = freightgate::state::parse_dir_spec(o.state);
    if (!d) return usage_error(d.error().to_string());
    dir = *d;
  }
  auto source = freightgate::state::DirSource::open(dir);
  if (!source) {
    std::fprintf(stderr, "freightgate check: --state %s: %s\n", o.state.c_str(),
                 source.error().to_string().c_str());
    return 2;
  }
  freightgate::model::Time now = freightgate::model::Clock::now();
  if (!o.now.empty()) {
    auto t = parse_rfc3339(o.now);
    if (!t)
      return usage_error("--now \"" + o.now + "\" is not RFC 3339, e.g. 2026-11-27T18:30:00Z");
    now = *t;
  }
  fa::EngineConfig config;
  if (o.control_plane) config.control_plane_users = *o.control_plane;
  auto snapshot = (*source)->current();
  auto authorizer = (*source)->authorizer();
  fa::Context ctx{*snapshot, *authorizer, now, config};

  if (!o.review_file.empty()) {
    auto body = read_text(o.review_file);
    if (!body) return usage_error("cannot read " + o.review_file);
    auto req = fa::parse_review(*body);
    if (!req) {
      std::fprintf(stderr, "freightgate check: %s: %s (the webhook answers 400)\n",
                   o.review_file.c_str(), req.error().to_string().c_str());
      return 2;
    }
    Run run = admit(*req, ctx, o.only);
    auto print = [](const char* what, const fa::Decision& d) {
      if (!d.ok) {
        std::printf("# %s: no decision (HTTP %d): %s\n", what,
                    d.failure.kind == fa::FailureKind::BadRequest ? 400 : 500,
                    d.failure.message.c_str());
        return;
      }
      std::printf("# %s\n%s\n", what,
                  json::parse(fa::encode_review_response(d.response)).dump(2).c_str());
    };
    if (run.has_mutate) print("mutating webhook response", run.mutate);
    if (!run.patch_error.empty()) {
      std::printf("# the patch does not apply: %s\n", run.patch_error.c_str());
      return 3;
    }
    if (run.has_mutate && run.has_validate && !run.mutate.response.patch.empty())
      std::printf("# object after the patch\n%s\n", run.patched.dump(2).c_str());
    if (run.has_validate) print("validating webhook response", run.validate);
    const fa::Decision* d = final_decision(run);
    if (!d->ok) return 3;
    return d->response.allowed ? 0 : 1;
  }

  // --object: build the review kube-apiserver would send.
  auto object = load_one(o.object_file);
  if (!object) return usage_error(object.error().to_string());
  json old;
  if (!o.old_file.empty()) {
    auto loaded = load_one(o.old_file);
    if (!loaded) return usage_error(loaded.error().to_string());
    old = *loaded;
  }
  fa::AdmissionRequest req;
  req.uid = "00000000-0000-4000-8000-000000000000";
  const std::string api = object->value("apiVersion", "");
  const std::string kind = object->value("kind", "");
  if (api.empty() || kind.empty())
    return usage_error(o.object_file + ": apiVersion and kind are required");
  size_t slash = api.find('/');
  req.kind.group = slash == std::string::npos ? "" : api.substr(0, slash);
  req.kind.version = slash == std::string::npos ? api : api.substr(slash + 1);
  req.kind.kind = kind;
  req.resource = {req.kind.group, req.kind.version, plural(kind)};
  const json& meta = (*object).contains("metadata") ? (*object)["metadata"] : json::object();
  req.name = meta.value("name", "");
  req.namespace_ = meta.value("namespace", "");
  req.operation = old.is_null() ? "CREATE" : "UPDATE";
  req.userInfo.username = o.user;
  req.userInfo.groups = o.groups;
  req.userInfo.groups.push_back("system:authenticated");
  req.object = *object;
  req.oldObject = old;
  Run run = admit(req, ctx, o.only);
  const std::string webhook = o.webhook_name ? *o.webhook_name : webhook_for(req);
  for (const fa::Decision* d : {&run.mutate, &run.validate})
    for (const auto& w : d->response.warnings) std::fprintf(stderr, "Warning: %s\n", w.c_str());
  if (!run.patch_error.empty()) {
    std::fprintf(stderr,
                 "Error from server (InternalError): Internal error occurred: admission webhook "
                 "\"%s\" returned a patch that does not apply: %s\n",
                 webhook.c_str(), run.patch_error.c_str());
    return 3;
  }
  const fa::Decision* d = final_decision(run);
  if (!d->ok) {
    std::fprintf(stderr,
                 "Error from server (InternalError): Internal error occurred: failed calling "
                 "webhook \"%s\": %s\n",
                 webhook.c_str(), d->failure.message.c_str());
    return 3;
  }
  if (!d->response.allowed) {
    std::fprintf(stderr,
                 "Error from server (%s): admission webhook \"%s\" denied the request: %s\n",
                 d->response.reason.empty() ? "Forbidden" : d->response.reason.c_str(),
                 webhook.c_str(), d->response.message.c_str());
    return 1;
  }
  if (o.output == "json") {
    std::printf("%s\n", run.patched.dump(4).c_str());
  } else if (o.output == "yaml") {
    std::printf("%s", freightgate::model::to_yaml(run.patched).c_str());
  } else {
    std::string lower;
    for (char c : kind) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::printf("%s%s/%s %s\n", lower.c_str(),
                req.kind.group.empty() ? "" : ("." + req.kind.group).c_str(), req.name.c_str(),
                req.operation == "CREATE" ? "created" : "configured");
  }
  return 0;
}

const freightgate::cli::Registration kCheck{{
    {"check"},
    "check --state DIR (-f REVIEW.json | --object NEW.yaml [--old OLD.yaml] --user U)",
    "decide an AdmissionReview (or an edit) offline, as the webhook would",
    run_check,
}};

}  // namespace
