#include "corpus/inputs.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>
#include <filesystem>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <unistd.h>

#include <xxhash.h>

#include "common/error.hpp"

namespace revsearch::corpus {

namespace fs = std::filesystem;

namespace {

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

/// Adds the regular files below `dir` to `found`. Walks one directory at a time so that an
/// unreadable folder or file is reported and passed over without ending the walk.
void walk_directory(const fs::path& root, const fs::path& dir, std::vector<InputFile>& found,
                    std::vector<InputProblem>& problems) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        problems.push_back({dir.string(), "unreadable directory: " + ec.message()});
        return;
    }
    std::vector<fs::directory_entry> entries;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
            problems.push_back({dir.string(), "unreadable directory: " + ec.message()});
            break;
        }
        entries.push_back(*it);
    }
    for (const fs::directory_entry& entry : entries) {
        const fs::path& p = entry.path();
        if (is_hidden(p)) continue;
        if (entry.is_symlink(ec) && !fs::exists(entry.status(ec))) {
            problems.push_back({p.string(), "unreadable file: a link to nothing"});
            continue;
        }
        if (entry.is_directory(ec)) {
            walk_directory(root, p, found, problems);
        } else if (entry.is_regular_file(ec)) {
            if (::access(p.c_str(), R_OK) != 0) {
                problems.push_back({p.string(), std::string("unreadable file: ") + std::strerror(errno)});
                continue;
            }
            found.push_back(InputFile{p.string(), InputInfo{p.string(), fs::relative(p, root, ec).generic_string()},
                                      static_cast<std::uint64_t>(entry.file_size(ec))});
        }
    }
}

}  // namespace

std::vector<InputFile> expand_inputs(const std::vector<std::string>& paths,
                                     std::vector<InputProblem>& problems) {
    std::vector<InputFile> files;
    for (const std::string& named : paths) {
        std::error_code ec;
        const fs::file_status status = fs::status(named, ec);
        if (ec || !fs::exists(status)) throw UsageError("no such input: " + named);
        if (!fs::is_directory(status)) {
            const fs::path p(named);
            files.push_back(InputFile{named, InputInfo{named, p.filename().string()},
                                      static_cast<std::uint64_t>(fs::file_size(p, ec))});
            continue;
        }
        std::vector<InputFile> found;
        walk_directory(named, named, found, problems);
        std::sort(found.begin(), found.end(), [](const InputFile& a, const InputFile& b) {
            return a.info.relative < b.info.relative;
        });
        files.insert(files.end(), std::make_move_iterator(found.begin()),
                     std::make_move_iterator(found.end()));
    }
    return files;
}

std::unique_ptr<std::istream> open_input(const std::string& path) {
    auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*in) throw CorpusError(path, 0, "cannot open: " + std::string(std::strerror(errno)));
    return in;
}

std::string read_head(const std::string& path, std::size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::string head(max_bytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(max_bytes));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

}  // namespace revsearch::corpus

namespace revsearch::corpus {

std::string file_hash(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    const std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), &XXH3_freeState);
    if (!state || XXH3_64bits_reset(state.get()) == XXH_ERROR) return {};
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        XXH3_64bits_update(state.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    char hex[20];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(XXH3_64bits_digest(state.get())));
    return hex;
}

}  // namespace revsearch::corpus
