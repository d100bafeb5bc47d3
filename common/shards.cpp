#include "common/shards.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::shards {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kStubName = "XAPIANDB";

// Xapian's stubs are text; a single-file glass database (also a regular file) starts with
// binary magic. A NUL byte near the start is enough to tell them apart.
bool looks_like_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    char buf[4096];
    in.read(buf, sizeof buf);
    const auto n = static_cast<std::size_t>(in.gcount());
    return std::memchr(buf, '\0', n) == nullptr;
}

unsigned parse_port(const std::string& text, const std::string& where) {
    if (text.empty() || text.size() > 5 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
        throw IndexError(where, "bad port '" + text + "' in remote line (want 1..65535)");
    }
    const unsigned long port = std::stoul(text);
    if (port == 0 || port > 65535) {
        throw IndexError(where, "bad port '" + text + "' in remote line (want 1..65535)");
    }
    return static_cast<unsigned>(port);
}

StubEntry parse_remote(const std::string& rest, const std::string& where) {
    if (rest.empty()) throw IndexError(where, "remote line without HOST:PORT");
    if (rest.front() == ':') {
        throw IndexError(where, "'remote :PROG' (xapian-progsrv) shards are not supported; "
                                "serve the shard with xapian-tcpsrv and list it as "
                                "'remote HOST:PORT'");
    }
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) {
        throw IndexError(where, "remote line '" + rest + "' has no port (want HOST:PORT)");
    }
    StubEntry e;
    e.kind = StubEntry::Kind::Remote;
    e.backend = "remote";
    e.host = rest.substr(0, colon);
    if (e.host.find(':') != std::string::npos ||
        e.host.find_first_of(" \t") != std::string::npos) {
        // Xapian 1.4's own stub reader splits at the first colon, so a literal IPv6 address
        // would mean something else to quest and delve; refuse rather than disagree.
        throw IndexError(where, "bad host '" + e.host + "' in remote line (want HOST:PORT)");
    }
    e.port = parse_port(rest.substr(colon + 1), where);
    return e;
}

}  // namespace

std::optional<std::string> stub_file(const std::string& db_path) {
    std::error_code ec;
    const fs::file_status st = fs::status(db_path, ec);
    if (ec) return std::nullopt;
    if (fs::is_regular_file(st)) {
        if (looks_like_text(db_path)) return db_path;
        return std::nullopt;
    }
    if (fs::is_directory(st)) {
        const fs::path stub = fs::path(db_path) / kStubName;
        if (fs::is_regular_file(stub, ec)) return stub.string();
    }
    return std::nullopt;
}

std::vector<StubEntry> read_stub(const std::string& stub_path) {
    std::ifstream in(stub_path, std::ios::binary);
    if (!in) throw IndexError(stub_path, std::string("cannot read the stub file: ") + std::strerror(errno));
    std::vector<StubEntry> entries;
    std::string raw;
    std::size_t line_no = 0;
    while (std::getline(in, raw)) {
        ++line_no;
        const std::string line = text::trim(raw);
        if (line.empty() || line.front() == '#') continue;
        const std::string where = stub_path + ":" + std::to_string(line_no);
        const auto space = line.find_first_of(" \t");
        const std::string word = line.substr(0, space);
        const std::string rest =
            space == std::string::npos ? std::string() : text::trim(line.substr(space));
        StubEntry e;
        if (word == "auto" || word == "glass" || word == "chert") {
            if (rest.empty()) throw IndexError(where, "'" + word + "' line without a path");
            e.kind = StubEntry::Kind::Local;
            e.backend = word;
            e.path = rest;
        } else if (word == "remote") {
            e = parse_remote(rest, where);
        } else if (word == "inmemory") {
            if (!rest.empty()) throw IndexError(where, "'inmemory' takes no argument");
            e.kind = StubEntry::Kind::Local;
            e.backend = word;
        } else {
            // Quote a little of the line only: --db may name some big file by mistake.
            const std::string shown = text::truncate_utf8(line, 80);
            throw IndexError(where, "bad stub line '" + shown + (shown.size() < line.size() ? "..." : "") +
                                        "' (want auto|glass|chert PATH, remote HOST:PORT, "
                                        "inmemory, or a # comment)");
        }
        e.line = line_no;
        entries.push_back(std::move(e));
    }
    if (in.bad()) throw IndexError(stub_path, "error reading the stub file");
    return entries;
}

std::string resolve(const StubEntry& entry, const std::string& stub_path) {
    if (entry.kind == StubEntry::Kind::Remote) {
        return entry.host + ":" + std::to_string(entry.port);
    }
    if (entry.path.empty()) return {};
    const fs::path p(entry.path);
    if (p.is_absolute()) return entry.path;
    const fs::path dir = fs::path(stub_path).parent_path();
    return dir.empty() ? entry.path : (dir / p).string();
}

std::string describe(const StubEntry& entry, const std::string& stub_path) {
    // Appended piecewise: g++ 12 gives a false -Wrestrict on `"literal" + std::string&&`.
    std::string out = stub_path;
    if (entry.line != 0) {
        out += ':';
        out += std::to_string(entry.line);
    }
    const std::string target = resolve(entry, stub_path);
    out += " (";
    out += target.empty() ? entry.backend : target;
    out += ')';
    return out;
}

void write_stub(const std::string& stub_path, const std::vector<StubEntry>& entries,
                const std::string& comment) {
    std::ostringstream out;
    if (!comment.empty()) {
        for (const std::string& line : text::split(comment, '\n')) {
            out << (line.empty() ? "#" : "# " + line) << '\n';
        }
    }
    for (const StubEntry& e : entries) {
        if (e.kind == StubEntry::Kind::Remote) {
            if (e.host.empty() || e.port == 0 || e.port > 65535 ||
                e.host.find_first_of(": \t\n") != std::string::npos) {
                throw UsageError(stub_path + ": cannot write remote entry '" + e.host + ":" +
                                 std::to_string(e.port) + "'");
            }
            out << "remote " << e.host << ':' << e.port << '\n';
        } else if (e.backend == "inmemory") {
            out << "inmemory\n";
        } else {
            if (e.path.empty() || e.path.find('\n') != std::string::npos ||
                text::trim(e.path) != e.path) {
                throw UsageError(stub_path + ": cannot write local entry with path '" + e.path +
                                 "'");
            }
            out << (e.backend.empty() ? "auto" : e.backend) << ' ' << e.path << '\n';
        }
    }
    const std::string data = out.str();

    const std::string tmp = stub_path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw IndexError(tmp, std::string("cannot create: ") + std::strerror(errno));
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw IndexError(tmp, "cannot write: " + why);
        }
        done += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const std::string sync_error = synced ? std::string() : std::strerror(errno);
    if (::close(fd) != 0 || !synced) {
        const std::string why = synced ? std::strerror(errno) : sync_error;
        ::unlink(tmp.c_str());
        throw IndexError(tmp, "cannot sync: " + why);
    }
    if (std::rename(tmp.c_str(), stub_path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw IndexError(stub_path, "cannot replace the stub file: " + why);
    }
}

std::string shard_name(std::size_t i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "shard-%03zu", i);
    return buf;
}

std::size_t shard_for(std::string_view id, std::size_t n) {
    if (n == 0) throw UsageError("the shard count must be at least 1");
    // FNV-1a, 64-bit (Fowler, Noll, Vo; http://www.isthe.com/chongo/tech/comp/fnv/): the
    // offset basis and prime below are the published constants.
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : id) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return static_cast<std::size_t>(h % static_cast<std::uint64_t>(n));
}

}  // namespace revsearch::shards
