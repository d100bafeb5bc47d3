#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/review.hpp"

namespace revsearch::corpus {

/// Review fields taken from a file's path, for corpora stored one review per file.
///
/// A template such as `{split}/{label}/{id}_{rating}.txt` is matched against the *last*
/// components of each path (so `aclImdb/train/pos/12_9.txt` matches with split=train,
/// label=pos, id=12, rating=9). A placeholder matches within one path component, as few
/// characters as possible. Fields map to the review as follows:
///   - `{id}`: the review id is the matched folders plus the value (`train/pos/12`), because
///     file numbers usually repeat across folders; without `{id}` the id is the matched path
///     without its extension. Either way ids follow paths, so they are unique per input;
///   - `{reviewer}`, `{title}`, `{category}`, `{product}`: the field, with `+` and `_` read as
///     spaces and `%XX` decoded (`Jane+Doe` -> `Jane Doe`);
///   - `{rating}`: a number (with the scale given by `rating_scale`, if any);
///   - `{date}`: any date common/date.hpp reads;
///   - any other name: kept in extra.
/// Lookups fill a field from a side file, by line number: `product=../urls_{label}.txt#{id}`
/// reads line {id} (0-based) of that file, relative to the review's folder.
class PathTemplate {
public:
    struct Lookup {
        std::string field;         ///< e.g. "product"
        std::string file_pattern;  ///< e.g. "../urls_{label}.txt"
        std::string line_field;    ///< e.g. "id"
    };

    /// Parses a template, or the name of a built-in one ("aclimdb"). Throws UsageError.
    [[nodiscard]] static PathTemplate parse(std::string_view spec);

    /// The built-in template for the IMDb Large Movie Review Dataset: `{split}/{label}/
    /// {id}_{rating}.txt`, rating on a scale of 10 (0, used for unlabelled reviews, means
    /// none), category `{split}/{label}`, and the movie URL from `../urls_{label}.txt#{id}`.
    [[nodiscard]] static PathTemplate aclimdb();

    /// Adds a lookup, written `field=relative/file#{line_field}`. Throws UsageError.
    void add_lookup(std::string_view spec);

    /// The values of the placeholders if `path` ends with a match, plus the matched part.
    struct Match {
        std::vector<std::pair<std::string, std::string>> values;
        std::string matched;  ///< the matching tail of the path
    };
    [[nodiscard]] std::optional<Match> match(std::string_view path) const;

    /// Applies a match to a review: sets id and the fields described above.
    void apply(const Match& match, Review& review) const;

    /// The path of a lookup's side file for a review at `path`, with placeholders filled.
    [[nodiscard]] std::string lookup_path(const Lookup& lookup, std::string_view path,
                                          const Match& match) const;

    [[nodiscard]] const std::vector<Lookup>& lookups() const noexcept { return lookups_; }
    [[nodiscard]] const std::string& spec() const noexcept { return spec_; }

    double rating_scale = 0;         ///< 0: unknown
    bool zero_rating_is_none = false;
    bool category_from_folders = false;  ///< category = `{split}/{label}` (the aclImdb rule)

private:
    std::string spec_;
    std::regex regex_;
    std::vector<std::string> names_;
    std::vector<Lookup> lookups_;
};

/// Decodes `+`, `_` (as spaces) and `%XX` in a path component.
[[nodiscard]] std::string decode_path_component(std::string_view component);

}  // namespace revsearch::corpus
