#include "freightgate/file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace freightgate {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path, 0, "", "", std::string("cannot read: ") + std::strerror(errno)};
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return Error{path, 0, "", "", "read failed"};
  return s.str();
}

}  // namespace freightgate
