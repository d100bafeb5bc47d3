#pragma once

#include <string>

#include "corpus/reader.hpp"

namespace revsearch::corpus {

/// Reads revsearch's canonical JSON Lines: one object per line with the keys id, title,
/// reviewer, date, rating, rating_scale, topics, category, product, body and url. Unknown keys
/// are kept in `extra` (non-string values as compact JSON).
///
/// Rejected, with the line number: malformed JSON, a line that is not an object, a known key
/// with the wrong type, invalid UTF-8, and a record with neither title nor body. A date that
/// cannot be parsed does not lose the record: the text is kept as extra `date_raw`.
class JsonlReader : public Reader {
public:
    /// Lines longer than `max_record_bytes` are rejected unparsed (0: no limit).
    explicit JsonlReader(std::size_t max_record_bytes = 0) : max_record_bytes_(max_record_bytes) {}

    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;

    /// Parses one line. Returns false and sets `reason` when the record must be rejected.
    /// Exposed for tests and for other JSON-based readers. The common line is read with
    /// simdjson; any other goes to parse_line_general(), and both give the same review.
    [[nodiscard]] static bool parse_line(const std::string& line, const InputInfo& info,
                                         std::size_t line_number, Review& out,
                                         std::string& reason);

    /// parse_line() through nlohmann's tree alone: the definition of the format, which the
    /// tests hold the fast path against.
    [[nodiscard]] static bool parse_line_general(const std::string& line, const InputInfo& info,
                                                 std::size_t line_number, Review& out,
                                                 std::string& reason);

private:
    /// parse_line() of a line known to be UTF-8 (decoded by the read loop), which the UTF-8
    /// check would only scan again.
    [[nodiscard]] static bool parse_utf8_line(const std::string& line, const InputInfo& info,
                                              std::size_t line_number, Review& out,
                                              std::string& reason);

    std::size_t max_record_bytes_;
};

}  // namespace revsearch::corpus
