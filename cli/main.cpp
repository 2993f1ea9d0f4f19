// freightgate CLI entry point: finds the registered command whose words prefix argv.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "command.h"

namespace freightgate::cli {
std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}
}  // namespace freightgate::cli

namespace {

void usage(FILE* out) {
  std::fprintf(out, "usage: freightgate COMMAND [flags]\n\ncommands:\n");
  for (const auto& c : freightgate::cli::registry())
    std::fprintf(out, "  %-50s %s\n", c.usage.c_str(), c.summary.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    usage(args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::printf("freightgate %s\n", FG_VERSION);
    return 0;
  }
  const freightgate::cli::Command* best = nullptr;
  for (const auto& c : freightgate::cli::registry()) {
    if (c.words.size() > args.size()) continue;
    bool match = true;
    for (size_t i = 0; i < c.words.size(); ++i) match = match && c.words[i] == args[i];
    if (match && (!best || c.words.size() > best->words.size())) best = &c;
  }
  if (!best) {
    std::fprintf(stderr, "freightgate: unknown command \"%s\"; run `freightgate --help`\n",
                 args[0].c_str());
    return 2;
  }
  try {
    return best->run(std::vector<std::string>(args.begin() + best->words.size(), args.end()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "freightgate: internal error: %s\n", e.what());
    return 3;
  }
}
