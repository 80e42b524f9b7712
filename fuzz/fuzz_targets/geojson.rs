//! The GeoJSON loader on arbitrary bytes: never a panic; every feature it
//! yields goes through validation.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = yuanqu::layers::geojson::read(data, "fuzz.geojson", &yuanqu::layers::validate, &mut |f| {
        if let Ok(g) = &f.geometry {
            let _ = yuanqu::geom::validate::check(g);
        }
    });
});
