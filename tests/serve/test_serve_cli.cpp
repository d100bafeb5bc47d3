#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/serve/serve_support.hpp"
#include "tests/support/test_support.hpp"

extern char** environ;

using namespace revsearch::test;

namespace {

/// `revsearch-query ARGS` running in the background, its stderr read through a pipe.
class BackgroundQuery {
public:
    explicit BackgroundQuery(const std::vector<std::string>& args) {
        int pipe_fds[2];
        if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
        posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
        posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
        std::vector<std::string> argv{query_bin()};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> c_args;
        for (auto& a : argv) c_args.push_back(a.data());
        c_args.push_back(nullptr);
        const int rc = posix_spawn(&pid_, c_args[0], &actions, nullptr, c_args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(pipe_fds[1]);
        err_fd_ = pipe_fds[0];
        if (rc != 0)
            throw std::runtime_error(std::string("cannot start revsearch-query: ") +
                                     std::strerror(rc));
    }

    ~BackgroundQuery() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        close(err_fd_);
    }
    BackgroundQuery(const BackgroundQuery&) = delete;
    BackgroundQuery& operator=(const BackgroundQuery&) = delete;

    /// Reads stderr until it holds `text` or `timeout` passes. True if it appeared.
    bool wait_for(const std::string& text, std::chrono::seconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (err_.find(text) == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{err_fd_, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[4096];
            const ssize_t n = read(err_fd_, buf, sizeof buf);
            if (n <= 0) return err_.find(text) != std::string::npos;
            err_.append(buf, static_cast<std::size_t>(n));
        }
        return true;
    }

    /// Sends `signal` and waits up to 10 s for the process to end. Returns its exit code, or
    /// -1 if it did not exit by itself in time (it is then killed).
    int stop(int signal) {
        kill(pid_, signal);
        for (int i = 0; i < 1000; ++i) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                drain();
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return -1;
    }

    [[nodiscard]] const std::string& err() const noexcept { return err_; }

    /// Reads what is left of stderr, once the process has ended.
    void drain() {
        char buf[4096];
        for (;;) {
            pollfd p{err_fd_, POLLIN, 0};
            if (poll(&p, 1, 1000) <= 0) return;
            const ssize_t n = read(err_fd_, buf, sizeof buf);
            if (n <= 0) return;
            err_.append(buf, static_cast<std::size_t>(n));
        }
    }

    /// The URL printed on stderr, or empty.
    [[nodiscard]] std::string url() const {
        const std::size_t at = err_.find("http://");
        if (at == std::string::npos) return {};
        return err_.substr(at, err_.find(' ', at) - at);
    }

private:
    pid_t pid_ = -1;
    int err_fd_ = -1;
    std::string err_;
};

ProcessResult query(const std::vector<std::string>& args) {
    std::vector<std::string> argv{query_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

}  // namespace

TEST_CASE("revsearch-query --serve refuses a bad address or limit with a usage error",
          "[serve][cli]") {
    const std::string& db = serve_sample_db();
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"--serve", "host:notaport"},
             {"--serve", "70000"},
             {"--serve", "bad host:8080"},
             {"--serve", "[::1]8080"},
             {"--serve", ""},
             {"--serve", "127.0.0.1:0", "some", "query"},
             {"--serve", "127.0.0.1:0", "--repl"},
             {"--serve", "127.0.0.1:0", "--threads", "0"},
             {"--serve", "127.0.0.1:0", "--max-k", "0"},
             {"--serve", "127.0.0.1:0", "--request-timeout", "0"},
         }) {
        std::vector<std::string> full{"--db", db};
        full.insert(full.end(), args.begin(), args.end());
        INFO(args[0] << " " << args[1]);
        const ProcessResult r = query(full);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("revsearch-query: "));
    }
    const ProcessResult r = query({"--db", db, "--serve", "host:notaport"});
    CHECK_THAT(r.err, Catch::Contains("--serve takes [ADDR:]PORT"));
}

TEST_CASE("revsearch-query --help lists the serving options with their defaults", "[serve][cli]") {
    const ProcessResult r = query({"--help"});
    CHECK(r.exit_code == 0);
    for (const std::string option : {"--serve", "--threads arg (=8)", "--max-k arg (=100)",
                                     "--max-offset arg (=10000)", "--max-query-bytes arg (=1024)",
                                     "--max-filters arg (=16)", "--request-timeout arg (=10)"}) {
        CHECK_THAT(r.out, Catch::Contains(option));
    }
}

TEST_CASE("revsearch-query --serve prints its URL, serves, and stops cleanly on a signal",
          "[serve][cli]") {
    const std::string& db = serve_sample_db();
    for (const int signal : {SIGTERM, SIGINT}) {
        INFO("signal " << signal);
        BackgroundQuery server({"--db", db, "--serve", "127.0.0.1:0"});
        REQUIRE(server.wait_for("(Ctrl-C stops)", std::chrono::seconds(20)));
        const std::string url = server.url();
        CHECK_THAT(url, Catch::StartsWith("http://127.0.0.1:"));
        CHECK_THAT(server.err(), Catch::Contains("serving 28 reviews"));
        httplib::Client c(url.substr(0, url.size() - 1));  // without the trailing '/'
        c.set_connection_timeout(5, 0);
        const httplib::Result health = c.Get("/healthz");
        REQUIRE(health);
        CHECK(health->status == 200);
        const httplib::Result page = c.Get("/");
        REQUIRE(page);
        CHECK_THAT(page->body, Catch::Contains("<title>revsearch</title>"));
        CHECK(server.stop(signal) == 0);
        CHECK_THAT(server.err(), Catch::Contains("stopped"));
    }
}

TEST_CASE("revsearch-query --serve on a missing database fails with exit 1 before listening",
          "[serve][cli]") {
    TempDir dir;
    const ProcessResult r = query({"--db", dir.file("none.db"), "--serve", "127.0.0.1:0"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("http://") == std::string::npos);
}
