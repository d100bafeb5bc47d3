#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

/// Helpers shared by the test executables: temporary directories, fixture and corpus paths,
/// and running the real executables.
namespace revsearch::test {

/// A fresh directory under the system temp dir, removed (with its contents) on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    /// path() / name, as a string.
    [[nodiscard]] std::string file(const std::string& name) const;
    /// Writes `content` to path() / name (creating parent folders) and returns its path.
    std::string write(const std::string& name, const std::string& content) const;

private:
    std::filesystem::path path_;
};

/// The repository's tests/fixtures folder.
[[nodiscard]] std::filesystem::path fixtures_dir();

/// The repository's root.
[[nodiscard]] std::filesystem::path source_dir();

/// ../shared/corpora next to the repository (or $REVSEARCH_SHARED/corpora), if it exists.
[[nodiscard]] std::optional<std::filesystem::path> shared_corpora();

/// ../shared/corpora/NAME, or nullopt (after a Catch2 WARN saying the test is skipped) when it
/// is absent.
[[nodiscard]] std::optional<std::filesystem::path> corpus_dir(const std::string& name);

/// The seed page's path, or nullopt (after a Catch2 WARN saying the test is skipped) when
/// ../shared is absent.
[[nodiscard]] std::optional<std::filesystem::path> seed_page_dir();

/// What a finished process did.
struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs `argv` (argv[0] is a path to an executable) with `input` on its stdin, waits, and
/// returns its exit code and output. Extra environment entries are `NAME=value`.
[[nodiscard]] ProcessResult run_process(const std::vector<std::string>& argv,
                                        const std::string& input = "",
                                        const std::vector<std::string>& env = {});

/// Paths of the built executables.
[[nodiscard]] std::string index_bin();
[[nodiscard]] std::string query_bin();

/// Runs revsearch-index with `--progress none` and the given arguments.
[[nodiscard]] ProcessResult run_index(const std::vector<std::string>& args);

/// The number of reviews in the index at `db`, as `revsearch-query --stats` reports it.
/// Fails the test (REQUIRE) if the query tool cannot read it.
[[nodiscard]] long indexed_count(const std::string& db);

/// `n` canonical JSONL reviews with ids `<tag>1`..`<tag>n` and a short body about patience.
[[nodiscard]] std::string jsonl_reviews(int n, const std::string& tag);

/// Reads a whole file.
[[nodiscard]] std::string read_file(const std::filesystem::path& path);

/// Splits text into lines (without the newlines), dropping a final empty line.
[[nodiscard]] std::vector<std::string> lines_of(const std::string& text);

}  // namespace revsearch::test
