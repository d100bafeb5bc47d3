#include "tests/support/test_support.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <random>
#include <spawn.h>
#include <set>
#include <sstream>
#include <stdexcept>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace revsearch::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
        const fs::path candidate =
            fs::temp_directory_path() / ("revsearch-test-" + std::to_string(rd()));
        if (fs::create_directory(candidate)) {
            path_ = candidate;
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string TempDir::file(const std::string& name) const { return (path_ / name).string(); }

std::string TempDir::write(const std::string& name, const std::string& content) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p.string();
}

fs::path source_dir() { return fs::path(REVSEARCH_SOURCE_DIR); }

fs::path fixtures_dir() { return source_dir() / "tests" / "fixtures"; }

std::optional<fs::path> shared_corpora() {
    if (const char* env = std::getenv("REVSEARCH_SHARED"); env != nullptr && *env != '\0') {
        if (fs::is_directory(fs::path(env) / "corpora")) return fs::path(env) / "corpora";
        return std::nullopt;
    }
    const fs::path p = source_dir().parent_path() / "shared" / "corpora";
    if (fs::is_directory(p)) return p;
    return std::nullopt;
}

std::optional<fs::path> corpus_dir(const std::string& name) {
    const auto corpora = shared_corpora();
    if (!corpora || !fs::is_directory(*corpora / name)) {
        WARN("skipped: ../shared/corpora/" << name << " is absent");
        return std::nullopt;
    }
    return *corpora / name;
}

std::optional<fs::path> seed_page_dir() {
    const auto corpora = shared_corpora();
    if (!corpora || !fs::is_directory(*corpora / "psychcentral-seed")) {
        WARN("skipped: ../shared/corpora/psychcentral-seed is absent");
        return std::nullopt;
    }
    return *corpora / "psychcentral-seed";
}

std::string index_bin() { return REVSEARCH_INDEX_BIN; }
std::string query_bin() { return REVSEARCH_QUERY_BIN; }

ProcessResult run_index(const std::vector<std::string>& args) {
    std::vector<std::string> argv{index_bin(), "--progress", "none"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

long indexed_count(const std::string& db) {
    const ProcessResult r = run_process({query_bin(), "--db", db, "--stats", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const std::string key = "\"documents\":";
    const std::size_t at = r.out.find(key);
    REQUIRE(at != std::string::npos);
    return std::stol(r.out.substr(at + key.size()));
}

std::string jsonl_reviews(int n, const std::string& tag) {
    std::string out;
    for (int i = 1; i <= n; ++i) {
        out += R"({"id":")" + tag + std::to_string(i) + R"(","title":"Review )" + std::to_string(i) +
               R"(","body":"A calm and careful book about patience, number )" + std::to_string(i) +
               R"(."})" + "\n";
    }
    return out;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          const std::vector<std::string>& env) {
    std::signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the test
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
        throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
        posix_spawn_file_actions_addclose(&actions, fd);
    }
    // A variable given in `env` replaces the inherited one of the same name: with both, the
    // child's getenv would see the inherited one first.
    const auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
    std::set<std::string> given;
    for (const auto& extra : env) given.insert(name_of(extra));
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        if (given.count(name_of(*e)) == 0) env_strings.emplace_back(*e);
    }
    for (const auto& extra : env) env_strings.push_back(extra);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> c_args;
    for (auto& a : args) c_args.push_back(a.data());
    c_args.push_back(nullptr);

    pid_t pid = 0;
    const int rc = posix_spawn(&pid, c_args[0], &actions, nullptr, c_args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) {
        close(in_pipe[1]);
        close(out_pipe[0]);
        close(err_pipe[0]);
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    }

    // Feed stdin and drain stdout/stderr together, so neither side can block the other.
    ProcessResult result;
    std::size_t written = 0;
    int in_fd = in_pipe[1];
    if (input.empty()) {
        close(in_fd);
        in_fd = -1;
    } else {
        fcntl(in_fd, F_SETFL, O_NONBLOCK);
    }
    bool out_open = true, err_open = true;
    char buf[65536];
    while (out_open || err_open) {
        pollfd fds[3];
        int n = 0;
        if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
        if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
        if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
        if (poll(fds, static_cast<nfds_t>(n), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < n; ++i) {
            if (fds[i].revents == 0) continue;
            if (fds[i].fd == in_fd) {
                const ssize_t w = write(in_fd, input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<std::size_t>(w);
                if (w < 0 || written == input.size()) {
                    close(in_fd);
                    in_fd = -1;
                }
                continue;
            }
            const ssize_t r = read(fds[i].fd, buf, sizeof buf);
            if (r <= 0) {
                if (fds[i].fd == out_pipe[0]) out_open = false;
                if (fds[i].fd == err_pipe[0]) err_open = false;
                continue;
            }
            (fds[i].fd == out_pipe[0] ? result.out : result.err).append(buf, static_cast<std::size_t>(r));
        }
    }
    if (in_fd >= 0) close(in_fd);
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

}  // namespace revsearch::test
