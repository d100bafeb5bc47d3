#pragma once

#include <map>
#include <string>
#include <vector>

#include "corpus/reader.hpp"

namespace revsearch::corpus {

/// Most lines a quoted CSV field may span after the line its record starts on: far more than
/// the paragraphs of any review, few enough that an open quote is found cheaply.
inline constexpr std::size_t kMaxQuotedLines = 1000;
/// Most bytes a quoted CSV field may span after the line its record starts on.
inline constexpr std::size_t kMaxQuotedBytes = std::size_t{4} << 20;

/// Reads CSV (RFC 4180: quoted fields may hold commas, quotes as "" and line breaks) or TSV
/// (tab-separated, no quoting) with a header row. Columns map to review fields by name: a
/// column named like a field (id, title, reviewer, date, rating, rating_scale, topics,
/// category, product, body, url) is that field, and `--map field=column,...` names others.
/// Unmapped columns are kept in extra. `topics` may list several, separated by `;` or `|`.
///
/// A quoted field left open is rejected, naming the line where its record starts, and every
/// line after that first one is read again as records, so an unclosed quote costs one record:
/// a field is taken as left open when it runs to the end of the input, past kMaxQuotedLines
/// lines or kMaxQuotedBytes bytes, or, after a line break, is closed by a quote that text
/// rather than a separator or the end of the line follows.
class CsvReader : public Reader {
public:
    /// `mapping`: review field -> column name, overriding same-name matching.
    CsvReader(char separator, std::map<std::string, std::string> mapping)
        : separator_(separator), mapping_(std::move(mapping)) {}

    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;

    /// Parses `field=column,field=column`. Throws UsageError.
    [[nodiscard]] static std::map<std::string, std::string> parse_mapping(std::string_view spec);

private:
    char separator_;
    std::map<std::string, std::string> mapping_;
};

}  // namespace revsearch::corpus
