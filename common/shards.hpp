#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Sharded databases: Xapian stub files and the routing of reviews to shards.
///
/// A sharded revsearch database is a Xapian 1.4 stub: a text file listing one database per
/// line. `revsearch-index --shards N` writes a directory `DIR` holding `shard-000` ...
/// and `DIR/XAPIANDB`; a stub may also list remote shards served by `xapian-tcpsrv`. The query
/// tool parses stubs itself (rather than letting Xapian open them) so that it can name the
/// shard that failed, skip shards that are down, and read each shard's metadata.
namespace revsearch::shards {

/// One database listed in a stub file.
struct StubEntry {
    enum class Kind { Local, Remote };
    Kind kind = Kind::Local;
    /// Local: the path as written in the stub (relative paths are relative to the stub's
    /// folder; see resolve()). Empty for `inmemory`.
    std::string path;
    /// Local: the backend word, "auto", "glass", "chert" or "inmemory". Remote: "remote".
    std::string backend;
    /// Remote: the host to connect to and its TCP port (1..65535).
    std::string host;
    unsigned port = 0;
    /// The 1-based line of the stub this entry came from; 0 for entries not read from a file.
    std::size_t line = 0;
};

/// The stub file that a `--db` path names, if any: `db_path` itself when it is a regular text
/// file (a stub; a binary file, such as a single-file glass database, is not one), or
/// `db_path/XAPIANDB` when `db_path` is a folder holding that file. nullopt for an ordinary
/// database folder, and for a path that does not exist. Does not parse the stub: read_stub()
/// reports its errors. Throws nothing.
[[nodiscard]] std::optional<std::string> stub_file(const std::string& db_path);

/// Parses a stub file in Xapian 1.4's syntax, one database per line:
/// `auto PATH`, `glass PATH`, `chert PATH`, `remote HOST:PORT`, `inmemory`; lines starting
/// with `#` and blank lines are ignored. Returns the entries in file order (possibly none).
/// Throws IndexError naming `stub_path:line` for a line it cannot parse, for `remote :PROG`
/// (Xapian's program-spawning variant, which revsearch does not support), and when the file
/// cannot be read.
[[nodiscard]] std::vector<StubEntry> read_stub(const std::string& stub_path);

/// Where an entry points. Local: its path resolved as Xapian resolves it, relative to the
/// folder of `stub_path` unless absolute ("" for inmemory). Remote: "HOST:PORT".
[[nodiscard]] std::string resolve(const StubEntry& entry, const std::string& stub_path);

/// A short label for messages: "stub_path:line (HOST:PORT)" or "stub_path:line (PATH)",
/// with the local path resolved. Throws nothing but std::bad_alloc.
[[nodiscard]] std::string describe(const StubEntry& entry, const std::string& stub_path);

/// Writes a stub listing `entries` (local ones with their backend word and path as given,
/// remote ones as `remote HOST:PORT`), headed by `comment` as `#` lines when non-empty.
/// Atomic: writes a temporary file in the same folder, syncs it, and renames it over
/// `stub_path`, so a reader sees the old stub or the new one, never a partial one.
/// Throws IndexError when it cannot write, and UsageError for an entry that cannot be
/// written (a local path with a newline or empty, a remote entry without host or port).
void write_stub(const std::string& stub_path, const std::vector<StubEntry>& entries,
                const std::string& comment = "");

/// The folder name of shard `i`: "shard-000", "shard-001", ... (at least three digits).
[[nodiscard]] std::string shard_name(std::size_t i);

/// The shard, in [0, n), that the review with external id `id` belongs to: FNV-1a 64-bit
/// over the id's bytes, modulo n. Stable across platforms, runs and builds. Pass the id as
/// stored (whitespace collapsed, as schema::id_term() does) so that spellings of one id that
/// name the same document also route to the same shard. Throws UsageError when n is 0.
[[nodiscard]] std::size_t shard_for(std::string_view id, std::size_t n);

}  // namespace revsearch::shards
