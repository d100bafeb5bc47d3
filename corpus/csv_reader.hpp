#pragma once

#include <map>
#include <string>
#include <vector>

#include "corpus/reader.hpp"

namespace revsearch::corpus {

/// Reads CSV (RFC 4180: quoted fields may hold commas, quotes as "" and line breaks) or TSV
/// (tab-separated, no quoting) with a header row. Columns map to review fields by name: a
/// column named like a field (id, title, reviewer, date, rating, rating_scale, topics,
/// category, product, body, url) is that field, and `--map field=column,...` names others.
/// Unmapped columns are kept in extra. `topics` may list several, separated by `;` or `|`.
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
