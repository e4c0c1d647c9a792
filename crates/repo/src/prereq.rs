//! Prerequisites of a patch that does not apply to a stable branch.
