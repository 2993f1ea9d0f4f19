// Subcommand registry for the `freightgate` CLI. Each cmd_*.cpp defines one command and
// registers it with a static Registration, so commands are added without touching main.cpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace freightgate::cli {

struct Command {
  std::vector<std::string> words;  // e.g. {"freight", "id"}
  std::string usage;               // one line: "freight id -f FILE"
  std::string summary;             // one line: what it does
  // Receives the arguments after the command words. Returns the process exit code.
  std::function<int(const std::vector<std::string>& args)> run;
};

std::vector<Command>& registry();

struct Registration {
  explicit Registration(Command c) { registry().push_back(std::move(c)); }
};

}  // namespace freightgate::cli
