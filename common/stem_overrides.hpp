#pragma once

#include <array>
#include <string_view>

namespace revsearch {

/// One group of revsearch's English stem overrides: `words` (space-separated) all get `stem`,
/// which keeps them apart from `apart_from`, a word Snowball's English stemmer (Porter2) gives
/// the same stem although it means something else.
struct StemOverrideGroup {
    std::string_view stem;
    std::string_view words;
    std::string_view apart_from;
};

/// revsearch's English stem overrides, as Lucene's StemmerOverrideFilter applies a dictionary
/// before its stemmer. Each group keeps the forms of one word together and apart from the
/// unrelated word Porter2 joined them to; where Porter2 already gives some forms a stem of
/// their own ("compassionate" -> "compassion", "professional" -> "profession"), the group
/// joins them. Found by grouping the frequent words (in 20 or more reviews) of the review
/// corpora by stem with bench/stem-groups, which ranks groups by how little their members
/// share contexts, and read by hand: a group is here when its members differ in meaning in
/// ordinary use, not only in one corpus (docs/ARCHITECTURE.md, "Decision: stem overrides").
inline constexpr StemOverrideGroup kEnglishStemOverrides[] = {
    // The domain's own words: mental health, wellbeing, personality.
    {"compassion", "compassion compassions", "compass"},
    {"mindful", "mindful mindfully mindfulness", "mind"},
    {"grateful", "grateful gratefully gratefulness", "grate"},
    {"kindness", "kindness kindnesses", "kind"},
    {"wellness", "wellness", "well"},
    {"fitness", "fitness", "fit"},
    {"personality", "personality personalities", "person"},
    {"identiti", "identity identities", "identical"},
    {"affection", "affection affections", "affect"},
    {"optimist", "optimism", "optimal"},
    {"positiv", "positive positively positives positivity", "position"},
    {"rational", "rational rationally rationality", "ration"},
    {"competent", "competent competently competence competency competencies", "compete"},
    {"morale", "morale", "moral"},
    {"meaning", "meaning meanings", "mean"},
    {"careful", "careful carefully carefulness", "care"},
    {"emergency", "emergency emergencies", "emerge"},
    {"several", "several", "severe"},
    {"experiment", "experiment experiments experimented experimenting", "experience"},
    {"relativ", "relative relatives relatively", "relate"},
    {"objectiv", "objective objectives objectively objectivity", "object"},
    {"subjectiv", "subjective subjectively subjectivity", "subject"},
    {"conversation", "conversation conversations conversational", "converse"},
    {"likely", "likely", "like"},
    {"likeness", "likeness", "like"},
    {"definition", "definition definitions", "definitely"},
    {"profession", "profession professions", "profess"},
    {"authority", "authority authorities", "author"},
    {"universiti", "university universities", "universe"},
    {"wonderful", "wonderful wonderfully", "wonder"},
    {"hardly", "hardly", "hard"},
    {"barely", "barely", "bare"},
    {"shortly", "shortly", "short"},
    {"lately", "lately", "late"},
    {"handful", "handful handfuls", "hand"},
    {"evening", "evening evenings", "even"},
    {"respectiv", "respective respectively", "respect"},
    {"extensiv", "extensive extensively", "extension"},
    {"comprehensiv", "comprehensive comprehensively", "comprehension"},
    {"convention", "convention conventions conventional conventionally", "convent"},
    {"succession", "succession", "success"},
    {"successiv", "successive successively", "success"},
    {"procession", "procession processions", "process"},
    {"diversion", "diversion diversions", "diverse"},
    {"suspension", "suspension suspensions", "suspense"},
    {"witness", "witness witnesses witnessed witnessing", "wit"},
    // Reviews of products, films and books.
    {"customer", "customer customers", "custom"},
    {"business", "business businesses", "busy"},
    {"production", "production productions", "product"},
    {"productiv", "productive productively productivity", "product"},
    {"apartment", "apartment apartments", "apart"},
    {"animal", "animal animals", "animation"},
    {"physics", "physics", "physical"},
    {"executive", "executive executives", "execute"},
    {"detective", "detective detectives", "detect"},
    {"celebrity", "celebrity celebrities", "celebrate"},
    {"hospitality", "hospitality", "hospital"},
    {"instalment", "installment installments instalment instalments", "install"},
    {"organiz",
     "organization organizations organisation organisations organize organized organizes "
     "organizing organizer organizers organise organised organising organiser",
     "organ"},
    {"organic", "organic organically", "organ"},
    {"organism", "organism organisms", "organ"},
    {"international", "international internationally", "intern"},
    {"internal", "internal internally", "intern"},
    {"capitalist", "capitalism", "capital"},
    {"conservat", "conservative conservatives", "conserve"},
    {"revelation", "revelation revelations", "revel"},
    {"wilderness", "wilderness", "wilder"},
    {"rugged", "rugged ruggedly", "rug"},
    {"boxing", "boxing", "box"},
    {"jeans", "jeans", "jean"},
    {"stocking", "stocking stockings", "stock"},
};

}  // namespace revsearch
