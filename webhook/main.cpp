// freightgate-webhook: the admission webhook server. Wires flags, logging, the state source,
// the policy engine, TLS and the server together; every piece lives in its own file.
#include <cstdio>
#include <string>
#include <vector>

#include "app.h"
#include "drain.h"
#include "flags.h"
#include "freightgate/admission/engine.h"
#include "logging.h"
#include "metrics.h"
#include "server.h"
#include "state_wiring.h"
#include "tls.h"

using namespace freightgate;
using namespace freightgate::webhook;

namespace {

int fail(const Error& e) {
  log::event(spdlog::level::err, "cannot start", {{"error", e.to_string()}});
  std::fprintf(stderr, "freightgate-webhook: %s\n", e.to_string().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_flags(std::vector<std::string>(argv + 1, argv + argc), process_env());
  if (!parsed) {
    std::fprintf(stderr, "freightgate-webhook: %s\n", parsed.error().to_string().c_str());
    return 2;
  }
  const Flags& flags = *parsed;
  if (flags.help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  if (flags.version) {
    std::printf("freightgate-webhook %s\n", FG_VERSION);
    return 0;
  }
  log::setup(flags.log_level);

  auto state = open_state(flags);
  if (!state) return fail(state.error());
  auto certs = CertReloader::open(flags.tls_cert_file, flags.tls_key_file);
  if (!certs) return fail(certs.error());

  admission::EngineConfig config;
  config.webhook_name = flags.webhook_name;
  if (flags.control_plane_users) config.control_plane_users = *flags.control_plane_users;

  std::shared_ptr<state::Source> source = state->source;
  std::optional<model::Time> fixed_now = flags.now;
  Metrics metrics;
  Drain drain;
  CertReloader& reloader = **certs;

  AppDeps deps;
  deps.decide = [source, config, fixed_now](admission::Phase phase, std::string_view body) {
    auto snapshot = source->current();
    auto authorizer = source->authorizer();
    if (!snapshot || !authorizer) {
      admission::Decision d;
      d.ok = false;
      d.failure = {admission::FailureKind::Internal,
                   "the pipeline state is not loaded yet (see /readyz); no decision was made"};
      return d;
    }
    admission::Context ctx{*snapshot, *authorizer, fixed_now.value_or(model::Clock::now()), config};
    return admission::handle(phase, body, ctx);
  };
  deps.readiness = [source] { return Readiness{source->ready(), source->not_ready_reason()}; };
  deps.gauges = [source, &reloader, &drain] {
    Metrics::Gauges g;
    g.cert_not_after = reloader.not_after();
    g.cert_reloads = reloader.reloads.load();
    g.cert_reload_failures = reloader.failures.load();
    g.state_ready = source->ready();
    g.state_last_sync = source->last_sync();
    g.draining = drain.draining.load();
    return g;
  };
  deps.metrics = &metrics;
  deps.draining = &drain.draining;
  App app(std::move(deps));

  ServerOptions opts;
  opts.listen = flags.listen;
  opts.metrics_listen = flags.metrics_listen;
  opts.threads = flags.threads;
  opts.limits.read_header_timeout = flags.read_header_timeout;
  opts.limits.read_body_timeout = flags.read_body_timeout;
  opts.limits.idle_timeout = flags.idle_timeout;
  opts.limits.max_body_bytes = flags.max_body_bytes;
  opts.drain_grace = flags.drain_grace;
  opts.tls_reload_interval = flags.tls_reload_interval;
  Server server(opts, app, metrics, drain, reloader);
  if (auto st = server.bind(); !st) return fail(st.error());

  nlohmann::json info = {{"address", flags.listen.substr(0, flags.listen.rfind(':') + 1) +
                                         std::to_string(server.port())},
                         {"port", server.port()},
                         {"state", flags.state},
                         {"webhook", flags.webhook_name},
                         {"version", FG_VERSION}};
  if (server.metrics_port()) info["metrics_port"] = server.metrics_port();
  if (flags.now) info["fixed_now"] = flags.now_text;
  log::event(spdlog::level::info, "listening", info);
  return server.run(state->poll);
}
