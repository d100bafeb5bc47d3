#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace revsearch {

/// Base of every exception revsearch throws on purpose. The message is complete and ready to
/// print; the executables' `main` prints `what()` and maps the type to an exit code.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Input could not be read at all (an unreadable file, a broken archive). Carries the file and,
/// when known, the line or record number. Bad *records* are not errors: readers report them as
/// `Reject`s and go on.
class CorpusError : public Error {
public:
    /// `line` is 1-based; 0 means "the whole file".
    CorpusError(std::string file, std::size_t line, const std::string& reason);

    [[nodiscard]] const std::string& file() const noexcept { return file_; }
    [[nodiscard]] std::size_t line() const noexcept { return line_; }

private:
    std::string file_;
    std::size_t line_;
};

/// The index could not be created, opened, written or read.
class IndexError : public Error {
public:
    IndexError(const std::string& db_path, const std::string& reason);
};

/// A query could not be parsed or run. Maps to exit code 2 ("bad query: ...").
class QueryError : public Error {
public:
    explicit QueryError(const std::string& reason) : Error("bad query: " + reason) {}
};

/// The command line was wrong. Maps to exit code 2.
class UsageError : public Error {
public:
    explicit UsageError(const std::string& reason) : Error(reason) {}
};

/// Exit codes shared by every revsearch executable (DESIGN.md, "Contract for users").
enum class ExitCode : int { Ok = 0, Error = 1, Usage = 2, Rejected = 3 };

}  // namespace revsearch
