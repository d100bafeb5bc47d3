#pragma once

#include "corpus/path_template.hpp"
#include "corpus/reader.hpp"
#include "corpus/side_files.hpp"

namespace revsearch::corpus {

/// One review per file, as plain text (aclImdb, or any folder of .txt reviews). The body is
/// the file's text, with `<br />` read as a paragraph break; other fields come from the path
/// through a PathTemplate. A file the template does not match is still indexed, with its
/// path (without extension) as id.
class TextReader : public Reader {
public:
    /// `path_template` and `side_files` may be null; if given they must outlive the reader.
    TextReader(const PathTemplate* path_template, SideFiles* side_files)
        : template_(path_template), side_files_(side_files) {}

    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;

    /// True when `head` reads like prose (words and spaces) rather than data or a list.
    [[nodiscard]] static bool looks_like_prose(std::string_view head);

private:
    const PathTemplate* template_;
    SideFiles* side_files_;
};

}  // namespace revsearch::corpus
