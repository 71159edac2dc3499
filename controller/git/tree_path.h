// Paths inside a git tree: '/'-separated, relative, never leaving their root.
// Pure string functions (no libgit2) so they are tested without a repository.
#pragma once

#include <string>
#include <string_view>

#include "resolver/base/result.h"

namespace gitns::git {

// Normalizes a path inside a tree: drops empty and "." segments and resolves ".."
// lexically. Fails (Errc::malformed) for absolute paths, NUL or backslash bytes, and
// paths whose ".." would climb above the root: manifests name files relative to the
// source path, and a reference must not reach the rest of the repository.
// The empty path and "." normalize to "" (the root itself).
base::Result<std::string> normalize_tree_path(std::string_view path);

// "a" + "b/c" -> "a/b/c"; either side may be empty.
std::string join_tree_path(std::string_view base, std::string_view rest);

// A manifest file: name ends in .yaml or .yml (any case) and is not hidden.
bool is_manifest_name(std::string_view file_name);

// Dot-files and dot-folders (.github/, .gitlab-ci.yml) are never manifests.
inline bool is_hidden_name(std::string_view name) { return !name.empty() && name[0] == '.'; }

}  // namespace gitns::git
