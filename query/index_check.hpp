#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace revsearch::query {

/// What `revsearch-query --check` found in an index.
struct CheckReport {
    std::vector<std::string> databases;  ///< the databases checked (each local shard, or one)
    std::vector<std::string> problems;   ///< one line each; empty when the index is sound
    unsigned long documents = 0;         ///< documents whose record was read back

    [[nodiscard]] bool sound() const noexcept { return problems.empty(); }
};

/// Checks the index at `db_path` (a database folder, or a stub listing local shards): Xapian's
/// Database::check over every table of each database (B-tree structure, and postings against
/// term lists and document lengths), then a read of every document: its stored record must
/// decode and parse, and its id term must index it alone. Glass blocks carry no checksums, so
/// the read finds damage inside a record that the tables' structure cannot show. Throws
/// nothing but std::bad_alloc: whatever fails is a problem in the report. Remote shards are
/// not checked (a problem says so); check them where they are stored.
[[nodiscard]] CheckReport check_index(const std::string& db_path);

/// Prints the report as `revsearch-query --check` does.
void print_check(std::ostream& out, const std::string& db_path, const CheckReport& report);

}  // namespace revsearch::query
