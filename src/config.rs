//! `yuanqu.toml`: every threshold the analysis uses, with documented defaults.
//!
//! Every key is optional; an unknown key is an error (a typo must not
//! silently fall back to a default). The configuration actually used is
//! written into `run.json` and printed in every report.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The whole configuration.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Overlap tolerances (Z1, Z2).
    pub zoning: ZoningConfig,
    /// Parks per county and blocks per park (L1–L3).
    pub layout: LayoutConfig,
    /// Which park types are out of scope (S2).
    pub scope: ScopeConfig,
    /// Approved-area check (D8).
    pub area: AreaConfig,
    /// Evaluation thresholds, weights and grades (E4–E13).
    pub evaluation: crate::evaluate::EvaluationConfig,
    /// Merge planning (C1–C4): complementary industries, search limit.
    pub merge: crate::consolidate::MergeConfig,
    /// Enterprise screening (B1, P3, P4): candidate combination, keywords.
    pub enterprises: crate::enterprises::EnterpriseConfig,
    /// Map size, resolution and font (`[maps]`).
    pub maps: crate::maps::MapConfig,
    /// Field names of the input layers, canonical name → name in the file.
    pub fields: FieldMaps,
}

/// Overlap tolerances.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ZoningConfig {
    /// A (block, zone) overlap at or below this area is not reported
    /// individually; the total below it is (D9). Default 0.001 mu (0.67 m²).
    pub area_tolerance_mu: f64,
    /// An overlap whose mean width (2·area/perimeter) is below this is a
    /// sliver: digitising noise along a shared border. It keeps its rule id
    /// with a lower severity (Z2 → warning, Z1 → info). Default 3 m.
    pub sliver_width_m: f64,
    /// Sweep every zone for self-intersections, also zones whose box meets
    /// no block's box (default true: every defect of the layer is
    /// reported). Those zones can change no answer, so `false` checks them
    /// for structure only (closed rings of finite lon/lat in range, three
    /// distinct points): for repeated runs on a zone layer already checked,
    /// it saves about a tenth of a large run's processor time.
    pub validate_far_zones: bool,
}

impl Default for ZoningConfig {
    fn default() -> Self {
        ZoningConfig { area_tolerance_mu: 0.001, sliver_width_m: 3.0, validate_far_zones: true }
    }
}

/// Layout quotas.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LayoutConfig {
    /// Parks a county keeps (L1). Default 1.
    pub parks_per_county: usize,
    /// Parks an economically strong county keeps (L2). Default 2.
    pub parks_per_strong_county: usize,
    /// Blocks per park (L3). Default 3.
    pub max_blocks: usize,
    /// Adcodes of the strong counties (L2). Also read from the counties
    /// layer's `strong` field; the two are combined.
    pub strong_counties: Vec<String>,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        LayoutConfig { parks_per_county: 1, parks_per_strong_county: 2, max_blocks: 3, strong_counties: Vec::new() }
    }
}

/// Out-of-scope park types (S2).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScopeConfig {
    /// A park whose `park_type` contains one of these is out of scope.
    /// Default: logistics parks and the customs special supervision zones
    /// that are not industry-led.
    pub out_of_scope_types: Vec<String>,
}

impl Default for ScopeConfig {
    fn default() -> Self {
        ScopeConfig {
            out_of_scope_types: ["物流园区", "综合保税区", "保税物流中心", "保税港区", "保税区", "出口加工区"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// Approved-area check.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AreaConfig {
    /// A park whose measured area differs from its `approved_area_mu` by more
    /// than this share of the approved area is a finding (D8). Default 0.10.
    pub approved_deviation_share: f64,
}

impl Default for AreaConfig {
    fn default() -> Self {
        AreaConfig { approved_deviation_share: 0.10 }
    }
}

/// Field-name mappings per layer: `[fields.parks] park_id = "YQDM"`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FieldMaps {
    /// Parks layer.
    pub parks: BTreeMap<String, String>,
    /// Zones layer.
    pub zones: BTreeMap<String, String>,
    /// Built-up layer.
    pub builtup: BTreeMap<String, String>,
    /// Counties layer.
    pub counties: BTreeMap<String, String>,
    /// Statistics table.
    pub stats: BTreeMap<String, String>,
    /// Enterprises table.
    pub enterprises: BTreeMap<String, String>,
}

/// A configuration file that could not be used.
#[derive(Debug)]
pub struct ConfigError {
    /// The file.
    pub file: String,
    /// What is wrong (from the TOML parser, with line and column).
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}\nhint: every key is optional; see README.md \"Configuration\" for the keys and their defaults",
            self.file,
            self.message.trim_end()
        )
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Parses a configuration from TOML text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<Config, ConfigError> {
        let cfg: Config =
            toml::from_str(text).map_err(|e| ConfigError { file: file.to_owned(), message: e.to_string() })?;
        cfg.check().map_err(|message| ConfigError { file: file.to_owned(), message })?;
        Ok(cfg)
    }

    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| ConfigError { file: file.clone(), message: e.to_string() })?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ConfigError { file: file.clone(), message: "is not UTF-8 text".into() })?;
        Config::from_toml(text.trim_start_matches('\u{feff}'), &file)
    }

    fn check(&self) -> Result<(), String> {
        let finite_nonneg = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(format!("{name} = {v}: must be a number ≥ 0"))
            }
        };
        finite_nonneg("zoning.area_tolerance_mu", self.zoning.area_tolerance_mu)?;
        finite_nonneg("zoning.sliver_width_m", self.zoning.sliver_width_m)?;
        finite_nonneg("area.approved_deviation_share", self.area.approved_deviation_share)?;
        self.evaluation.check()?;
        self.merge.check()?;
        self.maps.check().map_err(|e| e.to_string())?;
        self.enterprises.check()?;
        if self.layout.parks_per_county == 0 || self.layout.max_blocks == 0 {
            return Err("layout.parks_per_county and layout.max_blocks must be at least 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_documented_defaults() {
        let c = Config::from_toml("", "yuanqu.toml").unwrap();
        assert_eq!(c.zoning.area_tolerance_mu, 0.001);
        assert_eq!(c.layout.parks_per_county, 1);
        assert_eq!(c.layout.parks_per_strong_county, 2);
        assert_eq!(c.layout.max_blocks, 3);
    }

    #[test]
    fn field_mapping_is_read() {
        let c = Config::from_toml("[fields.parks]\npark_id = \"YQDM\"\n", "yuanqu.toml").unwrap();
        assert_eq!(c.fields.parks.get("park_id").map(String::as_str), Some("YQDM"));
    }

    #[test]
    fn a_misspelt_key_is_an_error_naming_it() {
        let e = Config::from_toml("[zoning]\nsliver_widht_m = 2\n", "x/yuanqu.toml").unwrap_err();
        let s = e.to_string();
        assert!(s.contains("x/yuanqu.toml") && s.contains("sliver_widht_m"), "{s}");
    }

    #[test]
    fn a_negative_tolerance_is_an_error() {
        assert!(Config::from_toml("[zoning]\narea_tolerance_mu = -1\n", "y.toml").is_err());
    }
}
