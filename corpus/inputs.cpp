#include "corpus/inputs.hpp"

#include <algorithm>
#include <filesystem>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/error.hpp"

namespace revsearch::corpus {

namespace fs = std::filesystem;

namespace {

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
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
        fs::recursive_directory_iterator it(named, fs::directory_options::none, ec);
        if (ec) {
            problems.push_back({named, "unreadable directory: " + ec.message()});
            continue;
        }
        for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec) {
                problems.push_back({it->path().string(), "unreadable: " + ec.message()});
                ec.clear();
                continue;
            }
            const fs::path& p = it->path();
            if (is_hidden(p)) {
                if (it->is_directory(ec)) it.disable_recursion_pending();
                continue;
            }
            if (!it->is_regular_file(ec)) continue;
            const std::string relative = fs::relative(p, named, ec).generic_string();
            found.push_back(InputFile{p.string(), InputInfo{p.string(), relative},
                                      static_cast<std::uint64_t>(it->file_size(ec))});
        }
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
