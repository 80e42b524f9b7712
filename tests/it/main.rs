//! Integration tests: one binary (see STYLE.md). They run the real
//! `yuanqu` binary on generated and hand-made layers and compare with
//! answers it did not produce: the shapely/pyproj oracle, hand-derived
//! geometry, the bad-input manifest.

mod atomic;
mod bad_inputs;
mod common;
mod consolidation;
mod determinism;
mod enterprises;
mod formats;
mod layout;
mod oracle;
mod overlap_cases;
mod planner;
mod properties;
