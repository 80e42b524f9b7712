//! The typed records the analysis works on, after loading and validation.
//!
//! Geometries are lon/lat (CGCS2000 ≈ WGS84) `MultiPolygon`s that passed
//! validation: every later stage may rely on that.

use geo::{MultiPolygon, Rect};
use serde::Serialize;

/// Where a record came from: file and zero-based feature index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The file or GDAL source.
    pub file: String,
    /// Zero-based feature index.
    pub feature: usize,
}

/// A park block (区块): one feature of the parks layer.
#[derive(Clone, Debug)]
pub struct Block {
    /// Where it came from.
    pub origin: Origin,
    /// Park id.
    pub park_id: String,
    /// Block id, unique in the layer.
    pub block_id: String,
    /// Park name.
    pub park_name: Option<String>,
    /// Block number within the park.
    pub block_no: Option<i64>,
    /// Block name.
    pub block_name: Option<String>,
    /// Park type (S1/S2), e.g. 自治区级工业园区.
    pub park_type: Option<String>,
    /// County adcode (6 digits), possibly filled from the counties layer.
    pub county_adcode: Option<String>,
    /// County name.
    pub county_name: Option<String>,
    /// League/city adcode (15xx00).
    pub league_adcode: Option<String>,
    /// League/city name.
    pub league_name: Option<String>,
    /// Leading industries (主导产业), split.
    pub leading_industries: Vec<String>,
    /// Year established.
    pub established_year: Option<i64>,
    /// Approved area (批复面积) in mu, as declared.
    pub approved_area_mu: Option<f64>,
    /// Typed-in built-up area in mu, used only when there is no built-up layer.
    pub builtup_mu_declared: Option<f64>,
    /// The geometry.
    pub geom: MultiPolygon<f64>,
}

/// Class of a development zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ZoneClass {
    /// 限制开发区域 (Z1).
    Restricted,
    /// 禁止开发区域 (Z2).
    Prohibited,
}

impl ZoneClass {
    /// Parses `restricted`/`prohibited` or their Chinese names.
    pub fn parse(s: &str) -> Option<ZoneClass> {
        match s.trim() {
            "restricted" | "Restricted" | "RESTRICTED" | "限制开发区域" | "限制开发区" | "限制开发" => {
                Some(ZoneClass::Restricted)
            }
            "prohibited" | "Prohibited" | "PROHIBITED" | "禁止开发区域" | "禁止开发区" | "禁止开发" => {
                Some(ZoneClass::Prohibited)
            }
            _ => None,
        }
    }

    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneClass::Restricted => "restricted",
            ZoneClass::Prohibited => "prohibited",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            ZoneClass::Restricted => "限制开发区域",
            ZoneClass::Prohibited => "禁止开发区域",
        }
    }
}

/// A restricted or prohibited development zone.
#[derive(Clone, Debug)]
pub struct Zone {
    /// Where it came from.
    pub origin: Origin,
    /// Zone id.
    pub zone_id: String,
    /// Restricted or prohibited.
    pub class: ZoneClass,
    /// Name, e.g. 大青山国家级自然保护区.
    pub zone_name: Option<String>,
    /// Type, e.g. 自然保护区.
    pub zone_type: Option<String>,
    /// Level, e.g. 国家级.
    pub zone_level: Option<String>,
    /// The geometry.
    pub geom: MultiPolygon<f64>,
    /// Its bounding box.
    pub bbox: Rect<f64>,
}

/// A built-up land parcel (建成区).
#[derive(Clone, Debug)]
pub struct Parcel {
    /// Where it came from.
    pub origin: Origin,
    /// Parcel id, if given.
    pub parcel_id: Option<String>,
    /// Land use, if given.
    pub land_use: Option<String>,
    /// The geometry.
    pub geom: MultiPolygon<f64>,
}

/// A county-level unit (旗县市区).
#[derive(Clone, Debug)]
pub struct County {
    /// Adcode (6 digits).
    pub adcode: String,
    /// Name.
    pub name: Option<String>,
    /// League/city adcode.
    pub parent_adcode: Option<String>,
    /// League/city name.
    pub parent_name: Option<String>,
    /// Economically strong (L2), if the layer says.
    pub strong: Option<bool>,
    /// The geometry.
    pub geom: MultiPolygon<f64>,
}

/// Splits a `leading_industries` value: `、` `;` `,` `，` `；` or a JSON array.
pub fn split_industries(s: &str) -> Vec<String> {
    let t = s.trim();
    if t.starts_with('[') {
        if let Ok(v) = serde_json::from_str::<Vec<String>>(t) {
            return v.into_iter().map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect();
        }
    }
    t.split(['、', ';', ',', '，', '；']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industries_split_on_every_documented_separator() {
        assert_eq!(split_industries("新材料、现代煤化工"), vec!["新材料", "现代煤化工"]);
        assert_eq!(split_industries("a;b,c，d"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_industries("[\"氢能\", \"风电装备\"]"), vec!["氢能", "风电装备"]);
        assert!(split_industries("  ").is_empty());
    }

    #[test]
    fn zone_class_reads_chinese_names() {
        assert_eq!(ZoneClass::parse("禁止开发区域"), Some(ZoneClass::Prohibited));
        assert_eq!(ZoneClass::parse("限制开发区域"), Some(ZoneClass::Restricted));
        assert_eq!(ZoneClass::parse("other"), None);
    }
}
