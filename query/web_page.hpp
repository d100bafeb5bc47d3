#pragma once

#include <string_view>

namespace revsearch::query {

/// The search page served at `/` by `--serve`: query/web/index.html, compiled in at build time.
/// Its `<script>` and `<style>` elements carry the placeholder kWebPageNonce, which the server
/// replaces with a fresh Content-Security-Policy nonce on every response.
extern const std::string_view kWebPage;

/// The placeholder for the CSP nonce in kWebPage.
inline constexpr std::string_view kWebPageNonce = "__REVSEARCH_NONCE__";

}  // namespace revsearch::query
