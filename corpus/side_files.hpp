#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace revsearch::corpus {

/// Line-addressed side files that path-template lookups read (aclImdb's `urls_pos.txt`). Files
/// on disk are loaded on first use; files inside an archive are added by the walker in a first
/// pass, since a tar stream cannot seek back to them. Not thread-safe.
class SideFiles {
public:
    /// Line `n` (0-based) of the file at `path`, or nullopt when the file or line is missing.
    [[nodiscard]] std::optional<std::string> line(const std::string& path, std::size_t n);

    /// Registers a file's content under `path` (used for archive members).
    void add(const std::string& path, const std::string& content);

private:
    std::map<std::string, std::optional<std::vector<std::string>>> files_;
};

}  // namespace revsearch::corpus
