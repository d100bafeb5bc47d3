#include "common/error.hpp"

namespace revsearch {

namespace {
std::string locate(const std::string& file, std::size_t line) {
    return line == 0 ? file : file + ":" + std::to_string(line);
}
}  // namespace

CorpusError::CorpusError(std::string file, std::size_t line, const std::string& reason)
    : Error(locate(file, line) + ": " + reason), file_(std::move(file)), line_(line) {}

IndexError::IndexError(const std::string& db_path, const std::string& reason)
    : Error(db_path + ": " + reason) {}

}  // namespace revsearch
