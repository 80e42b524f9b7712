//! The same layers as the GeoJSON outputs, written through GDAL as a
//! GeoPackage (`results.gpkg`, one layer per file) or as Shapefiles
//! (`shp/NAME.shp` with a UTF-8 `.cpg`). Shapefile field names are cut to
//! 10 characters; the mapping is returned for run.json.

use super::{OutFeature, OutGeometry, WriteError};
use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::vector::{Feature, FieldValue, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal};
use gdal::DriverManager;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A layer to export: name, geometry type, features.
pub struct ExportLayer<'a> {
    /// Layer (and file) name, e.g. `blocks`.
    pub name: &'static str,
    /// Line layers (merges) or polygon layers.
    pub lines: bool,
    /// Properties and geometry of each feature.
    pub features: Vec<OutFeature<'a>>,
}

/// Which GDAL format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GdalFormat {
    /// GeoPackage.
    Gpkg,
    /// ESRI Shapefile.
    Shp,
}

fn err(path: &Path, e: impl std::fmt::Display) -> WriteError {
    WriteError { path: path.display().to_string(), message: e.to_string() }
}

/// Short, unique field names for a Shapefile (≤ 10 bytes).
pub fn shapefile_names(keys: &[&str]) -> Vec<String> {
    let mut used = std::collections::BTreeSet::new();
    keys.iter()
        .map(|k| {
            let base: String = k.chars().filter(|c| c.is_ascii()).take(10).collect();
            let mut name = base.clone();
            let mut n = 1;
            while !used.insert(name.to_ascii_lowercase()) {
                let suffix = format!("_{n}");
                name = format!("{}{suffix}", &base[..base.len().min(10 - suffix.len())]);
                n += 1;
            }
            name
        })
        .collect()
}

fn field_type(features: &[OutFeature<'_>], key: &str) -> OGRFieldType::Type {
    let mut ty = None;
    for (m, _) in features {
        match m.get(key) {
            Some(Value::Number(n)) if n.is_i64() && ty.is_none() => ty = Some(OGRFieldType::OFTInteger64),
            Some(Value::Number(_)) => ty = Some(OGRFieldType::OFTReal),
            Some(Value::Bool(_)) if ty.is_none() => ty = Some(OGRFieldType::OFTInteger),
            Some(Value::String(_)) | Some(Value::Array(_)) | Some(Value::Object(_)) => {
                return OGRFieldType::OFTString;
            }
            _ => {}
        }
    }
    ty.unwrap_or(OGRFieldType::OFTString)
}

/// Writes `layers` into `dir` in `format`; returns the Shapefile field-name mapping.
pub fn export(
    dir: &Path,
    layers: &[ExportLayer<'_>],
    format: GdalFormat,
) -> Result<BTreeMap<String, String>, WriteError> {
    let (driver_name, final_path, tmp_path) = match format {
        GdalFormat::Gpkg => ("GPKG", dir.join("results.gpkg"), dir.join(".results-tmp.gpkg")),
        GdalFormat::Shp => ("ESRI Shapefile", dir.join("shp"), dir.join(".shp.tmp")),
    };
    let _ = std::fs::remove_file(&tmp_path);
    let _ = std::fs::remove_dir_all(&tmp_path);
    if format == GdalFormat::Shp {
        std::fs::create_dir_all(&tmp_path).map_err(|e| err(&tmp_path, e))?;
    }
    let driver = DriverManager::get_driver_by_name(driver_name).map_err(|e| err(&final_path, e))?;
    let mut srs = SpatialRef::from_epsg(4326).map_err(|e| err(&final_path, e))?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut mapping = BTreeMap::new();
    {
        let mut ds = driver.create_vector_only(&tmp_path).map_err(|e| err(&final_path, e))?;
        for l in layers {
            let keys: Vec<String> = l.features.first().map(|(m, _)| m.keys().cloned().collect()).unwrap_or_default();
            let names: Vec<String> = match format {
                GdalFormat::Gpkg => keys.clone(),
                GdalFormat::Shp => shapefile_names(&keys.iter().map(String::as_str).collect::<Vec<_>>()),
            };
            for (k, n) in keys.iter().zip(&names) {
                if k != n {
                    mapping.insert(k.clone(), n.clone());
                }
            }
            let mut options = vec![];
            if format == GdalFormat::Shp {
                options.push("ENCODING=UTF-8");
            }
            let layer = ds
                .create_layer(LayerOptions {
                    name: l.name,
                    srs: Some(&srs),
                    ty: if l.lines { OGRwkbGeometryType::wkbLineString } else { OGRwkbGeometryType::wkbMultiPolygon },
                    options: Some(&options),
                })
                .map_err(|e| err(&final_path, e))?;
            let defs: Vec<(&str, OGRFieldType::Type)> =
                names.iter().zip(&keys).map(|(n, k)| (n.as_str(), field_type(&l.features, k))).collect();
            layer.create_defn_fields(&defs).map_err(|e| err(&final_path, e))?;
            for (props, geom) in &l.features {
                let mut f = Feature::new(layer.defn()).map_err(|e| err(&final_path, e))?;
                for (i, (k, (_, ty))) in keys.iter().zip(&defs).enumerate() {
                    let v = match (props.get(k), *ty) {
                        (None | Some(Value::Null), _) => continue,
                        (Some(Value::Bool(b)), _) => FieldValue::IntegerValue(i32::from(*b)),
                        (Some(Value::Number(n)), OGRFieldType::OFTInteger64) => {
                            FieldValue::Integer64Value(n.as_i64().unwrap_or_default())
                        }
                        (Some(Value::Number(n)), OGRFieldType::OFTReal) => {
                            FieldValue::RealValue(n.as_f64().unwrap_or(f64::NAN))
                        }
                        (Some(Value::String(s)), _) => FieldValue::StringValue(s.clone()),
                        (Some(other), _) => FieldValue::StringValue(other.to_string()),
                    };
                    f.set_field(i, &v).map_err(|e| err(&final_path, e))?;
                }
                if let Some(g) = geom {
                    let g = match g {
                        OutGeometry::MultiPolygon(m) => m.to_gdal(),
                        OutGeometry::Combined(parts) => {
                            geo::MultiPolygon(parts.iter().flat_map(|m| m.iter().cloned()).collect()).to_gdal()
                        }
                        OutGeometry::LineString(line) => line.to_gdal(),
                    };
                    f.set_geometry(g.map_err(|e| err(&final_path, e))?).map_err(|e| err(&final_path, e))?;
                }
                f.create(&layer).map_err(|e| err(&final_path, e))?;
            }
        }
    }
    // replace the previous result only now that the new one is whole
    let _ = std::fs::remove_file(&final_path);
    let _ = std::fs::remove_dir_all(&final_path);
    std::fs::rename(&tmp_path, &final_path).map_err(|e| err(&final_path, e))?;
    Ok(mapping)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapefile_names_are_short_and_unique() {
        let n = shapefile_names(&["restricted_mu", "restricted_share", "e1_output_wan", "park_id"]);
        assert_eq!(n, ["restricted", "restrict_1", "e1_output_", "park_id"]);
    }
}
