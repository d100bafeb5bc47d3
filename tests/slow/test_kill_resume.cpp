// Crash safety: a real indexing run is killed with SIGKILL at several random moments. After
// each kill the database must open and hold exactly the batches committed so far; running the
// same command again must finish the job with the exact final count and no duplicates.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>
#include <xapian.h>

#include "common/schema.hpp"
#include "tests/support/test_support.hpp"

extern char** environ;

using namespace revsearch;
using namespace revsearch::test;

namespace {

constexpr int kFiles = 4;
constexpr int kPerFile = 750;

void write_corpus(const TempDir& dir) {
    for (int f = 0; f < kFiles; ++f) {
        std::string content;
        for (int i = 0; i < kPerFile; ++i) {
            content += R"({"id":"f)" + std::to_string(f) + "-" + std::to_string(i) +
                       R"(","title":"Notes on patience )" + std::to_string(i) +
                       R"(","reviewer":"Reader )" + std::to_string(i % 17) +
                       R"(","body":"Every careful reader learns patience from this book; chapter )" +
                       std::to_string(i) + R"( on mindfulness and burnout is the heart of it."})" + "\n";
        }
        dir.write("corpus/part" + std::to_string(f) + ".jsonl", content);
    }
}

std::vector<std::string> index_command(const TempDir& dir) {
    return {index_bin(), "--db", dir.file("db"), "--progress", "none", "--batch-records", "50",
            dir.file("corpus")};
}

/// Starts the indexer, lets it run for `delay`, then kills it with SIGKILL.
void run_and_kill(const std::vector<std::string>& argv, std::chrono::milliseconds delay) {
    std::vector<std::string> args = argv;
    std::vector<char*> c_args;
    for (auto& a : args) c_args.push_back(a.data());
    c_args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, c_args[0], &actions, nullptr, c_args.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    std::this_thread::sleep_for(delay);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
}

/// Records the checkpoint says are committed, summed over files.
std::uint64_t committed_records(const Xapian::Database& db) {
    const std::string stored = db.get_metadata(std::string(schema::kMetaSources));
    if (stored.empty()) return 0;
    std::uint64_t total = 0;
    const nlohmann::json sources = nlohmann::json::parse(stored);
    for (auto it = sources.begin(); it != sources.end(); ++it) {
        total += it.value().value("records", std::uint64_t{0});
    }
    return total;
}

}  // namespace

TEST_CASE("an indexing run killed at random moments resumes to the exact count", "[cli][slow]") {
    TempDir dir;
    write_corpus(dir);
    const auto argv = index_command(dir);
    std::mt19937 rng(20261127);  // fixed seed: the same moments on every run
    std::uniform_int_distribution<int> delay_ms(30, 700);

    int kills = 0;
    for (int round = 0; round < 4; ++round) {
        const int delay = delay_ms(rng);
        run_and_kill(argv, std::chrono::milliseconds(delay));
        ++kills;
        INFO("after kill " << kills << " at " << delay << " ms");
        if (!std::filesystem::exists(dir.file("db"))) continue;  // killed before creating it
        // The database opens, and holds exactly what its checkpoint says was committed.
        Xapian::Database db(dir.file("db"));
        CHECK(db.get_doccount() == committed_records(db));
        CHECK(db.get_doccount() <= static_cast<Xapian::doccount>(kFiles * kPerFile));
    }

    const ProcessResult finish = run_process(argv);
    INFO(finish.err);
    CHECK(finish.exit_code == 0);
    Xapian::Database db(dir.file("db"));
    CHECK(db.get_doccount() == static_cast<Xapian::doccount>(kFiles * kPerFile));
    // No duplicates: every id term indexes exactly one document.
    for (int f = 0; f < kFiles; ++f) {
        for (int i = 0; i < kPerFile; i += 149) {
            CHECK(db.get_termfreq(schema::id_term("f" + std::to_string(f) + "-" + std::to_string(i))) == 1);
        }
    }
    // And a query sees them all.
    const ProcessResult q = run_process({query_bin(), "--db", dir.file("db"), "--format", "trec",
                                         "--top", "10000", "patience"});
    CHECK(lines_of(q.out).size() == static_cast<std::size_t>(kFiles * kPerFile));
}
