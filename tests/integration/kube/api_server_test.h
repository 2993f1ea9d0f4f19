// The fixture of the kube itests: a test API server over TLS for every test, installing
// freightgate's kinds, and one PKI per test suite (generating keys is the slow part).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "fake_apiserver.h"
#include "test_pki.h"

namespace fgtest {

class ApiServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(make_pki()); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  void SetUp() override {
    server_ = std::make_unique<FakeApiServer>(*pki_);
    server_->install_freightgate_kinds();
  }

  static inline TestPki* pki_ = nullptr;
  std::unique_ptr<FakeApiServer> server_;
};

}  // namespace fgtest
