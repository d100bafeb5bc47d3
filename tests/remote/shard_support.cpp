#include "tests/remote/shard_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/shards.hpp"
#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

namespace revsearch::test {

namespace fs = std::filesystem;

namespace {

/// True: one `revsearch-index --shards N` run. False: the helper splits the inputs and runs
/// the indexer once per shard, as a lab does when it builds shards on separate machines;
/// each shard then has its own stored-record dictionary, which the searcher must handle.
/// (`revsearch-index --shards` is covered by tests/indexer and tests/slow.)
constexpr bool kIndexerShards = false;

/// Every review file under `input`, in sorted order.
std::vector<fs::path> files_of(const fs::path& input) {
    if (!fs::is_directory(input)) return {input};
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(input)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

bool is_jsonl(const fs::path& p) { return p.extension() == ".jsonl"; }

bool connects(unsigned port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

void index_sharded(const std::string& dir, const std::vector<std::string>& inputs,
                   std::size_t shards, const std::vector<std::string>& index_args) {
    if constexpr (kIndexerShards) {
        std::vector<std::string> args{"--db", dir, "--shards", std::to_string(shards)};
        args.insert(args.end(), index_args.begin(), index_args.end());
        args.insert(args.end(), inputs.begin(), inputs.end());
        const ProcessResult r = run_index(args);
        INFO("revsearch-index stderr:\n" << r.err);
        REQUIRE(r.exit_code == 0);
        return;
    }
    // Split the inputs the way the indexer routes reviews, by id: JSONL records by their
    // "id", other files (one review each) by their path below the input, which is the id the
    // readers give them. A folder input becomes one mirror folder per shard, so ids and
    // paths read the same as in a single index.
    const fs::path staging = fs::path(dir).string() + ".inputs";
    std::map<std::size_t, std::vector<std::string>> shard_inputs;
    for (std::size_t serial = 0; serial < inputs.size(); ++serial) {
        const fs::path input = inputs[serial];
        const bool folder = fs::is_directory(input);
        const fs::path root = folder ? input : input.parent_path();
        std::map<std::size_t, bool> used;
        for (const fs::path& file : files_of(input)) {
            const fs::path rel = fs::relative(file, root);
            const auto place = [&](std::size_t shard) {
                used[shard] = true;
                const fs::path copy = staging / shards::shard_name(shard) / std::to_string(serial) / rel;
                fs::create_directories(copy.parent_path());
                return copy;
            };
            if (!is_jsonl(file)) {
                const std::string id = (rel.parent_path() / rel.stem()).generic_string();
                fs::copy_file(file, place(shards::shard_for(id, shards)),
                              fs::copy_options::overwrite_existing);
                continue;
            }
            std::ifstream in(file);
            std::map<std::size_t, std::string> parts;
            std::string line;
            while (std::getline(in, line)) {
                if (line.empty()) continue;
                const auto j = nlohmann::json::parse(line);
                parts[shards::shard_for(j.at("id").get<std::string>(), shards)] += line + "\n";
            }
            for (const auto& [shard, text] : parts) std::ofstream(place(shard), std::ios::binary) << text;
        }
        for (const auto& [shard, yes] : used) {
            const fs::path base = staging / shards::shard_name(shard) / std::to_string(serial);
            shard_inputs[shard].push_back(folder ? base.string() : (base / input.filename()).string());
        }
    }
    fs::create_directories(dir);
    std::vector<shards::StubEntry> entries;
    for (std::size_t i = 0; i < shards; ++i) {
        const std::string name = shards::shard_name(i);
        std::vector<std::string> args{"--db", (fs::path(dir) / name).string()};
        args.insert(args.end(), index_args.begin(), index_args.end());
        const auto& mine = shard_inputs[i];
        if (mine.empty()) {
            // An empty shard is still a database (rare with real data, legal in a stub).
            const fs::path empty = staging / name / "empty" / "empty.jsonl";
            fs::create_directories(empty.parent_path());
            std::ofstream(empty).flush();
            args.push_back(empty.string());
        } else {
            args.insert(args.end(), mine.begin(), mine.end());
        }
        const ProcessResult r = run_index(args);
        INFO("revsearch-index stderr:\n" << r.err);
        REQUIRE(r.exit_code == 0);
        shards::StubEntry e;
        e.backend = "glass";
        e.path = name;
        entries.push_back(e);
    }
    shards::write_stub((fs::path(dir) / "XAPIANDB").string(), entries, "test shards");
}

std::vector<std::string> shard_paths(const std::string& dir) {
    const std::string stub = (fs::path(dir) / "XAPIANDB").string();
    std::vector<std::string> paths;
    for (const auto& e : shards::read_stub(stub)) paths.push_back(shards::resolve(e, stub));
    return paths;
}

std::optional<std::string> tcpsrv_or_skip() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    std::string d;
    while (std::getline(dirs, d, ':')) {
        const fs::path candidate = fs::path(d.empty() ? "." : d) / "xapian-tcpsrv";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    WARN("skipped: xapian-tcpsrv is not installed (apt-get install xapian-tools; "
         "scripts/install-deps installs it)");
    return std::nullopt;
}

unsigned free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind a loopback port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

TcpServer::TcpServer(const std::string& tcpsrv, const std::string& db,
                     const std::vector<std::string>& extra_args) {
    // A port found free can be taken before tcpsrv binds it: try a few.
    for (int attempt = 0; attempt < 10 && pid_ < 0; ++attempt) {
        const unsigned port = free_port();
        std::vector<std::string> args{tcpsrv, "--port", std::to_string(port), "--interface",
                                      "127.0.0.1", "--quiet"};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        args.push_back(db);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::setsid();
            // Die with the test even when it crashes before its destructors run.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            const int null = ::open("/dev/null", O_RDWR);
            if (null >= 0) {
                // tcpsrv reports each client that goes away on stderr: noise here.
                ::dup2(null, 0);
                ::dup2(null, 1);
                ::dup2(null, 2);
            }
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        bool up = false;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) break;  // exited: port taken?
            if (connects(port)) {
                up = true;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (up) {
            pid_ = pid;
            port_ = port;
        } else {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
    REQUIRE(pid_ > 0);
}

TcpServer::~TcpServer() { kill(); }

std::string TcpServer::address() const { return "127.0.0.1:" + std::to_string(port_); }

void TcpServer::kill() {
    if (pid_ < 0) return;
    // The whole session: the listener and the servers of open connections.
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

void TcpServer::pause() {
    if (pid_ > 0) ::kill(-pid_, SIGSTOP);
}

SilentListener::SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd_);
        throw std::runtime_error("cannot listen on a loopback port");
    }
    port_ = ntohs(addr.sin_port);
}

SilentListener::~SilentListener() {
    if (fd_ >= 0) ::close(fd_);
}

std::string write_remote_stub(const std::string& path, const std::vector<std::string>& addresses) {
    std::vector<shards::StubEntry> entries;
    for (const std::string& a : addresses) {
        shards::StubEntry e;
        e.kind = shards::StubEntry::Kind::Remote;
        e.backend = "remote";
        const auto colon = a.rfind(':');
        e.host = a.substr(0, colon);
        e.port = static_cast<unsigned>(std::stoul(a.substr(colon + 1)));
        entries.push_back(e);
    }
    shards::write_stub(path, entries);
    return path;
}

const EqualityCorpus& equality_corpus() {
    static const std::unique_ptr<EqualityCorpus> corpus = [] {
        auto c = std::make_unique<EqualityCorpus>();
        const std::string generated = c->dir.write("generated.jsonl", jsonl_reviews(400, "gen-"));
        const std::vector<std::string> inputs{(source_dir() / "corpus" / "samples").string(), generated};
        c->single = c->dir.file("single.db");
        // Xapian's positions: xapian-tcpsrv can search phrases only in its position table.
        const std::vector<std::string> positions{"--positions", "xapian"};
        std::vector<std::string> args{"--db", c->single};
        args.insert(args.end(), positions.begin(), positions.end());
        args.insert(args.end(), inputs.begin(), inputs.end());
        const ProcessResult r = run_index(args);
        INFO("revsearch-index stderr:\n" << r.err);
        REQUIRE(r.exit_code == 0);
        c->sharded = c->dir.file("sharded.db");
        index_sharded(c->sharded, inputs, 3, positions);
        return c;
    }();
    return *corpus;
}

std::vector<query::SearchRequest> equality_requests(bool key_sorts) {
    using query::SearchRequest;
    using query::SortOrder;
    std::vector<SearchRequest> out;
    auto add = [&](const std::string& text, auto&& tweak) {
        SearchRequest r;
        r.query = text;
        r.k = 20;
        tweak(r);
        out.push_back(r);
    };
    const auto plain = [](SearchRequest&) {};
    add("patience stress", plain);                             // free text, many equal scores
    add("\"compassion fatigue\"", plain);                      // phrase
    add("title:mindfulness OR title:grief OR reviewer:okafor", plain);  // fielded
    add("book topic:depression", plain);                       // filtered by topic
    add("care category:\"Grief and Loss\"", plain);            // filtered by category
    add("mind OR patience date:2015..2020", plain);            // filtered by a date range
    add("book OR patience", [](SearchRequest& r) {            // facets, a later page
        r.offset = 5;
        r.k = 15;
        r.facets = {"topic", "category", "year", "rating"};
    });
    add("burnout", [](SearchRequest& r) { r.prf = query::PrfParams::parse("5:5"); });
    add("", [](SearchRequest& r) { r.like_id = "empty-tank"; });
    // Sorted: these match sample reviews only, whose dates all differ, so the order does not
    // depend on how ties are broken (which differs over remote shards: docs/SCALING.md).
    add("mindfulness OR grief OR sleep OR anxiety", [](SearchRequest& r) { r.sort = SortOrder::Date; });
    if (key_sorts) {
        add("mindfulness OR grief OR anxiety OR patience", [](SearchRequest& r) { r.sort = SortOrder::Rating; });
        add("patience", [](SearchRequest& r) { r.sort = SortOrder::Date; });
    }
    return out;
}

void check_same_results(query::Searcher& expected, query::Searcher& actual,
                        const query::SearchRequest& request, bool spelling) {
    INFO("query: '" << request.query << "' like '" << request.like_id << "'");
    const query::SearchResult a = expected.search(request);
    const query::SearchResult b = actual.search(request);
    REQUIRE(a.hits.size() == b.hits.size());
    CHECK_FALSE(a.hits.empty());
    for (std::size_t i = 0; i < a.hits.size(); ++i) {
        INFO("rank " << a.hits[i].rank);
        CHECK(a.hits[i].review.id == b.hits[i].review.id);
        CHECK(a.hits[i].rank == b.hits[i].rank);
        CHECK(std::abs(a.hits[i].score - b.hits[i].score) < 1e-9);
        CHECK(a.hits[i].snippet == b.hits[i].snippet);
    }
    REQUIRE(a.facets.size() == b.facets.size());
    for (std::size_t f = 0; f < a.facets.size(); ++f) {
        INFO("facet " << a.facets[f].name);
        CHECK(a.facets[f].name == b.facets[f].name);
        CHECK(a.facets[f].values == b.facets[f].values);
    }
    CHECK(a.expansion == b.expansion);
    if (spelling) {
        CHECK(a.suggestion == b.suggestion);
        CHECK(b.warnings.empty());
    } else {
        for (const std::string& w : b.warnings) CHECK_THAT(w, Catch::Contains("spelling"));
    }
}

}  // namespace revsearch::test
