#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>

/// Reading a line without letting its length decide the memory used: --max-record-bytes holds
/// while a record is read, not only after (issue 22: a 1 MB gzip expanding to one 1 GB line
/// reached 2.1 GB of memory before it was rejected).
namespace revsearch::corpus {

/// Reads the next line of `in` into `line`, without its `\n`, as std::getline does, but keeps at
/// most `limit` bytes of it (0: no limit): the rest of a longer line is read in blocks and
/// dropped, so memory stays bounded by the limit and a block. Sets `length` to the line's whole
/// length, so `length > limit` says the line was cut. Returns false at the end of the input when
/// no line was read, and when the stream goes bad (badbit: damaged data) inside a line.
bool read_bounded_line(std::istream& in, std::string& line, std::size_t limit, std::uint64_t& length);

/// The reject reason of a record of `length` bytes over `limit`.
[[nodiscard]] std::string record_too_large(std::uint64_t length, std::size_t limit);

}  // namespace revsearch::corpus
