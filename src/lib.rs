//! # yuanqu (园区)
//!
//! Checks Inner Mongolia industrial parks against zoning and plans their
//! consolidation by the rules of 内政发〔2019〕21号 (`../shared/POLICY.md`).
//!
//! Data flows one way: load layers ([`layers`]) → validate ([`geom::validate`])
//! → index and measure ([`measure`]) → apply the rules ([`layout`],
//! [`evaluate`]) → write ([`output`]). [`pipeline`] strings the stages
//! together; the `yuanqu` binary only parses flags, runs and prints.
//! [`planner`] answers a planner's questions about a proposed park or a
//! project from the same stages.
//!
//! Areas are geodesic on the CGCS2000/GRS80 ellipsoid, in mu; distances are
//! geodesic, in metres. Nothing is measured planar on lon/lat.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod commands;
pub mod config;
pub mod consolidate;
pub mod enterprises;
pub mod evaluate;
pub mod findings;
pub mod geom;
pub mod layers;
pub mod layout;
pub mod maps;
pub mod measure;
pub mod model;
pub mod output;
pub mod parks;
pub mod pipeline;
pub mod planner;
pub mod rules;
pub mod units;
pub mod zoning;
