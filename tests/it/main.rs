//! Integration tests: one binary (see STYLE.md).
