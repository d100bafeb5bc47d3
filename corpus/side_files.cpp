#include "corpus/side_files.hpp"

#include <fstream>
#include <sstream>

#include "common/text.hpp"

namespace revsearch::corpus {

namespace {
std::vector<std::string> split_lines(std::istream& in) {
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(text::trim(line));
    }
    return lines;
}
}  // namespace

void SideFiles::add(const std::string& path, const std::string& content) {
    std::istringstream in(content);
    files_[path] = split_lines(in);
}

std::optional<std::string> SideFiles::line(const std::string& path, std::size_t n) {
    auto it = files_.find(path);
    if (it == files_.end()) {
        std::ifstream in(path, std::ios::binary);
        it = files_.emplace(path, in ? std::optional(split_lines(in)) : std::nullopt).first;
    }
    if (!it->second || n >= it->second->size()) return std::nullopt;
    return (*it->second)[n];
}

}  // namespace revsearch::corpus
