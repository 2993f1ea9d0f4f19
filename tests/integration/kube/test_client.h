// A client of the test API server for the kube itests: bearer token, the test CA, and retries
// fast enough for tests (5-20 ms backoff).
#pragma once

#include <memory>
#include <string>

#include "freightgate/kube/client.h"
#include "freightgate/kube/config.h"

namespace fgtest {

inline std::shared_ptr<freightgate::kube::Client> token_client(const std::string& url,
                                                               const std::string& ca_pem,
                                                               int max_attempts) {
  namespace fk = freightgate::kube;
  fk::ClientConfig cfg;
  cfg.server = url;
  cfg.ca_pem = ca_pem;
  cfg.token = "test-token";
  if (!fk::parse_server(cfg.server, &cfg).ok()) return nullptr;
  fk::ClientOptions o;
  o.retry.initial_backoff = fk::Millis(5);
  o.retry.max_backoff = fk::Millis(20);
  o.retry.max_attempts = max_attempts;
  auto c = fk::Client::create(cfg, o);
  return c.ok() ? c.value() : nullptr;
}

}  // namespace fgtest
