#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "corpus/reader.hpp"

namespace revsearch::corpus {

/// One file to read.
struct InputFile {
    std::string path;   ///< what to open
    InputInfo info;     ///< how to name it and the ids derived from it
    std::uint64_t size = 0;
};

/// A named input that could not be used (an unreadable file or folder inside a walked tree).
struct InputProblem {
    std::string path;
    std::string reason;
};

/// Expands the named inputs: a file stands for itself; a directory for every regular file
/// below it, recursively, in byte-wise sorted order so runs are deterministic. Hidden entries
/// (starting with '.') are passed over. Unreadable entries below a directory are reported in
/// `problems` and passed over. Throws UsageError when a named input does not exist.
[[nodiscard]] std::vector<InputFile> expand_inputs(const std::vector<std::string>& paths,
                                                   std::vector<InputProblem>& problems);

/// Opens a file for reading. Throws CorpusError if it cannot be opened.
[[nodiscard]] std::unique_ptr<std::istream> open_input(const std::string& path);

/// The name of file_hash()'s algorithm, as the manifest records it and as xxhsum (Debian's
/// xxhash package) labels it: `xxhsum -H3 FILE` prints `XXH3 (FILE) = <the same 16 digits>`.
inline constexpr std::string_view kFileHashAlgorithm = "XXH3";

/// The 64-bit XXH3 hash of the file's bytes (XXH3_64bits, seed 0), as 16 lower-case hex
/// digits, for manifests (empty if the file cannot be read). Not cryptographic: it tells
/// versions apart, it does not defend.
[[nodiscard]] std::string file_hash(const std::string& path);

/// Reads up to `max_bytes` from the start of the file, for format detection. Returns empty if
/// it cannot be read.
[[nodiscard]] std::string read_head(const std::string& path, std::size_t max_bytes = 4096);

}  // namespace revsearch::corpus
