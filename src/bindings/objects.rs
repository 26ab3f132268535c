//! Plain JavaScript objects and arrays, for the cold data that crosses the boundary as typed
//! structures (snapshots, transitions, Step Functions retriers, environment maps).

#[cfg(feature = "infra")]
use js_sys::Array;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

pub fn set(object: &Object, key: &str, value: &JsValue) {
    // Setting a plain property on a fresh object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

#[cfg(feature = "infra")]
pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Array {
    items.into_iter().map(JsValue::from_str).collect()
}

/// `{ name: value }` for each option that is set, in the engine's order of `names`.
#[cfg(feature = "overload")]
pub fn options_object(names: &[&str], values: &[Option<f64>]) -> Object {
    let object = Object::new();
    for (name, value) in names.iter().zip(values) {
        if let Some(value) = value {
            set(&object, name, &JsValue::from_f64(*value));
        }
    }
    object
}
